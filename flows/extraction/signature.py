"""A signature block: after a sign-off line, a name, then a title and an organisation."""

from __future__ import annotations

import re

from flows.extraction.lexicon import People
from flows.extraction.runs import CONNECTORS, Run, org_like, person_like


def signature(
    text: str, people: People, places: frozenset[str]
) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """The name and organisations of the first signature in `text`, with their spans."""
    lines = text.split("\n")
    offsets = []
    position = 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    for index, line in enumerate(lines):
        if not _signs_off(line, people):
            continue
        following = _block(lines, offsets, index, people)
        if not following:
            continue
        offset, first = following[0]
        candidate = first.strip().strip("\"'“”‘’").strip()
        run = Run(candidate, offset + first.index(candidate[:1]) if candidate else offset, 0)
        if not person_like(run, people, places):
            continue
        orgs, spans = _organisations(following[1:4], people)
        return [candidate], orgs, [(run.start, run.start + len(candidate)), *spans]
    return [], [], []


def _signs_off(line: str, people: People) -> bool:
    return re.sub(r"[^a-z ]", "", line.lower()).strip() in people.sign_offs


def _block(lines: list[str], offsets: list[int], index: int, people: People) -> list[tuple[int, str]]:
    """The lines after a sign-off, to a blank line ("Kind regards,\\nYuri\\n\\nRegards,\\nSanjay")."""
    following: list[tuple[int, str]] = []
    for j in range(index + 1, min(len(lines), index + 6)):
        if not lines[j].strip():
            if following:
                break
            continue
        if _signs_off(lines[j], people):
            break
        following.append((offsets[j], lines[j]))
    return following


def _organisations(lines: list[tuple[int, str]], people: People) -> tuple[list[str], list[tuple[int, int]]]:
    orgs: list[str] = []
    spans: list[tuple[int, int]] = []
    for line_offset, rest in lines:
        if "@" in rest or re.search(r"\d|www\.|https?://", rest):
            continue
        for part in re.split(r"\s*[|,]\s*", rest.strip().strip("\"'“”‘’")):
            words = part.split()
            if not words or not all(w[:1].isupper() or w.lower() in CONNECTORS for w in words):
                continue
            if part.endswith(":") or len(part) < 3:
                continue  # "M:", "E:": what is left of a blanked phone or address line
            if words[0].lower() in people.title_words:
                continue  # "Head of Research" is a job title, however like an organisation it sounds
            if org_like(Run(part, 0, 0), people) or not any(w.lower() in people.title_words for w in words):
                orgs.append(part)
                start = line_offset + rest.find(part)
                spans.append((start, start + len(part)))
    return orgs, spans
