"""Sharing, end to end: a report typed through the real console chat, exported by the real
`app.py reports export --format stix|misp` in a subprocess; what the reporter typed about
themselves never leaves, and what they told us leaves only with --include-narrative."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import stix2
import stix2validator
from pymisp import MISPEvent

from bot.report import Report
from bot.sharing import Tlp, from_report
from bot.sharing.stix import StixOptions, bundle
from storage.db import create_engine, unit_of_work_factory
from tests.e2e.console import app_env, run_app
from tests.flows.helpers import FULL
from tests.keys import TEST_SEALER

USER = "canary-user-8812"  # who the reporter is, as the console knows them
TOLD = "Canary-told-5519"  # in what happened: the reporter's narrative
OFFERED = "Canary-offer-3307"  # the detail of what was offered: narrative too
KEPT = "Canary-kept-6120"  # where they keep the evidence: never shared


@pytest.fixture(scope="module")
def reported(tmp_path_factory, request) -> tuple[Path, dict[str, str], str]:
    """One report typed at the console (module-scoped: the chat subprocess is the slow part)."""
    workdir = tmp_path_factory.mktemp("sharing")
    database = f"sqlite+aiosqlite:///{workdir / 'tipline.db'}"
    env = app_env(workdir, database, SHARING_ORGANISATION="Example Department")
    answers = list(FULL)
    answers[0] = f"{FULL[0]} {TOLD}"
    answers[17] = f"{FULL[17]} {OFFERED}"
    answers[23] = f"{FULL[23]} {KEPT}"
    chat = "\n".join([*answers, "send"]) + "\n"
    done = run_app(workdir, env, "chat", "--user", USER, stdin=chat, timeout=240)
    assert done.returncode == 0, done.stderr
    reference = done.stdout.split("Your reference is ")[1][:10]
    stored = asyncio.run(_stored(database, reference))
    # The canaries went in where the reporter typed them, and the reporter is who the chat says.
    assert TOLD in stored.what_happened and OFFERED in (stored.offered_detail or "")
    assert KEPT in (stored.evidence.kept_where or "") and stored.reporter.user_id == USER
    return workdir, env, reference


async def _stored(database: str, reference: str) -> Report:
    engine = create_engine(database)
    try:
        async with unit_of_work_factory(engine, TEST_SEALER)() as uow:
            report = await uow.reports.get(reference)
    finally:
        await engine.dispose()
    assert report is not None
    return report


def test_the_stix_bundle_of_a_console_report_is_valid_and_reporter_free(reported):
    workdir, env, reference = reported
    done = run_app(
        workdir, env, "reports", "export", "--format", "stix", "--as-threat-actor", reference, timeout=240
    )

    assert done.returncode == 0, done.stderr
    parsed = stix2.parse(done.stdout)
    result = stix2validator.validate_string(done.stdout)
    assert result.is_valid and result.errors == []
    for canary in (USER, TOLD, OFFERED, KEPT):
        assert canary not in done.stdout
    [actor] = [o for o in parsed.objects if o.type == "threat-actor"]
    assert actor.name == "Anna Smith"
    patterns = {o.pattern for o in parsed.objects if o.type == "indicator"}
    assert "[url:value = 'https://www.linkedin.com/in/anna-smith-123']" in patterns
    assert "[email-addr:value = 'anna@gip-consult.com']" in patterns
    [sighting] = [o for o in parsed.objects if o.type == "sighting"]
    [org] = [o for o in parsed.objects if o.id == sighting.where_sighted_refs[0]]
    assert org.name == "Example Department"

    # What the command wrote is the bundle of the stored report, as the code makes it (and the
    # code gives the same bundle every time: tests/sharing).
    stored = asyncio.run(_stored(env["DATABASE_URL"], reference))
    options = StixOptions(Tlp.AMBER, "Example Department", as_threat_actor=True)
    assert done.stdout == bundle([from_report(stored)], options).serialize(pretty=True) + "\n"


def test_the_narrative_is_shared_only_when_asked_and_never_who_told_it(reported):
    workdir, env, reference = reported
    done = run_app(
        workdir, env, "reports", "export", "--format", "stix", "--include-narrative", reference, timeout=240
    )

    assert done.returncode == 0, done.stderr
    assert TOLD in done.stdout and OFFERED in done.stdout
    assert USER not in done.stdout and KEPT not in done.stdout
    assert stix2validator.validate_string(done.stdout).is_valid


def test_the_misp_event_of_a_console_report_loads_and_is_reporter_free(reported, tmp_path):
    workdir, env, reference = reported
    target = tmp_path / "event.json"
    done = run_app(
        workdir,
        env,
        "reports",
        "export",
        "--format",
        "misp",
        "--tlp",
        "green",
        "--output",
        str(target),
        reference,
        timeout=240,
    )

    assert done.returncode == 0, done.stderr
    assert f"Exported 1 report as misp (TLP:GREEN) to {target}." in done.stderr
    text = target.read_text()
    event = MISPEvent()
    event.load(text)
    assert "tlp:green" in [t.name for t in event.tags]
    assert {"identity", "user-account", "email", "phone-number"} <= {o.name for o in event.objects}
    for canary in (USER, TOLD, OFFERED, KEPT):
        assert canary not in text
