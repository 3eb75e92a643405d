"""`app.py reports export --format stix|misp REF...`: the command around bot.sharing."""

from __future__ import annotations

import json
import os
import stat

import pytest
import stix2
from pymisp import MISPEvent

from adapters.cli.parser import build_parser
from bot.report import Report
from bot.sharing import Tlp
from bot.sharing.settings import SharingSettings
from tests.cli_fixtures import run_with
from tests.factories import make_report
from tests.sharing.reports import IDENTITY_CANARIES, canaried_report
from tests.triage.support import OUTSIDER, refusals


@pytest.fixture
async def two(uow_factory) -> list[Report]:
    reports = [
        canaried_report(),
        make_report(contact=make_report().contact.model_copy(update={"name_used": "Bo"})),
    ]
    async with uow_factory() as uow:
        for report in reports:
            await uow.reports.add(report)
        await uow.commit()
    return reports


async def test_stix_of_two_reports_to_the_screen(run, two):
    code, out, err = await run("reports", "export", "--format", "stix", two[0].reference, two[1].reference)

    assert (code, err) == (0, "")
    parsed = stix2.parse(out)
    assert len([o for o in parsed.objects if o.type == "grouping"]) == 2
    assert {o.definition.tlp for o in parsed.objects if o.type == "marking-definition"} == {"amber"}


async def test_references_are_read_as_typed_and_each_is_exported_once(run, two):
    loose = two[0].reference.lower().removeprefix("tip-")
    code, out, _ = await run("reports", "export", "--format", "stix", loose, two[0].reference)
    assert code == 0
    assert len([o for o in json.loads(out)["objects"] if o["type"] == "grouping"]) == 1


async def test_misp_of_one_report_is_one_event_and_of_two_a_list(run, two):
    code, out, _ = await run("reports", "export", "--format", "misp", two[0].reference)
    assert code == 0
    one = MISPEvent()
    one.load(out)
    assert "tlp:amber" in [t.name for t in one.tags]

    code, out, _ = await run("reports", "export", "--format", "misp", two[0].reference, two[1].reference)
    documents = json.loads(out)
    assert code == 0 and [list(d) for d in documents] == [["Event"], ["Event"]]


async def test_the_tlp_flag_and_setting(triage, uow_factory, clock, two):
    green = SharingSettings(tlp=Tlp.GREEN)
    ref = two[0].reference
    code, out, _ = await run_with(
        triage, uow_factory, clock, green, "reports", "export", "--format", "stix", ref
    )
    assert code == 0 and '"tlp": "green"' in out
    code, out, _ = await run_with(
        triage, uow_factory, clock, green, "reports", "export", "--format", "stix", "--tlp", "TLP:RED", ref
    )
    assert code == 0 and '"tlp": "red"' in out and '"tlp": "green"' not in out


async def test_the_organisation_setting_names_who_sighted_it(triage, uow_factory, clock, two):
    settings = SharingSettings(organisation="Department of Examples")
    code, out, _ = await run_with(triage, uow_factory, clock, settings, "reports", "export", "--format",
                                  "stix", two[0].reference)  # fmt: skip
    assert code == 0
    objects = json.loads(out)["objects"]
    [sighting] = [o for o in objects if o["type"] == "sighting"]
    [org] = [o for o in objects if o["id"] == sighting["where_sighted_refs"][0]]
    assert org["name"] == "Department of Examples"


async def test_the_flags_choose_threat_actor_and_narrative(run, two):
    ref = two[0].reference
    code, out, _ = await run("reports", "export", "--format", "stix", "--as-threat-actor", ref)
    assert code == 0 and '"type": "threat-actor"' in out and "reporter-narrative" not in out
    code, out, _ = await run("reports", "export", "--format", "stix", "--include-narrative", ref)
    assert code == 0 and "reporter-narrative" in out
    for canary in IDENTITY_CANARIES.values():
        assert canary not in out


async def test_stix_and_misp_need_references(run, two):
    code, out, err = await run("reports", "export", "--format", "stix")
    assert (code, out) == (1, "")
    assert "Name the reports to share" in err


async def test_an_unknown_reference_refuses_the_whole_export_and_writes_no_file(run, two, tmp_path):
    target = tmp_path / "bundle.json"
    code, out, err = await run(
        "reports", "export", "--format", "stix", "--output", str(target), two[0].reference, "TIP-2222ZZ"
    )
    assert (code, out) == (1, "")
    assert "TIP-2222ZZ" in err
    assert not target.exists()


async def test_export_to_a_file_is_private_and_says_what_it_wrote(run, two, tmp_path):
    target = tmp_path / "bundle.json"
    code, out, err = await run(
        "reports", "export", "--format", "stix", "--output", str(target), two[0].reference
    )
    assert (code, out) == (0, "")
    assert err == f"Exported 1 report as stix (TLP:AMBER) to {target}.\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    stix2.parse(target.read_text())


async def test_an_outsider_gets_no_bundle_and_the_attempt_is_recorded(run, two, engine, tmp_path):
    target = tmp_path / "bundle.json"
    code, out, err = await run(
        "reports", "export", "--format", "misp", "--output", str(target), two[0].reference, actor=OUTSIDER
    )
    assert (code, out) == (1, "")
    assert err.startswith("cli:mallory is not a member of the security team")
    assert not target.exists()
    assert [r.detail["attempted"] for r in await refusals(engine)] == ["export"]


async def test_sharing_flags_with_json_are_refused(run, two):
    code, out, err = await run("reports", "export", "--format", "json", "--as-threat-actor")
    assert (code, out) == (1, "")
    assert "--format stix or misp" in err


async def test_json_and_csv_can_be_limited_to_the_named_reports(run, two):
    code, out, _ = await run("reports", "export", "--format", "json", two[1].reference)
    assert code == 0 and [d["reference"] for d in json.loads(out)] == [two[1].reference]


def test_a_tlp_that_is_not_one_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["reports", "export", "--format", "stix", "--tlp", "purple", "TIP-2222ZZ"])
    assert exited.value.code == 2
    assert "'purple' is not a TLP level" in capsys.readouterr().err


async def test_the_narrative_leaves_out_who_the_reporter_is_even_in_their_own_words(run, uow_factory):
    name = IDENTITY_CANARIES["reporter.display_name"]
    number = IDENTITY_CANARIES["contact_preference.detail"]
    role = IDENTITY_CANARIES["reporter_role"]
    report = canaried_report(
        what_happened=f"I am {name}, {role.lower()}. A recruiter wrote. Call me on {number}. Canary-told-9",
        offered_detail=f"A fee, paid to {name}",
    )
    async with uow_factory() as uow:
        await uow.reports.add(report)
        await uow.commit()
    for fmt in ("stix", "misp"):
        code, out, _ = await run(
            "reports", "export", "--format", fmt, "--include-narrative", report.reference
        )
        assert code == 0
        assert "Canary-told-9" in out and "A recruiter wrote." in out, fmt
        for where, canary in IDENTITY_CANARIES.items():
            assert canary.lower() not in out.lower(), (fmt, where)
