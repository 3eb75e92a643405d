"""Are two reports about the same persona? The evidence, indicator by indicator. Pure.

A profile, an email address or a phone number is one account: shared, the reports are linked,
whatever names were used. A company's website or email domain, or a name together with an
organisation, says "the same firm" or "perhaps the same person": these link only when the
names given do not say two different people (two recruiters of one large firm share its
domain, website and name; they are not one campaign); a firm once seen with two different
people's names links no one by itself again (a report naming only the firm would otherwise
chain all its people together); and a report that names no one links by its firm only through
the organisation it names (a cover company), never by a website or email domain. A name alone,
a first name, a free-mail domain or a generic organisation ("recruitment agency", "LinkedIn")
never links by itself.

A full name links by itself only when it is distinctive: one of its words (a rare surname,
mostly) is held by few reports, every one of which that has it in a name gives the same
person's name, and those reports between them show one persona (never two profiles, email
addresses, phone numbers, websites or organisations). "Olga Hanaka" and "HANAKA, Olga" then
link; "David Smith" never does, nor "Haitao Li", which several people with different firms go by.
A bare name finds the one persona its reports show an account or firm of; bare names alone
never form a campaign.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.campaigns.model import STRENGTH, Evidence, Link
from bot.normalise import (
    DEFAULT_PHONE_REGION,
    clean_text,
    company_hosts,
    email_domain,
    is_free_mail,
    name_similarity,
    name_words,
    normalise_email,
    normalise_profile_url,
    organisation_key,
    organisation_similarity,
    phone_key,
)
from bot.normalise.thresholds import NAME_SIMILARITY, ORGANISATION_SIMILARITY
from bot.report import Contact, Report

_MIN_NAME_WORDS = 2  # "Amanda" alone is half the staff's contacts
_MIN_SWAPPED = 5  # "Wnag" may be a slip; "Lee" and "Lei" are two names


@dataclass(frozen=True)
class Persona:
    """One report's contact in normal forms, each mapped to the spelling the report used."""

    reference: str
    profiles: dict[str, str]
    emails: dict[str, str]
    phones: dict[str, str]
    hosts: dict[str, str]
    domains: dict[str, str]
    name: tuple[str, ...]
    name_shown: str
    organisation: str | None
    organisation_shown: str


def persona(report: Report, region: str = DEFAULT_PHONE_REGION) -> Persona:
    contact: Contact = report.contact
    emails = {normalise_email(e): e for e in contact.emails}
    domains = {d: d for d in (email_domain(e) for e in emails) if d and not is_free_mail(d)}
    hosts = set(company_hosts(contact.websites))
    return Persona(
        reference=report.reference,
        profiles={normalise_profile_url(u): u for u in contact.profile_urls},
        emails=emails,
        phones={phone_key(p, region): p for p in contact.phones},
        hosts={host: host for host in hosts},
        domains=domains,
        name=name_words(contact.name_used) if contact.name_used else (),
        name_shown=_shown(contact.name_used),
        organisation=organisation_key(contact.organisation),
        organisation_shown=_shown(contact.organisation),
    )


def compare(a: Persona, b: Persona, crowded: Set[tuple[str, str]] = frozenset()) -> Link | None:
    """The link from `a` to `b` with its evidence (values as `a` spells them), or None.
    `crowded`: the (kind, domain or host) of firms seen used by different people (see `crowded`)."""
    strong = [
        *_shared("profile", a.profiles, b.profiles),
        *_shared("email", a.emails, b.emails),
        *_shared("phone", a.phones, b.phones),
    ]
    weak: list[Evidence] = []
    if not names_differ(a, b):
        together = name_and_organisation(a, b)
        named = bool(a.name and b.name)
        # Without a name on both sides, only the organisation a report names says "the same
        # cover company"; a website or email domain anyone at a firm has says too little.
        firm = [(key, e) for key, e in _firm(a, b, together is not None) if named or key[0] == "organisation"]
        weak += [e for key, e in firm if key not in crowded]
        if together is not None:
            weak.append(together)
        elif not weak:
            # A firm's domain many people share links no one by itself, but with one full name.
            weak += [e for e in [name_and_domain(a, b)] if e is not None]
    evidence = tuple(strong + weak)
    return Link(b.reference, evidence) if evidence else None


def _firm(a: Persona, b: Persona, together: bool) -> list[tuple[tuple[str, str], Evidence]]:
    """The firm both reports name: its website, email domain, organisation (unless the name and
    organisation already say it together), each with its key for `crowded`."""
    # A shared address already says the domain is shared.
    covered = {email_domain(e) for e in set(a.emails) & set(b.emails)}
    found = [(("website", e.shown), e) for e in _shared("website", a.hosts, b.hosts)]
    found += [(("email domain", e.shown), e) for e in _shared("email domain", a.domains, b.domains)]
    found = [(key, e) for key, e in found if key[0] != "email domain" or key[1] not in covered]
    if a.organisation and a.organisation == b.organisation and not together:
        evidence = Evidence("organisation", STRENGTH["organisation"], a.organisation_shown)
        found.append((("organisation", a.organisation), evidence))
    return found


def crowded(personas: Iterable[Persona]) -> set[tuple[str, str]]:
    """Company websites and email domains that two people with different names use: a firm's
    (a large real one, often), so sharing one says nothing about which of its people it was."""
    names: dict[tuple[str, str], set[tuple[str, ...]]] = defaultdict(set)
    for p in personas:
        if not p.name:
            continue
        keys = [*(("website", h) for h in p.hosts), *(("email domain", d) for d in p.domains)]
        if p.organisation:
            keys.append(("organisation", p.organisation))
        for key in keys:
            names[key].add(p.name)
    return {key for key, seen in names.items() if _any_two_differ(sorted(seen))}


