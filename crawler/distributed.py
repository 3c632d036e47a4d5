"""A distributed crawl: scrapy-redis's scheduler and duplicate filter, and what makes workers safe to kill.

Setting ``REDIS_URL`` (``crawler crawl --redis URL``) turns it on, through the :class:`Distributed`
add-on; without it nothing here runs. Every worker process, on any machine, then shares per
spider one request queue and one seen set in Redis (scrapy-redis), the crawl state
(crawler/redis_state.py), and the corpus's memory of stored articles, and writes its records
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
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.errors import CrawlerError
from crawler.redis_state import RedisCrawlState, SharedArticles, connect
from crawler.state import CrawlState

__all__ = [
    "Coordinator",
    "Distributed",
    "RedisScheduler",
    "SharedQueue",
    "check_redis",
    "open_crawl_state",
    "redacted",
    "shared_articles",
    "worker_folder",
]

logger = logging.getLogger(__name__)

#: Sent (with ``error``) when a Redis call fails for good: the Coordinator stops the crawl.
redis_lost = object()

#: Moves the best request of the queue into the worker's in-flight set, atomically.
_POP = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
redis.call('ZADD', KEYS[2], item[2], item[1])
return item[1]
"""
#: For each other worker: a live one with requests in flight is busy; a dead one's in-flight
#: requests go back in the queue. Returns {requests reclaimed, busy workers, queue length}.
_SURVEY = """
local reclaimed, busy = 0, 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if worker ~= ARGV[2] then
    local inflight = ARGV[1] .. ':inflight:' .. worker
    if redis.call('EXISTS', ARGV[1] .. ':worker:' .. worker) == 1 then
      if redis.call('ZCARD', inflight) > 0 then busy = busy + 1 end
    else
      local items = redis.call('ZRANGE', inflight, 0, -1, 'WITHSCORES')
      for i = 1, #items, 2 do redis.call('ZADD', KEYS[1], items[i + 1], items[i]) end
      reclaimed = reclaimed + #items / 2
      redis.call('DEL', inflight)
      redis.call('SREM', KEYS[2], worker)
    end
  end
end
return {reclaimed, busy, redis.call('ZCARD', KEYS[1])}
"""
#: The last worker out, with nothing left to do, ends the run: the next crawl starts afresh.
_END_RUN = """
if redis.call('SCARD', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[2], KEYS[3])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class Keys:
    """The Redis keys of one spider's distributed crawl, as seen by one worker."""

    prefix: str
    spider: str
    worker: str

    @property
    def base(self) -> str:
        return f"{self.prefix}:{self.spider}"

    @property
    def queue(self) -> str:
        return f"{self.base}:requests"

    @property
    def seen(self) -> str:
        return f"{self.base}:dupefilter"

    @property
    def workers(self) -> str:
        return f"{self.base}:workers"

    @property
    def alive(self) -> str:
        return f"{self.base}:worker:{self.worker}"

    @property
    def inflight(self) -> str:
        return f"{self.base}:inflight:{self.worker}"

    @classmethod
    def of(cls, settings: BaseSettings, spider_name: str) -> Keys:
        return cls(settings.get("REDIS_PREFIX"), spider_name, settings.get("CRAWL_WORKER"))


def worker_name() -> str:
    """The default worker name: unique on the machine and among machines."""
    return f"{socket.gethostname()}-{os.getpid()}"


def worker_folder(corpus_dir: Path, worker: str) -> Path:
    """Where a worker writes its corpus files."""
    return corpus_dir / "workers" / worker


