"""People's names as words that compare, however they were typed.

"QIU Amanda", "Qiu, Amanda", "amanda qiu", "Amánda Qiu" and "A. Qiu" are the same name to
a person reading them; here they become the same words. Accents and other scripts are
written in Latin letters by anyascii; Chinese characters by pypinyin, because a name
written in Han characters is read surname first and its given name as one word
("邱曼达" is "qiu manda"), which character-by-character transliteration gets wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from anyascii import anyascii
from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from bot.normalise.text import clean_text
from bot.normalise.thresholds import NAME_SIMILARITY

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# O'Brien is one word, not an initial and a name.
_APOSTROPHES = re.compile(r"['’`ʼ]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame"})
# Chinese personal names are two to four characters; a longer run is a phrase, not a name.
_LONGEST_HAN_NAME = 4


def fold(text: str) -> str:
    """Lower-case Latin letters, digits and single spaces; any script, no accents."""
    # Terminal escapes and control characters first, so what they hide never becomes words.
    text = _APOSTROPHES.sub("", clean_text(text, keep_newlines=False))
    romanised = _HAN.sub(lambda m: " " + _han_to_latin(m.group(0)) + " ", text)
    return " ".join(_NOT_WORD.sub(" ", anyascii(romanised).lower()).split())


def name_words(name: str) -> tuple[str, ...]:
    """The words of a name, titles dropped, "Surname, Given" turned round."""
    text = name.strip()
    if text.count(",") == 1:
        surname, given = text.split(",")
        text = f"{given} {surname}"
    return tuple(w for w in fold(text).split() if w not in _TITLES)


def name_key(name: str) -> str:
    """The name's words in alphabetical order: "Qiu Amanda" and "Amanda Qiu" share one key."""
    return " ".join(sorted(name_words(name)))


def name_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """0-100: how alike two names are, given as name_words.

    Word order never matters. "A. Qiu" meets "Amanda Qiu" (every full word shared, each
    initial the first letter of a word left over); a middle name is forgiven when at least
    two words are shared; otherwise rapidfuzz's token-sort ratio, which forgives typos.
    A single word against a longer name never scores high: a first name alone is no one.
    """
    if not a or not b:
        return 0.0
    if sorted(a) == sorted(b):
        return 100.0
    if _by_initials(a, b) or _by_initials(b, a):
        return NAME_SIMILARITY
    shared = set(a) & set(b)
    if len(shared) >= 2 and (shared == set(a) or shared == set(b)):
        return 95.0
    return float(fuzz.ratio(" ".join(sorted(a)), " ".join(sorted(b))))


def _by_initials(short: Sequence[str], full: Sequence[str]) -> bool:
    initials = [w for w in short if len(w) == 1]
    words = [w for w in short if len(w) > 1]
    if not initials or not words or len(short) > len(full):
        return False
    left = list(full)
    for word in words:
        if word not in left:
            return False
        left.remove(word)
    for initial in initials:
        found = next((w for w in left if w.startswith(initial) and len(w) > 1), None)
        if found is None:
            return False
        left.remove(found)
    return True


def _han_to_latin(run: str) -> str:
    syllables = lazy_pinyin(run, style=Style.NORMAL)
    if 2 <= len(run) <= _LONGEST_HAN_NAME and len(syllables) == len(run):
        return f"{syllables[0]} {''.join(syllables[1:])}"
    return " ".join(syllables)
