"""Counting what the parser is given, for the stored-parse tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from spacy.tokens import Doc

from newsprism.nlp import annotation


def parsed_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the parser is given from now on."""
    texts: list[str] = []
    original = annotation.parse_texts

    def counted(items: Any, **kwargs: Any) -> Iterator[Doc]:
        def seen() -> Iterator[str]:
            for text in items:
                texts.append(text)
                yield text
        return original(seen(), **kwargs)

    monkeypatch.setattr(annotation, "parse_texts", counted)
    return texts
