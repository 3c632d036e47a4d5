"""The corpus on disk: JSON Lines files per site and day, their index, merging, reports and exports.

What it owns: appending records safely and deduplicated (``corpus``), the SQLite index beside
the files (``index``), reading and repairing the files (``jsonl``), joining workers' folders
(``merge``), statistics and exports (``report``), one writer at a time (``lock``), and atomic
writes (``files``).

It knows nothing of sites, pages or Scrapy: it imports only ``crawler.record`` (and
``crawler.errors``).
"""
