"""``python -m crawler.cli``: the ``crawler`` command (the scheduler starts its crawls this way)."""

from crawler.cli.main import main

raise SystemExit(main())
