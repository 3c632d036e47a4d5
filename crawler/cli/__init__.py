"""The command line: ``crawler parse|fetch|sites|fixtures|corpus|crawl|schedule``.

The CLI knows the user's words and which room to call; it does none of the work itself. It may
import every other package.
"""

from crawler.cli.main import main

__all__ = ["main"]
