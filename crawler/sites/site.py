"""What a site module declares: its identity, where its articles are listed, its parsers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from dateutil import tz

from crawler.extract.page import Page
from crawler.extract.parser import ArticleParser
from crawler.extract.urls import domain_of

SourceKind = Literal["feed", "news-sitemap", "sitemap-index", "sitemap", "section"]


@dataclass(frozen=True)
class Source:
    """A page that lists articles: an RSS/Atom feed, a (news) sitemap or index, a section front."""

    kind: SourceKind
    url: str


@dataclass(frozen=True)
class Site:
    """One news site: a small declarative description the rest of the project reads."""

    id: str
    name: str
    domains: tuple[str, ...]
    #: Parsers, newest template first; the first whose ``matches`` accepts the page is used.
    parsers: tuple[type[ArticleParser], ...]
    #: URLs that are articles (spiders follow only these).
    article_url: re.Pattern[str]
    sources: tuple[Source, ...] = ()
    language: str = "en"
    #: Whether the site keeps some articles for subscribers.
    paywall: bool = False
    #: URLs that look like articles but are not (video, gallery, live pages).
    not_article_url: re.Pattern[str] | None = field(default=None)
    #: The newsroom's IANA time zone ("America/Toronto"): the offset of times its pages state
    #: without one. "" for a site whose pages come from many zones.
    timezone: str = ""

    def __post_init__(self) -> None:
        if self.timezone and tz.gettz(self.timezone) is None:
            raise ValueError(f"site {self.id!r}: {self.timezone!r} is no IANA time zone")
        # A source on a domain the site does not claim would be dropped by Scrapy's offsite
        # filter without a word, and with it every article only that source lists.
        for source in self.sources:
            if not self.claims(source.url):
                raise ValueError(
                    f"site {self.id!r}: source {source.url} is not on its domains {', '.join(self.domains)}"
                )

    def claims(self, url: str) -> bool:
        """Whether the URL belongs to this site (its domains and their subdomains)."""
        return self.claims_host(domain_of(url))

    def claims_host(self, host: str) -> bool:
        """Whether a host (as ``domain_of`` gives it) is one of the site's domains or under one."""
        return any(host == domain or host.endswith("." + domain) for domain in self.domains)

    def is_article_url(self, url: str) -> bool:
        """Whether a spider should fetch the URL as an article."""
        if self.not_article_url is not None and self.not_article_url.search(url):
            return False
        return bool(self.article_url.search(url))

    def parser_for(self, page: Page) -> ArticleParser | None:
        """The parser of the template that made the page; None when no template recognises it."""
        for parser in self.parsers:
            if parser.matches(page):
                return parser(page, self)
        return None

    @property
    def versions(self) -> list[str]:
        """The template versions this site's parsers read, newest first."""
        return [parser.version for parser in self.parsers]
