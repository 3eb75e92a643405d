"""What goes wrong in the security config, as one line: the file, the place, the problem, the fix.

Pydantic's ValidationError becomes such a line here (explain), naming the place the way the
file writes it (routes.rules[1].when.severity) and the options allowed there.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import NoneType, UnionType
from typing import Annotated, Any, Final, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from bot.security.schema import RawConfig
from bot.settings import SettingsError

EXAMPLE_FILE: Final = "security.example.yaml"


class SecurityConfigError(SettingsError):
    """One line: the file, the place in it, what is wrong and how to fix it."""


class Problem(Exception):
    def __init__(self, place: str, message: str) -> None:
        super().__init__(f"{place}: {message}")
        self.place = place
        self.message = message


def explain(exc: ValidationError) -> str:
    error = exc.errors()[0]
    loc = error["loc"]
    place, _ = _walk(loc)
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"{place}: missing; add it (see {EXAMPLE_FILE})"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent_place, parent = _walk(loc[:-1])
        fields = _options(parent)
        if f"{key}_env" in fields:
            return (
                f"{place}: secrets never go in this file; put the value in an environment variable "
                f"and name that variable with {key}_env"
            )
        allowed = f"; allowed in {parent_place}: {', '.join(fields)}" if fields else ""
        return f"{place}: unknown option '{key}'; check the spelling{allowed}"
    if kind in ("enum", "literal_error"):
        if loc and isinstance(loc[-1], int):
            place, _ = _walk(loc[:-1])
        return f"{place}: {_show(value)} is not allowed; use one of {ctx.get('expected', '')}"
    if kind == "union_tag_invalid":
        return f"{place}.type: unknown destination type {_show(ctx.get('tag'))}; use file, email or webhook"
    if kind == "union_tag_not_found":
        return f"{place}: say what kind of destination this is with type: file, email or webhook"
    if kind == "string_type" and loc and loc[0] == "deadlines":
        return f"{place}: {_show(value)} has no unit; write a duration such as 24h, 90m or 7d"
    if kind == "string_type":
        return f"{place}: expected text, found {kind_of(value)}; put the value in quotes"
    if kind == "list_type":
        return f"{place}: expected a list, found {kind_of(value)}; write [a, b], or one '- item' per line"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{place}: expected options (name: value), found {kind_of(value)}; see {EXAMPLE_FILE}"
    if kind.startswith("int_"):
        return f"{place}: {_show(value)} is not a whole number; write a number such as 587"
    if kind.startswith(("float_", "greater_than", "less_than")):
        return f"{place}: {_show(value)} is not allowed: {error['msg'].lower()}"
    if kind == "value_error" and any(step in ("from", "to") for step in loc):
        reason = str(ctx.get("error") or error["msg"]).removeprefix("Value error, ")
        return (
            f"{place}: {_show(value)} is not an email address ({reason}); write one such as name@example.org"
        )
    return f"{place}: {error['msg']}; see {EXAMPLE_FILE}"


def _walk(loc: Sequence[int | str]) -> tuple[str, Any]:
    """The place in the file for a pydantic error location, and the model or type found there.

    Pydantic puts the destination type (the union tag) into the location; the file has no
    such level, so it is skipped.
    """
    parts: list[str] = []
    tp: Any = RawConfig
    for step in loc:
        tp = _unwrap(tp)
        if isinstance(tp, list):  # a tagged union: this step is the tag
            tp = next((m for m in tp if step in get_args(m.model_fields["type"].annotation)), None)
            continue
        if step == "[key]":
            break
        parts.append(f"[{step}]" if isinstance(step, int) else f".{step}" if parts else str(step))
        tp = _step(tp, step)
    return ("".join(parts) or "the top level"), _unwrap(tp)


def _options(tp: Any) -> list[str]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []


def _step(tp: Any, step: int | str) -> Any:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return next((f.annotation for name, f in tp.model_fields.items() if (f.alias or name) == step), None)
    origin = get_origin(tp)
    if origin is dict:
        return get_args(tp)[1]
    if origin is list:
        return get_args(tp)[0]
    return None


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional; a union of several models becomes a list of them."""
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
            continue
        if get_origin(tp) in (Union, UnionType):
            members = [m for m in get_args(tp) if m is not NoneType]
            if len(members) == 1:
                tp = members[0]
                continue
            return members
        return tp


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({_show(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of options"
    return type(value).__name__
