"""Numbers and quantities: value, unit (what is counted), qualifier, ranges.

    "1,000 prisoners"        -> 1000.0, "prisoners"
    "a thousand people"      -> 1000.0, "people"
    "the two-hour talks"     -> 2.0, "hours"
    "a 30-day ceasefire"     -> 30.0, "days"
    "1.2 million"            -> 1200000.0
    "10 to 15 people"        -> 10.0, upper 15.0, qualifier "range"
    "less than two hours"    -> 2.0, "hours", "less than"
    "$3.5bn" / "40%"         -> 3.5e9 "USD" / 40.0 "%"
    "a 14.9-billion-U.S.-dollar purchase" -> 1.49e10 "USD"

Years, dates and clock times belong to `dates` and are skipped (the caller passes the
date spans; a bare four-digit year is skipped on its own).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from newsprism.nlp.document import Number

__all__ = ["find_numbers", "word_value"]

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "half": 0.5,
}
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3,
          "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
CURRENCIES = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₴": "UAH", "₽": "RUB"}
CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
                  "rubles": "RUB", "roubles": "RUB", "hryvnias": "UAH", "yuan": "CNY", "yen": "JPY"}
QUALIFIERS = [
    ("no fewer than", "at least"), ("no less than", "at least"), ("no more than", "at most"),
    ("at least", "at least"), ("at most", "at most"), ("up to", "at most"), ("as many as", "at most"),
    ("more than", "more than"), ("over", "more than"), ("upwards of", "more than"), ("in excess of", "more than"),
    ("less than", "less than"), ("fewer than", "less than"), ("under", "less than"), ("below", "less than"),
    ("nearly", "about"), ("almost", "about"), ("about", "about"), ("around", "about"), ("approximately", "about"),
    ("roughly", "about"), ("some", "about"), ("an estimated", "about"), ("estimated", "about"),
    ("close to", "about"), ("just over", "more than"), ("just under", "less than"),
    ("a little over", "more than"), ("little over", "more than"), ("a little more than", "more than"),
    ("barely", "at most"), ("a little under", "less than"), ("just shy of", "less than"),
]
_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|" \
        r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)" \
        r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:[\s-]?(?:hundred|thousand|million|billion|trillion)\b|(?:k|m|mn|bn|tn)\b)?"
_CORE = (rf"(?P<cur>US\$|[$€£¥₴₽])?\s?(?P<num>{_DIGITS}|\b{_WORD}\b|\ba (?:hundred|thousand|million|billion)\b|"
         rf"\b(?:a|one) dozen\b|\b(?:hundreds|thousands|millions|billions|dozens|tens of thousands)(?= of)\b|"
         # "after barely an hour", "a little over a week": one of a unit of time, never a rate ("miles an hour")
         rf"(?<!miles )(?<!kilometres )(?<!times )(?<!once )(?<!twice )(?<!per )(?<![\d%] )\ban?(?= (?:hour|week|month)\b))"
         rf"(?P<scale>{_SCALE})")
_NUMBER = re.compile(
    _CORE + rf"(?:\s?(?P<dash>[-–—]|to|and)\s?(?P<num2>{_DIGITS}|\b{_WORD}\b)(?P<scale2>{_SCALE}))?"
    r"(?P<pct>\s?%|\s(?:percent|per cent)\b)?"
    # "the 14.9-billion-U.S.-dollar purchase": a currency written into the compound
    r"(?:-(?:U\.?S\.?-)?(?P<curword>dollar|euro|pound|yen|yuan|ruble|rouble)\b)?"
    r"(?:-(?P<adj>[a-z]+))?",
    re.I,
)
_UNIT_STOP = frozenset(
    """the a an and or of in on at to from for by with as per each than that which who is are was were be been
    has have had will would could should may might this these those it its their his her our more less other
    such but not also""".split()
)
SINGULAR_UNITS = frozenset({"percent", "km", "kg", "mph", "people", "police", "personnel", "staff", "cattle",
                            "livestock", "metres", "meters", "feet", "miles"})
_YEAR = re.compile(r"^(1[6-9]\d\d|20\d\d)$")


def word_value(text: str) -> float | None:
    """'twenty-five' -> 25, 'a thousand' -> 1000, 'dozens' -> 24 (a lower bound), '1,000' -> 1000."""
    t = text.lower().strip()
    if t in ("a", "an"):  # "an hour"
        return 1.0
    if re.fullmatch(_DIGITS, t):
        return float(t.replace(",", ""))
    if t.startswith(("a ", "one ")) and t.split()[-1] in SCALES:
        return float(SCALES[t.split()[-1]]) if t.split()[-1] != "dozen" else 12.0
    if t in ("a dozen", "one dozen"):
        return 12.0
    plural = {"hundreds": 200, "thousands": 2000, "millions": 2e6, "billions": 2e9, "dozens": 24,
              "tens of thousands": 20000}
    if t in plural:
        return float(plural[t])
    total = 0.0
    for part in re.split(r"[- ]", t):
        if part not in UNITS_WORDS:
            return None
        total += UNITS_WORDS[part]
    return total


def find_numbers(doc: Doc, skip: list[tuple[int, int]] | None = None, *,
                 text: str | None = None) -> list[Number]:
    """Every quantity in the doc's text (`text`, when the caller has it) outside the `skip`
    spans (dates)."""
    text = doc.text if text is None else text
    skip = skip or []
    out: list[Number] = []
    for m in _NUMBER.finditer(text):
        start, end = m.start(), m.end()
        if m.group("cur") is None:
            start = m.start("num")
        if any(s < end and start < e for s, e in skip):
            continue
        num = m.group("num")
        if _YEAR.match(num) and not m.group("scale") and not m.group("cur") and not m.group("adj"):
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "/:"):  # "G7", "10:30", "24/7"
            continue
        if start > 1 and text[start - 1] in "-‑‐" and text[start - 2].isalpha():  # "F-16", "COVID-19": a name
            continue
        value = word_value(num)
        if value is None:
            continue
        value *= _scale(m.group("scale"))
        upper = None
        qualifier = None
        if m.group("num2"):
            second = word_value(m.group("num2"))
            if second is None or (m.group("dash") and m.group("dash").lower() == "and"
                                  and not text[max(0, start - 8):start].lower().endswith("between ")):
                end = m.end("scale")  # "one and two" is not a range; keep the first number only
            else:
                upper = second * _scale(m.group("scale2") or m.group("scale"))
                if upper <= value and m.group("dash") and m.group("dash") in "-–—":
                    continue  # "5-0", "3-2": a score or a vote, not a range
                if not m.group("scale2") and m.group("scale"):
                    pass
                elif m.group("scale2") and not m.group("scale"):
                    value *= _scale(m.group("scale2"))
                qualifier = "range"
        unit = None
        if m.group("cur"):
            unit = CURRENCIES.get(m.group("cur").upper() if m.group("cur").startswith("US") else m.group("cur"))
        if m.group("pct"):
            unit = "%"
        if m.group("adj") and end == m.end():
            unit = _plural(m.group("adj").lower())
        if m.group("curword"):
            word = m.group("curword").lower()
            unit = CURRENCY_WORDS.get(word) or CURRENCY_WORDS[word + "s"]
        if unit is None:
            unit, end = _unit_after(text, end, value)
        bound, start = _qualifier_before(text, start)
        qualifier = bound or qualifier  # "about 10-15": the bound says more; `upper` still marks the range
        if end <= start or num.lower() == "one" and unit is None:  # "one of them", "no one"
            continue
        counted, predicate = _frame(doc, m.start("num"), m.end("num"))
        out.append(Number(text=text[start:end], value=value, unit=unit, qualifier=qualifier, start=start, end=end,
                          upper=upper, counted=counted, predicate=predicate))
    return out


_NOUNS = frozenset({"NOUN", "PROPN"})
_MODIFIERS = frozenset({"amod", "compound", "nmod"})
_PREDICATES = frozenset({"VERB", "ADJ"})


def _frame(doc: Doc, start: int, end: int) -> tuple[str | None, str | None]:
    """(counted, predicate) of the figure at doc.text[start:end], read off the parse.

    "four masked thieves stole nine pieces of jewelry": for "nine" -> ("piece jewelry", "steal");
    "at least 144 people were killed and over 730 injured": for "730" -> (None, "injured").
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None, None
    tok = span.root
    while tok.head is not tok and tok.dep_ in ("nummod", "quantmod", "compound") and (
            tok.head.like_num or tok.head.lower_ in SCALES):  # "50 million people": from 50 to million
        tok = tok.head
    noun = None
    if tok.head is not tok and tok.head.pos_ in _NOUNS and tok.dep_ in ("nummod", "quantmod", "compound", "amod",
                                                                         "nmod", "det"):
        noun = tok.head
    elif tok.pos_ in _NOUNS and not tok.like_num:
        noun = tok
    elif tok.head.dep_ == "amod" and tok.head.head.pos_ in _NOUNS and tok.i < tok.head.i < tok.head.head.i:
        noun = tok.head.head  # "nearly 400 abducted Ukrainian children": the figure hangs on the participle
    counted = None
    if noun is not None:
        words = [c.lemma_.lower() for c in noun.children
                 if c.dep_ in _MODIFIERS and c.i < noun.i and not c.like_num and c.pos_ in ("ADJ", "NOUN", "PROPN")
                 and c.i not in range(span.start, span.end)]
        words.append(noun.lemma_.lower())
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):  # "pieces of jewelry"
            words += [g.lemma_.lower() for g in prep.children if g.dep_ == "pobj" and g.pos_ in _NOUNS]

        counted = " ".join(words)
    head = noun or tok
    predicate = None
    for _ in range(4):  # the nearest verb or adjective above the figure, within its clause
        if head.pos_ in _PREDICATES and head is not tok:
            predicate = head.lemma_.lower()
            break
        if head.head is head or head.dep_ in ("ROOT",):
            break
        head = head.head
    return counted, predicate


