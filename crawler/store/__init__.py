"""The corpus on disk: JSON Lines files per site and day, their index, merging, reports and exports.

What it owns: appending records safely and deduplicated (``corpus``), the SQLite index beside
the files (``index``), reading and repairing the files (``jsonl``), joining workers' folders
(``merge``), statistics (``report``), the records as data (``dataset``) and their exports
(``export``), each site's coverage baseline (``baseline``), and one writer at a time (``lock``).

It knows nothing of sites, pages or Scrapy: it imports only ``crawler.record`` (and
``crawler.errors``).
"""
