"""The Coordinator: what keeps a distributed crawl's workers safe to kill and busy to the end.

It keeps the worker's key alive in Redis, acknowledges the requests Scrapy is done with,
puts dead workers' in-flight requests back in the queue, holds an idle worker open while
others may still queue work, and stops the crawl cleanly when Redis goes away.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit, urlunsplit

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

from crawler.crawl.stores import REDIS_LOST
from crawler.distributed.keys import Keys
from crawler.distributed.scheduler import SharedQueue, wake_request
from crawler.errors import CrawlerError
from crawler.state import connect

__all__ = ["Coordinator", "redacted"]

logger = logging.getLogger(__name__)

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
#: A worker takes its name, if no live worker has it, and puts back in the queue the requests its
#: name still holds in flight: a worker restarted under its old name (after a crash, or Redis
#: restarted from its append-only file) is a new process that holds none of them. Returns the
#: number put back, or -1 when the name is taken.
_CLAIM = """
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return -1 end
redis.call('SADD', KEYS[2], ARGV[3])
local items = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
for i = 1, #items, 2 do redis.call('ZADD', KEYS[4], items[i + 1], items[i]) end
redis.call('DEL', KEYS[3])
return #items / 2
"""
#: The last worker out, with nothing left to do, ends the run: the next crawl starts afresh.
_END_RUN = """
if redis.call('SCARD', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[2], KEYS[3])
  return 1
end
return 0
"""


def redacted(url: str) -> str:
    """A Redis URL fit for a log line: the password replaced."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


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
        self._claim = self.client.register_script(_CLAIM)
        self.taken_back = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Coordinator:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        coordinator = cls(crawler)
        coordinator.claim(crawler.spidercls.name)
        crawler.signals.connect(coordinator.opened, signal=signals.spider_opened)
        crawler.signals.connect(coordinator.idle, signal=signals.spider_idle)
        crawler.signals.connect(coordinator.closed, signal=signals.spider_closed)
        crawler.signals.connect(coordinator.lost, signal=REDIS_LOST)
        return coordinator

    def claim(self, spider_name: str) -> None:
        """Take this worker's name before the crawl starts, and take back what it held in flight.

        Raises CrawlerError when a live worker has the name (the crawl then does not start,
        and exits 1), or Redis does not answer.
        """
        self.keys = Keys.of(self.crawler.settings, spider_name)
        keys = [self.keys.alive, self.keys.workers, self.keys.inflight, self.keys.queue]
        try:
            taken_back = int(self._claim(keys=keys, args=[time.time(), self.ttl_ms, self.keys.worker]))
        except redis.RedisError as error:
            raise CrawlerError(
                f"Redis at {redacted(self.url)}: cannot start worker {self.keys.worker}: {error}"
            ) from None
        if taken_back < 0:
            raise CrawlerError(
                f"worker {self.keys.worker} is already running for {spider_name} (its key {self.keys.alive} "
                f"is alive in Redis): give this one another name (--worker), or wait "
                f"{self.ttl_ms / 1000:g} s (REDIS_WORKER_TTL) if that worker has died"
            )
        self.taken_back = taken_back

    def opened(self, spider: Spider) -> None:
        if self.taken_back:
            logger.warning(
                "put back in the queue %d requests this worker's name held in flight", self.taken_back
            )
            self._count("redis/reclaimed", self.taken_back)
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
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            engine.crawl(wake_request())

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
        queue = getattr(engine.scheduler, "queue", None) if engine is not None else None
        if engine is None or not isinstance(queue, SharedQueue):
            return
        # Requests being downloaded, and those whose callback output (links, records through the
        # pipelines) is still being handled: the sets Scrapy's own engine status reports. A
        # request moves from one to the other in one synchronous step.
        downloading = engine.downloader.active
        scraping = engine.scraper.slot.active if engine.scraper.slot is not None else set()
        queue.acknowledge(lambda request: request in downloading or request in scraping)

    def _stop(self, reason: str) -> None:
        self.stopping = True
        if self.loop.running:
            self.loop.stop()
        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _count(self, key: str, count: int) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)
