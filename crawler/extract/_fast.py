"""The speed tricks that pay end to end, each beside the plain version it must agree with.

Private to ``extract``. A trick lives here only while it makes ``bench/parse.py`` or
``bench/crawl.py`` more than 3% faster than its plain twin, measured in the same run
(``bench/ab.py``); ``tests/test_extract.py`` checks that each gives its twin's answers.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import lxml.html
from cssselect.xpath import XPathExpr
from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

__all__ = [
    "css_to_xpath_on_class_axis",
    "css_to_xpath_plainly",
    "html_fragments",
    "may_hold_mojibake",
    "may_hold_mojibake_plainly",
    "new_element",
    "parse_utf8",
    "parse_utf8_plainly",
]

#: A UTF-8 lead character read as Windows-1252 and the start of a continuation character, as
#: UTF-8 bytes: each lead character (U+00C2 to U+00F4) is ``\xc3`` and one byte, and each
#: continuation character starts with one of five bytes.
_MOJIBAKE_UTF8 = re.compile(rb"\xc3[\x82-\xb4][\xc2\xc5\xc6\xcb\xe2]")
#: ``may_hold_mojibake`` finds ``\xc3`` bytes one at a time while they are on average at least
#: this many bytes apart (checked every so many bytes found), else the regex search takes over.
_SPARSE_LEAD_SPACING = 1200
_LEADS_PER_DENSITY_CHECK = 32


def may_hold_mojibake_plainly(utf8_body: bytes) -> bool:
    """Whether UTF-8 bytes hold a lead character followed by a continuation character."""
    return _MOJIBAKE_UTF8.search(utf8_body) is not None


def may_hold_mojibake(utf8_body: bytes) -> bool:
    """``may_hold_mojibake_plainly``, reaching the ``\xc3`` bytes that start every such pair by
    ``bytes.find``.

    The regex steps through every byte of the page, where ``bytes.find`` jumps from one
    ``\xc3`` to the next: on English pages, whose accented letters are few and far apart, that
    is most of the page skipped. Where they are dense, as on a French page, the regex is the
    cheaper, and it takes over.
    """
    position = utf8_body.find(b"\xc3")
    found = 0
    while position >= 0:
        if _MOJIBAKE_UTF8.match(utf8_body, position):
            return True
        found += 1
        if found % _LEADS_PER_DENSITY_CHECK == 0 and position < found * _SPARSE_LEAD_SPACING:
            return _MOJIBAKE_UTF8.search(utf8_body, position + 1) is not None
        position = utf8_body.find(b"\xc3", position + 1)
    return False


_PARSERS = threading.local()
_INVALID_ENCODING = etree.ErrorTypes.ERR_INVALID_ENCODING


def parse_utf8_plainly(body: bytes, url: str) -> Any | None:
    """The lxml tree parsel builds of a page's text, or None for bytes that are not UTF-8 text."""
    if b"\x00" in body:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return Selector(text=text, type="html", base_url=url).root


def parse_utf8(body: bytes, url: str) -> Any | None:
    """``parse_utf8_plainly``'s tree, parsed from the bytes as they are; None also where parsel's
    careful path should parse the page (bytes that give no tree).

    Parsel parses text: it strips it and encodes it to UTF-8 again for libxml2, which then reads
    the page a second time. Bytes that are not UTF-8 after all show in libxml2's error log. The
    trees differ only in white space at the page's ends, which parsel strips and libxml2 keeps
    as text of the root.
    """
    if b"\x00" in body:
        return None
    parser = _parser("utf-8")
    try:
        root = etree.fromstring(body, parser=parser, base_url=url)
    except etree.XMLSyntaxError:
        return None
    if any(error.type == _INVALID_ENCODING for error in parser.error_log):
        return None
    return root


def new_element(tag: str) -> Any:
    """``lxml.html.Element(tag)``, in a document whose elements get their classes in C."""
    return _parser(None).makeelement(tag)


def html_fragments(html: str) -> list[Any]:
    """``lxml.html.fragments_fromstring(html)``, in a document whose elements get their classes in C."""
    found: list[Any] = lxml.html.fragments_fromstring(html, parser=_parser(None))
    return found


#: lxml.html's element classes, picked in C: lxml.html's own parser picks them by a Python
#: callback for every element a query or an iteration reads.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _parser(encoding: str | None) -> Any:
    """This thread's HTML parser for bytes in ``encoding`` (None: for text); lxml parsers are not shared.

    It keeps no table of ids: no query looks nodes up by ``id()``.
    """
    key = f"html-{encoding}"
    parser = getattr(_PARSERS, key, None)
    if parser is None:
        parser = etree.HTMLParser(recover=True, encoding=encoding, huge_tree=True, collect_ids=False)
        parser.set_element_class_lookup(_HTML_CLASSES)
        setattr(_PARSERS, key, parser)
    return parser


class _Translator(HTMLTranslator):
    """parsel's CSS-to-XPath translation, its class test (any ``~=``) written in one form.

    cssselect writes ``contains(@class, 'c') and contains(concat(' ', normalize-space(@class),
    ' '), ' c ')`` (1.6 with ``@class and`` first, earlier versions without the cheap first
    test): written here, the test has the form ``_CLASS_TEST`` looks for under any version.
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
_PLAIN_TRANSLATOR = HTMLTranslator()
#: A step whose only test is of one class (as ``_Translator`` writes it).
_CLASS_TEST = re.compile(
    r"(?<=[:/])([\w*-]+)\[contains\(@class, ('[^']*')\) and "
    r"contains\(concat\(' ', normalize-space\(@class\), ' '\), ('[^']*')\)\]"
)
_CLASS_ON_ATTRIBUTE_AXIS = (
    r"\1/@class[contains(., \2) and contains(concat(' ', normalize-space(.), ' '), \3)]/.."
)


def css_to_xpath_plainly(query: str) -> str:
    """The XPath of a CSS query, as parsel translates it."""
    xpath: str = _PLAIN_TRANSLATOR.css_to_xpath(query)
    return xpath


def css_to_xpath_on_class_axis(query: str) -> str:
    """``css_to_xpath_plainly``'s query, with a step's test of one class on the attribute axis.

    ``div[contains(@class, 'c') and ...]`` becomes ``div/@class[contains(., 'c') and ...]/..``:
    the same elements, but libxml2 evaluates the test only on the elements that have a class
    (a name test in C picks them), not on every element of the page.
    """
    xpath: str = _TRANSLATOR.css_to_xpath(query)
    return _CLASS_TEST.sub(_CLASS_ON_ATTRIBUTE_AXIS, xpath)
