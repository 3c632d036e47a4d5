"""CSS queries compiled to XPath once, the way the page's queries run them (private to ``extract``).

Site parsers write CSS; this module turns it into compiled XPath and caches both steps. The
translation is parsel's, with a step's class test moved onto the attribute axis
(``crawler/extract/_fast.py``). ``PageSelector`` is the parsel selector whose CSS queries use it.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree
from parsel import Selector

from crawler.extract._fast import css_to_xpath_on_class_axis

__all__ = ["PageSelector", "compiled", "compiled_xpath", "css_to_xpath"]


@lru_cache(maxsize=1024)
def css_to_xpath(query: str) -> str:
    """The XPath of a CSS query, as page selectors run it (translations are cached)."""
    return css_to_xpath_on_class_axis(query)


@lru_cache(maxsize=1024)
def compiled_xpath(query: str) -> etree.XPath:
    return etree.XPath(query, namespaces=PageSelector._default_namespaces, smart_strings=False)


@lru_cache(maxsize=1024)
def compiled(query: str) -> etree.XPath:
    """The compiled XPath of a CSS query (the same compiled query ``PageSelector.css`` runs)."""
    return compiled_xpath(css_to_xpath(query))


class PageSelector(Selector):
    """A parsel selector whose CSS queries are translated as the page's own are (``css_to_xpath``)."""

    def _css2xpath(self, query: str) -> str:
        return css_to_xpath(query)