def _scale(word: str | None) -> float:
    if not word:
        return 1.0
    return float(SCALES.get(word.strip(" -").lower(), 1.0))


def _plural(word: str) -> str:
    if word in ("year-old", "old"):
        return "years old"
    return word if word.endswith("s") else word + "s"


def _unit_after(text: str, end: int, value: float = 0.0) -> tuple[str | None, int]:
    """What is counted: the next word (through 'of' after a plural scale: 'thousands of casualties')."""
    m = re.match(r"\s+(of\s+)?([A-Za-z][A-Za-z'’-]*)", text[end:])
    if m is None:
        return None, end
    word = m.group(2)
    low = word.lower()
    if low in CURRENCY_WORDS:
        return CURRENCY_WORDS[low], end + m.end()
    if low in _UNIT_STOP or word[0].isupper():
        return None, end
    if not (low.endswith("s") or low in SINGULAR_UNITS or value == 1):  # a plural noun: what is counted
        return None, end
    return low, end + m.end()


def _qualifier_before(text: str, start: int) -> tuple[str | None, int]:
    head = text[max(0, start - 20): start].lower()
    for phrase, qualifier in QUALIFIERS:
        if re.search(rf"(?:^|\W){re.escape(phrase)}\s+$", head):
            k = head.rfind(phrase)
            return qualifier, start - (len(head) - k)
    return None, start
