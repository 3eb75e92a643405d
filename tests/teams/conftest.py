from collections.abc import AsyncIterator, Iterator

import pytest

from adapters.teams.transport import SDKS
from tests.teams.connector import RecordingConnector
from tests.teams.jwt_issuer import TokenIssuer


@pytest.fixture
async def connector() -> AsyncIterator[RecordingConnector]:
    """A recording Bot Framework Connector API on 127.0.0.1 (put `connector.url` in serviceUrl)."""
    async with RecordingConnector() as running:
        yield running


@pytest.fixture
def token_issuer() -> Iterator[TokenIssuer]:
    """A Bot Framework token issuer (OpenID metadata + JWKS) on 127.0.0.1, in its own thread."""
    issuer = TokenIssuer()
    issuer.start()
    try:
        yield issuer
    finally:
        issuer.stop()


@pytest.fixture(params=SDKS)
def teams_sdk(request: pytest.FixtureRequest) -> str:
    """The Teams transport (TEAMS_SDK) a test runs on: every test that takes it runs on each."""
    return str(request.param)
