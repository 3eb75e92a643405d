"""What the reporter says about themselves: never about the contact.

A report is written in the reporter's own voice, around whatever of the contact's words they
paste in. "Hi, I'm Tom Ellis from the Cabinet Office", "I work at the Department for Transport"
and the sign-off that ends their message ("Thanks,\\nRachel Moore\\nPolicy Adviser") name the
reporter. The same words inside a quote, after "Message below:" or in a message that greets
the reporter by name are the contact's, and are left to be read.
"""

from __future__ import annotations

import re

from flows.extraction.contacts import Found, is_delimiter

# The start of a clause in which the reporter says who they are or where they work.
_SELF = re.compile(
    r"(?:^|(?<=[.!?;,\n(])|(?<=\band)|(?<=\bbut))[ \t]*(?:(?:hi|hello|hey)[ \t]*[,!]?[ \t]*)?"
    r"(?:"
    r"(?i:i['’]m|i am)[ \t]+(?:[A-Z][\w'’-]+"  # I'm Tom Ellis
    r"|(?i:a|an|the)[ \t]+(?:[\w'’-]+[ \t]+){0,4}(?i:at|with|for|in|from|of|on)\b"  # I'm a policy adviser at
    r"|(?i:at|with|from|based|part of|on the|in the|seconded|employed)\b)"
    r"|(?i:my name is|my name['’]s)[ \t]+[A-Z]"
    r"|(?<![\w\W])(?:(?i:hi|hello|hey)[ \t]*[,!]?[ \t]*)?(?i:this is)[ \t]+[A-Z]"
    r"|(?i:i[ \t]+(?:(?:currently|now|still|also)[ \t]+)?"
    r"(?:work|worked|am working|['’]m working|have worked|['’]ve worked)\b)"
    r"|(?i:my[ \t]+(?:own[ \t]+)?(?:team|department|unit|employer|office|directorate|organisation|"
    r"organization|division|ministry)[ \t]+(?:is|at|in)\b)"
    r")"
)
_CLAUSE_END = re.compile(r"[.!?;\n]|,|\band\b|\bbut\b")
# Before these, what follows is the contact's words: "Message below:", "He wrote:", "From: ...".
_PASTED = re.compile(
    r"(?im)(?::[ \t]*$|^[ \t>]*(?:from|sent|subject)[ \t]*:|forwarded message|\bwrote:|^[ \t]*>)"
)
_TEAM = re.compile(
    r"^(?:team|all|everyone|there|folks|colleagues|security|security team|the security team|"
    r"security colleagues|sir or madam|sir/madam|[\w ]*team)\b",
    re.IGNORECASE,
)
# The reporter telling what happened: without any of these, the text is the contact's own message
# pasted whole ("Hi, I'm Karen Liu, a talent partner at ... Can we continue on WhatsApp?").
_NARRATES = re.compile(
    r"\b(?:he|she|they|them|him|her|his|someone|somebody|"
    r"a (?:man|woman|guy|lady|person|recruiter|headhunter|consultant|researcher)|"
    r"(?:messaged|contacted|emailed|approached|texted|called|rang|phoned|sent|invited|inviting|asked|asking)"
    r" me|"
    r"i (?:was|got|received|had|have had|'ve had)|got an? |received an? |"
    r"(?:email|message|text|call|request|invitation) (?:came|arrived)|report(?:ing)? this|"
    r"see below|below is|forwarding|i(?:'ve| have)? forwarded|i replied|"
    r"i (?:didn't|did not|haven't|have not) (?:reply|replied|respond))\b",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^\s*(?:dear|hi|hello|hey)\b[ \t]*([^,\n:]*)", re.IGNORECASE)


def reporters_own(text: str, sign_offs: frozenset[str]) -> list[Found]:
    """Spans of `text` in which the reporter speaks of themselves."""
    if _greets_someone(text) or not _NARRATES.search(text):
        return []  # the whole text is the contact's message, pasted
    spans: list[Found] = []
    for match in _SELF.finditer(text):
        start = match.start() + len(match.group(0)) - len(match.group(0).lstrip(" \t"))
        if quoted_or_pasted(text, start):
            continue
        end_match = _CLAUSE_END.search(text, match.end())
        end = end_match.start() if end_match else len(text)
        spans.append(Found("", start, end))
    block = _closing_sign_off(text, sign_offs)
    if block is not None:
        spans.append(block)
    spans.extend(_signed_before_forwarding(text, sign_offs))
    inline = _INLINE_SIGN_OFF.search(text)
    if inline is not None and not quoted_or_pasted(text, inline.start()):
        spans.append(Found("", inline.start(), inline.end()))
    return spans


# "... report it here. Thanks, Priya (07700 900672)": a sign-off on the last line of the text.
_INLINE_SIGN_OFF = re.compile(
    r"(?:(?<=[.!?])|(?<=^)|(?<=\n))[ \t]*(?i:many thanks|thanks|thank you|cheers|kind regards|best regards|"
    r"best wishes|regards|best)[ \t]*[,!-][^.!?\n]{0,60}\s*$"
)
# What an email client writes above a forwarded or quoted message.
_FORWARD = re.compile(
    r"^[ \t>]*(?:-{3,}[ \t]*(?:forwarded|original)|from[ \t]*:|on .{4,80} wrote:|begin forwarded)",
    re.IGNORECASE,
)


def _signed_before_forwarding(text: str, sign_offs: frozenset[str]) -> list[Found]:
    """ "Please see below.\nThanks,\nRachel\n07700 900671\n\n--- Forwarded message ---": the
    reporter signed their note above what they forwarded."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    found = []
    for index, line in enumerate(lines):
        if re.sub(r"[^a-z ]", "", line.lower()).strip() not in sign_offs or quoted_or_pasted(
            text, offsets[index]
        ):
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() and not _FORWARD.match(lines[end]):
            end += 1
        after = next((j for j in range(end, len(lines)) if lines[j].strip()), None)
        if after is not None and _FORWARD.match(lines[after]):
            found.append(Found("", offsets[index], offsets[end] - 1))
    return found


def _greets_someone(text: str) -> bool:
    """ "Dear Ms Raman," first: the message is the contact's, greeting the reporter."""
    greeting = _GREETING.match(text)
    if greeting is None:
        return False
    whom = greeting.group(1).strip()
    return bool(_A_NAME.fullmatch(whom)) and not _TEAM.match(whom)


_A_NAME = re.compile(
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam)\.?[ \t]+)?[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)?"
)


