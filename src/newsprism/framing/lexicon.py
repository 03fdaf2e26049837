"""The framing lexicon (`data/lexicon.json`, provenance inside): blame and credit predicates,
loaded terms by persuasion technique, and a matcher for multi-word terms."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["Lexicon", "load_lexicon"]

DATA = Path(__file__).resolve().parent / "data" / "lexicon.json"


@dataclass(frozen=True, slots=True)
class Lexicon:
    negative: frozenset[str]  # lemmas whose agent is blamed
    positive: frozenset[str]  # lemmas whose agent is credited
    techniques: dict[str, str]  # loaded term (lower case) -> technique
    praise: frozenset[str]  # loaded terms that praise what they describe
    cancelling: frozenset[str]  # heads that turn a credit predicate below them into blame
    scored: frozenset[str]  # techniques whose terms count toward stance
    pattern: re.Pattern[str]  # any loaded term, longest first, on word boundaries

    def loaded_in(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, technique) of every loaded term in `text`."""
        return [(m.start(), m.end(), self.techniques[m.group().lower()]) for m in self.pattern.finditer(text)]


@cache
def load_lexicon(path: Path = DATA) -> Lexicon:
    data = json.loads(path.read_text("utf-8"))
    techniques = {term.lower(): kind for kind, terms in data["loaded"].items() for term in terms}
    alternatives = "|".join(re.escape(t) for t in sorted(techniques, key=len, reverse=True))
    return Lexicon(
        negative=frozenset(data["negative_predicates"]),
        positive=frozenset(data["positive_predicates"]),
        techniques=techniques,
        praise=frozenset(t.lower() for t in data["positive_loaded"]),
        cancelling=frozenset(data["cancelling"]),
        scored=frozenset(data["stance_techniques"]),
        pattern=re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I),
    )
