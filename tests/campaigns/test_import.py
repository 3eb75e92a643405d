"""`reports import FILE`: the export's own JSON (an array, or JSON lines) in, all or nothing,
mistakes named by line and field, nothing delivered, and a second import adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.report import Contact
from tests.campaigns.support import campaigns_json
from tests.cli.test_reports import REFUSED
from tests.factories import CREATED_AT, make_report
from tests.triage.support import OUTSIDER, audit_trail, outbox, refusals, reporter_pushes

AMANDA = "https://www.linkedin.com/in/amanda-qiu-4b1a"


def earlier_reports():
    """Three reports from another system: two about one persona, one not."""
    return [
        make_report(contact=Contact(name_used="Amanda Qiu", profile_urls=[AMANDA]), routed_to=["file"]),
        make_report(
            contact=Contact(profile_urls=["uk.linkedin.com/in/amanda-qiu-4b1a/"]), routed_to=["file"]
        ),
        make_report(contact=Contact(emails=["someone@elsewhere.example"]), routed_to=["file"]),
    ]


def as_array(reports) -> str:
    return json.dumps([r.model_dump(mode="json") for r in reports], indent=2)


def as_lines(reports) -> str:
    return "\n".join(json.dumps(r.model_dump(mode="json")) for r in reports) + "\n"


@pytest.mark.parametrize("write", [as_array, as_lines], ids=["array", "json-lines"])
async def test_imported_reports_are_indexed_linked_and_never_delivered(tmp_path, uow_factory, run, write):
    reports = earlier_reports()
    path = tmp_path / "earlier.json"
    path.write_text(write(reports))

    code, out, err = await run("reports", "import", str(path))

    assert (code, err) == (0, "")
    assert out == (
        "Imported 3 reports. 2 of them are in campaigns (see `campaigns list`).\n"
        "Nothing was sent to the security inbox and no reporter was messaged: imported reports are history.\n"
    )
    [campaign] = await campaigns_json(run)
    assert set(campaign["references"]) == {reports[0].reference, reports[1].reference}
    assert campaign["first_seen"] == CREATED_AT.isoformat()  # the reports keep their own times
    assert await outbox(uow_factory) == [] and await reporter_pushes(uow_factory) == []
    [found] = [
        line for line in (await run("reports", "find", "someone@elsewhere.example"))[1].splitlines()[2:3]
    ]
    assert found.startswith(reports[2].reference)
    [event] = await audit_trail(uow_factory, reports[2].reference)
    assert (event.action, event.actor) == ("report.imported", "cli:alice")


async def test_importing_the_same_file_again_adds_nothing(tmp_path, uow_factory, run):
    path = tmp_path / "earlier.json"
    path.write_text(as_array(earlier_reports()))
    await run("reports", "import", str(path))
    before = await campaigns_json(run)

    code, out, _ = await run("reports", "import", str(path))

    assert code == 0
    assert out.startswith("Imported 0 reports; 3 already here, left as they were. 0 of them are in campaigns")
    assert await campaigns_json(run) == before
    assert len((await run("reports", "list"))[1].splitlines()) == 2 + 3


async def test_a_mistake_is_named_by_line_and_field_and_nothing_is_added(tmp_path, uow_factory, run):
    reports = earlier_reports()
    documents = [r.model_dump(mode="json") for r in reports]
    documents[1]["contact"]["emails"] = ["not an address"]
    documents[2]["created_at"] = "yesterday"
    path = tmp_path / "earlier.json"
    path.write_text(json.dumps(documents, indent=2))
    text = path.read_text().splitlines()
    email_line = next(n for n, line in enumerate(text, 1) if "not an address" in line)
    created_line = next(n for n, line in enumerate(text, 1) if '"yesterday"' in line)

    code, out, err = await run("reports", "import", str(path))

    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == f"tipline: {path}: nothing was imported; fix these and try again:"
    assert lines[1].startswith(
        f"  line {email_line - 1}: contact.emails.0: value is not a valid email address"
    )
    assert lines[2].startswith(f"  line {created_line}: created_at: Input should be a valid datetime")
    assert (await run("reports", "list"))[1] == "No reports yet.\n"


async def test_json_lines_name_the_line_and_a_repeated_reference(tmp_path, run):
    [a, b, _] = earlier_reports()
    broken = b.model_dump(mode="json") | {"channel": "carrier pigeon"}
    path = tmp_path / "earlier.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(a.model_dump(mode="json")),
                json.dumps(broken),
                "",
                json.dumps(a.model_dump(mode="json")),
            ]
        )
    )

    code, _, err = await run("reports", "import", str(path))

    assert code == 1
    assert err.splitlines()[1].startswith("  line 2: channel: Input should be")
    assert err.splitlines()[2] == f"  line 4: reference: {a.reference} is in the file twice (line 1)"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[{}, ", "  line 1: not valid JSON (Expecting value)"),
        ("", "  line 1: the file holds no reports"),
        ("[1]", "  line 1: should be a report (a JSON object of fields)"),
        ('{"reference": "TIP-222222"\n', "  line 1: not valid JSON (Expecting ',' delimiter)"),
    ],
)
async def test_a_file_that_is_not_reports_is_refused_kindly(tmp_path, run, text, problem):
    path = tmp_path / "earlier.json"
    path.write_text(text)
    code, _, err = await run("reports", "import", str(path))
    assert code == 1 and err.splitlines()[1] == problem


async def test_only_the_security_team_may_import_and_the_file_is_not_read_otherwise(tmp_path, engine, run):
    path = tmp_path / "earlier.json"
    path.write_text(as_array(earlier_reports()))

    assert await run("reports", "import", str(path), actor=OUTSIDER) == (1, "", REFUSED)
    assert [r.detail["attempted"] for r in await refusals(engine)] == ["reports.imported"]
    assert (await run("reports", "list"))[1] == "No reports yet.\n"
    assert await run("reports", "import", str(Path(tmp_path / "missing.json"))) == (
        1,
        "",
        f"tipline: {tmp_path / 'missing.json'}: cannot read the file (No such file or directory).\n",
    )
