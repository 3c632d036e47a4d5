"""``crawler corpus``: report on, export and merge a corpus folder."""

from __future__ import annotations

import argparse
from typing import Any

from crawler.cli.common import DEFAULT_CORPUS, existing_corpus, path_argument
from crawler.errors import CrawlerError
from crawler.store.report import corpus_stats


def add_commands(commands: Any) -> None:
    """Add ``corpus stats|export|merge`` to the command line."""
    corpus = commands.add_parser("corpus", help="report on or export a corpus folder")
    corpus_commands = corpus.add_subparsers(title="corpus commands", required=True, metavar="ACTION")
    stats = corpus_commands.add_parser("stats", help="records per site and day, and field coverage")
    stats.add_argument(
        "--dir", type=path_argument, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)"
    )
    stats.set_defaults(run=_run_corpus_stats)
    _add_export(corpus_commands)
    merge = corpus_commands.add_parser(
        "merge", help="join the worker folders of a distributed crawl into the corpus, idempotently"
    )
    merge.add_argument(
        "folders",
        nargs="*",
        type=path_argument,
        metavar="FOLDER",
        help="worker folders (default: DIR/workers/*)",
    )
    merge.add_argument(
        "--dir", type=path_argument, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)"
    )
    merge.add_argument("--gzip", action="store_true", help="write new corpus files gzip-compressed")
    merge.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    merge.set_defaults(run=_run_corpus_merge)


def _add_export(corpus_commands: Any) -> None:
    from crawler.store.export import FORMATS

    export = corpus_commands.add_parser(
        "export",
        help="the records as Parquet, CSV or JSON Lines, or as plain text, one file per article",
    )
    export.add_argument(
        "--dir", type=path_argument, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)"
    )
    export.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="parquet (needs crawler[data]), csv, jsonl, or text: a folder, one file per article "
        "(default: text)",
    )
    export.add_argument(
        "--to",
        type=path_argument,
        required=True,
        metavar="PATH",
        help="the file to write (the folder, for text)",
    )
    export.add_argument(
        "--site", dest="sites", action="append", metavar="SITE", help="only this site (repeatable)"
    )
    export.add_argument(
        "--since", help="only articles published since: 2d, 12h, 2024-05-01, or an ISO date-time"
    )
    export.add_argument("--until", help="only articles published until, that day included (same forms)")
    export.add_argument("--fields", metavar="NAME[,NAME...]", help="only these fields of each record")
    export.add_argument(
        "--revisions", action="store_true", help="every revision of each article (default: the newest)"
    )
    export.set_defaults(run=_run_corpus_export)


def _run_corpus_stats(arguments: argparse.Namespace) -> int:
    print(corpus_stats(existing_corpus(arguments.dir)).table())
    return 0


def _run_corpus_export(arguments: argparse.Namespace) -> int:
    from crawler.store.dataset import open_dataset
    from crawler.store.export import export

    dataset = open_dataset(
        existing_corpus(arguments.dir),
        sites=arguments.sites,
        since=_bound(arguments.since),
        until=_bound(arguments.until),
        fields=[name.strip() for name in arguments.fields.split(",")] if arguments.fields else None,
        revisions=arguments.revisions,
    )
    written = export(dataset, arguments.format, arguments.to)
    where = f"{arguments.to}/" if arguments.format == "text" else str(arguments.to)
    print(f"{written} articles written as {arguments.format} to {where}")
    return 0


def _bound(text: str | None) -> str | None:
    """A date bound as the dataset takes it: ``2d`` and ``12h`` become the moment they stand for."""
    from crawler.extract.window import RELATIVE, parse_moment

    if text is None or not RELATIVE.match(text.strip().lower()):
        return text
    return parse_moment(text).isoformat()


def _run_corpus_merge(arguments: argparse.Namespace) -> int:
    from crawler.progress import Progress
    from crawler.store.lock import corpus_lock
    from crawler.store.merge import merge_corpora, worker_folders

    folders = arguments.folders or worker_folders(arguments.dir)
    if not folders:
        raise CrawlerError(f"{arguments.dir}/workers: no worker folders to merge (give them as arguments)")
    with corpus_lock(arguments.dir), Progress("merge", unit="records", quiet=arguments.quiet) as progress:
        report = merge_corpora(folders, arguments.dir, arguments.gzip, progress)
        progress.echo(report.line(arguments.dir))
    return 0