def _any_two_differ(names: Sequence[tuple[str, ...]]) -> bool:
    return any(_differ(a, b) for i, a in enumerate(names) for b in names[i + 1 :])


def name_and_domain(a: Persona, b: Persona) -> Evidence | None:
    """Both a full name close enough and the firm's own web or email domain, either way round,
    where an organisation is missing: the firm's domain says the firm as well as its name does,
    and two people of one full name at one firm are rare, however many people the firm has."""
    if len(a.name) < _MIN_NAME_WORDS or len(b.name) < _MIN_NAME_WORDS:
        return None
    if a.organisation is not None and b.organisation is not None:
        return None  # their names say which firm (name_and_organisation)
    domains = sorted((set(a.hosts) | set(a.domains)) & (set(b.hosts) | set(b.domains)))
    names = name_similarity(a.name, b.name)
    if not domains or names < NAME_SIMILARITY:
        return None
    score = STRENGTH["name + organisation"] * names / 100
    return Evidence("name + organisation", score, f"{a.name_shown} / {domains[0]}")


def name_and_organisation(a: Persona, b: Persona) -> Evidence | None:
    """Both a full name and an organisation close enough: the same person at the same firm."""
    if len(a.name) < _MIN_NAME_WORDS or len(b.name) < _MIN_NAME_WORDS:
        return None
    if a.organisation is None or b.organisation is None:
        return None
    names = name_similarity(a.name, b.name)
    firms = organisation_similarity(a.organisation, b.organisation)
    if names < NAME_SIMILARITY or firms < ORGANISATION_SIMILARITY:
        return None
    score = min(names, firms) / 100
    return Evidence(
        "name + organisation",
        STRENGTH["name + organisation"] * score,
        f"{a.name_shown} / {a.organisation_shown}",
    )


def names_differ(a: Persona, b: Persona) -> bool:
    """Both reports give a name and they are not the same person's: one name's words are not
    all in the other ("Amanda" and "Amanda Qiu" agree), nor close enough to be a slip."""
    return _differ(a.name, b.name)


def _differ(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if _within(short, long_):
        return False
    return name_similarity(a, b) < NAME_SIMILARITY


def _within(short: Sequence[str], long_: Sequence[str]) -> bool:
    """Every word of the shorter name is a word of the longer, its initial, or a slip of one:
    "Amanda", "A. Qiu" and "Amanda Qui" all fit within "Amanda Qiu"."""
    left = list(long_)
    for word in short:
        fit = next((w for w in left if _same_word(word, w)), None)
        if fit is None:
            return False
        left.remove(fit)
    return True


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return fuzz.ratio(a, b) >= NAME_SIMILARITY or _swapped(a, b)


def _swapped(a: str, b: str) -> bool:
    """Two neighbouring letters typed the wrong way round ("Rigudro" for "Rigudor"): a slip the
    ratio counts as two, so a short word falls below NAME_SIMILARITY for it."""
    return len(a) == len(b) >= _MIN_SWAPPED and sorted(a) == sorted(b) and OSA.distance(a, b) == 1


def name_links(new: Persona, by_word: Mapping[str, Sequence[Persona]]) -> list[Link]:
    """The reports linked to `new` by a distinctive full name. `by_word`: for each word of its
    name, every report holding that word (in a name or an organisation), only for the words
    few enough reports hold (see the module's docstring)."""
    if len(new.name) < _MIN_NAME_WORDS:
        return []
    found: dict[str, Link] = {}
    for word, holders in by_word.items():
        # Another person with the same surname is no one's business here; two the name fits are.
        named = [p for p in holders if word in p.name and p.reference != new.reference]
        named = [p for p in named if not _differ(new.name, p.name)]
        if not named or _any_two_differ(sorted({new.name, *(p.name for p in named)})):
            continue
        # A bare name finds the one persona known by it; bare names alone form nothing.
        if _more_than_one_persona([new, *named]) or not any(_identified(p) for p in [new, *named]):
            continue
        evidence = (Evidence("name", STRENGTH["name"], new.name_shown),)
        for p in named:
            if len(p.name) >= _MIN_NAME_WORDS:
                found.setdefault(p.reference, Link(p.reference, evidence))
    return sorted(found.values(), key=lambda link: link.reference)


def _identified(p: Persona) -> bool:
    return bool(p.profiles or p.emails or p.phones or p.hosts or p.organisation)


def _more_than_one_persona(group: Sequence[Persona]) -> bool:
    """Two different accounts, websites or firms among these reports: two people use the name."""
    for values in (
        [p.profiles for p in group],
        [p.emails for p in group],
        [p.phones for p in group],
        [p.hosts for p in group],
    ):
        if len({key for keys in values for key in keys if key}) > 1:
            return True
    firms = sorted({p.organisation for p in group if p.organisation})
    return any(
        organisation_similarity(a, b) < ORGANISATION_SIMILARITY
        for i, a in enumerate(firms)
        for b in firms[i + 1 :]
    )


def links(new: Persona, candidates: Iterable[Persona]) -> list[Link]:
    """Every candidate linked to `new`, strongest first."""
    others = [c for c in candidates if c.reference != new.reference]
    busy = crowded([new, *others])
    found = [link for c in others for link in [compare(new, c, busy)] if link]
    return sorted(found, key=lambda link: (-link.strength, link.reference))


def _shown(text: str | None) -> str:
    return " ".join(clean_text(text or "", keep_newlines=False).split())


def _shared(kind: str, mine: dict[str, str], theirs: dict[str, str]) -> list[Evidence]:
    return [Evidence(kind, STRENGTH[kind], shown) for key, shown in mine.items() if key and key in theirs]
