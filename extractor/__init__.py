"""extractor: news articles in, grounded cooperation commitments out."""

__version__ = "0.1.0"
