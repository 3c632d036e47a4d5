"""Typed errors. Each carries the input that caused it, so a message names what to fix."""

from __future__ import annotations


class CrawlerError(Exception):
    """Base of every error crawler raises on purpose.

    Subclasses keep their constructor's arguments as attributes and list them in
    ``_arguments``, so an error raised in a parser process is rebuilt whole in the crawl
    process (pickle would otherwise call the constructor with the message alone).
    """

    _arguments: tuple[str, ...] = ()
    #: How a crawl counts a page that raised it: ``skipped/<reason>`` or ``failed/<reason>``.
    outcome: str = "failed/error"

    def __reduce__(self) -> tuple[type[CrawlerError], tuple[object, ...]]:
        return type(self), tuple(getattr(self, name) for name in self._arguments)


class UnknownSiteError(CrawlerError):
    """No site module claims the URL's domain."""

    _arguments: tuple[str, ...] = ("url",)
    outcome = "skipped/unknown-site"

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"{url}: no parser for this site (see `crawler sites`)")


class NotAnArticleError(CrawlerError):
    """The page is of a known site but holds no article (a section front, a video page...)."""

    _arguments: tuple[str, ...] = ("url", "reason")
    outcome = "skipped/not-an-article"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: not an article: {reason}")


class IncompleteRecordError(NotAnArticleError):
    """The parser found no headline or no body: its template may not be the page's after all.

    Parsing falls back to the generic parser on it (crawler/sites/parse.py) before the page
    counts as not an article.
    """


class EmptyPageError(NotAnArticleError):
    """The page has no content at all."""

    _arguments: tuple[str, ...] = ("url",)
    outcome = "skipped/empty"

    def __init__(self, url: str) -> None:
        super().__init__(url, "the page is empty")


class NotHtmlError(NotAnArticleError):
    """The page is not HTML whatever its label says (an image, a PDF, compressed bytes)."""

    outcome = "skipped/not-html"


class BrokenPageError(CrawlerError):
    """The page is an article, but not one that can be stored whole and readable.

    ``kind`` is what is wrong (``encoding``, ``truncated``); the crawl counts ``failed/<kind>``.
    """

    _arguments: tuple[str, ...] = ("url", "kind", "reason")

    def __init__(self, url: str, kind: str, reason: str) -> None:
        self.url = url
        self.kind = kind
        self.reason = reason
        self.outcome = f"failed/{kind}"
        super().__init__(f"{url}: {kind}: {reason}")


class InvalidRecordError(CrawlerError):
    """A record broke the Article schema; it must never be written."""

    _arguments: tuple[str, ...] = ("url", "field", "reason")
    outcome = "failed/invalid-record"

    def __init__(self, url: str, field: str, reason: str) -> None:
        self.url = url
        self.field = field
        self.reason = reason
        super().__init__(f"{url}: invalid record: field {field!r}: {reason}")


class FixtureError(CrawlerError):
    """A fixture folder is incomplete or malformed."""

    _arguments: tuple[str, ...] = ("path", "reason")

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ConfigError(CrawlerError):
    """A configuration file is malformed or holds a bad value; names the file, line and key."""

    _arguments: tuple[str, ...] = ("path", "line", "key", "reason")

    def __init__(self, path: str, line: int | None, key: str | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.key = key
        self.reason = reason
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {key}: {reason}" if key else f"{where}: {reason}")


class CorpusError(CrawlerError):
    """The corpus folder cannot be written (disk full, read-only) or a file in it is unreadable.

    Names the file and what is wrong; every file is left holding whole records only.
    """

    _arguments: tuple[str, ...] = ("path", "reason")

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class StateError(CrawlerError):
    """The crawl state file is unreadable or is not a crawl state; the message says how to recover."""

    _arguments: tuple[str, ...] = ("path", "reason")

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path}: the crawl state is damaged ({reason}). To recover, move it aside "
            f"(mv {path} {path}.damaged) and run the crawl again: it starts a new state and fetches "
            "each article once more; the corpus stores none of them twice"
        )


class ArchiveError(CrawlerError):
    """A WARC file cannot be written (disk full, read-only) or read (damaged, not WARC).

    Names the file (with the record's offset where one record is at fault) and what is wrong.
    """

    _arguments: tuple[str, ...] = ("path", "reason")
    outcome = "failed/archive"

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
