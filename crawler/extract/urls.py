"""URL clean-up shared by parsers, dedup and spiders.

Pages write links as people type them: with spaces, accented letters, an IDN host. Browsers
percent-encode such a link before they request it (WHATWG URL: spaces, quotes and non-ASCII
characters of the path and query; the host in punycode), and so does Scrapy, with w3lib's
``safe_url_string``, for every request. The URLs a record holds are made the same way
(``web_url``, ``clean_url``), so they are the URLs a crawl requests, and valid by the schema.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# Second-level labels under a country code that a registrant cannot own ("example.co.uk").
_PUBLIC_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go"})
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
_TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "cmp", "ref", "referrer", "ito", "itm_source", "taid"}
)


def is_tracking_parameter(name: str) -> bool:
    """True for query parameters that say where a click came from, not what the page is."""
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def joined_url(url: str, base: str) -> str | None:
    """A page's link made absolute, or None where urljoin refuses it.

    urljoin raises ValueError for a host with an unbalanced "[" (a broken IPv6 literal, or
    ``https://<![CDATA[host/...``): one bad link must cost its field, not the record.
    """
    try:
        return urljoin(base, url)
    except ValueError:
        return None


def cleaned_link(url: str, base: str) -> str | None:
    """A page's link as ``clean_url`` gives it, or None where urljoin refuses it (see ``joined_url``)."""
    try:
        return clean_url(url, base)
    except ValueError:
        return None


def clean_url(url: str, base: str | None = None) -> str:
    """Absolute URL without tracking parameters or fragment, percent-encoded as browsers send it; host
    lower-cased. Raises ValueError for a link no URL can be made of (see ``joined_url``)."""
    absolute = safe_url_string(urljoin(base, url.strip()) if base else url.strip())
    parts = urlsplit(absolute)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_parameter(k)
    ]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


# A host is dot-separated labels of letters, digits, ``-`` and ``_`` (an IDN host in punycode), or
# an IPv6 address in brackets; before it, optional user info; after it, an optional port.
_WEB_URL = re.compile(
    r"^https?://(?:[^\s/?#@]*@)?"
    r"(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])"
    r"(?::\d{0,5})?(?:[/?#]\S*)?$"
)


def is_web_url(url: str) -> bool:
    """Whether a URL is an absolute http(s) URL on a well-formed host, without white space.

    A page's link is hostile input: ``https://<www.example.com/`` must not name a site ``<www``.
    """
    return bool(_WEB_URL.match(url))


def web_url(url: str, base: str | None = None) -> str | None:
    """A link as an absolute http(s) URL, percent-encoded as browsers send it; None for no web URL.

    Spaces, quotes and non-ASCII characters become ``%XX`` (UTF-8), an IDN host its punycode,
    tabs and line breaks go, as in a browser's address bar; w3lib also encodes ``|``, ``[``
    and ``]``, which some servers refuse raw. Escapes already there are kept as they are.
    """
    absolute = joined_url(url.strip(), base) if base else url.strip()
    if absolute is None:
        return None
    try:
        encoded = safe_url_string(absolute)
    except ValueError:  # a port out of range
        return None
    return encoded if is_web_url(encoded) else None


def url_id(url: str) -> str:
    """A stable 16-hex-digit id for a (canonical) URL."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def domain_of(url: str) -> str:
    """The host of a URL, lower-cased, without a leading ``www.``; an IDN host in punycode."""
    if not url.isascii():
        url = web_url(url) or url
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def registered_domain(host: str) -> str:
    """The domain a publisher registered: the last two labels, three under ``co.uk``-style suffixes.

    A host that is an IP address, or a name with no dot (``localhost``, an intranet host), has no
    registered domain: it is its own (``127.0.0.1``, not ``0.1``).
    """
    if "." not in host or _is_ip_address(host):
        return host
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _PUBLIC_SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def same_registered_domain(url: str, other: str) -> bool:
    """Whether two URLs' hosts belong to one registered domain (``news.example.com``, ``example.com``)."""
    host = domain_of(url)
    return bool(host) and registered_domain(host) == registered_domain(domain_of(other))


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
