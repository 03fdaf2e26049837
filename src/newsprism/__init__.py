"""newsprism: compare many reports of the same events, claim by claim."""

from newsprism.models import Article, RawDocument, Rejection, Removed

__version__ = "0.1.0"
__all__ = ["Article", "RawDocument", "Rejection", "Removed", "__version__"]
