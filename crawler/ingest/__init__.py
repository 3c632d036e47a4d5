"""Ingesting WARC archives: Common Crawl's CC-NEWS, or anyone's WARC files, through the same parsers.

What it owns: naming the WARC files to read (paths, folders, globs, http(s) URLs, CC-NEWS
months: ``sources``); which records to keep, decided on the WARC headers, then the HTTP
headers, then the parsed record (``selection``); reading one file into a folder of records of
its own under ``OUT/workers/`` (``task``); running the files as tasks on this machine's cores
or a Dask cluster, resuming where a killed run stopped, and merging the folders into the
corpus (``run``); counting what each file and the run came to (``report``).

It reads archives and crawls nothing: it may import ``crawler.archive`` (reading WARC files),
``crawler.sites`` (the parsers), ``crawler.store`` (the corpus and its merge),
``crawler.extract`` and ``crawler.record``.
"""

from crawler.ingest.report import FileReport, IngestReport, SiteCounts
from crawler.ingest.run import ingest
from crawler.ingest.selection import Selection
from crawler.ingest.sources import CC_NEWS_BASE, WarcSource, cc_news_months, cc_news_sources, warc_sources
from crawler.ingest.task import FileTask, ingest_file

__all__ = [
    "CC_NEWS_BASE",
    "FileReport",
    "FileTask",
    "IngestReport",
    "Selection",
    "SiteCounts",
    "WarcSource",
    "cc_news_months",
    "cc_news_sources",
    "ingest",
    "ingest_file",
    "warc_sources",
]
