"""Named-entity recognition (PERSON, ORG, LOC): a MiniLM token classifier with case shapes, on ONNX Runtime.

Importing the package registers the spaCy factory `newsprism_ner`.
"""

from newsprism.nlp.ner.component import NerComponent
from newsprism.nlp.ner.model import NerModel

__all__ = ["NerComponent", "NerModel"]
