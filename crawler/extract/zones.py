"""The time zone a site's readers live in, where its country domain says it without doubt.

A moment a page states in UTC ("2023-11-01T23:01:00Z") is the same moment in any offset, but
its day is the one the site's readers saw: 2 November in Rome. A site on the country domain
of a country with one time zone (``.it``, ``.de``, ``.jp``) publishes for that zone, so the
record gives such a moment in it: the moment itself is unchanged, nothing is invented. The
domains of countries with several zones (``.ca``, ``.us``, ``.au``, ``.ru``, ``.br``, ``.es``
with the Canaries, ``.pt`` with the Azores) and generic ones (``.com``, ``.org``, ``.co``) say
nothing.
"""

from __future__ import annotations

from datetime import tzinfo

from dateutil import tz

__all__ = ["country_zone"]

_COUNTRY_ZONES = {
    "at": "Europe/Vienna", "be": "Europe/Brussels", "bg": "Europe/Sofia", "ch": "Europe/Zurich",
    "cz": "Europe/Prague", "de": "Europe/Berlin", "dk": "Europe/Copenhagen", "ee": "Europe/Tallinn",
    "fi": "Europe/Helsinki", "fr": "Europe/Paris", "gr": "Europe/Athens", "hr": "Europe/Zagreb",
    "hu": "Europe/Budapest", "ie": "Europe/Dublin", "it": "Europe/Rome", "li": "Europe/Vaduz",
    "lt": "Europe/Vilnius", "lu": "Europe/Luxembourg", "lv": "Europe/Riga", "nl": "Europe/Amsterdam",
    "no": "Europe/Oslo", "pl": "Europe/Warsaw", "ro": "Europe/Bucharest", "rs": "Europe/Belgrade",
    "se": "Europe/Stockholm", "si": "Europe/Ljubljana", "sk": "Europe/Bratislava", "tr": "Europe/Istanbul",
    "uk": "Europe/London", "ua": "Europe/Kiev",
    "cn": "Asia/Shanghai", "hk": "Asia/Hong_Kong", "il": "Asia/Jerusalem", "in": "Asia/Kolkata",
    "jp": "Asia/Tokyo", "kr": "Asia/Seoul", "pk": "Asia/Karachi", "ph": "Asia/Manila",
    "sg": "Asia/Singapore", "tw": "Asia/Taipei",
    "eg": "Africa/Cairo", "ke": "Africa/Nairobi", "ng": "Africa/Lagos", "za": "Africa/Johannesburg",
    "ar": "America/Argentina/Buenos_Aires", "pe": "America/Lima",
}  # fmt: skip


def country_zone(host: str) -> tzinfo | None:
    """The one time zone of the country whose domain ``host`` is on; None for any other host."""
    zone = _COUNTRY_ZONES.get(host.rstrip(".").rsplit(".", 1)[-1])
    return tz.gettz(zone) if zone else None
