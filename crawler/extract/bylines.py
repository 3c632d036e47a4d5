"""Bylines to authors: real people or the agency, one entry each, never "By" or "Staff" junk."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from crawler.extract.page import collapse_whitespace
from crawler.record import Author

#: "By" before the names, in the languages of the pages we read, or a label ending in a colon.
_LEADING_BY = re.compile(
    r"^\s*(?:(?:(?:written|posted|words|text|reporting|story)\s+)?by|par|por|av|af|przez|door"
    r"|(?:geschrieben|verfasst|erstellt|eingestellt|gepostet|artikel|beitrag|zum profil)\s+von"
    r"|(?:publié|écrit|rédigé)\s+par|(?:escrito|publicado|redactado)\s+por|scritto\s+da)\s*:?\s+"
    r"|^[^:]*:\s+",  # a label and its colon ("Autor: ", "Text und Interview: "): a name holds none
    re.IGNORECASE,
)
#: "von" and "di" open a byline ("von Birgit Posselt", "di Marco Rossi", "von lupa") as often as a
#: surname ("von Trier", "Di Maria"): they are "by" only before a name of two words or more that
#: opens with a capital, or before a user name in small letters, and never before a particle
#: ("von der Leyen").
_LEADING_PARTICLE_BY = re.compile(
    r"^\s*(?:(?:von|di)\s+(?=[a-zà-ÿ]\S*$)|(?:von|Von|VON|di|Di|DI)\s+(?=[A-ZÀ-Þ]\S*\s+\S))"
    r"(?!(?:der|den|dem|la|le|Der|Den|Dem|La|Le)\b)"
)
#: What follows the names in a byline line: a separator ("By Jane Doe | 12/10/2020"), or a date.
_AFTER_NAMES = re.compile(
    r"\s*(?:[|\u2022\u00b7]|\s[\u2013\u2014]\s).*$"
    r"|[,;]?\s*(?:\b(?:on|am|le|el|il|op|em)\s+)?(?:\b\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2}\.?\s+[^\W\d_]{3,}\.?,?\s+\d{4}\b|\b[^\W\d_]{3,}\.?\s+\d{1,2},?\s+\d{4}\b).*$"
)
#: E-mail addresses and web addresses in a byline name no one ("Jane Doe jdoe@example.com").
_ADDRESSES = re.compile(r"\(?\b(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\)?|\(?\b(?:https?://|www\.)\S+\)?")
#: Where the writer filed from, after the name ("Associated Press in Valencia", "Jane Doe in Kyiv").
_PLACE = re.compile(r"\s+in\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}$")
#: Arrows and quote marks of "more by" links around a name ("Jane Doe »").
_ARROWS = " \u00bb\u00ab\u203a\u2039\u2192\u2190>"
#: A name that is a domain ("mdr.de", "ORF.at"): a site crediting itself.
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?:/\S*)?$")
#: Wire agencies, named after the people who wrote with them ("Karen Freifeld and Rich McKay Reuters").
_TRAILING_AGENCY = re.compile(
    r"(?<=\S)\s+(The Associated Press|Associated Press|The Canadian Press|Canadian Press|Reuters|AFP|AP"
    r"|Bloomberg|dpa|EFE|ANSA|Xinhua|UPI)$"
)
#: Degrees and credentials after a name and a comma ("Michael Anderson, PhD"): the name is the person.
_CREDENTIALS = frozenset({"phd", "ph.d.", "md", "m.d.", "mba", "msc", "dr", "dr.", "prof", "prof."})
#: Name suffixes after a comma ("Martin Luther King, Jr."): they belong to the name before them.
_SUFFIX_AFTER_COMMA = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
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
        # A guest, an anonymous or unknown writer, a CMS's account: no one named, in any language.
        "guest", "guest author", "guest writer", "guest contributor", "guest post", "guest blogger",
        "gast", "gastautor", "gastautorin", "gastbeitrag", "invité", "invitée", "invitado", "invitada",
        "ospite", "gość", "gastschrijver", "anonymous", "anonym", "anonyme", "anónimo", "anonimo",
        "unknown", "admin", "administrator", "wordpressadmin", "webmaster",
        # The words of a byline's buttons and links, which name no one either.
        "posted", "follow", "share", "email", "e-mail", "profile", "view profile", "more", "mehr",
        "beitrag", "alle artikel", "alle beiträge",
    }
)  # fmt: skip


def split_byline(byline: str) -> list[str]:
    """Split a free-text byline ("By Sam Metz And Barbara Ortutay") into clean names.

    What follows the names (a date, "| Updated ..."), e-mail and web addresses, "By" in any of the
    usual languages, job titles and credentials go; a wire agency printed after the last name
    ("... and Rich McKay Reuters") becomes an entry of its own, after the people.
    """
    text = _AFTER_NAMES.sub("", collapse_whitespace(html.unescape(byline)))
    text = _LEADING_PARTICLE_BY.sub("", _LEADING_BY.sub("", _ADDRESSES.sub(" ", text)))
    names: list[str] = []
    for part in _SEPARATORS.split(_OUTLETS.sub("", text)):
        name = _PLACE.sub("", _without_job_title(collapse_whitespace(part).strip(_ARROWS)))
        if name.lower() in _SUFFIX_AFTER_COMMA and names:
            names[-1] = f"{names[-1]} {name}"
        elif name.lower() not in _CREDENTIALS:
            agency = _TRAILING_AGENCY.search(name)
            names.extend(
                [name[: agency.start()], agency[1]] if agency and " " in name[: agency.start()] else [name]
            )
    return [name for name in names if is_real_name(name)]


def _without_job_title(name: str) -> str:
    """The name without the job title printed after it; "" when the whole text is a job title."""
    return "" if _JOB_TITLE.match(name) else _TRAILING_JOB_TITLE.sub("", name)


def is_real_name(name: str) -> bool:
    """False for what names no one: "Staff", "By", "Guest", an empty string, a job title ("Staff
    Reporter"), a domain ("mdr.de"), a social-network handle ("@NatGeoUK")."""
    stripped = name.strip()
    return (
        stripped.lower() not in _JUNK
        and len(stripped) >= 2
        and not stripped.startswith("@")
        and not _JOB_TITLE.match(stripped)
        and not _DOMAIN.match(stripped)
    )


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
