"""newsfeed: publish article records as RSS 2.0, Atom 1.0 and JSON Feed 1.1."""

__version__ = "0.1.0"
