"""The crawl: discover article URLs, fetch them politely, parse them, hand the records to storage.

What it owns: the spiders (which walk feeds, sitemaps and section fronts, and know no markup),
listing formats (``discovery``), what may be fetched at all (``policy``), politeness
(robots.txt, AutoThrottle, ``politeness``'s backoff), redirects, the offline replay (from
fixtures or a web archive), archiving what it fetches (``archiving``), the parser processes,
the incremental middleware, the item pipelines, page outcomes and field coverage (the breakage
alarm), the runner behind ``crawler crawl``, the one-off ``fetch``, re-parsing the corpus from
its archive (``reparse``), and the Scrapy settings.

It may import ``crawler.sites`` (to parse pages), ``crawler.extract`` and ``crawler.record``,
``crawler.store``, ``crawler.state`` and ``crawler.archive``; never the CLI or
``crawler.distributed``, which builds on it.
"""
