"""The web archive: every HTTP exchange of a crawl kept as WARC (ISO 28500), and read back.

What it owns: writing exchanges as WARC request and response records, one gzip member each,
into files per site rotated at a size (``writer``); cutting the torn last record a kill leaves
(``members``); reading response records back, ours or any WARC file's, filtered by their
headers before their bodies are read, from a file, from one record's offset, or streamed from
an http(s) URL (``reader``, ``remote``); undoing a body's ``Content-Encoding`` within a
size limit, and telling a body the transfer cut short (``content``); running a writer in a
process of its own, fed through a socket (``serve``). FastWARC writes and parses the records.

It knows WARC files, not sites, pages or Scrapy (``crawler.crawl`` archives a crawl's exchanges
and replays and re-parses from here): it imports nothing of crawler's but the shared modules
(``crawler.errors``, ``crawler._version``).
"""

from crawler.archive.content import cut_short, decode_content
from crawler.archive.reader import (
    ArchivedResponse,
    ResponseHead,
    Responses,
    archive_files,
    is_warc_file,
    read_heads,
    read_response,
    read_responses,
)
from crawler.archive.writer import DEFAULT_MAX_SIZE, ArchiveWriter, Exchange, Location

__all__ = [
    "DEFAULT_MAX_SIZE",
    "ArchiveWriter",
    "ArchivedResponse",
    "Exchange",
    "Location",
    "ResponseHead",
    "Responses",
    "archive_files",
    "cut_short",
    "decode_content",
    "is_warc_file",
    "read_heads",
    "read_response",
    "read_responses",
]
