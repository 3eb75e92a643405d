"""A labelled set of messy reports: personas, each reported a few times, typed as staff type.

Written from the issue's examples, not from the code's thresholds. Each persona has a name, a
firm (mostly cover companies, some with hyphens; a few large real firms that employ several of
the personas), a LinkedIn profile, an email, a phone and sometimes a website. Each report gives
some of these, typed one of several ways:

- names reordered ("QIU, Amanda"), in capitals, with a typo, an initial, a title, accents
  dropped, or in Chinese characters for Chinese names;
- firms with or without a legal suffix (Ltd, Co., Ltd., GmbH), hyphens dropped or spaced,
  "Exec" for Executive, a place in brackets;
- LinkedIn addresses on regional or mobile hosts, http, capitals, tracking queries and the page
  that was open (/details/experience/, /overlay/contact-info/);
- phones in international, 00-prefixed, bracketed and dotted forms.

Distractors, each a persona of its own: several recruiters at one large real firm (the firm's
domain, website and name shared, different people), common first names given alone, the same
common full name used by different people with free-mail addresses, generic organisations
("Recruitment agency", "LinkedIn").
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

GIVEN = ["Amanda", "Wei", "David", "Sarah", "Elena", "James", "Olga", "Peter", "Sofia", "Ivan", "Nina",
         "Omar", "Lena", "Igor", "Maria", "Tom", "Yuki", "Chen", "Anna", "Mei", "Jun", "Li", "Hana",
         "Karim"]  # fmt: skip
FAMILY = ["Qiu", "Shen", "Smith", "Wang", "Zhang", "Liu", "Ivanova", "Petrov", "García", "Müller",
          "Kowalski", "Novak", "Tanaka", "Haddad", "Rossi", "Dubois", "Jensen", "Silva", "Kim", "Park",
          "Nguyen", "Okafor"]  # fmt: skip
# Chinese personas: the name in characters, and in pinyin as the profile has it (given, family).
HAN = [("邱曼达", "Manda", "Qiu"), ("沈雪莉", "Xueli", "Shen"), ("王建国", "Jianguo", "Wang"),
       ("李海涛", "Haitao", "Li"), ("张明轩", "Mingxuan", "Zhang"), ("刘思远", "Siyuan", "Liu"),
       ("赵嘉怡", "Jiayi", "Zhao"), ("孙浩然", "Haoran", "Sun")]  # fmt: skip
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "zhu",
    "ren",
    "tan",
    "vo",
    "sel",
    "bar",
    "qi",
    "na",
    "dor",
    "wen",
    "ha",
    "ri",
    "gu",
]
WORDS = ["Global", "Insight", "Talent", "Partners", "Executive", "Search", "Bridge", "Summit",
         "Horizon", "Strategic", "Advisory", "Capital", "Dragon", "Pacific", "Northern", "Crest", "Vector",
         "Union"]  # fmt: skip
SUFFIXES = ["", " Ltd", " Limited", " Co., Ltd.", " LLC", " GmbH", " Ltd."]
LARGE_FIRMS = [
    ("Hays Recruitment", "hays.example"),
    ("Deloitte", "deloitte.example"),
    ("Huawei", "huawei.example"),
]
GENERIC = ["Recruitment agency", "LinkedIn", "recruiter", "Freelance", "Consultancy", "not sure"]
FREE_MAIL = ["gmail.com", "outlook.com", "163.com", "qq.com", "yahoo.com", "proton.me"]
REGIONS = ["uk", "cn", "de", "fr", "sg", "www", "m", "en-gb"]
TAILS = ["", "/", "/details/experience/", "/overlay/contact-info/", "?trk=public_profile",
         "?originalSubdomain=cn", "/?utm_source=share&utm_medium=member_ios"]  # fmt: skip
COUNTRIES = [("+86", "10", 8), ("+44", "20", 8), ("+7", "495", 7), ("+65", "6", 7)]


@dataclass
class Persona:
    id: int
    given: str
    family: str
    firm: str
    han: str | None = None
    slug: str = ""
    email: str = ""
    phone: tuple[str, str, str] = ("", "", "")  # country code, area, number
    website: str | None = None
    large_firm: bool = False
    generic: bool = False  # a distractor of few indicators
    extra: dict[str, Any] = field(default_factory=dict)


def _made_up(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 4))).capitalize()


def _ascii(text: str) -> str:
    return text.translate(str.maketrans("áéíóúüñçã", "aeiouunca")).replace("ü", "u")


def make_personas(count: int, rng: random.Random) -> list[Persona]:
    personas: list[Persona] = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.12:  # a recruiter at one of a few large real firms
            firm, domain = rng.choice(LARGE_FIRMS)
            given, family = rng.choice(GIVEN), rng.choice([*FAMILY, _made_up(rng)])
            p = Persona(i, given, family, firm, large_firm=True, website=f"https://www.{domain}/careers")
            p.email = f"{_ascii(given)}.{_ascii(family)}{i}@{domain}".lower()
        elif roll < 0.22:  # a common name with free mail and a generic organisation
            given, family = rng.choice(GIVEN[:6]), rng.choice(FAMILY[:6])
            p = Persona(i, given, family, rng.choice(GENERIC), generic=True)
            p.email = f"{given}.{family}{rng.randrange(10, 99)}@{rng.choice(FREE_MAIL)}".lower()
        else:  # a persona fronting a cover company
            if rng.random() < 0.2:
                han, given, family = rng.choice(HAN)
            else:
                han, given, family = (
                    None,
                    rng.choice(GIVEN),
                    rng.choice(FAMILY) if rng.random() < 0.3 else _made_up(rng),
                )
            words = rng.sample(WORDS, 3)
            firm = (
                f"{words[0]}-{words[1]} {words[2]} {_made_up(rng)}"
                if rng.random() < 0.5
                else f"{_made_up(rng)} {words[0]} {words[1]}"
            )
            p = Persona(i, given, family, firm, han=han)
            domain = (
                "".join(ch for ch in firm.split()[0].lower() if ch.isalnum() or ch == "-") + f"{i}.example"
            )
            p.email = (
                f"{_ascii(given)[0]}.{_ascii(family)}@{domain}".lower()
                if rng.random() < 0.7
                else f"{_ascii(given)}{i}@{rng.choice(FREE_MAIL)}".lower()
            )
            p.website = f"https://www.{domain}" if rng.random() < 0.4 else None
        p.slug = f"{_ascii(p.given)}-{_ascii(p.family)}-{rng.randrange(16**4):04x}".lower()
        code, area, digits = rng.choice(COUNTRIES)
        p.phone = (code, area, "".join(str(rng.randrange(10)) for _ in range(digits)))
        personas.append(p)
    return personas  # fmt: skip


def _cover_persona(i: int, rng: random.Random) -> Persona:
    han: str | None = None
    if rng.random() < 0.2:
        han, given, family = rng.choice(HAN)
    else:
        given = rng.choice(GIVEN)
        family = rng.choice(FAMILY) if rng.random() < 0.3 else _made_up(rng)
    words = rng.sample(WORDS, 3)
    if rng.random() < 0.5:
        firm = f"{words[0]}-{words[1]} {words[2]} {_made_up(rng)}"
    else:
        firm = f"{_made_up(rng)} {words[0]} {words[1]}"
    p = Persona(i, given, family, firm, han=han)
    domain = "".join(ch for ch in firm.split()[0].lower() if ch.isalnum() or ch == "-") + f"{i}.example"
    if rng.random() < 0.7:
        p.email = f"{_ascii(given)[0]}.{_ascii(family)}@{domain}".lower()
    else:
        p.email = f"{_ascii(given)}{i}@{rng.choice(FREE_MAIL)}".lower()
    p.website = f"https://www.{domain}" if rng.random() < 0.4 else None
    return p


# ---- typing it as staff do ---------------------------------------------------------------
def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return (
        word[:i] + word[i + 1] + word[i] + word[i + 2 :] if rng.random() < 0.5 else word[:i] + word[i + 1 :]
    )


def typed_name(p: Persona, rng: random.Random) -> str:
    if p.han and rng.random() < 0.35:
        return p.han
    given, family = (p.given, p.family) if rng.random() < 0.7 else (_ascii(p.given), _ascii(p.family))
    way = rng.randrange(7)
    if way == 0:
        return f"{family.upper()}, {given}"
    if way == 1:
        return f"{family} {given}"
    if way == 2:
        return f"{given} {_typo(family, rng)}"
    if way == 3:
        return f"{given[0]}. {family}"
    if way == 4:
        return f"{rng.choice(['Dr', 'Ms', 'Mr'])} {given} {family}"
    if way == 5:
        return f"{given.lower()} {family.lower()}"
    return f"{given} {family}"


def typed_firm(p: Persona, rng: random.Random) -> str:
    firm = p.firm
    if p.generic or p.large_firm:
        return (
            firm
            if rng.random() < 0.5
            else firm.upper()
            if rng.random() < 0.5
            else firm + rng.choice(SUFFIXES)
        )
    way = rng.randrange(6)
    if way == 0:
        firm = firm.replace("-", " ")
    elif way == 1:
        firm = firm.replace("-", "")
    elif way == 2:
        firm = firm.replace("Executive", "Exec").upper()
    elif way == 3:
        firm = f"{firm} ({rng.choice(['Beijing', 'Shanghai', 'London', 'HK'])})"
    return firm + rng.choice(SUFFIXES)


def typed_profile(p: Persona, rng: random.Random) -> str:
    scheme = rng.choice(["https://", "http://", ""])
    host = f"{rng.choice(REGIONS)}.linkedin.com"
    slug = p.slug.upper() if rng.random() < 0.2 else p.slug.title() if rng.random() < 0.2 else p.slug
    return f"{scheme}{host}/in/{slug}{rng.choice(TAILS)}"


def typed_phone(p: Persona, rng: random.Random) -> str:
    code, area, number = p.phone
    half = len(number) // 2
    way = rng.randrange(5)
    if way == 0:
        return f"{code} {area} {number[:half]} {number[half:]}"
    if way == 1:
        return f"00{code[1:]} {area}-{number}"
    if way == 2:
        return f"{code} ({area}) {number[:half]}-{number[half:]}"
    if way == 3:
        return f"{code}.{area}.{number[:half]}.{number[half:]}"
    return f"{code}{area}{number}"


def typed_email(p: Persona, rng: random.Random) -> str:
    return p.email.upper() if rng.random() < 0.15 else p.email.capitalize() if rng.random() < 0.2 else p.email


@dataclass(frozen=True)
class Labelled:
    persona: int
    contact: dict[str, Any]


def report_contact(p: Persona, rng: random.Random) -> dict[str, Any]:
    """What one member of staff noted: the name and firm most often, some of the rest."""
    contact: dict[str, Any] = {"profile_urls": [], "emails": [], "phones": [], "websites": []}
    if rng.random() < 0.85:
        contact["name_used"] = typed_name(p, rng)
        if rng.random() < 0.1:
            contact["name_used"] = p.given  # a first name alone
    if rng.random() < 0.8:
        contact["organisation"] = typed_firm(p, rng)
    if rng.random() < 0.5:
        contact["profile_urls"].append(typed_profile(p, rng))
    if rng.random() < 0.45:
        contact["emails"].append(typed_email(p, rng))
    if rng.random() < 0.35:
        contact["phones"].append(typed_phone(p, rng))
    if p.website and rng.random() < 0.3:
        contact["websites"].append(
            p.website.replace("https://www.", rng.choice(["", "http://", "https://www."]))
        )
    return contact


def make_reports(personas: list[Persona], rng: random.Random) -> list[Labelled]:
    """One to six reports per persona (most have few), shuffled into arrival order."""
    reports = []
    for p in personas:
        count = 1 if p.generic else rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6])
        reports += [Labelled(p.id, report_contact(p, rng)) for _ in range(count)]
    rng.shuffle(reports)
    return reports
