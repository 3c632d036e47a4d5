"""Bylines to authors: real people or the agency, one entry each, never "By" or "Staff" junk."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crawler.extract.page import collapse_whitespace
from crawler.record import Author

_LEADING_BY = re.compile(r"^\s*by\s*:?\s+", re.IGNORECASE)
# Outlet names that contain a separator word; they credit the publisher, never a person.
_OUTLETS = re.compile(r"\b(?:special to )?the globe and mail\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bAnd\b|\bAND\b)\s*")
#: A job title where a name is expected ("AP Technology Writer", "Staff Reporter"): a role noun in
#: title case or capitals closes it, after at most three words that qualify it. A credit in running
#: text ("Guardian staff reporter") is left to the site that prints it.
_ROLES = (
    "Writer",
    "Reporter",
    "Correspondent",
    "Editor",
    "Columnist",
    "Photographer",
    "Producer",
    "Contributor",
)
_ROLE = "(?:" + "|".join(f"{role}|{role.upper()}" for role in _ROLES) + ")[sS]?"
_JOB_TITLE = re.compile(rf"^(?:[\w.&'-]+\s+){{0,3}}{_ROLE}$")
#: A job title printed after the name without a comma ("BARBARA ORTUTAY AP Technology Writer"):
#: only one that opens with an agency or a rank, so that a surname is never taken for a title.
_TITLE_OPENERS = r"(?:AP|Associated Press|CP|Canadian Press|Reuters|CNN|Staff|Senior|Chief)"
_TRAILING_JOB_TITLE = re.compile(rf"\s+{_TITLE_OPENERS}\b(?:\s+[\w.&'-]+){{0,2}}\s+{_ROLE}$")
#: Words of a name that stay lower case ("van der Berg", "da Silva").
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das", "ter", "ten"}
)
_ROMAN_NUMERAL = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX)$")
_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")
_VOWEL = re.compile(r"[AEIOUY]")
_SUFFIXES = {"JR": "Jr", "JR.": "Jr.", "SR": "Sr", "SR.": "Sr."}
_JUNK = frozenset(
    {
        "", "by", "staff", "staff writer", "the canadian press staff", "ctvnews.ca staff",
        "ctv news staff", "contributor", "special to the globe and mail", "reporter",
        "the globe and mail",
    }
)  # fmt: skip


def split_byline(byline: str) -> list[str]:
    """Split a free-text byline ("By Sam Metz And Barbara Ortutay") into clean names."""
    text = _OUTLETS.sub("", _LEADING_BY.sub("", collapse_whitespace(byline)))
    names = (_without_job_title(collapse_whitespace(part)) for part in _SEPARATORS.split(text))
    return [name for name in names if is_real_name(name)]


def _without_job_title(name: str) -> str:
    """The name without the job title printed after it; "" when the whole text is a job title."""
    return "" if _JOB_TITLE.match(name) else _TRAILING_JOB_TITLE.sub("", name)


def is_real_name(name: str) -> bool:
    """False for what names no one: "Staff", "By", an empty string, a job title ("Staff Reporter")."""
    stripped = name.strip()
    return stripped.lower() not in _JUNK and len(stripped) >= 2 and not _JOB_TITLE.match(stripped)


def restore_case(name: str) -> str:
    """A name printed in capitals, in the case it is written: "AMANDA SEITZ" is "Amanda Seitz".

    Wire bylines often arrive in capitals. "MCDONALD" reads "McDonald", "O'BRIEN" "O'Brien",
    "LOTTE VAN AALST" "Lotte van Aalst" (a particle keeps its capital only where it opens the
    name alone: "Du Bin", "De Niro", but "van der Berg"); initials ("J.R."), numerals ("III")
    and words without a vowel (acronyms: "CNN") stay as they are. A name with any lower-case
    letter, or of one word (an agency's: "AFP", "REUTERS"), is returned unchanged: its case is
    the writer's own.
    """
    words = name.split()
    if any(char.islower() for char in name) or len(words) < 2:
        return name
    cased = []
    for index, word in enumerate(words):
        following = words[index + 1].lower() if index + 1 < len(words) else ""
        if word.lower() in _PARTICLES and following and (index > 0 or following in _PARTICLES):
            cased.append(word.lower())
        else:
            cased.append(_word_case(word))
    return " ".join(cased)


def _word_case(word: str) -> str:
    if word in _SUFFIXES:
        return _SUFFIXES[word]
    if _ROMAN_NUMERAL.match(word) or _INITIALS.match(word) or not _VOWEL.search(word):
        return word
    return "-".join(_part_case(part) for part in word.split("-"))


def _part_case(part: str) -> str:
    if len(part) > 2 and part[1] in "'\u2019":  # O'BRIEN, D'ANGELO
        return part[:2] + part[2:].capitalize()
    if len(part) > 2 and part.startswith("MC"):
        return "Mc" + part[2:].capitalize()
    return part.capitalize()


def author(name: str, url: str | None = None) -> Author:
    """Build an author entry, leaving out an empty URL."""
    entry: Author = {"name": collapse_whitespace(name)}
    if url:
        entry["url"] = url
    return entry


def merge_authors(*groups: Iterable[Author]) -> list[Author]:
    """Concatenate author lists, keeping the first entry per name and filling a missing URL."""
    merged: dict[str, Author] = {}
    for group in groups:
        for entry in group:
            key = entry["name"].casefold()
            if key not in merged or ("url" in entry and "url" not in merged[key]):
                merged[key] = entry
    return list(merged.values())


def authors_from_json_ld(value: Any) -> list[Author]:
    """Authors from a JSON-LD ``author`` value: a string, an object or a list of either.

    A Person whose name holds several people ("Sam Metz And Barbara Ortutay") is split.
    """
    items = value if isinstance(value, list) else [value]
    found: list[Author] = []
    for item in items:
        if isinstance(item, str):
            found.extend(author(name) for name in split_byline(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            url = item.get("url") or item.get("sameAs")
            names = split_byline(item["name"])
            link = url if isinstance(url, str) and len(names) == 1 else None
            found.extend(author(name, link) for name in names)
    return merge_authors(found)
