"""factcheck: find the claims in a folder of news articles that a reviewer must check."""

__version__ = "0.1.0"
