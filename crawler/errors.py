"""Typed errors. Each carries the input that caused it, so a message names what to fix."""

from __future__ import annotations


class CrawlerError(Exception):
    """Base of every error crawler raises on purpose."""


class UnknownSiteError(CrawlerError):
    """No site module claims the URL's domain."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"{url}: no parser for this site (see `crawler sites`)")


class NotAnArticleError(CrawlerError):
    """The page is of a known site but holds no article (a section front, a video page...)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: not an article: {reason}")


class EmptyPageError(NotAnArticleError):
    """The page has no content at all."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "the page is empty")


class InvalidRecordError(CrawlerError):
    """A record broke the Article schema; it must never be written."""

    def __init__(self, url: str, field: str, reason: str) -> None:
        self.url = url
        self.field = field
        self.reason = reason
        super().__init__(f"{url}: invalid record: field {field!r}: {reason}")


class FixtureError(CrawlerError):
    """A fixture folder is incomplete or malformed."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
