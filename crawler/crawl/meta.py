"""Request meta keys and a response flag the crawl's parts share (spiders, middlewares, pipelines).

Kept apart from the spiders, so that a middleware reading one key does not import (and build)
every site's spider.
"""

__all__ = [
    "FETCHED_AT_META",
    "KNOWN_META",
    "LISTED_DATE_META",
    "PENDING_SITEMAPS_META",
    "REPLAYED_FLAG",
    "SITEMAP_DEPTH_META",
    "SOURCE_META",
]

#: When the page was fetched, for responses that were not fetched now (replay).
FETCHED_AT_META = "crawler_fetched_at"
#: Present on every article request: the date its listing gives for it (sitemap ``lastmod``,
#: else the feed's date), or None. The crawl state reads it to tell what changed.
LISTED_DATE_META = "crawler_listed_date"
#: The sitemaps of an index still to walk after this one: (URL, depth) pairs.
PENDING_SITEMAPS_META = "crawler_pending_sitemaps"
#: How many indexes deep a sitemap was listed (0 for a source).
SITEMAP_DEPTH_META = "crawler_sitemap_depth"
#: The state's row for an article being revisited (incremental crawls).
KNOWN_META = "crawler_known"
#: Where the page is kept, the record's ``metadata.source``: a dict for a replayed page (its
#: fixture folder, or its record in the archive replayed from), or a future of one for a page
#: being archived now (crawler/crawl/archiving.py).
SOURCE_META = "crawler_source"
#: The flag of a response answered from fixtures or an archive: it is not archived again.
REPLAYED_FLAG = "replayed"
