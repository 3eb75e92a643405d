"""A campaign exported for partners: one persona from all its reports, in STIX 2.1 (validated)
and MISP, with a TLP marking, never a reporter, and the export audited on each report."""

from __future__ import annotations

import json

import stix2
from pymisp import MISPEvent

from tests.campaigns.support import arrives, campaigns_json
from tests.triage.support import audit_trail

AMANDA = "https://www.linkedin.com/in/amanda-qiu-br-yr"


async def test_a_campaign_is_one_persona_in_stix_and_misp_without_its_reporters(uow_factory, run):
    a = await arrives(uow_factory, 0, name_used="Amanda Qiu", profile_urls=[AMANDA])
    b = await arrives(uow_factory, 1, profile_urls=[AMANDA], emails=["amanda@br-yr.example"])
    [campaign] = await campaigns_json(run)

    code, out, err = await run(
        "campaigns", "export", str(campaign["id"]), "--format", "stix", "--tlp", "TLP:GREEN"
    )
    assert (code, err) == (0, ""), err
    bundle = stix2.parse(out, allow_custom=True)
    kinds = [o.type for o in bundle.objects]
    assert kinds.count("grouping") == 1 and "indicator" in kinds
    assert f"Tipline campaign {campaign['id']}" in out and "amanda@br-yr.example" in out
    assert a.reporter.user_id not in out and b.reporter.user_id not in out, "no reporter in it"
    assert "TLP:GREEN" in out or "34098fce-860f-48ae-8e50-ebd3cc5e41da" in out  # the TLP:GREEN marking

    code, out, err = await run("campaigns", "export", str(campaign["id"]), "--format", "misp")
    assert code == 0, err
    event = MISPEvent()
    event.from_dict(**json.loads(out))
    assert any(a.value == "amanda@br-yr.example" for a in event.attributes + [
        attr for obj in event.objects for attr in obj.attributes
    ])  # fmt: skip
    for report in (a, b):
        trail = await audit_trail(uow_factory, report.reference)
        assert [e.detail["format"] for e in trail if e.action == "report.shared"] == ["stix", "misp"]


async def test_an_unknown_campaign_is_named_and_nothing_is_written(run):
    code, out, err = await run("campaigns", "export", "99", "--format", "stix")
    assert code == 1 and out == "" and "99" in err
