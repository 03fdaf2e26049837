"""Offices as written ("Minister of Defense", "Presidential Aide") to one comparable form.

    >>> office("Minister of Defense"), office("Defence Minister"), office("advisor")
    ('defence minister', 'defence minister', 'adviser')

`EXCLUSIVE` offices have one holder per country at a time: two people called "Ukrainian
President" in one story, or one person called president of two countries, is a conflict.
"""

from __future__ import annotations

import re

__all__ = ["EXCLUSIVE", "exclusive", "office"]

EXCLUSIVE = frozenset({
    "president", "prime minister", "premier", "chancellor", "king", "queen", "emir", "pope", "supreme leader",
    "foreign minister", "defence minister", "finance minister", "interior minister", "justice minister",
    "secretary of state", "secretary general", "vice president",
})
# Qualifiers that make an office compatible with another holder ("former president", "acting ...").
NON_EXCLUSIVE_QUALIFIERS = frozenset({"former", "acting", "outgoing", "incoming", "deputy"})
_SPELLING = (("defense", "defence"), ("advisor", "adviser"), ("spokesman", "spokesperson"),
             ("spokeswoman", "spokesperson"), ("foreign affairs", "foreign"), ("secretary-general",
             "secretary general"), ("prime-minister", "prime minister"), ("head of state", "president"))
_MINISTER_OF = re.compile(r"^minister (?:of|for) (?:the )?(.+)$")
_LEADING = re.compile(r"^(?:the|former|ex-|ex|then-|then|acting|outgoing|incoming|interim)\s*")


def office(role: str) -> str:
    """The comparable form of an office as written: lower case, one spelling, "X minister"."""
    text = " ".join(role.lower().replace("’", "'").split())
    for old, new in _SPELLING:
        text = text.replace(old, new)
    while (stripped := _LEADING.sub("", text)) != text:
        text = stripped
    m = _MINISTER_OF.match(text)
    if m:
        text = f"{m.group(1)} minister"
    return text.strip(" ,")


def exclusive(office_name: str, qualifier: str | None) -> bool:
    """Whether one country can have only one such office holder at a time."""
    return office_name in EXCLUSIVE and (qualifier is None or qualifier not in NON_EXCLUSIVE_QUALIFIERS)
