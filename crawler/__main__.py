"""``python -m crawler``: the ``crawler`` command."""

from crawler.cli.main import main

raise SystemExit(main())
