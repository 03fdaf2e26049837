"""`make eval`: every quality figure newsprism prints, scored against gold data.

    python -m newsprism.evaluation [SECTION...]     # sections: cleaning, stories, syntax, ner, news, entities, claims, framing (default: all)
"""

from __future__ import annotations

import sys
from importlib import import_module

SECTIONS = ("cleaning", "stories", "syntax", "ner", "news", "entities", "claims", "framing")


def main(argv: list[str]) -> None:
    chosen = argv or list(SECTIONS)
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        sys.exit(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    for name in chosen:
        sys.argv = [f"newsprism.evaluation.{name}"]  # each section parses its own (default) options
        import_module(f"newsprism.evaluation.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
