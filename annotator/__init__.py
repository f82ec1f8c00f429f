"""annotator: side-by-side claim annotation and source reliability for fact-checkers."""

__version__ = "0.1.0"
