"""Reading one page: the page model and the helpers every parser shares, and the generic parser.

What it owns: the page a parser reads (``page``, with its query compiler ``_query``), decoding
and broken-page checks (``charset``, ``defects``), the field helpers (``dates``, ``bylines``,
``images``, ``urls``, ``blocks``, embedded ``state`` and ``next_data``), the date window of
crawls, re-parses and ingests (``window``: ``--since 2d``), the parser base
class (``parser.ArticleParser``), the assembly of a parser's answers into a record
(``assemble``), and the parser of pages no site module knows (``generic``, ``generic_body``).

Nothing here knows any one site, Scrapy or storage: a parser is a pure function of (page bytes,
URL, fetch time). It may import ``crawler.record`` only.
"""
