"""`app.py reports export --format stix|misp REF...` and `campaigns export ID --format stix|misp`:
reports for partners, reporter left out (a campaign's reports as one persona).

The reports are read (for the security team only, like every `reports` command) and turned
into reporter-free subjects by bot.sharing before any format sees them; a bundle is checked
by the STIX validator before a byte is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.actors import Actor
from bot.report import Report
from bot.sharing import Tlp, from_report, from_reports
from bot.sharing.misp import MispOptions, document, events
from bot.sharing.settings import SharingSettings
from bot.sharing.stix import StixOptions, bundle, problems
from bot.triage import TriageError, TriageService


@dataclass(frozen=True)
class ShareRequest:
    fmt: str  # "stix" | "misp"
    references: Sequence[str]
    tlp: Tlp
    as_threat_actor: bool = False
    include_narrative: bool = False
    campaign: tuple[int, str] | None = None  # (id, title): the reports are one persona, one subject


async def reports_to_share(triage: TriageService, actor: Actor, references: Sequence[str]) -> list[Report]:
    """Each report named, once, in the order given; any unknown one refuses the whole export."""
    if not references:
        raise TriageError("Name the reports to share, e.g. reports export --format stix TIP-7K3Q9D.")
    reports: dict[str, Report] = {}
    for reference in references:
        report = await triage.get(reference, actor)
        reports.setdefault(report.reference, report)
    return list(reports.values())


def write_shared(
    reports: Sequence[Report], request: ShareRequest, settings: SharingSettings, out: TextIO
) -> None:
    if request.campaign is not None:
        campaign_id, title = request.campaign
        subjects = [
            from_reports(
                f"campaign:{campaign_id}",
                f"Tipline campaign {campaign_id}: {title}",
                reports,
                include_narrative=request.include_narrative,
                phone_region=settings.phone_region,
            )
        ]
    else:
        subjects = [
            from_report(r, include_narrative=request.include_narrative, phone_region=settings.phone_region)
            for r in reports
        ]
    if request.fmt == "stix":
        made = bundle(subjects, StixOptions(request.tlp, settings.organisation, request.as_threat_actor))
        text = made.serialize(pretty=True)
        found = problems(text)
        if found:  # never expected: a partner's platform would reject it, so nothing is written
            raise TriageError("The STIX bundle did not pass the validator: " + "; ".join(found))
        out.write(text + "\n")
    elif request.fmt == "misp":
        documents = [document(e) for e in events(subjects, MispOptions(request.tlp, settings.organisation))]
        # One event is MISP's own import format; several are a list of them.
        json.dump(documents[0] if len(documents) == 1 else documents, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        raise ValueError(f"unknown sharing format {request.fmt!r}")
