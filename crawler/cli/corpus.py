"""``crawler corpus``: report on, export and merge a corpus folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from crawler.cli.common import DEFAULT_CORPUS, existing_corpus
from crawler.errors import CrawlerError
from crawler.store.report import corpus_stats, export_text


def add_commands(commands: Any) -> None:
    """Add ``corpus stats|export|merge`` to the command line."""
    corpus = commands.add_parser("corpus", help="report on or export a corpus folder")
    corpus_commands = corpus.add_subparsers(title="corpus commands", required=True, metavar="ACTION")
    stats = corpus_commands.add_parser("stats", help="records per site and day, and field coverage")
    stats.add_argument("--dir", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)")
    stats.set_defaults(run=_run_corpus_stats)
    export = corpus_commands.add_parser(
        "export", help="plain text, one file per article, in the seed's shape"
    )
    export.add_argument("--dir", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)")
    export.add_argument("--to", type=Path, required=True, help="folder to write the text files to")
    export.set_defaults(run=_run_corpus_export)
    merge = corpus_commands.add_parser(
        "merge", help="join the worker folders of a distributed crawl into the corpus, idempotently"
    )
    merge.add_argument(
        "folders", nargs="*", type=Path, metavar="FOLDER", help="worker folders (default: DIR/workers/*)"
    )
    merge.add_argument("--dir", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)")
    merge.add_argument("--gzip", action="store_true", help="write new corpus files gzip-compressed")
    merge.set_defaults(run=_run_corpus_merge)


def _run_corpus_stats(arguments: argparse.Namespace) -> int:
    print(corpus_stats(existing_corpus(arguments.dir)).table())
    return 0


def _run_corpus_export(arguments: argparse.Namespace) -> int:
    count = export_text(existing_corpus(arguments.dir), arguments.to)
    print(f"{count} articles written as text to {arguments.to}/")
    return 0


def _run_corpus_merge(arguments: argparse.Namespace) -> int:
    from crawler.store.lock import corpus_lock
    from crawler.store.merge import merge_corpora, worker_folders

    folders = arguments.folders or worker_folders(arguments.dir)
    if not folders:
        raise CrawlerError(f"{arguments.dir}/workers: no worker folders to merge (give them as arguments)")
    with corpus_lock(arguments.dir):
        print(merge_corpora(folders, arguments.dir, arguments.gzip).line(arguments.dir))
    return 0
