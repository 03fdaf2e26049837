"""Transliteration-blind keys for name words: one spelling-independent key per reading.

English, Spanish, German and French papers romanise the same Cyrillic, Arabic or
Hebrew name differently (Zelensky / Zelenskyy / Selenskyj / Zelenski; Mykhailo /
Mijailo / Mychajlo; Podolyak / Podoliak / Podoljak). `word_keys` folds those spellings
onto shared keys with ordered rewrite rules; two words may be the same name when their
key sets intersect.

    >>> sorted(word_keys("Zelenskyy")) == sorted(word_keys("Selenskyj"))
    True
    >>> word_keys("Mijailo") & word_keys("Mykhailo")
    {'mihailo'}

The rules, in order (each is a known romanisation difference):

1. diacritics and case folded (Erdoğan -> erdogan, Dolmabahçe -> dolmabahce), letters only;
2. German and French consonant clusters to English ones: tsch/tch -> ch, sch -> sh,
   dzh -> j (Dzhokhar), w -> v (Lawrow), ph -> f, ck/q -> k, z -> s (Selenskyj/Zelensky,
   German z is English ts);
3. `j` is read two ways: Spanish j = kh (Mijailo), German/Polish/Slavic j = y (Jurij,
   Podoljak); both readings are kept, so a word can have two keys;
4. kh and ch -> h (Mykhailo/Michail/Mihail; German ch is kh);
5. the -sky family of endings -> ski (-sky, -skyy, -skyi, -skiy, -skij, -skii, -skyj);
   other final -iy/-yi/-ij/-yj/-ii/-ie -> i (Yuriy/Yurij/Yuri, Georgiy/Georgi);
6. ou -> u (French Oumerov), y -> i (Podolyak/Podoliak), doubled letters single
   (Zelenskyy, Abdallah/Abdalah).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "word_keys"]

# Letters NFKD cannot split into base + mark.
_SPECIAL = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae",
                          "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ʹ": "", "ʼ": "", "’": "", "'": "",
                          "‘": "", "ʻ": ""})
_NON_LETTER = re.compile(r"[^a-z]+")
_CLUSTERS = (("tsch", "ch"), ("tch", "ch"), ("sch", "sh"), ("dzh", "j"), ("ph", "f"), ("ck", "k"), ("q", "k"),
             ("w", "v"), ("z", "s"))
_SKY = re.compile(r"sk(?:yy|yi|iy|ij|ii|yj|y|i)$")
_FINAL_I = re.compile(r"(?<=[^aeiouy])(?:iy|yi|ij|yj|ii|ie|y)$")
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case ASCII letters of `text`: diacritics removed, everything else dropped."""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_LETTER.sub("", text)


@lru_cache(maxsize=200_000)
def word_keys(word: str) -> frozenset[str]:
    """The keys of one name word (one per reading of `j`); empty for a word without letters."""
    s = fold(word)
    if not s:
        return frozenset()
    for old, new in _CLUSTERS:
        s = s.replace(old, new)
    readings = {s.replace("j", "h"), s.replace("j", "y")} if "j" in s else {s}
    return frozenset(_finish(r) for r in readings)


def _finish(s: str) -> str:
    s = s.replace("kh", "h").replace("ch", "h")
    s = _SKY.sub("ski", s)
    s = _FINAL_I.sub("i", s)
    s = s.replace("ou", "u").replace("y", "i")
    return _DOUBLE.sub(r"\1", s)
