"""Reports from another system (or an earlier Tipline): a JSON array or JSON lines, one report
each, in the form `reports export --format json` writes (the model's own JSON).

All or nothing: the whole file is read and checked first, every mistake named by its line and
field, and nothing is added unless all is well. Idempotent by reference: a report already here
is left alone, so importing a file twice adds nothing. Imported reports are indexed and linked
into campaigns as if they had just arrived, oldest first; nothing is queued for delivery and no
reporter is messaged: this is history, not news.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from bot.actors import Actor
from bot.campaigns.linking import link_report
from bot.normalise import DEFAULT_PHONE_REGION
from bot.ports import AuditEvent, UnitOfWorkFactory
from bot.report import Report

log = logging.getLogger(__name__)

MAX_REPORTS = 100_000
_MAX_PROBLEMS = 20
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"\s*")


class ReportFileError(ValueError):
    """What is wrong with the file, and where; nothing was added."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class _Item:
    line: int
    text: str  # the item's JSON, to find a field's line in
    value: object


def read_reports(text: str) -> list[Report]:
    """Every report in the file, checked; ReportFileError names every mistake (the first 20)."""
    items = _items(text)
    if len(items) > MAX_REPORTS:
        raise ReportFileError([f"the file has more than {MAX_REPORTS} reports; split it"])
    reports: list[Report] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for item in items:
        if not isinstance(item.value, dict):
            problems.append(f"line {item.line}: should be a report (a JSON object of fields)")
            continue
        try:
            report = Report.model_validate(item.value)
        except ValidationError as exc:
            problems += [_problem(item, error["loc"], error["msg"]) for error in exc.errors()]
            continue
        if report.reference in seen:
            first = seen[report.reference]
            problems.append(
                f"line {item.line}: reference: {report.reference} is in the file twice (line {first})"
            )
            continue
        seen[report.reference] = item.line
        reports.append(report)
    if problems:
        more = len(problems) - _MAX_PROBLEMS
        raise ReportFileError(problems[:_MAX_PROBLEMS] + ([f"and {more} more"] if more > 0 else []))
    return reports


def _items(text: str) -> list[_Item]:
    start = _SPACE.match(text)
    position = start.end() if start else 0
    if text.startswith("[", position):
        return _array(text, position + 1)
    return _lines(text)


def _array(text: str, position: int) -> list[_Item]:
    items: list[_Item] = []
    while True:
        position = _skip(text, position)
        if text.startswith("]", position):
            if _skip(text, position + 1) != len(text):
                raise ReportFileError([f"line {_line(text, position + 1)}: nothing may follow the array's ]"])
            return items
        if items:
            if not text.startswith(",", position):
                raise ReportFileError([f"line {_line(text, position)}: expected , or ] between reports"])
            position = _skip(text, position + 1)
        try:
            value, end = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise ReportFileError([f"line {exc.lineno}: not valid JSON ({exc.msg})"]) from None
        items.append(_Item(_line(text, position), text[position:end], value))
        position = end


def _lines(text: str) -> list[_Item]:
    items: list[_Item] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(_Item(number, line, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ReportFileError([f"line {number}: not valid JSON ({exc.msg})"]) from None
    if not items:
        raise ReportFileError(["line 1: the file holds no reports"])
    return items


def _problem(item: _Item, loc: Sequence[int | str], message: str) -> str:
    field = ".".join(str(part) for part in loc) or "report"
    return f"line {item.line + _field_line(item.text, loc)}: {field}: {message}"


def _field_line(text: str, loc: Sequence[int | str]) -> int:
    """How many lines into the item the field named by `loc` starts (0 when not found)."""
    position = 0
    for part in loc:
        if isinstance(part, str):
            found = text.find(json.dumps(part) + ":", position)
            if found < 0:
                found = text.find(json.dumps(part), position)
            if found < 0:
                break
            position = found
    return text.count("\n", 0, position)


def _skip(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


@dataclass(frozen=True)
class Imported:
    added: tuple[str, ...]
    already_here: tuple[str, ...]
    in_campaigns: int  # of the added, how many are now in a campaign


@dataclass
class ReportImport:
    unit_of_work: UnitOfWorkFactory
    clock: Callable[[], datetime]
    region: str = DEFAULT_PHONE_REGION

    async def run(self, reports: Sequence[Report], actor: Actor) -> Imported:
        """In one transaction; the caller has checked that `actor` is on the security team."""
        now = self.clock()
        ordered = sorted(reports, key=lambda r: (r.created_at, r.reference))
        async with self.unit_of_work() as uow:
            here = await uow.reports.exists([r.reference for r in ordered])
            added: list[str] = []
            for report in ordered:
                if report.reference in here:
                    continue
                await uow.reports.add(report)
                await uow.audit.add(
                    AuditEvent(
                        at=now,
                        actor=actor.id,
                        platform=actor.platform,
                        action="report.imported",
                        report_reference=report.reference,
                        detail={"revision": report.revision},
                    )
                )
                await link_report(uow, report, now, self.region)
                added.append(report.reference)
            in_campaigns = len(await uow.campaigns.memberships(added))
            await uow.commit()
        log.info("imported %d reports (%d already here)", len(added), len(ordered) - len(added))
        already = tuple(r.reference for r in ordered if r.reference in here)
        return Imported(tuple(added), already, in_campaigns)
