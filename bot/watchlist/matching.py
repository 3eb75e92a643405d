"""Matching a report's contact against the watchlist, fast enough for every answer.

The rule: a name alone is too weak (many people share one); a name together with an
organisation from the same entry, or any strong indicator (profile, email, phone, website, a
company's own email domain), is a match. A name or an organisation alone is "possible": shown
to analysts to judge, never to the reporter as certain.

Built once per watchlist revision: exact indicators in a dict, names and organisations also
in lists that rapidfuzz scans in C, names by word too (for initials and middle names). What
the reporter wrote in their own words is searched for the entries' names and organisations
word for word (runs of words looked up, not scanned), since free text holds them among
everything else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.normalise import (
    DEFAULT_PHONE_REGION,
    MIN_ORGANISATION,
    email_domain,
    fold,
    is_free_mail,
    name_similarity,
    name_words,
    normalise_email,
    normalise_profile_url,
    organisation_key,
    organisation_similarity,
    organisation_words,
    phone_key,
    website_host,
)
from bot.normalise.thresholds import NAME_SIMILARITY, ORGANISATION_SIMILARITY
from bot.report import Contact
from bot.watchlist.findings import (
    STRONG_KINDS,
    IndicatorKind,
    MatchedIndicator,
    Strength,
    WatchlistFinding,
)
from bot.watchlist.model import WatchlistEntry

_LONGEST_NAME_IN_TEXT = 4  # words
_LONGEST_ORGANISATION_IN_TEXT = 6

_Hit = Callable[["_Owned", IndicatorKind, float], None]


@dataclass(frozen=True)
class _Owned:
    entry_id: int
    shown: str


class WatchlistIndex:
    def __init__(self, entries: Iterable[WatchlistEntry], region: str = DEFAULT_PHONE_REGION) -> None:
        self.region = region
        self.entries: dict[int, WatchlistEntry] = {}
        self._exact: dict[tuple[IndicatorKind, str], list[_Owned]] = defaultdict(list)
        self._name_keys: list[str] = []
        self._unique_name_keys: list[str] = []  # what rapidfuzz scans: each spelling once
        self._name_words: list[tuple[str, ...]] = []
        self._name_owner: list[_Owned] = []
        self._by_name_key: dict[str, list[int]] = defaultdict(list)
        # Candidates for a name that shares two words (a middle name more or less), or a word
        # and an initial ("A. Qiu"): looked up by pair, so a common first name costs nothing.
        self._by_name_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._org_keys: list[str] = []
        self._org_owner: list[_Owned] = []
        self._by_org_key: dict[str, list[int]] = defaultdict(list)
        self.last_id = 0  # the highest entry number indexed, active or not
        self.extend(entries)

    def extend(self, entries: Iterable[WatchlistEntry]) -> None:
        for entry in entries:
            self.last_id = max(self.last_id, entry.id)
            if entry.active and entry.id not in self.entries:
                self._add(entry)

    def retire(self, entry_ids: Iterable[int]) -> None:
        """No longer matched. What they indexed stays, unreachable (see `hit` in `match`),
        until the index is next built whole."""
        for entry_id in entry_ids:
            self.entries.pop(entry_id, None)

    def __len__(self) -> int:
        return len(self.entries)

    def _add(self, entry: WatchlistEntry) -> None:
        self.entries[entry.id] = entry
        for indicator in entry.content.indicators(self.region):
            owned = _Owned(entry.id, indicator.shown)
            if indicator.kind is IndicatorKind.NAME:
                at = len(self._name_keys)
                words = name_words(indicator.shown)
                self._name_keys.append(indicator.key)
                self._name_words.append(words)
                self._name_owner.append(owned)
                if indicator.key not in self._by_name_key:
                    self._unique_name_keys.append(indicator.key)
                self._by_name_key[indicator.key].append(at)
                for pair in _pairs(words):
                    self._by_name_pair[pair].append(at)
            elif indicator.kind is IndicatorKind.ORGANISATION:
                self._by_org_key[indicator.key].append(len(self._org_keys))
                self._org_keys.append(indicator.key)
                self._org_owner.append(owned)
            else:
                self._exact[(indicator.kind, indicator.key)].append(owned)

    # ---- matching -------------------------------------------------------------------------
    def match(self, contact: Contact, texts: Sequence[str] = ()) -> list[WatchlistFinding]:
        """Every entry the contact (and the reporter's own words in `texts`) points at,
        matches before possibles, more indicators first."""
        hits: dict[int, dict[tuple[IndicatorKind, str], int]] = defaultdict(dict)

        def hit(owned: _Owned, kind: IndicatorKind, score: float) -> None:
            if owned.entry_id not in self.entries:
                return  # retired
            seen = hits[owned.entry_id]
            key = (kind, owned.shown)
            seen[key] = max(seen.get(key, 0), round(score))

        for kind, key in self._exact_probes(contact):
            for owned in self._exact.get((kind, key), ()):
                hit(owned, kind, 100)
        if contact.name_used:
            for at, score in self._names_like(name_words(contact.name_used)):
                hit(self._name_owner[at], IndicatorKind.NAME, score)
        organisation = organisation_key(contact.organisation)
        if organisation:
            for at, score in self._organisations_like(organisation):
                hit(self._org_owner[at], IndicatorKind.ORGANISATION, score)
        for text in texts:
            self._in_text(text, hit)
        return sorted((self._finding(i, found) for i, found in hits.items()), key=_rank)

    def _exact_probes(self, contact: Contact) -> set[tuple[IndicatorKind, str]]:
        probes: set[tuple[IndicatorKind, str]] = set()
        for url in contact.profile_urls:
            probes.add((IndicatorKind.PROFILE, normalise_profile_url(url)))
        for email in contact.emails:
            probes.add((IndicatorKind.EMAIL, normalise_email(email)))
            domain = email_domain(email)
            if not is_free_mail(domain):
                probes.add((IndicatorKind.EMAIL_DOMAIN, domain))
                probes.add((IndicatorKind.WEBSITE, domain))  # their address at the site's domain
        for phone in contact.phones:
            probes.add((IndicatorKind.PHONE, phone_key(phone, self.region)))
        for site in contact.websites:
            host = website_host(site)
            if host:
                probes.add((IndicatorKind.WEBSITE, host))
                probes.add((IndicatorKind.EMAIL_DOMAIN, host))
        return probes

    def _names_like(self, words: tuple[str, ...]) -> list[tuple[int, float]]:
        if not words:
            return []
        candidates: set[int] = set()
        for pair in _pairs(words):
            candidates.update(self._by_name_pair.get(pair, ()))
        # Typos in every word: no shared word to look up, so let rapidfuzz scan the keys.
        query = " ".join(sorted(words))
        for key, _, _ in process.extract(
            query, self._unique_name_keys, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, limit=None
        ):
            candidates.update(self._by_name_key[key])
        found = []
        for at in candidates:
            score = name_similarity(words, self._name_words[at])
            if score >= NAME_SIMILARITY:
                found.append((at, score))
        return found

    def _organisations_like(self, key: str) -> list[tuple[int, float]]:
        found = [(at, 100.0) for at in self._by_org_key.get(key, ())]
        if found:
            return found
        for choice, _, at in process.extract(
            key, self._org_keys, scorer=fuzz.ratio, score_cutoff=ORGANISATION_SIMILARITY, limit=None
        ):
            score = organisation_similarity(key, choice)
            if score >= ORGANISATION_SIMILARITY:
                found.append((at, score))
        return found

    def _in_text(self, text: str, hit: _Hit) -> None:
        words = fold(text).split()
        for size in range(2, _LONGEST_NAME_IN_TEXT + 1):
            for start in range(len(words) - size + 1):
                key = " ".join(sorted(words[start : start + size]))
                for at in self._by_name_key.get(key, ()):
                    hit(self._name_owner[at], IndicatorKind.NAME, 100)
        for size in range(1, _LONGEST_ORGANISATION_IN_TEXT + 1):
            for start in range(len(words) - size + 1):
                run = organisation_words(" ".join(words[start : start + size]))
                key = "".join(run)
                if len(key) < MIN_ORGANISATION:
                    continue
                for at in self._by_org_key.get(key, ()):
                    hit(self._org_owner[at], IndicatorKind.ORGANISATION, 100)

    def _finding(self, entry_id: int, found: dict[tuple[IndicatorKind, str], int]) -> WatchlistFinding:
        entry = self.entries[entry_id]
        kinds = {kind for kind, _ in found}
        strong = bool(kinds & STRONG_KINDS) or {IndicatorKind.NAME, IndicatorKind.ORGANISATION} <= kinds
        indicators = sorted(
            (MatchedIndicator(kind=k, value=v, score=s) for (k, v), s in found.items()),
            key=lambda m: (m.kind not in STRONG_KINDS, -m.score, m.kind.value, m.value),
        )
        return WatchlistFinding(
            entry_id=entry_id,
            label=entry.content.label,
            source=entry.content.source,
            source_date=entry.content.source_date,
            strength=Strength.MATCH if strong else Strength.POSSIBLE,
            indicators=tuple(indicators),
        )


def _pairs(words: Sequence[str]) -> set[tuple[str, str]]:
    """Every two full words of a name, and every full word with another word's initial."""
    full = sorted({w for w in words if len(w) > 1})
    pairs = {(a, b) for i, a in enumerate(full) for b in full[i + 1 :]}
    for word in full:
        pairs.update((word, other[0] + ".") for other in words if other != word)
    return pairs


def _rank(finding: WatchlistFinding) -> tuple[bool, int, int]:
    return (not finding.is_match, -len(finding.indicators), finding.entry_id)
