"""A report's STIX bundle as a file for the security team's channel, whatever the platform.

The chat adapters call `stix_file` when a member of the security team asks for the bundle from
a report's inbox card, then hand the bytes to their platform (Slack's file upload, Teams'
attachment). Membership is checked, and a refusal audited, by the triage service, exactly as
for the card's other actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.actors import Actor
from bot.sharing.settings import SharingSettings
from bot.sharing.stix import StixOptions, bundle, problems
from bot.sharing.subject import Subject, from_report, from_reports
from bot.triage import TriageError, TriageService

if TYPE_CHECKING:
    from bot.campaigns.service import CampaignService

STIX_MEDIA_TYPE = "application/stix+json;version=2.1"  # STIX 2.1's registered media type


@dataclass(frozen=True)
class SharedFile:
    name: str  # e.g. TIP-7K3Q9D.stix.json
    content: bytes
    media_type: str
    title: str  # words for the channel: what the file is and its marking


async def stix_file(
    triage: TriageService, actor: Actor, reference: str, settings: SharingSettings
) -> SharedFile:
    """The report's bundle with the default marking, the persona as an identity, no narrative:
    what the CLI writes for `reports export --format stix REF`. Raises NotAllowed for anyone not
    on the security team (audited as "share.stix"), TriageError for an unknown report."""
    await triage.check_member(actor, "share.stix", reference)
    report = await triage.get(reference, actor)
    subject = from_report(report, phone_region=settings.phone_region)
    return _file(subject, report.reference, report.reference, settings)


@dataclass(frozen=True)
class SharedCampaign:
    file: SharedFile
    references: tuple[str, ...]  # the reports it holds: the export is audited on each


async def campaign_stix_file(
    triage: TriageService,
    campaigns: CampaignService,
    actor: Actor,
    campaign_id: int,
    settings: SharingSettings,
) -> SharedCampaign:
    """The campaign's bundle, its reports as one persona, as `campaigns export ID --format stix`
    writes it. Raises NotAllowed for anyone not on the security team (audited as "share.stix"),
    TriageError for an unknown campaign."""
    from bot.campaigns.service import CampaignError

    await triage.check_member(actor, "share.stix")
    try:
        campaign = await campaigns.show(campaign_id, actor)
    except CampaignError as exc:
        raise TriageError(str(exc)) from None
    if not campaign.references:
        raise TriageError(f"Campaign {campaign_id} holds no reports: there is nothing to share.")
    reports = [await triage.get(reference, actor) for reference in campaign.references]
    subject = from_reports(
        f"campaign:{campaign.id}",
        f"Tipline campaign {campaign.id}: {campaign.title}",
        reports,
        phone_region=settings.phone_region,
    )
    name = f"campaign-{campaign.id}"
    return SharedCampaign(_file(subject, name, f"campaign {campaign.id}", settings), campaign.references)


def _file(subject: Subject, name: str, shown: str, settings: SharingSettings) -> SharedFile:
    text = bundle([subject], StixOptions(settings.tlp, settings.organisation)).serialize(pretty=True)
    found = problems(text)
    if found:  # never expected; a partner's platform would refuse it, so none is handed out
        raise TriageError("The STIX bundle did not pass the validator, so it was not shared.")
    return SharedFile(
        name=f"{name}.stix.json",
        content=(text + "\n").encode(),
        media_type=STIX_MEDIA_TYPE,
        title=f"STIX 2.1 bundle for {shown} ({settings.tlp.label}; the reporter is not in it)",
    )
