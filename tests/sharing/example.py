"""The example bundle in docs/sharing.md, written by the code from one made-up report.

`python -m tests.sharing.example` rewrites the example in docs/sharing.md; a test fails when
the doc and the code disagree, so the example is never hand-written and never stale.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from bot.report import (
    ApproachKind,
    AskedFor,
    Channel,
    Contact,
    DetailLevel,
    Frequency,
    Offered,
    Report,
    Reporter,
    Severity,
    Status,
    Timeline,
    YesNoUnsure,
)
from bot.sharing import Tlp, from_report
from bot.sharing.stix import StixOptions, bundle

DOC = Path(__file__).resolve().parents[2] / "docs" / "sharing.md"
_BLOCK = re.compile(
    r"(<!-- example bundle: begin -->\n```json\n)(.*?)(```\n<!-- example bundle: end -->)", re.S
)


def example_report() -> Report:
    return Report(
        reference="TIP-7K3Q9D",
        created_at=datetime(2026, 11, 2, 14, 5, tzinfo=UTC),
        updated_at=datetime(2026, 11, 3, 9, 40, tzinfo=UTC),
        reporter=Reporter(platform="slack", user_id="U0EXAMPLE", display_name="Never Exported"),
        detail_level=DetailLevel.FULL,
        what_happened="A recruiter asked for a paid briefing on our team's work.",
        approach_kinds=[ApproachKind.RECRUITER, ApproachKind.CONSULTANCY],
        channel=Channel.LINKEDIN,
        contact=Contact(
            name_used="Anna Smith",
            profile_urls=["https://uk.linkedin.com/in/anna-smith-123/"],
            organisation="Global Insight Partners",
            emails=["anna@gip-consult.example"],
            phones=["+44 20 7946 0000"],
        ),
        timeline=Timeline(first_contact_on=date(2026, 10, 26), frequency=Frequency.A_FEW_TIMES),
        asked_for=[AskedFor.WHO_WORKS_ON_WHAT, AskedFor.MOVE_OFF_PLATFORM],
        offered=[Offered.MONEY, Offered.TRAVEL],
        reporter_role="Never exported either",
        severity=Severity.MEDIUM,
        status=Status.IN_PROGRESS,
        actions={"replied": YesNoUnsure.YES, "shared_information": YesNoUnsure.NO},
    )


def example_bundle() -> str:
    subject = from_report(example_report())
    return str(
        bundle([subject], StixOptions(Tlp.AMBER, "Example Department Security")).serialize(pretty=True)
    )


def documented_bundle() -> str:
    found = _BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert found, "docs/sharing.md has lost its example bundle markers"
    return found.group(2)


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(
        _BLOCK.sub(lambda m: m.group(1) + example_bundle() + "\n" + m.group(3), text), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
