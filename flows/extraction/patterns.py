"""How the lexicon's words become regular expressions: terms, cues and the reach of a negation."""

from __future__ import annotations

import re

# A word that turns the sentence: a negation before it does not reach past it ("didn't say but offered cash").
_NOT_A_TURN = r"(?!(?:but|however|though|although|yet|then|until|except|instead|when|because)\b)"
_WORD = _NOT_A_TURN + r"[^\s,]+"
# How far a negation reaches: three words ("didn't ask me to | keep it quiet"), or along a list
# that ends in "or"/"nor" ("never mentioned money or | travel", "no cash, flights or | crypto"), or
# past one word and a comma ("no money, | travel"); not past "published yet, | paid in tether".
NEGATION_REACH = (
    rf"(?:(?:\s+{_WORD}){{0,3}}"
    rf"|(?:\s+{_WORD}){{0,2}}(?:\s*,\s*{_WORD}(?:\s+{_WORD})?)*\s*,?\s*\b(?:or|nor)"
    rf"|(?:\s+{_WORD})?(?:\s*,\s*{_WORD})*\s*,)\s*$"
)


def term_pattern(term: str) -> str:
    """A term as a regular expression: /regex/ as written, words as whole words with any spacing."""
    if len(term) > 2 and term.startswith("/") and term.endswith("/"):
        return term[1:-1]
    words = [re.escape(w) for w in term.lower().split()]
    return r"(?<![\w@.])" + r"\s+".join(words) + r"(?![\w@])"


def phrases(words: list[str]) -> str:
    """One alternation; the whole-word guards are written once, outside it, which keeps it quick."""
    regexes = [w[1:-1] for w in words if len(w) > 2 and w.startswith("/") and w.endswith("/")]
    plain = [w for w in words if w[1:-1] not in regexes or not w.startswith("/")]
    spelled = sorted(
        (r"\s+".join(re.escape(p) for p in w.lower().split()) for w in plain), key=len, reverse=True
    )
    # A plural is the same term ("insight reports").
    parts = [r"(?<![\w@.])(?:" + "|".join(spelled) + r")(?:e?s)?(?![\w@])"] if spelled else []
    return "|".join(parts + [f"(?:{r})" for r in regexes])


def cue_before(cues: list[str]) -> re.Pattern[str]:
    """Matches when one of the cues ends the text: just before a term."""
    return re.compile(
        r"\b(?:" + "|".join(r"\s+".join(map(re.escape, c.split())) for c in cues) + r")\s*$", re.IGNORECASE
    )


def options_named(names: list[str]) -> frozenset[tuple[str, str]]:
    return frozenset((n.split(".", 1)[0], n.split(".", 1)[1] if "." in n else "") for n in names)
