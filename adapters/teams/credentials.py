"""botbuilder's credentials for the bot's own token, on entra_token.EntraToken (one MSAL client
and one cached token per app id and scope, fetched off the event loop).

botbuilder's PasswordServiceClientCredentialFactory builds a new credential, and so a new MSAL
client, for every Connector call: each one fetches Entra's OpenID configuration and a fresh
token, synchronously, on the event loop (msrest signs requests with a blocking call). Here the
factory keeps one credential per app id and scope. `create_credentials`, which botbuilder awaits
before every Connector call, makes sure the credential holds a token good for a while yet;
msrest's synchronous `get_access_token` then only reads it.
"""

from __future__ import annotations

from botframework.connector.auth import MicrosoftAppCredentials, ServiceClientCredentialsFactory

from adapters.teams.entra_token import EntraToken


class EntraCredentials(MicrosoftAppCredentials):  # type: ignore[misc]  # botframework is untyped
    """One app id's credential for one scope, its token kept by an EntraToken."""

    def __init__(
        self,
        app_id: str,
        password: str,
        tenant_id: str | None,
        oauth_scope: str,
        authority: str,
        trusted: bool,
    ) -> None:
        super().__init__(app_id, password, tenant_id, oauth_scope)
        self.oauth_endpoint = authority
        self.token = EntraToken(app_id, password, oauth_scope, authority, trusted)

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self.token.now(force_refresh)

    async def ready(self) -> None:
        await self.token.ready()

    @property
    def fetches(self) -> int:
        return self.token.fetches


class EntraCredentialFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """botbuilder's credentials factory, with one cached credential per app id and scope."""

    def __init__(self, app_id: str, password: str, tenant_id: str | None, *, trusted_login_url: bool) -> None:
        self.app_id = app_id
        self._password = password
        self._tenant_id = tenant_id
        self._trusted = trusted_login_url
        self._credentials: dict[tuple[str, str, str], EntraCredentials] = {}

    def __repr__(self) -> str:  # never print the secret
        return f"EntraCredentialFactory(app_id={self.app_id!r})"

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return not self.app_id

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> MicrosoftAppCredentials:
        if not await self.is_valid_app_id(app_id):
            raise PermissionError("credentials asked for another app id")
        key = (app_id, oauth_scope, login_endpoint)
        credentials = self._credentials.get(key)
        if credentials is None:
            credentials = EntraCredentials(
                app_id, self._password, self._tenant_id, oauth_scope, login_endpoint, self._trusted
            )
            self._credentials[key] = credentials
        await credentials.ready()
        return credentials

    @property
    def fetches(self) -> int:
        return sum(credentials.fetches for credentials in self._credentials.values())
