"""Reports for other tools: JSON exactly as the model serialises, or one CSV row each.

Both are written oldest first, so a later export reads as the earlier one plus new rows.
Neither is cleaned of control characters: they are for machines, and the JSON must
round-trip. The CSV is guarded against formula injection, because it will be opened in
a spreadsheet and its cells hold whatever a hostile contact chose to call themselves.
"""

from __future__ import annotations

import csv
import json
import types
from collections.abc import Sequence
from typing import Any, TextIO, Union, get_args, get_origin

from pydantic import BaseModel

from bot.report import Report
from bot.text_safety import guard_formula

LIST_SEPARATOR = "; "
# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and
# CR, may shift it into one); OWASP's advice is to prefix an apostrophe.


def write_json(reports: Sequence[Report], out: TextIO) -> None:
    documents = [report.model_dump(mode="json") for report in reports]
    json.dump(documents, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(reports: Sequence[Report], out: TextIO) -> None:
    columns = report_columns()
    # Every cell quoted, so a spreadsheet with another list separator cannot split one into a formula.
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for report in reports:
        document = report.model_dump(mode="json")
        writer.writerow([guard_formula(_cell(_lookup(document, column.split(".")))) for column in columns])


def report_columns() -> list[str]:
    """Every leaf field of Report as a dotted name, in model order (fixed, whatever the data)."""
    return _leaves(Report, "")


def _leaves(model: type[BaseModel], prefix: str) -> list[str]:
    names: list[str] = []
    for name, field in model.model_fields.items():
        nested = _nested_model(field.annotation)
        if nested is None:
            names.append(prefix + name)
        else:
            names.extend(_leaves(nested, f"{prefix}{name}."))
    return names


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside `Model`, `list[Model]` or `Model | None`, if there is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, Union, types.UnionType):
        for arg in get_args(annotation):
            found = _nested_model(arg)
            if found is not None:
                return found
    return None


def _lookup(value: Any, path: list[str]) -> Any:
    # A list of sub-models (evidence files) gives one value per item for each of its columns.
    if not path:
        return value
    if isinstance(value, list):
        return [_lookup(item, path) for item in value]
    if isinstance(value, dict):
        return _lookup(value.get(path[0]), path[1:])
    return None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(item) for item in value if item is not None)
    return str(value)