def redacted(url: str) -> str:
    """A Redis URL fit for a log line: the password replaced."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


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


class SharedQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis's priority queue, whose pops move requests into the worker's in-flight set."""

    def __init__(self, server: redis.Redis, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.keys = Keys.of(spider.settings, spider.name)
        self.popped: dict[Request, bytes] = {}
        self._pop = server.register_script(_POP)

    def pop(self, timeout: int = 0) -> Request | None:
        data = self._pop(keys=[self.key, self.keys.inflight])
        if not data:
            return None
        request: Request = self._decode_request(data)
        self.popped[request] = data
        return request

    def acknowledge(self, still_running: Callable[[Request], bool]) -> int:
        """Take out of the in-flight set the requests Scrapy is done with; returns how many."""
        done = [request for request in self.popped if not still_running(request)]
        if done:
            self.server.zrem(self.keys.inflight, *(self.popped[request] for request in done))
            for request in done:
                del self.popped[request]
        return len(done)


class RedisScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler; a failing Redis stops the crawl instead of raising in the engine."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler: RedisScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.stats = None  # scrapy-redis counts with an argument Scrapy deprecated; we count here
        return scheduler

    def enqueue_request(self, request: Request) -> bool:
        try:
            queued = bool(super().enqueue_request(request))
        except redis.RedisError as error:
            self._lost(error)
            return False
        if queued:
            self._count("scheduler/enqueued/redis")
        return queued

    def next_request(self) -> Request | None:
        try:
            request: Request | None = super().next_request()
        except redis.RedisError as error:
            self._lost(error)
            return None
        if request is not None:
            self._count("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return bool(super().has_pending_requests())
        except redis.RedisError as error:
            self._lost(error)
            return False

    def _lost(self, error: Exception) -> None:
        self.crawler.signals.send_catch_log(redis_lost, error=error)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


class Coordinator:
    """Scrapy extension: keeps the worker alive in Redis, acknowledges finished requests,
    reclaims dead workers' requests, holds idle workers while others work, and stops on a lost Redis.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.url = crawler.settings.get("REDIS_URL")
        self.ttl_ms = int(crawler.settings.getfloat("REDIS_WORKER_TTL") * 1000)
        self.client = connect(self.url)
        self.keys = Keys.of(crawler.settings, "")
        self.stopping = False
        self.loop = create_looping_call(self.tick)
        self._survey = self.client.register_script(_SURVEY)
        self._end_run = self.client.register_script(_END_RUN)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Coordinator:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        coordinator = cls(crawler)
        crawler.signals.connect(coordinator.opened, signal=signals.spider_opened)
        crawler.signals.connect(coordinator.idle, signal=signals.spider_idle)
        crawler.signals.connect(coordinator.closed, signal=signals.spider_closed)
        crawler.signals.connect(coordinator.lost, signal=redis_lost)
        return coordinator

    def opened(self, spider: Spider) -> None:
        self.keys = Keys.of(self.crawler.settings, spider.name)
        try:
            if not self.client.set(self.keys.alive, time.time(), px=self.ttl_ms, nx=True):
                logger.error(
                    "worker %s is already running for %s (its key %s is alive in Redis): "
                    "give this one another name (--worker)",
                    self.keys.worker,
                    spider.name,
                    self.keys.alive,
                )
                self._stop("worker_name_taken")
                return
            self.client.sadd(self.keys.workers, self.keys.worker)
        except redis.RedisError as error:
            self.lost(error)
            return
        self.loop.start(self.crawler.settings.getfloat("REDIS_HEARTBEAT"), now=False)

    def tick(self) -> None:
        """Keep this worker's key alive, acknowledge what is done, wake the engine for new requests."""
        if self.stopping:
            return
        try:
            self.client.set(self.keys.alive, time.time(), px=self.ttl_ms)
            self._acknowledge()
        except redis.RedisError as error:
            self.lost(error)
            return
        # An idle engine looks at its scheduler only every 5 s; other workers may have queued work since.
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def idle(self, spider: Spider) -> None:
        """Stay open while the queue has requests or a live worker may still add some."""
        if self.stopping:
            return
        try:
            self._acknowledge()
            reclaimed, busy, queued = self._survey(
                keys=[self.keys.queue, self.keys.workers], args=[self.keys.base, self.keys.worker]
            )
        except redis.RedisError as error:
            self.lost(error)
            return
        if reclaimed:
            logger.warning("put back in the queue %d requests of workers that died", reclaimed)
            self._count("redis/reclaimed", int(reclaimed))
        if busy or queued:
            raise DontCloseSpider

    def closed(self, spider: Spider, reason: str) -> None:
        """Leave: acknowledge the rest, drop the worker's key, and end the run if this was the last."""
        if self.loop.running:
            self.loop.stop()
        if self.crawler.stats is not None and self.crawler.stats.get_value("redis/lost"):
            return  # Redis is gone: nothing to tell it
        try:
            self._acknowledge()
            self.client.delete(self.keys.alive)
            if not self.client.zcard(self.keys.inflight):
                self.client.srem(self.keys.workers, self.keys.worker)
            if reason == "finished":
                self._end_run(keys=[self.keys.workers, self.keys.queue, self.keys.seen])
        except redis.RedisError as error:
            logger.error(
                "Redis at %s: could not sign off worker %s: %s", redacted(self.url), self.keys.worker, error
            )
        self.client.close()

    def lost(self, error: Exception) -> None:
        """Redis went away: one clear error, then a clean stop that writes what is in flight."""
        if self.stopping:
            return
        self._count("redis/lost", 1)
        logger.error(
            "Redis at %s went away (%s): stopping the crawl; the pages in flight are finished and "
            "written to %s; start the workers again once Redis is back",
            redacted(self.url),
            error,
            self.crawler.settings.get("CORPUS_DIR") or "the feed exports",
        )
        self._stop("redis_unavailable")

    def _acknowledge(self) -> None:
        engine = self.crawler.engine
        scheduler = getattr(engine, "_slot", None) and engine._slot.scheduler  # type: ignore[union-attr]
        queue = getattr(scheduler, "queue", None)
        if isinstance(queue, SharedQueue):
            # The engine's set of requests it is downloading or whose output it is still handling.
            running = engine._slot.inprogress  # type: ignore[union-attr]
            queue.acknowledge(running.__contains__)

    def _stop(self, reason: str) -> None:
        self.stopping = True
        if self.loop.running:
            self.loop.stop()
        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _count(self, key: str, count: int) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)


def _on_lost(crawler: Crawler) -> Callable[[Exception], None]:
    def report(error: Exception) -> None:
        crawler.signals.send_catch_log(redis_lost, error=error)

    return report


def open_crawl_state(
    crawler: Crawler, batch: int = 100, before_commit: Callable[[], None] | None = None
) -> CrawlState | RedisCrawlState | None:
    """The crawl's state: in Redis with ``REDIS_URL``, else the ``CRAWL_STATE`` file, else None."""
    settings = crawler.settings
    if settings.get("REDIS_URL"):
        client = connect(settings.get("REDIS_URL"))
        return RedisCrawlState(client, settings.get("REDIS_PREFIX"), batch, before_commit, _on_lost(crawler))
    path = settings.get("CRAWL_STATE")
    return CrawlState(Path(path), batch, before_commit) if path else None


def shared_articles(crawler: Crawler) -> SharedArticles | None:
    """The workers' shared memory of stored articles, with ``REDIS_URL``."""
    url = crawler.settings.get("REDIS_URL")
    if not url:
        return None
    return SharedArticles(connect(url), crawler.settings.get("REDIS_PREFIX"), _on_lost(crawler))
