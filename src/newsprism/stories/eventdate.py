"""The day an article reports on, from its publication date or, failing that, its text.

Sources, in order of trust (`EventDate.source`):

- `published`: the publication date the input gave (a crawler's feed, a page's metadata);
- `relative`: with a publication date, a weekday or "yesterday" in the lead resolved
  against it, when it falls in the week before ("on Sunday" in Tuesday's paper);
- `dateline`: without one, a date with its year in the lead (" date 2025-03-28",
  "Sept. 3, 2025");
- `text`: a month-day in the lead whose year a full date further down gives ("on June
  2" in the lead, "June 2, 2025" below);
- `month-day`: a month-day in the lead and no year for it ("MADRID, April 28. /TASS/."):
  `value` stays None and `month_day` is kept; the story stage resolves it against each
  candidate story's dates (the year that puts it nearest), as a reader would;
- `none`: nothing found.

The rules are `newsprism.nlp.news.dates` (English month and weekday names; other
languages get `none` unless they write ISO dates).

    >>> event_date("", "MADRID, April 28, 2025. /TASS/. A blackout hit Spain ...", None).value
    '2025-04-28'
    >>> e = event_date("", "Talks resumed in Istanbul on June 2, the delegations said.", None)
    >>> (e.value, e.source, e.month_day)
    (None, 'month-day', (6, 2))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["DATELINE_CHARS", "EventDate", "event_date", "nearest_day"]

# A date this close to the start is the report's own dateline or first line; every
# dev-conflicts dateline sits in the first 60 characters, a standfirst in the first 300.
DATELINE_CHARS = 300
_MONTH_NAME = re.compile(r"[A-Za-z]{3}")
_HAS_YEAR = re.compile(r"\b(1[6-9]|20)\d\d\b")


@dataclass(frozen=True, slots=True)
class EventDate:
    value: str | None  # ISO date of the event day, None when only a month-day or nothing was found
    source: str  # published | relative | dateline | text | month-day | none
    evidence: str = ""  # the words it was read from (or the publication date)
    month_day: tuple[int, int] | None = None  # (month, day) of a date written without its year

    @property
    def day(self) -> int | None:
        return date.fromisoformat(self.value).toordinal() if self.value else None

    def to_report(self) -> dict[str, str | None]:
        md = f"--{self.month_day[0]:02d}-{self.month_day[1]:02d}" if self.month_day else None
        return {"value": self.value or md, "source": self.source, "evidence": self.evidence or None}


def _day_value(value: str | None) -> str | None:
    return value if value and len(value) == 10 and value[4] == "-" else None


def event_date(title: str, text: str, published: str | None) -> EventDate:
    """The event day of an article (see the module docstring). Only the lead (the first
    `DATELINE_CHARS` characters of title and text) is read for dates: further down, news
    texts date the background ("the first round on May 16", "since Oct. 7, 2023", "talks
    planned for June 20"), and a wrong date splits a story where no date would not."""
    from newsprism.nlp.news.dates import find_dates_in_text

    pub = _iso_day(published)
    body = f"{title}\n{text}" if title and not text.startswith(title) else text
    lead = body[:DATELINE_CHARS]
    if pub is not None:
        # a weekday or "yesterday" in the lead, resolved against the publication date
        # ("on Sunday" in Tuesday's paper), when it falls in the week before it
        for d in find_dates_in_text(lead, pub.isoformat()):
            v = _day_value(d.value)
            if v and d.relative and 0 <= (pub - date.fromisoformat(v)).days <= 7 and "ago" not in d.text.lower():
                return EventDate(v, "relative", d.text.strip())
        return EventDate(pub.isoformat(), "published", published or "")
    found = [d for d in find_dates_in_text(lead) if not (d.value or "").startswith(("P", "T"))]
    for d in found:
        v = _day_value(d.value)
        if v and _HAS_YEAR.search(d.text):
            return EventDate(v, "dateline", d.text.strip())
    for d in found:
        if d.relative and _MONTH_NAME.search(d.text) and re.search(r"\d", d.text):
            m = _month_day(d.text)
            if m is None:
                continue
            # the year from a full date of the same month and day further down ("June 2, 2025")
            for full in find_dates_in_text(body):
                v = _day_value(full.value)
                if v and _HAS_YEAR.search(full.text) and (int(v[5:7]), int(v[8:10])) == m:
                    return EventDate(v, "text", f"{d.text.strip()} ({full.text.strip()})")
            return EventDate(None, "month-day", d.text.strip(), m)
    return EventDate(None, "none")


def _iso_day(published: str | None) -> date | None:
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _month_day(text: str) -> tuple[int, int] | None:
    from newsprism.nlp.news.dates import MONTHS

    mon = next((MONTHS.get(w.lower().rstrip(".")) or MONTHS.get(w.lower()[:3]) for w in re.findall(r"[A-Za-z]+", text)
                if (MONTHS.get(w.lower().rstrip(".")) or MONTHS.get(w.lower()[:3]))), None)
    num = re.search(r"\d{1,2}", text)
    if mon is None or num is None:
        return None
    day = int(num.group())
    try:
        date(2024, mon, day)  # a leap year: 29 February is a month-day
    except ValueError:
        return None
    return mon, day


def nearest_day(month_day: tuple[int, int], first: int, last: int) -> int | None:
    """The ordinal of `month_day` in the year that puts it nearest the span [first, last]."""
    y = date.fromordinal(first).year
    best: int | None = None
    for year in (y - 1, y, y + 1):
        try:
            d = date(year, *month_day).toordinal()
        except ValueError:
            continue
        gap = max(first - d, d - last, 0)
        if best is None or gap < max(first - best, best - last, 0):
            best = d
    return best
