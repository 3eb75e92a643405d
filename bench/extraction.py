"""How well the first message is understood: precision and recall per field, guidance, speed, turns.

    python -m bench.extraction            # held-out part, then the whole corpus
    python -m bench.extraction --misses   # also list what was missed or wrong on the tuning part only
    python -m bench.extraction --tuning   # the tuning part alone, with its misses: the held-out part unread

Scored on tests/data/first_messages_*.yaml. The held-out part (n01-n40) was written on 2026-12-04
by someone who had not seen the rules, and is never tuned on; --misses deliberately shows only
the tuning part. (h01-h30 were the held-out part until their misses had been looked at: they are
tuning data now.)
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.flow_files import load_flow
from bot.normalise import normalise_profile_url, normalise_website
from flows.actions import TextAnswer
from flows.engine import Engine
from flows.extraction import extract, noted_answers
from flows.model import Flow
from flows.outputs import Ask, ShowSummary, SubmitReport

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
FIELDS = (
    "names",
    "organisations",
    "profile_urls",
    "emails",
    "phones",
    "websites",
    "channel",
    "approach_kinds",
    "asked_for",
    "offered",
    "shared",
    "met",
    "places",
    "amounts",
)
AIMS = {
    "names": 0.9,
    "organisations": 0.9,
    "profile_urls": 0.97,
    "emails": 0.97,
    "phones": 0.97,
    "websites": 0.97,
}
CHOICE_FIELDS = ("channel", "approach_kinds", "asked_for", "offered", "shared", "met")


def load_corpus(part: str) -> list[dict[str, Any]]:
    entries = yaml.safe_load((DATA / f"first_messages_{part}.yaml").read_text(encoding="utf-8"))
    return list(entries)


def _norm(field: str, value: str) -> str:
    if field == "profile_urls":
        return normalise_profile_url(value)
    if field == "websites":
        return normalise_website(value)
    if field in ("names", "organisations", "places"):
        return " ".join(value.lower().split())
    return value.lower() if field == "emails" else value


def found_fields(flow: Flow, text: str) -> dict[str, set[str]]:
    assert flow.lexicon is not None
    extraction = extract(text, flow.lexicon, "GB")
    found: dict[str, set[str]] = {}
    for field in FIELDS:
        if field in CHOICE_FIELDS:
            values = extraction.options.get(field, [])
            step = flow.steps[field]
            values = values if step.multiple else values[:1]
        else:
            values = extraction.field(field)
        found[field] = {_norm(field, v) for v in values}
    return found


def expected_fields(entry: dict[str, Any]) -> dict[str, set[str]]:
    expect = entry.get("expect") or {}
    out: dict[str, set[str]] = {}
    for field in FIELDS:
        raw = expect.get(field)
        values = [] if raw is None else raw if isinstance(raw, list) else [raw]
        out[field] = {_norm(field, str(v)) for v in values}
    return out


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def guidance_ids(flow: Flow, answers: dict[str, Any]) -> set[str]:
    return {g.id for g in flow.guidance if g.id != "right_now" and g.when.holds(answers)}


def _as_answers(flow: Flow, fields: dict[str, set[str]], ordered: dict[str, list[str]] | None = None) -> dict:
    answers: dict[str, Any] = {}
    for field in CHOICE_FIELDS:
        values = sorted(fields[field])
        if not values:
            continue
        answers[field] = values if flow.steps[field].multiple else values[0]
    return answers


def score(flow: Flow, entries: list[dict[str, Any]], misses: bool = False) -> tuple[dict[str, Score], Score]:
    scores = {f: Score() for f in FIELDS}
    guidance = Score()
    for entry in entries:
        found = found_fields(flow, entry["text"])
        expected = expected_fields(entry)
        for field in FIELDS:
            s = scores[field]
            s.tp += len(found[field] & expected[field])
            s.fp += len(found[field] - expected[field])
            s.fn += len(expected[field] - found[field])
            if misses and found[field] != expected[field]:
                print(
                    f"  {entry['id']} {field}: extra {sorted(found[field] - expected[field])} "
                    f"missed {sorted(expected[field] - found[field])}"
                )
        noted = noted_answers(extract(entry["text"], flow.lexicon, "GB"), flow.lexicon, flow.steps)
        got, want = guidance_ids(flow, noted), guidance_ids(flow, _as_answers(flow, expected))
        guidance.tp += len(got & want)
        guidance.fp += len(got - want)
        guidance.fn += len(want - got)
        if misses and got != want:
            print(f"  {entry['id']} guidance: extra {sorted(got - want)} missed {sorted(want - got)}")
    return scores, guidance


def report(title: str, flow: Flow, entries: list[dict[str, Any]]) -> bool:
    scores, guidance = score(flow, entries)
    print(f"\n{title}: {len(entries)} messages")
    print(f"  {'field':<16}{'precision':>10}{'recall':>8}   aim (precision)")
    met = True
    for field, s in scores.items():
        aim = AIMS.get(field)
        verdict = ""
        if aim is not None:
            ok = s.precision >= aim
            met = met and ok
            verdict = f"≥ {aim:.2f}  {'MET' if ok else 'MISSED'}"
        print(f"  {field:<16}{s.precision:>10.2f}{s.recall:>8.2f}   {verdict}")
    ok = guidance.fp == 0
    met = met and ok
    print(
        f"  {'guidance':<16}{guidance.precision:>10.2f}{guidance.recall:>8.2f}   "
        f"no false guidance: {guidance.fp} false  {'MET' if ok else 'MISSED'}"
    )
    return met


def speed(flow: Flow, entries: list[dict[str, Any]], rounds: int = 20) -> None:
    assert flow.lexicon is not None
    texts = [e["text"] for e in entries]
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            extract(text, flow.lexicon, "GB")
    per_message = (time.perf_counter() - started) / (rounds * len(texts))
    print(f"\nspeed: {per_message * 1000:.2f} ms per message (mean over {rounds * len(texts)} extractions)")


STORY = (
    "someone called Shirly Shen from Internship Union messaged me on linkedin offering 2000 quid in "
    "USDT for a short report on the new trade bill, she wants to meet in Brussels, flights paid"
)
# What the reporter would answer at each question: the same person, with the same story, both times.
KNOWS = {
    "what_happened": STORY,
    "who": "Shirly Shen, Internship Union",
    "pace": "1",
    "approach_kinds": "3, 4, 5",
    "channel": "1",
    "profile_url": "linkedin.com/in/shirly-shen",
    "name_used": "Shirly Shen",
    "organisation": "Internship Union",
    "emails": "skip",
    "phones": "skip",
    "websites": "skip",
    "first_contact": "last week",
    "frequency": "1",
    "ongoing": "yes",
    "asked_for": "5, 6",
    "asked_for_detail": "skip",
    "offered": "3, 4",
    "offered_detail": "2000 quid in USDT, flights to Brussels",
    "replied": "no",
    "shared": "no",
    "accepted": "no",
    "met": "no",
    "evidence": "5",
    "role": "skip",
    "may_contact": "no",
    "noted": "yes",
}


def turns_for_full_report(understand: bool) -> int:
    """Messages the reporter sends until the full report is sent."""
    engine = Engine(load_flow(), understand=understand)
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    turn = engine.start(now)
    for sent in range(1, 100):
        last = turn.outputs[-1]
        text = (
            "send" if isinstance(last, ShowSummary) else KNOWS[last.step.id] if isinstance(last, Ask) else ""
        )
        now += timedelta(seconds=20)
        turn = engine.advance(turn.state, TextAnswer(text), now)
        if any(isinstance(e, SubmitReport) for e in turn.effects):
            return sent
        problem = getattr(turn.outputs[-1], "problem", None)
        assert problem is None, (turn.state.step_id, problem)
    raise AssertionError("the report was never sent")


def turns_report() -> bool:
    before, after = turns_for_full_report(False), turns_for_full_report(True)
    fewer = 1 - after / before
    ok = fewer >= 0.3
    print(
        f"\nturns for the full scripted report (the issue's story): before {before}, after {after} "
        f"({fewer:.0%} fewer)   aim ≥ 30% fewer  {'MET' if ok else 'MISSED'}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list differences on the tuning part")
    parser.add_argument(
        "--tuning",
        action="store_true",
        help="score and list the tuning part only; the held-out part is not read (each look at it leaks)",
    )
    args = parser.parse_args()
    flow = load_flow()
    tuning = load_corpus("tuning")
    if args.tuning:
        print("tuning part, differences:")
        score(flow, tuning, misses=True)
        report("tuning part (tuned on)", flow, tuning)
        return
    heldout = load_corpus("heldout")
    if args.misses:
        print("tuning part, differences:")
        score(flow, tuning, misses=True)
    report("held-out (never tuned on)", flow, heldout)
    report("whole corpus", flow, heldout + tuning)
    speed(flow, heldout + tuning)
    turns_report()


if __name__ == "__main__":
    main()
