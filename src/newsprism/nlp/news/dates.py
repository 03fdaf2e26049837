"""Dates, times and durations, resolved against the publication date when it is known.

Plain rules (no dateparser: ~1.3k strings/s, see NOTES). Values are ISO 8601:

    "May 16, 2025" / "16 May 2025"   -> "2025-05-16"
    "April 2022"                     -> "2022-04"
    "in 2019"                        -> "2019"
    "1700–1721"                      -> "1700/1721"
    "on Friday" (published Mon 2025-05-19)  -> "2025-05-16" (relative: the last Friday)
    "May 16" (published 2025-05-19)  -> "2025-05-16" (year from the publication date)
    "this week" / "last year"        -> "2025-W21" / "2024" (relative)
    "three years", "a three-year freeze" -> "P3Y"
    "two weeks ago"                  -> "2025-05-05" (relative)
    "4 am"                           -> "T04:00"

Relative expressions without a publication date get `value=None` (still found). Hours
and days as quantities ("two hours", "a 30-day ceasefire") are left to `numbers`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Doc, Token

from newsprism.nlp.document import DateExpr
from newsprism.nlp.news.numbers import word_value

__all__ = ["find_dates", "find_dates_in_text", "parse_published"]

MONTHS = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for name in names}
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                         "sunday"])}
DURATION_UNITS = {"year": "Y", "years": "Y", "month": "M", "months": "M", "week": "W", "weeks": "W",
                  "decade": "Y", "decades": "Y", "century": "Y", "centuries": "Y"}
_UNIT_FACTOR = {"decade": 10, "decades": 10, "century": 100, "centuries": 100}

_MON = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|" \
       r"Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_NUMW = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|" \
        r"forty|fifty|several|few|many)"
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("mdy", re.compile(rf"\b(?P<mon>{_MON})\s+(?P<day>{_DAY})\b(?:,?\s+(?P<year>{_YEAR})\b)?")),
    ("dmy", re.compile(rf"\b(?P<day>{_DAY})\s+(?:of\s+)?(?P<mon>{_MON})\b(?:,?\s+(?P<year>{_YEAR})\b)?")),
    ("my", re.compile(rf"\b(?:(?:early|mid|late)-?\s?)?(?P<mon>{_MON})\s+(?:of\s+)?(?P<year>{_YEAR})\b")),
    ("iso", re.compile(rf"\b(?P<year>{_YEAR})-(?P<mon>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("yrange", re.compile(rf"\b(?P<year>{_YEAR})\s?[–—-]\s?(?P<year2>{_YEAR}|\d\d)\b")),
    ("ago", re.compile(rf"\b(?P<n>{_NUMW})\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b", re.I)),
    ("rel", re.compile(r"\b(?P<which>this|last|next|past|coming|earlier this|later this)\s+"
                       r"(?P<unit>week|month|year|weekend|spring|summer|autumn|fall|winter)\b", re.I)),
    ("word", re.compile(r"\b(?P<word>today|yesterday|tomorrow|tonight|this morning|this afternoon|"
                        r"this evening|last night)\b", re.I)),
    ("weekday", re.compile(r"\b(?:(?P<which>last|next|this|on)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|"
                           r"Friday|Saturday|Sunday)\b")),
    ("monthonly", re.compile(rf"\b(?:in|since|until|by|from|last|next|this|early|mid|late)\s+(?P<mon>{_MON})\b"
                             rf"(?!\s+(?:\d|{_YEAR}))")),
    ("year", re.compile(rf"(?<![\d,.$€£])\b(?P<year>{_YEAR})\b(?![\d,.]\d|\s?(?:%|percent))")),
    ("duration", re.compile(rf"\b(?P<n>{_NUMW}|\d+(?:\.\d+)?)[\s-](?P<unit>years?|months?|weeks?|decades?|"
                            rf"century|centuries)(?:[\s-]long)?\b(?!\s+ago)", re.I)),
    ("time", re.compile(r"\b(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<m>[0-5]\d))?\s?(?P<ampm>[ap])\.?m\.?(?=\W|$)", re.I)),
    ("clock", re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\b")),
    # military style, only with a zone after it ("1033 GMT"): a bare four-digit number is a year or a count
    ("clock", re.compile(r"\b(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?=\s?(?:GMT|UTC)\b)")),
]
# Zones written after a time of day; offsets from UTC for those that name one.
ZONE = re.compile(r"\s*\(?\s*(?P<zone>GMT|UTC|CEST|CET|BST|EEST|EET|WEST|WET|EDT|EST|CDT|CST|MDT|MST|PDT|PST|ET|PT|"
                  r"IST|ICT|JST|KST|AEST|AEDT|local time|local)\b")
ZONE_OFFSETS = {"GMT": 0, "UTC": 0, "CET": 60, "CEST": 120, "BST": 60, "EET": 120, "EEST": 180, "WET": 0,
                "WEST": 60, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
                "PST": -480, "PDT": -420, "ICT": 420, "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660}


def parse_published(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def find_dates(doc: Doc, published: str | None = None, *, text: str | None = None) -> list[DateExpr]:
    """Every date, time and duration in the doc's text (`text`, when the caller has it),
    longest match first, no overlaps, each with the event it dates when the doc has a parse."""
    found = find_dates_in_text(doc.text if text is None else text, published)
    if doc.has_annotation("DEP"):
        for d in found:
            d.predicate, d.about, d.past = _event(doc, d.start, d.end)
    return found


_VERBS = frozenset({"VERB", "AUX"})
_NOUNS = frozenset({"NOUN", "PROPN"})
_RELATIVE = frozenset({"which", "that", "who", "whom"})
_FUTURE = frozenset({"will", "would", "shall", "could", "might", "may", "to"})
# nouns of the time expression itself, not of the event ("12:50 local time", "08:43 CET")
_TIME_WORDS = frozenset({"time", "local", "hour", "minute", "day", "am", "pm", "a.m.", "p.m.", "gmt", "utc"})


def _words(tok: Token) -> list[str]:
    """A noun with the nouns compounded to it and its "of" complement ("round of talks": round talk).
    Names are left out: an actor ("Nippon Steel announced ...") does many things, what is done
    says which event. Dependency labels are Universal Dependencies (the shipped parser's)."""
    words = [c.lemma_.lower() for c in tok.children if c.dep_ == "compound" and c.pos_ == "NOUN"]
    if tok.pos_ == "NOUN":
        words.append(tok.lemma_.lower())
    words += [c.lemma_.lower() for c in tok.children
              if c.dep_ == "nmod" and c.pos_ == "NOUN" and any(g.dep_ == "case" and g.lower_ == "of" for g in c.children)]
    return [w for w in words if w not in _TIME_WORDS and w.upper() not in ZONE_OFFSETS]


def _event(doc: Doc, start: int, end: int) -> tuple[str | None, str | None, bool]:
    """(predicate, about, past) of the date at doc.text[start:end]: the nearest verb above it,
    the nouns of its event: a noun the date hangs on ("the first round of talks on May 15"),
    the verb's subject (through a relative or participial clause: "the outage, which began
    at 1033 GMT"; "the plan, first announced in October 2023") and its object, and whether
    the verb is in a past tense ("captives were traded ... on May 15")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None, None, False
    tok, nouns, verb = span.root, [], None
    for _ in range(6):
        if tok.head is tok:
            break
        tok = tok.head
        if tok.pos_ in _VERBS:
            verb = tok
            break
        if tok.pos_ in _NOUNS and not nouns:
            nouns += _words(tok)
    if verb is None:
        return None, " ".join(nouns) or None, False
    for c in verb.children:
        if c.dep_.startswith(("nsubj", "obj")) and c.pos_ in _NOUNS:
            nouns += _words(c)
        elif c.dep_.startswith("nsubj") and c.lower_ in _RELATIVE and verb.dep_ == "acl:relcl" \
                and verb.head.pos_ in _NOUNS:
            nouns += _words(verb.head)
    if verb.dep_ == "acl" and verb.head.pos_ in _NOUNS:
        nouns += _words(verb.head)
    past = verb.tag_ in ("VBD", "VBN") and not any(c.lower_ in _FUTURE for c in verb.children)
    return verb.lemma_.lower(), " ".join(dict.fromkeys(nouns)) or None, past


def find_dates_in_text(text: str, published: str | None = None) -> list[DateExpr]:
    """`find_dates` over plain text (no parse needed: the rules read characters only)."""
    anchor = parse_published(published)
    found: list[DateExpr] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if any(s < end and start < e for s, e in taken):
                continue
            if kind in ("weekday",) and m.group("which") == "on":
                start = m.start("wd")
            value, relative = _value(kind, m, anchor)
            if kind == "duration" and value is None:
                continue
            zone = None
            if kind in ("time", "clock") and (z := ZONE.match(text, end)):
                zone = "local" if z.group("zone").startswith("local") else z.group("zone")
            taken.append((start, end))
            found.append(DateExpr(text=text[start:end], value=value, start=start, end=end, relative=relative,
                                  zone=zone))
    found.sort(key=lambda d: d.start)
    return found


def _month(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS[key[:3]]


def _value(kind: str, m: re.Match[str], anchor: date | None) -> tuple[str | None, bool]:
    if kind in ("mdy", "dmy"):
        mon = _month(m.group("mon"))
        day = int(re.sub(r"\D", "", m.group("day")))
        if m.group("year"):
            return _iso(int(m.group("year")), mon, day), False
        if anchor is None:
            return None, True
        year = anchor.year
        try:  # a month-day well after the publication date is last year's ("on Dec 30", published Jan 2)
            if date(year, mon, day) - anchor > timedelta(days=180):
                year -= 1
        except ValueError:
            return None, True
        return _iso(year, mon, day), True
    if kind == "my":
        return f"{int(m.group('year')):04d}-{_month(m.group('mon')):02d}", False
    if kind == "iso":
        return _iso(int(m.group("year")), int(m.group("mon")), int(m.group("day"))), False
    if kind == "yrange":
        y1, y2 = m.group("year"), m.group("year2")
        if len(y2) == 2:
            y2 = y1[:2] + y2
        return (f"{y1}/{y2}", False) if int(y2) > int(y1) else (None, False)
    if kind == "year":
        return m.group("year"), False
    if kind == "duration":
        n = _count(m.group("n"))
        unit = m.group("unit").lower()
        if n is None:
            return None, False
        n *= _UNIT_FACTOR.get(unit, 1)
        return f"P{_fmt(n)}{DURATION_UNITS[unit]}", False
    if kind == "time":
        hour = int(m.group("h")) % 12 + (12 if m.group("ampm").lower() == "p" else 0)
        return f"T{hour:02d}:{int(m.group('m') or 0):02d}", False
    if kind == "clock":
        return f"T{int(m.group('h')):02d}:{m.group('m')}", False
    if kind == "monthonly":
        if anchor is None:
            return None, True
        mon = _month(m.group("mon"))
        year = anchor.year if mon <= anchor.month + 6 else anchor.year - 1
        return f"{year:04d}-{mon:02d}", True
    if anchor is None:
        return None, True
    if kind == "ago":
        n = _count(m.group("n"))
        if n is None:
            return None, True
        unit = m.group("unit").lower().rstrip("s")
        days = {"day": 1, "week": 7, "month": 30.44, "year": 365.25}[unit] * n
        return (anchor - timedelta(days=round(days))).isoformat(), True
    if kind == "word":
        word = m.group("word").lower()
        shift = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
        return (anchor + timedelta(days=shift)).isoformat(), True
    if kind == "rel":
        return _relative_period(m.group("which").lower(), m.group("unit").lower(), anchor), True
    if kind == "weekday":
        target = WEEKDAYS[m.group("wd").lower()]
        which = (m.group("which") or "").lower()
        delta = (anchor.weekday() - target) % 7
        if which == "next":
            return (anchor + timedelta(days=(target - anchor.weekday()) % 7 or 7)).isoformat(), True
        if which == "last" and delta == 0:
            delta = 7
        return (anchor - timedelta(days=delta)).isoformat(), True
    return None, True


def _relative_period(which: str, unit: str, anchor: date) -> str | None:
    step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(which, 0)
    if unit == "year":
        return f"{anchor.year + step:04d}"
    if unit == "month":
        month = anchor.month - 1 + step
        return f"{anchor.year + month // 12:04d}-{month % 12 + 1:02d}"
    if unit in ("week", "weekend"):
        day = anchor + timedelta(weeks=step)
        iso = day.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    return None  # seasons: left unresolved


def _count(word: str) -> float | None:
    low = word.lower()
    if low in ("a", "an"):
        return 1.0
    if low in ("several", "few", "many"):
        return None
    return word_value(low) if not low.replace(".", "").isdigit() else float(low)


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