def quoted_or_pasted(text: str, position: int) -> bool:
    """Inside an open quote, or after "Message below:" unless what was pasted has been quoted
    and closed since."""
    before = text[:position]
    if before.count('"') % 2 == 1 or before.count("“") > before.count("”"):
        return True
    signals = list(_PASTED.finditer(before))
    if not signals:
        return False
    after = before[signals[-1].end() :]
    return not (after.count('"') >= 2 or "”" in after)


def _closing_sign_off(text: str, sign_offs: frozenset[str]) -> Found | None:
    """The sign-off that ends the text, with the lines after it: the reporter's own, unless it
    carries an address (a business signature, pasted) or follows "below:" still in their words."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for index in range(len(lines) - 1, max(-1, len(lines) - 8), -1):
        line = lines[index]
        if not (re.sub(r"[^a-z ]", "", line.lower()).strip() in sign_offs or is_delimiter(line)):
            continue
        block = "\n".join(lines[index:])
        if "@" in block or re.search(r"https?://|www\.|\.(?:com|org|net|co\.uk|eu|io)\b", block):
            return None
        if quoted_or_pasted(text, offsets[index]):
            return None
        if any(not line.strip() for line in lines[index + 1 :]):
            return None  # a blank line inside: not one closing block
        return Found("", offsets[index], offsets[len(lines)] - 1)
    return None
