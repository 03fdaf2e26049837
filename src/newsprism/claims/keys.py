"""Content keys of a claim unit: what two units must share to be compared at all.

Blocking on shared keys keeps alignment linear in practice: only units that share a
rare-enough content word, number or name are scored, never all pairs of a story.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from newsprism.claims.records import ClaimUnit

__all__ = ["content_keys", "number_keys", "stem"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.U)  # "two-hour" gives two words
# Function words and reporting verbs: shared by unrelated sentences, so no evidence.
STOPWORDS = frozenset("""
a about above after again against all also although am an and another any are around as at be because been
before being below between both but by can could did do does doing done down during each either even ever every
few for from further had has have having he her here hers herself him himself his how however i if in into is it
its itself just least less like made make many may me might more most much must my myself near neither no nor not
now of off on once one only or other others our ours ourselves out over own per rather said same says say saying
she should since so some such than that the their theirs them themselves then there these they this those though
through thus to too told under until up upon us very via was we were what when where whether which while who whom
whose why will with within without would yet you your yours also according added stated told reported yesterday
today week weeks day days month months year years mr mrs ms new news
""".split())


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude prefix stem: enough to match prisoner/prisoners, negotiate/negotiations."""
    w = _fold(word).replace("’", "'").split("'")[0]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w[:6] if len(w) > 6 else w


def number_keys(unit: ClaimUnit) -> set[str]:
    keys = set()
    for n in unit.numbers:
        if n.value is not None:
            keys.add(f"#{n.value:g}")
            if n.unit:
                keys.add(f"#{n.value:g}{stem(n.unit.split()[-1])}")  # "2 hours" and "two-hour" share #2hour
    return keys


def content_keys(unit: ClaimUnit) -> set[str]:
    """Stems of content words, number values (`#1000`) and entity names (`@zelensk`)."""
    keys = {stem(w) for w in _WORD.findall(unit.text) if len(w) > 2 and w.lower() not in STOPWORDS}
    keys |= number_keys(unit)
    for m in unit.mentions:
        last = m.text.split()[-1] if m.text.split() else ""
        if last:
            keys.add("@" + stem(last)[:5])
    return keys
