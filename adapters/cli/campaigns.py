"""`app.py campaigns ...`: the reports about one persona or cover company, and the team's
decisions about them. Each command takes the campaign service, prints to `out`, complains on
`err` and returns the exit code; the service checks membership and audits every decision."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from adapters.cli.terminal import print_table, safe, when, words
from bot.actors import Actor
from bot.campaigns.service import CampaignError, CampaignService
from bot.campaigns.views import CampaignView


async def run_campaigns(
    args: argparse.Namespace, service: CampaignService, actor: Actor, out: TextIO, err: TextIO
) -> int:
    action = args.campaigns_command
    try:
        if action == "list":
            return _list(await service.list(actor), args.format, out)
        if action == "show":
            _show(await service.show(args.id, actor), out)
            return 0
        if action == "confirm":
            done = await service.confirm(args.id, actor)
            print(f"Campaign {done.id} confirmed; new reports about it keep joining it.", file=out)
        elif action == "dismiss":
            done = await service.dismiss(args.id, actor)
            print(
                f"Campaign {done.id} dismissed: its reports stay as they are and nothing joins it.", file=out
            )
        elif action == "rename":
            done = await service.rename(args.id, args.title, actor)
            print(f"Campaign {done.id} is now called {safe(done.title)}.", file=out)
        elif action == "split":
            done = await service.split(args.id, args.references, actor)
            moved = ", ".join(done.references)
            print(
                f"{moved} moved out of campaign {args.id} into campaign {done.id}. Automatic linking will "
                "not put them back together.",
                file=out,
            )
        elif action == "link-earlier":
            joined = await service.link_earlier(actor)
            print(f"{joined} earlier report{'' if joined == 1 else 's'} joined a campaign.", file=out)
        elif action == "merge":
            done = await service.merge(args.id, args.others, actor)
            print(f"Campaign {done.id} now holds {len(done.references)} reports.", file=out)
        else:
            raise ValueError(f"unknown campaigns action {action!r}")
    except CampaignError as exc:
        print(f"tipline: {safe(str(exc))}", file=err)
        return 1
    return 0


def _list(campaigns: list[CampaignView], fmt: str, out: TextIO) -> int:
    if fmt == "json":
        json.dump([c.as_json() for c in campaigns], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if not campaigns:
        print("No campaigns yet: one forms when two reports are about the same persona.", file=out)
        return 0
    rows = [
        [
            str(c.id),
            safe(c.title)[:60],
            words(c.status.value),
            str(len(c.references)),
            when(c.first_seen),
            when(c.last_seen),
        ]
        for c in campaigns
    ]
    print_table(["ID", "TITLE", "STATUS", "REPORTS", "FIRST SEEN", "LAST SEEN"], rows, out)
    return 0


def _show(campaign: CampaignView, out: TextIO) -> None:
    decided = ", decided by the security team" if campaign.decided else ""
    print(
        f"Campaign {campaign.id}: {safe(campaign.title)}  ({words(campaign.status.value)}{decided})", file=out
    )
    count = len(campaign.references)
    print(
        f"  {count} report{'' if count == 1 else 's'}, first {when(campaign.first_seen)}, "
        f"last {when(campaign.last_seen)}",
        file=out,
    )
    print("\nReports", file=out)
    for reference in campaign.references:
        print(f"  {reference}", file=out)
    print("\nIndicators", file=out)
    for indicator in campaign.indicators:
        print(f"  {indicator.kind}: {safe(indicator.value)}  (in {indicator.reports})", file=out)
    print("\nWhy they are linked", file=out)
    if not campaign.links:
        print("  Put together by the security team.", file=out)
    for link in campaign.links:
        print(f"  {link.reference_a} - {link.reference_b}  (strength {link.strength:.2f})", file=out)
        for evidence in link.evidence:
            print(f"      {evidence.kind}: {safe(evidence.shown)}  ({evidence.strength:.2f})", file=out)
