"""A tiny condition language over earlier answers, shared by branching and guidance.

Kept as data so a flow file can say, for example:
    {answer: offered, includes_any: [money, cash, crypto]}
    {all: [{answer: shared, in: [yes, unsure]}, {not: {answered: role}}]}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


class ConditionError(ValueError):
    pass


@dataclass(frozen=True)
class Condition:
    """One node of a condition tree. `op` is one of the operators below."""

    op: str
    answer: str | None = None
    values: tuple[str, ...] = ()
    children: tuple[Condition, ...] = ()

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.op == "all":
            return all(c.holds(answers) for c in self.children)
        if self.op == "any":
            return any(c.holds(answers) for c in self.children)
        if self.op == "not":
            return not self.children[0].holds(answers)
        assert self.answer is not None
        if self.op == "answered":
            return answers.get(self.answer) is not None
        given = answers.get(self.answer)
        picked = set(given) if isinstance(given, list) else ({given} if isinstance(given, str) else set())
        if self.op == "is":
            return isinstance(given, str) and given == self.values[0]
        if self.op == "in":
            return isinstance(given, str) and given in self.values
        if self.op == "includes":
            return self.values[0] in picked
        if self.op == "includes_any":
            return bool(picked & set(self.values))
        raise ConditionError(f"unknown operator {self.op!r}")

    def references(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(step id, option values) pairs this condition mentions, for load-time checks."""
        if self.answer is not None:
            yield self.answer, self.values
        for child in self.children:
            yield from child.references()


_LEAF_OPS = ("is", "in", "includes", "includes_any")


def parse_condition(raw: Any) -> Condition:
    if not isinstance(raw, Mapping):
        raise ConditionError(f"a condition must be a mapping, not {raw!r}")
    keys = set(raw)
    for group in ("all", "any"):
        if keys == {group}:
            items = raw[group]
            if not isinstance(items, list) or not items:
                raise ConditionError(f"'{group}' needs a non-empty list of conditions")
            return Condition(op=group, children=tuple(parse_condition(i) for i in items))
    if keys == {"not"}:
        return Condition(op="not", children=(parse_condition(raw["not"]),))
    if keys == {"answered"}:
        return Condition(op="answered", answer=str(raw["answered"]))
    ops = keys & set(_LEAF_OPS)
    if "answer" in keys and len(ops) == 1 and len(keys) == 2:
        op = ops.pop()
        value = raw[op]
        if op in ("in", "includes_any"):
            if not isinstance(value, list) or not value:
                raise ConditionError(f"'{op}' needs a non-empty list of option values")
            values = tuple(str(v) for v in value)
        else:
            values = (str(value),)
        return Condition(op=op, answer=str(raw["answer"]), values=values)
    raise ConditionError(
        f"cannot read condition {dict(raw)!r}: use answer + one of {', '.join(_LEAF_OPS)}, "
        "or answered / all / any / not"
    )
