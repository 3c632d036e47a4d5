"""crawler: news pages in, one clean, normalised JSON record per article out.

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
from crawler.parsing import parse_page

__all__ = [
    "CrawlerError",
    "EmptyPageError",
    "InvalidRecordError",
    "NotAnArticleError",
    "UnknownSiteError",
    "__version__",
    "parse_page",
]
