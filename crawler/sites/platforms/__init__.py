"""Templates shared by several sites: a publishing platform's pages look alike whoever runs it.

A site module subclasses these (naming its template ``version`` and what differs) rather than
importing another site's module: Arc XP (``arc``), Postmedia's platform (``postmedia``) and
Polopoly (``polopoly``). Like the site modules, these know markup, not Scrapy or storage.
"""
