"""How alike two spellings must be to count as the same, in one place.

Scores are rapidfuzz's 0-100. Names are compared word by word in any order after folding
(case, accents, pinyin), so what is left to forgive is a typo or a dropped letter: 88 lets
"Amanda Qiu" meet "Amanda Qui" or "Amamda Qiu" but keeps "Amanda Chen" (a different person
with the same first name, about 70) well out. Organisations are compared without spaces,
hyphens or legal suffixes, so 90 forgives one slip in a name of ten letters or more and no
more: "Internship Union" and "Internships Union" meet, "Intern Union" does not.
"""

from __future__ import annotations

NAME_SIMILARITY = 88.0
ORGANISATION_SIMILARITY = 90.0
# Below this many letters a compact organisation name is compared exactly: one letter in
# five is too much to forgive ("Acme" vs "Acne").
ORGANISATION_FUZZY_MIN_LENGTH = 8
