"""The Redis keys of one spider's distributed crawl, as one worker sees them."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import BaseSettings

__all__ = ["Keys"]


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
