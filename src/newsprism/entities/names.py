"""Person names: parse a mention into given names and surname, and say whether two may be one person.

    >>> compare(parse_person("Volodymyr Zelenskyy"), parse_person("Vladimir Zelensky")).level
    'same'
    >>> compare(parse_person("George Bush"), parse_person("George W. Bush")).level
    'weak'
    >>> compare(parse_person("Kim Jong Un"), parse_person("Kim Yo Jong")).level
    'none'

Levels: `same` (every given name is the same name, spelled or translated differently),
`weak` (compatible but one name carries extra given names or initials: father and son
"George Bush" / "George W. Bush" look exactly like this, so weak pairs are never merged
across documents), `none`. Spelling is compared through `translit.word_keys`, given
names in other languages through the hand-kept table `data/given_names.json`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from newsprism.entities.translit import fold, word_keys

__all__ = ["GivenNames", "NameMatch", "PersonName", "compare", "given_names", "parse_person"]

GIVEN_NAMES_PATH = Path(__file__).resolve().parent / "data" / "given_names.json"
Level = Literal["same", "weak", "none"]

# Words a recogniser may leave at the front of a person span; never part of a name.
HONORIFICS = frozenset(
    "mr mrs ms miss dr prof sir dame lord lady president king queen prince princess sheikh emir sultan pope "
    "general gen sen rep gov col lt capt adm minister premier chancellor ayatollah imam rabbi father "
    "saint st".split()
)
PARTICLES = frozenset("al el bin ibn bint abu van von der den de da del della di du la le ter ten".split())
_REGNAL = re.compile(r"^(?=[IVX])M*(?:X{0,3})(?:IX|IV|V?I{0,3})$")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$|^[A-Z]$")


@dataclass(frozen=True, slots=True)
class PersonName:
    text: str  # as written, without honorifics and possessive
    given: tuple[str, ...]  # given and middle names and initials, as written
    surname: str  # last name with its particles ("bin Salman"), or the only word
    regnal: str | None = None  # "II" in "Abdullah II"

    @property
    def single(self) -> bool:
        """One word only ("Zelensky", "Erdoğan"): a surname or a one-name person."""
        return not self.given

    @property
    def words(self) -> tuple[str, ...]:
        return (*self.given, *self.surname.split())


@dataclass(frozen=True, slots=True)
class NameMatch:
    level: Level
    # given-name pairs matched by translation, not spelling: ("Vladimir", "Volodymyr")
    translated: tuple[tuple[str, str], ...] = ()


@lru_cache(maxsize=100_000)
def parse_person(text: str) -> PersonName:
    """Honorifics, possessive and "of <Country>" removed; initials and regnal numbers recognised."""
    clean = _POSSESSIVE.sub("", " ".join(text.split()))
    words = [w for w in re.split(r"\s+", clean) if w]
    while len(words) > 1 and fold(words[0]) in HONORIFICS:
        words.pop(0)
    if "of" in words[1:]:  # "Abdullah II of Jordan", "Charles III of the United Kingdom"
        words = words[: words.index("of", 1)]
    regnal = None
    if len(words) > 1 and _REGNAL.match(words[-1]):
        regnal = words.pop()
    if not words:
        return PersonName(text=clean, given=(), surname=clean)
    cut = len(words) - 1
    while cut > 0 and fold(words[cut - 1]) in PARTICLES and words[cut - 1][:1].islower():
        cut -= 1
    shown = " ".join(words) + (f" {regnal}" if regnal else "")
    return PersonName(text=shown, given=tuple(words[:cut]), surname=" ".join(words[cut:]), regnal=regnal)


def is_initial(word: str) -> bool:
    return bool(_INITIALS.match(word))


def surname_keys(name: PersonName) -> frozenset[str]:
    return _phrase_keys(name.surname)


def compare(a: PersonName, b: PersonName) -> NameMatch:
    """How far two parsed names can be one person (see the module docstring)."""
    if a.regnal or b.regnal:
        same = a.regnal == b.regnal and _phrase_keys(" ".join(a.words)) & _phrase_keys(" ".join(b.words))
        return NameMatch("same" if same else "none")
    if _phrase_keys(" ".join(a.words)) & _phrase_keys(" ".join(b.words)):
        return NameMatch("same")  # "Kim Jong-un" / "Kim Jong Un"
    if not surname_keys(a) & surname_keys(b):
        return NameMatch("none")
    if a.single or b.single:
        return NameMatch("same" if a.single and b.single else "weak")
    return _compare_given(a.given, b.given)


def _compare_given(ga: tuple[str, ...], gb: tuple[str, ...]) -> NameMatch:
    short, long_ = (ga, gb) if len(ga) <= len(gb) else (gb, ga)
    table = given_names()
    translated: list[tuple[str, str]] = []
    weak = len(short) != len(long_)
    j = 0
    for word in short:  # each word of the shorter list must match, in order, a word of the longer
        while j < len(long_):
            kind = _given_pair(word, long_[j], table)
            j += 1
            if kind is not None:
                if kind == "translated":
                    translated.append((word, long_[j - 1]))
                weak = weak or kind == "initial"
                break
            if len(short) > 1:  # both carry middle names, and they differ: "George H. W." / "George W."
                return NameMatch("none")
            weak = True  # skipped a word of the longer list
        else:
            return NameMatch("none")
    if not _given_pair(short[0], long_[0], table):  # the first given names differ: "Tayyip" vs "Recep Tayyip"
        weak = True
    return NameMatch("weak" if weak else "same", tuple(translated))


def _given_pair(a: str, b: str, table: GivenNames) -> str | None:
    """"spelling", "translated", "initial" or None for two given-name words."""
    if is_initial(a) or is_initial(b):
        if is_initial(a) and is_initial(b):
            return "spelling" if fold(a) == fold(b) else None
        return "initial" if fold(a)[:1] == fold(b)[:1] else None
    if word_keys(a) & word_keys(b):
        return "spelling"
    if table.same_name(a, b):
        return "translated"
    return None


@lru_cache(maxsize=100_000)
def _phrase_keys(phrase: str) -> frozenset[str]:
    """Keys of a multi-word phrase as one word: "Kim Jong-un" = "Kim Jong Un" = "Kim Jongun"."""
    return word_keys("".join(phrase.split()))


@dataclass(frozen=True, slots=True)
class GivenNames:
    """The hand-kept table of given names that are one name in several languages."""

    group_of: dict[str, int]  # word key -> group index
    language_of: dict[str, str]  # word key -> "uk" | "ru" (only keys that are one of the two)
    ukrainian: dict[int, str]  # group index -> the Ukrainian form, as romanised in English

    def same_name(self, a: str, b: str) -> bool:
        ga = {self.group_of[k] for k in word_keys(a) if k in self.group_of}
        return bool(ga & {self.group_of[k] for k in word_keys(b) if k in self.group_of})

    def language(self, word: str) -> str | None:
        """"uk" or "ru" when `word` is the Ukrainian or the Russian form of its name; else None."""
        langs = {self.language_of[k] for k in word_keys(word) if k in self.language_of}
        return langs.pop() if len(langs) == 1 else None

    def ukrainian_form(self, word: str) -> str | None:
        for key in sorted(word_keys(word)):
            group = self.group_of.get(key)
            if group is not None and group in self.ukrainian:
                return self.ukrainian[group]
        return None


@cache
def given_names(path: Path = GIVEN_NAMES_PATH) -> GivenNames:
    data = json.loads(path.read_text(encoding="utf-8"))
    group_of: dict[str, int] = {}
    language_of: dict[str, str] = {}
    ukrainian: dict[int, str] = {}
    for i, group in enumerate(data["groups"]):
        uk_keys = {k for w in group["uk"] for k in word_keys(w)}
        ru_keys = {k for w in group["ru"] for k in word_keys(w)}
        for lang in ("uk", "ru", "other"):
            for word in group[lang]:
                for key in word_keys(word):
                    group_of.setdefault(key, i)
        for key in uk_keys ^ ru_keys:  # a spelling both languages share marks neither
            language_of[key] = "uk" if key in uk_keys else "ru"
        if group["uk"]:
            ukrainian[i] = group["uk"][0]
    return GivenNames(group_of=group_of, language_of=language_of, ukrainian=ukrainian)
