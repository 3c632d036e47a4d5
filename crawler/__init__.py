"""crawler: news pages in, one clean, normalised JSON record per article out.

The pipeline, one package per stage: ``crawl`` discovers and fetches (Scrapy), ``sites`` routes a
page to its site's parser (or the generic one in ``extract``), ``record`` defines and validates
the result, ``store`` keeps the corpus and ``state`` what a crawl has seen; ``distributed`` runs
the crawl on many machines, and ``cli`` is the ``crawler`` command. docs/development.md says
where each kind of change goes.

>>> from crawler import parse_page
>>> record = parse_page(html, "https://www.ctvnews.ca/world/...")  # doctest: +SKIP
"""

from crawler._version import __version__
from crawler.errors import (
    CrawlerError,
    EmptyPageError,
    InvalidRecordError,
    NotAnArticleError,
    UnknownSiteError,
)
from crawler.sites.parse import parse_page

__all__ = [
    "CrawlerError",
    "EmptyPageError",
    "InvalidRecordError",
    "NotAnArticleError",
    "UnknownSiteError",
    "__version__",
    "parse_page",
]
