"""Scrapy settings: polite by default (robots.txt, AutoThrottle, low concurrency, retries)."""

from crawler._version import __version__
from crawler.extract.page import MAX_PAGE_SIZE

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.crawl.spiders"]
NEWSPIDER_MODULE = "crawler.crawl.spiders"

#: Who to contact about this crawler; set it to your own address or page.
CRAWLER_CONTACT = "https://github.com/crawler/crawler"
USER_AGENT = f"crawler/{__version__} (news research corpus; +{CRAWLER_CONTACT})"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
#: Seconds before the first retry, doubled on each next one, capped at RETRY_BACKOFF_MAX.
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 120.0
#: A request that failed after its retries is logged once, by the spider ("failed: dns: URL: ...");
#: Scrapy's own "Gave up retrying" line would be a second, at ERROR.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = MAX_PAGE_SIZE
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
COOKIES_ENABLED = False

#: Worker processes that parse article pages beside the crawl (crawler/crawl/parse_workers.py);
#: 0 parses in the crawl process. "auto" starts one worker when the machine has a second CPU and
#: adds one, up to one per CPU, while the workers are busy nearly all the time (a CPU-bound
#: crawl: a backfill from a fast server, a replay); each costs about 70 MB. The crawl's first
#: log line says what it decided. See docs/performance.md.
PARSE_PROCESSES = "auto"
#: Each page's parse budget (crawler/sites/parse.py): seconds (0: none), and tags in its source.
#: A page over it is counted as ``failed: too-complex``; the largest real pages take about a
#: second and a tenth of the tags.
PARSE_TIME_LIMIT = 10.0
PARSE_MAX_TAGS = 1_000_000
#: Records per response handled at once. A page yields one record, and Scrapy starts this many
#: asyncio tasks for every response it scrapes (its default is 100).
CONCURRENT_ITEMS = 1

ITEM_PIPELINES = {
    "crawler.crawl.pipelines.ValidationPipeline": 100,
    "crawler.crawl.pipelines.CorpusPipeline": 800,
}
#: Folder of the JSON Lines corpus; empty to write only through Scrapy's feed exports (-O).
CORPUS_DIR = ""
#: Write the corpus as .jsonl.gz (one gzip member per record) instead of .jsonl.
CORPUS_GZIP = False

EXTENSIONS = {
    "crawler.crawl.progress.CrawlProgress": 500,
    "crawler.crawl.coverage.FieldCoverage": 510,
    # With REDIS_URL: worker liveness, in-flight requests, idle workers (crawler/distributed/).
    "crawler.distributed.Coordinator": 600,
}
#: With REDIS_URL set, switches the scheduler, duplicate filter and corpus folder to a distributed crawl.
ADDONS = {"crawler.distributed.Distributed": 100}
#: Show the crawl's progress on stderr (pages fetched, articles stored, errors, rate, time): a live
#: line on a terminal, else a line every PROGRESS_INTERVAL seconds. ``crawler crawl --quiet`` turns it off.
PROGRESS_LINE = True
PROGRESS_INTERVAL = 30.0

FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # First: only http(s) on the source's own domains, never a private address (crawler/crawl/policy.py).
    "crawler.crawl.policy.FetchPolicyMiddleware": 40,
    # Scrapy's retry, but waiting: exponential backoff, and Retry-After on 429/503.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.crawl.politeness.BackoffRetryMiddleware": 550,
    # Scrapy's decompression, which also flags a body its transfer cut short (crawler/crawl/transfer.py).
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.crawl.transfer.WholeBodyMiddleware": 590,
    # Sees redirects before Scrapy's redirect middleware (600): a loop is reported, not dropped.
    "crawler.crawl.redirects.RedirectLoopMiddleware": 610,
    # Scrapy's meta refresh, without decoding every page whole to look for one.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.crawl.redirects.HeadMetaRefreshMiddleware": 580,
    # Skips stored articles and revisits changed ones conditionally, when INCREMENTAL is set.
    "crawler.crawl.incremental.IncrementalMiddleware": 575,
    # Next to the download, above decompression (590) and redirects (600): archives each response
    # as received, when WARC_DIR or WARC_FILE is set.
    "crawler.crawl.archiving.ArchiveMiddleware": 950,
    # Last before the download: answers from fixtures (REPLAY_DIR) or an archive (REPLAY_WARC).
    "crawler.crawl.replay.ReplayMiddleware": 990,
}
#: How many sitemap indexes deep a crawl follows (a source is 0): a chain of indexes, each listing
#: the next, ends here. Deeper sitemaps are counted as ``skipped: sitemap-too-deep``.
SITEMAP_INDEX_DEPTH = 3
#: Sitemaps waiting to be walked at most; a fan-out of indexes beyond it is counted as
#: ``skipped: too-many-sitemaps``, so the walk's memory stays bounded.
SITEMAP_PENDING_MAX = 10_000
#: Let the crawl fetch hosts at private, loopback, link-local or multicast addresses. Off: a
#: hostile feed must not reach the machine's own services or the cloud's metadata address. The
#: loopback tests and benchmarks turn it on.
ALLOW_PRIVATE_ADDRESSES = False
#: A fixtures folder to replay the crawl from instead of the network (see crawler/crawl/replay.py).
REPLAY_DIR = ""
#: A folder of WARC files (an archive, OUT/warc) to replay the crawl from instead of the network.
REPLAY_WARC = ""

#: The web archive (crawler/crawl/archiving.py): every HTTP exchange is written to WARC files in this
#: folder, <site>/<YYYY-MM-DD>-<worker>-<n>.warc.gz (`crawler crawl --warc`: OUT/warc). Empty: none.
WARC_DIR = ""
#: One WARC file to append every exchange to instead (`crawler fetch URL --warc FILE`).
WARC_FILE = ""
#: A WARC file is closed, and the next one started, once it holds this many bytes (1 GB).
WARC_MAX_SIZE = 1 << 30

#: The crawl state, one SQLite file (crawler/state/): per article URL, its last fetch, ETag,
#: Last-Modified, body hash and revision. Empty: no state is kept.
CRAWL_STATE = ""
#: Skip articles the state has stored unless a feed or sitemap says they changed, and revisit
#: those with conditional requests (crawler/crawl/incremental.py). Needs CRAWL_STATE.
INCREMENTAL = False
#: Crawl-state rows written per transaction; after a crash, at most this many articles are fetched again.
CRAWL_STATE_BATCH = 100

#: The breakage alarm (crawler/crawl/coverage.py): a field in COVERAGE_FIELDS found in fewer than
#: COVERAGE_THRESHOLD of a site's article pages makes `crawler crawl` name the site and the
#: field and exit 3. Sites with fewer than COVERAGE_MIN_PAGES article pages are not judged
#: (a small sample is noise: one article without a byline is 33% of three).
COVERAGE_THRESHOLD = 0.9
COVERAGE_FIELDS = ["headline", "datePublished", "authors", "body"]
COVERAGE_MIN_PAGES = 5
#: A distributed crawl (crawler/distributed/): workers share one request queue, seen set, crawl
#: state and memory of stored articles in this Redis (redis://HOST:PORT/DB). Empty: one process, files.
REDIS_URL = ""
#: The prefix of every Redis key the crawl uses (several projects can share a server).
REDIS_PREFIX = "crawler"
#: This worker's name, unique among running workers; its corpus is CORPUS_DIR/workers/<name>/.
#: Empty: <hostname>-<pid>.
CRAWL_WORKER = ""
#: Seconds between a worker's signs of life (and acknowledgements of finished requests).
REDIS_HEARTBEAT = 0.5
#: Seconds without a sign of life after which a worker is dead and its requests are handed to others.
REDIS_WORKER_TTL = 30.0
