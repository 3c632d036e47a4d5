"""CSS queries compiled to XPath once, the way the page's queries run them (private to ``extract``).

Site parsers write CSS; this module turns it into compiled XPath and caches both steps. The
translation is parsel's, with three rewrites that select the same elements for less work:
a class test written so that it can be checked cheaply first, a test of one attribute's value
or of one class moved onto the attribute axis, and a query of one compound selector that stops
at its first match (``first_compiled``). ``PageSelector`` is the parsel selector whose queries use
them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import cssselect
from cssselect.parser import CombinedSelector
from cssselect.xpath import XPathExpr
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

__all__ = ["PageSelector", "compiled", "compiled_xpath", "css_to_xpath", "first_compiled"]


class _Translator(HTMLTranslator):
    """parsel's CSS-to-XPath translation, with a cheaper test for a class (or any ``~=``).

    ``.c-text`` becomes ``contains(concat(' ', normalize-space(@class), ' '), ' c-text ')``:
    building that string for every element of a 200 KB page is most of a query's cost. A
    plain ``contains(@class, 'c-text')`` first rejects nearly all of them, for the same result
    (about a third off each class query). cssselect 1.6 writes such a test too, in a form of its
    own; this one is written here so that ``css_to_xpath`` finds the same form under any version.
    """

    def xpath_attrib_includes(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        if value and value.split() == [value]:
            whole = self.xpath_literal(f" {value} ")
            return xpath.add_condition(
                f"contains({name}, {self.xpath_literal(value)}) and "
                f"contains(concat(' ', normalize-space({name}), ' '), {whole})"
            )
        return super().xpath_attrib_includes(xpath, name, value)


_TRANSLATOR = _Translator()


#: A step (after "::" or "/") on any element whose only test is of one attribute's value
#: (``*[@data-x = 'a']``, or several values joined by ``or`` as ``:is()`` gives them).
_ATTRIBUTE_TEST = re.compile(r"(?<=[:/])\*\[((?:[()]|\s+or\s+|@[A-Za-z_][\w.-]* = '[^']*')+)\]")
_VALUE_TEST = re.compile(r"@([A-Za-z_][\w.-]*) = ('[^']*')")
#: A step whose only test is of one class (as ``_Translator`` writes it, cheap test first).
_CLASS_TEST = re.compile(
    r"(?<=[:/])([\w*-]+)\[contains\(@class, ('[^']*')\) and "
    r"contains\(concat\(' ', normalize-space\(@class\), ' '\), ('[^']*')\)\]"
)
_CLASS_ON_ATTRIBUTE_AXIS = (
    r"\1/@class[contains(., \2) and contains(concat(' ', normalize-space(.), ' '), \3)]/.."
)


@lru_cache(maxsize=1024)
def css_to_xpath(query: str) -> str:
    """The XPath of a CSS query, as page selectors run it (translations are cached).

    A test of one attribute's value on any element, ``*[@data-x = 'a']``, becomes
    ``*/@data-x[. = 'a']/..``: the same elements, found by walking the attributes of that name
    (a name test in C) rather than evaluating a predicate on every element, four times as fast.
    A step's test of one class, ``div[contains(@class, 'c') and ...]``, moves to the attribute
    axis the same way: only the elements that have a class are tested (a fifth to a third off).
    """
    xpath: str = _TRANSLATOR.css_to_xpath(query)
    xpath = _CLASS_TEST.sub(_CLASS_ON_ATTRIBUTE_AXIS, xpath)
    return _ATTRIBUTE_TEST.sub(_on_attribute_axis, xpath)


def _on_attribute_axis(test: re.Match[str]) -> str:
    values = _VALUE_TEST.findall(test[1])
    names = {name for name, _ in values}
    if len(names) != 1:
        return test[0]
    return f"*/@{names.pop()}[{' or '.join(f'. = {value}' for _, value in values)}]/.."


@lru_cache(maxsize=1024)
def compiled_xpath(query: str) -> etree.XPath:
    return etree.XPath(query, namespaces=PageSelector._default_namespaces, smart_strings=False)


@lru_cache(maxsize=1024)
def compiled(query: str) -> etree.XPath:
    """The compiled XPath of a CSS query (the same compiled query ``PageSelector.css`` runs)."""
    return compiled_xpath(css_to_xpath(query))


@lru_cache(maxsize=1024)
def first_compiled(query: str) -> etree.XPath | None:
    """The compiled XPath of a CSS query's first match, for a query of one compound selector.

    One compound selector (``h1.headline``, ``div.c-text``, ``time:not(.updated)``) is one step
    from the root, ``descendant-or-self::div[...]``. A ``[1]`` after its tests makes libxml2
    stop testing elements at the first match: a headline near the top of a page is found
    without the class test run on every element after it (a test costs about 0.6 µs an
    element). None for other queries (a list, combinators, ``::text``): there ``[1]`` would
    pick the first match under each element a step reaches, so they run whole.
    """
    selectors = cssselect.parse(query)
    if len(selectors) != 1 or selectors[0].pseudo_element is not None:
        return None
    if isinstance(selectors[0].parsed_tree, CombinedSelector):
        return None
    return compiled_xpath(f"{_TRANSLATOR.css_to_xpath(query)}[1]")


class PageSelector(Selector):
    """A parsel selector whose CSS queries use the cheaper class test; its results are too.

    Its ``xpath`` returns what parsel's does, without parsel's per-call work (a namespace map
    built and filtered, the compiled query looked up by it): 7 µs a call, twice a small query.
    """

    def _css2xpath(self, query: str) -> str:
        return css_to_xpath(query)

    def xpath(self, query: str, namespaces: Any = None, **kwargs: Any) -> SelectorList[Any]:
        if (
            namespaces is not None
            or kwargs
            or self.type != "html"
            or self.namespaces != self._default_namespaces
            or not hasattr(self.root, "xpath")
        ):  # parsel's own way for what parsers never ask
            return super().xpath(query, namespaces, **kwargs)
        try:
            found = compiled_xpath(query)(self.root)
        except etree.XPathError as error:
            raise ValueError(f"XPath error: {error} in {query}") from None
        make = self.__class__
        return self.selectorlist_cls(
            make(root=node, _expr=query, namespaces=self.namespaces, type="html")
            for node in (found if isinstance(found, list) else [found])
        )
