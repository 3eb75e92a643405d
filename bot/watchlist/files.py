"""Watchlist files: a published alert as YAML (or CSV) in, the watchlist as YAML or CSV out.

All or nothing: the whole file is checked before anything is added, and any mistake is
named by its line and field, so whoever prepared the file can find it. YAML:

    entries:
      - names: ["Amanda Qiu"]
        organisations: ["BR-YR Executive Search"]
        profile_urls: ["https://www.linkedin.com/in/..."]
        source: "MI5 espionage alert to Parliament, 18 November 2025"

CSV has one entry a row, a header naming the same fields, and several values in a cell
separated by ";".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from bot.text_safety import guard_formula, unguard_formula
from bot.watchlist.model import INDICATOR_FIELDS, EntryContent, WatchlistEntry

FIELDS = (*INDICATOR_FIELDS, "source", "source_date", "notes")
CSV_SEPARATOR = ";"
# Columns an export adds, ignored on import so an exported file imports again as it is.
EXPORT_ONLY = ("id", "active", "added_by", "added_at")
MAX_ENTRIES = 10_000


class WatchlistFileError(ValueError):
    """What is wrong with the file, and where; nothing was added."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def read_entries(text: str, filename: str) -> list[EntryContent]:
    """Every entry in the file, checked; WatchlistFileError lists every mistake."""
    if filename.lower().endswith(".csv"):
        return _read_csv(text)
    return _read_yaml(text)


# ---- YAML -------------------------------------------------------------------------------------
def _read_yaml(text: str) -> list[EntryContent]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise WatchlistFileError(
            [f"{where}not valid YAML ({getattr(exc, 'problem', None) or exc})"]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise WatchlistFileError(['line 1: the file needs "entries:", a list of entries'])
    assert isinstance(root, yaml.MappingNode)
    sequence = next(v for k, v in root.value if k.value == "entries")
    assert isinstance(sequence, yaml.SequenceNode)
    if len(data["entries"]) > MAX_ENTRIES:
        raise WatchlistFileError([f"the file has more than {MAX_ENTRIES} entries; split it"])
    entries, problems = [], []
    for number, (raw, node) in enumerate(zip(data["entries"], sequence.value, strict=True), start=1):
        line = node.start_mark.line + 1
        if not isinstance(raw, dict):
            problems.append(f"line {line}: entry {number}: should be a mapping of fields")
            continue
        lines = (
            {k.value: k.start_mark.line + 1 for k, _ in node.value}
            if isinstance(node, yaml.MappingNode)
            else {}
        )
        try:
            entries.append(EntryContent.model_validate(raw))
        except ValidationError as exc:
            problems += [_problem(e, number, line, lines) for e in exc.errors()]
    if problems:
        raise WatchlistFileError(problems)
    return entries


def _problem(error: Any, number: int, line: int, lines: dict[str, int]) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    field = loc[0] if loc else None
    where = lines.get(field, line) if field else line
    message = str(error.get("msg", "not valid")).removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        message = f"unknown field (the fields are: {', '.join(FIELDS)})"
    if error.get("type") == "missing":
        message = "missing: say where this comes from (the alert's title)" if field == "source" else "missing"
    named = f"field {field}: " if field else ""
    return f"line {where}: entry {number}: {named}{message}"


# ---- CSV --------------------------------------------------------------------------------------
def _read_csv(text: str) -> list[EntryContent]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in FIELDS and h not in EXPORT_ONLY]
    if not header or unknown:
        shown = ", ".join(unknown) if unknown else "(none)"
        raise WatchlistFileError([f"line 1: unknown columns {shown} (the columns are: {', '.join(FIELDS)})"])
    entries, problems = [], []
    for number, row in enumerate(reader, start=1):
        line = reader.line_num
        if number > MAX_ENTRIES:
            raise WatchlistFileError([f"the file has more than {MAX_ENTRIES} entries; split it"])
        raw: dict[str, Any] = {}
        for key, value in row.items():
            if key is None:
                problems.append(f"line {line}: entry {number}: more cells than columns")
                continue
            value = (value or "").strip()
            if not value:
                continue
            name = key.strip()
            if name in EXPORT_ONLY:
                continue
            if name in INDICATOR_FIELDS:
                raw[name] = [unguard_formula(v.strip()) for v in value.split(CSV_SEPARATOR) if v.strip()]
            else:
                raw[name] = unguard_formula(value)
        try:
            entries.append(EntryContent.model_validate(raw))
        except ValidationError as exc:
            problems += [_problem(e, number, line, {}) for e in exc.errors()]
    if problems:
        raise WatchlistFileError(problems)
    return entries


# ---- writing ----------------------------------------------------------------------------------
def write_yaml(entries: Sequence[WatchlistEntry]) -> str:
    """Importable again as it is (each entry is already there, so nothing is added)."""
    out = [entry.content.model_dump(mode="json", exclude_defaults=True) for entry in entries]
    return yaml.safe_dump({"entries": out}, sort_keys=False, allow_unicode=True)


def write_csv(entries: Sequence[WatchlistEntry], out: io.TextIOBase | Any) -> None:
    writer = csv.writer(out)
    writer.writerow([*FIELDS, *EXPORT_ONLY])
    for entry in entries:
        content = entry.content
        cells = [CSV_SEPARATOR.join(guard_formula(v) for v in getattr(content, f)) for f in INDICATOR_FIELDS]
        cells += [
            content.source,
            content.source_date.isoformat() if content.source_date else "",
            content.notes or "",
        ]
        cells += [str(entry.id), "yes" if entry.active else "no", entry.added_by, entry.added_at.isoformat()]
        writer.writerow([c if i < len(INDICATOR_FIELDS) else guard_formula(c) for i, c in enumerate(cells)])
