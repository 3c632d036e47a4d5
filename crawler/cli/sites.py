"""``crawler sites`` and ``crawler fixtures``: the supported sites, and their saved pages replayed."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from crawler.cli.common import DEFAULT_FIXTURES, confirm, path_argument
from crawler.cli.views import sites_table, with_sites_table
from crawler.errors import CrawlerError
from crawler.files import write_text_atomically
from crawler.progress import Progress
from crawler.sites import all_sites, get_site
from crawler.sites.fixtures import Fixture, discover, field_differences, record_diff


def add_commands(commands: Any) -> None:
    """Add ``sites`` and ``fixtures`` to the command line."""
    sites = commands.add_parser("sites", help="list the supported sites")
    sites.add_argument(
        "--fixtures", type=path_argument, default=DEFAULT_FIXTURES, help="fixture folder to count"
    )
    sites.add_argument("--markdown", action="store_true", help="print the README's table of sites")
    sites.add_argument(
        "--readme", type=path_argument, metavar="FILE", help="rewrite the table of sites in FILE"
    )
    sites.set_defaults(run=_run_sites)

    fixtures = commands.add_parser("fixtures", help="replay or update the saved fixture pages")
    fixture_commands = fixtures.add_subparsers(title="fixture commands", required=True, metavar="ACTION")
    check = fixture_commands.add_parser("check", help="replay every fixture and print a table")
    check.add_argument("site", nargs="?", type=_site_id, help="only this site's fixtures")
    check.add_argument("--root", type=path_argument, default=DEFAULT_FIXTURES)
    check.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    check.set_defaults(run=_run_fixtures_check)
    update = fixture_commands.add_parser("update", help="rewrite expected records, showing each diff first")
    update.add_argument("site", nargs="?", type=_site_id, help="only this site's fixtures")
    update.add_argument("--root", type=path_argument, default=DEFAULT_FIXTURES)
    update.add_argument("--yes", action="store_true", help="keep every change without asking")
    update.set_defaults(run=_run_fixtures_update)


def _site_id(text: str) -> str:
    """A supported site's id (``crawler sites`` lists them)."""
    try:
        get_site(text)
    except KeyError as error:
        raise argparse.ArgumentTypeError(str(error.args[0])) from None
    return text


def _run_sites(arguments: argparse.Namespace) -> int:
    counts = {site.id: sum(1 for _ in discover(arguments.fixtures, site.id)) for site in all_sites()}
    if arguments.markdown or arguments.readme:
        table = sites_table(all_sites(), counts)
        if arguments.readme:
            try:
                document = arguments.readme.read_text(encoding="utf-8")
            except OSError as error:
                raise CrawlerError(f"{arguments.readme}: cannot read: {error.strerror}") from None
            write_text_atomically(arguments.readme, with_sites_table(document, table, str(arguments.readme)))
            print(f"{arguments.readme}: table of {len(counts)} sites written")
        else:
            print(table)
        return 0
    for site in all_sites():
        print(f"{site.id}  {site.name}  ({', '.join(site.domains)})")
        print(f"    parsers: {', '.join(site.versions)}   fixtures: {counts[site.id]}")
        for source in site.sources:
            print(f"    {source.kind:<14} {source.url}")
    return 0


def _run_fixtures_check(arguments: argparse.Namespace) -> int:
    failures = 0
    cases = list(discover(arguments.root, arguments.site))
    width = max((len(case.name) for case in cases), default=10)
    print(f"{'fixture':<{width}}  {'result':<8} detail")
    with Progress("fixtures check", len(cases), unit="fixtures", quiet=arguments.quiet) as progress:
        for case in cases:
            result, detail = _check(case)
            failures += result != "ok"
            progress.echo(f"{case.name:<{width}}  {result:<8} {detail}")
            progress.advance(1, failing=int(result != "ok"))
    print(f"{len(cases)} fixtures, {len(cases) - failures} ok, {failures} failing")
    return 1 if failures or not cases else 0


def _check(case: Fixture) -> tuple[str, str]:
    try:
        record = case.replay()
    except CrawlerError as error:
        return "error", str(error)
    if not case.has_expected():
        return "new", "no expected.json yet (crawler fixtures update)"
    differences = field_differences(case.expected(), record)
    if differences:
        return "differs", "fields: " + ", ".join(differences)
    return "ok", f"{record['metadata']['parserVersion']}, {len(record['body'])} blocks"


def _run_fixtures_update(arguments: argparse.Namespace) -> int:
    changed = kept = 0
    for case in discover(arguments.root, arguments.site):
        record = case.replay()
        old: Mapping[str, Any] = case.expected() if case.has_expected() else {}
        if old == record:
            continue
        changed += 1
        print(f"== {case.name}")
        print(record_diff(old, record))
        if arguments.yes or confirm(f"keep the new {case.name}/expected.json?"):
            case.write_expected(record)
            kept += 1
    print(f"{changed} fixtures changed, {kept} updated")
    return 0
