"""scrapy-redis's scheduler and queue, with pops that a dead worker cannot lose.

A pop moves the request, in one Lua call, into the worker's *in-flight* set; the worker takes
it out only once Scrapy is done with it (:meth:`SharedQueue.acknowledge`, called by the
Coordinator). A Redis error in the scheduler stops the crawl cleanly instead of raising in the
engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.crawl.stores import REDIS_LOST
from crawler.distributed.keys import Keys

__all__ = ["RedisScheduler", "SharedQueue", "wake_request"]

#: Request meta key of :func:`wake_request`'s requests, which the scheduler declines.
_WAKE_META = "crawler_wake"


def wake_request() -> Request:
    """A request that makes an idle engine look at its scheduler now, and is then dropped.

    ``engine.crawl`` offers it to the scheduler, which declines it (nothing reaches Redis), and
    the engine then takes its next request at once: Scrapy's public way to wake an engine that
    would otherwise wait for its 5 s heartbeat while other workers fill the shared queue.
    """
    return Request("data:,", meta={_WAKE_META: True}, dont_filter=True)


#: Moves the best request of the queue into the worker's in-flight set, atomically.
_POP = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
redis.call('ZADD', KEYS[2], item[2], item[1])
return item[1]
"""


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
        if request.meta.get(_WAKE_META):
            return False
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
        self.crawler.signals.send_catch_log(REDIS_LOST, error=error)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
