"""A distributed crawl: scrapy-redis's scheduler and duplicate filter, and what makes workers safe to kill.

Setting ``REDIS_URL`` (``crawler crawl --redis URL``) turns it on, through the :class:`Distributed`
add-on; without it nothing here runs. Every worker process, on any machine, then shares per
spider one request queue and one seen set in Redis (scrapy-redis), the crawl state
(crawler/state/redis.py), and the corpus's memory of stored articles, and writes its records
to its own folder, ``CORPUS_DIR/workers/<worker>/`` (``crawler corpus merge`` joins them).

scrapy-redis alone loses work when a worker dies: a request popped from the queue is gone.
So a pop here moves the request, in one Lua call, into the worker's *in-flight* set, and the
worker removes it only once Scrapy is done with it (downloaded, parsed, its records written
and its links queued). Each worker keeps a key alive in Redis while it runs; when one dies
(SIGKILL, OOM, a lost machine) its key expires and the first idle worker puts its in-flight
requests back in the queue, counted as ``redis/reclaimed``. Records the dead worker had
written but not yet acknowledged come back as duplicates, which the shared memory of stored
articles skips.

scrapy-redis stops a spider when the queue is empty, so a worker would quit while another
still parses the sitemap that feeds everyone. Here an idle worker waits as long as any live
worker has requests in flight, and the last one to finish clears the queue and the seen set,
so that the next crawl starts afresh. If every worker dies, the queue and seen set stay:
starting workers again resumes the crawl.

If Redis goes away, the worker logs one clear error, counts ``redis/lost``, and stops as on
Ctrl-C: what is in flight is finished and written to its own files, which are synced.

The parts: ``keys`` (the Redis keys of a crawl), ``scheduler`` (the queue whose pops a dead
worker cannot lose), ``coordinator`` (liveness, acknowledgements, reclaiming, idle workers).
It builds on the crawl: it may import ``crawler.crawl``, ``crawler.state``, ``crawler.store``
and ``crawler.record``.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import redis
from scrapy.settings import BaseSettings

from crawler.distributed.coordinator import Coordinator, redacted
from crawler.distributed.scheduler import RedisScheduler, SharedQueue
from crawler.errors import CrawlerError
from crawler.state import connect
from crawler.store.merge import check_worker_name, worker_folder

__all__ = [
    "Coordinator",
    "Distributed",
    "RedisScheduler",
    "SharedQueue",
    "check_redis",
    "check_worker_name",
    "redacted",
    "worker_folder",
    "worker_name",
]


def worker_name() -> str:
    """The default worker name: unique on the machine and among machines."""
    return f"{socket.gethostname()}-{os.getpid()}"


def check_redis(url: str) -> None:
    """Fail with a clear error, before any crawl, when the Redis URL is wrong or nobody answers."""
    if urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise CrawlerError(f"--redis {url}: expected a URL like redis://HOST:PORT/DB")
    try:
        client = connect(url)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as error:
        raise CrawlerError(f"--redis {redacted(url)}: cannot reach Redis: {error}") from None


class Distributed:
    """Scrapy add-on: with ``REDIS_URL`` set, the scheduler, duplicate filter and corpus folder change.

    An add-on, so that ``scrapy crawl SITE -s REDIS_URL=...`` and scrapyd jobs get the same
    setup as ``crawler crawl --redis``.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            return
        if not settings.get("CRAWL_WORKER"):
            settings.set("CRAWL_WORKER", worker_name(), priority="addon")
        check_worker_name(settings.get("CRAWL_WORKER"))
        prefix = settings.get("REDIS_PREFIX")
        settings.setdict(
            {
                "SCHEDULER": "crawler.distributed.RedisScheduler",
                "SCHEDULER_QUEUE_CLASS": "crawler.distributed.SharedQueue",
                "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
                "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
                "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
                # Workers come and go: the last one out clears the queue, not each one (Coordinator).
                "SCHEDULER_PERSIST": True,
            },
            priority="addon",
        )
        corpus = settings.get("CORPUS_DIR")
        if corpus:
            folder = worker_folder(Path(corpus), settings.get("CRAWL_WORKER"))
            settings.set("CORPUS_DIR", str(folder), priority=settings.getpriority("CORPUS_DIR") or "addon")
