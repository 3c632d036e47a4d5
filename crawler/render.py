"""Human-readable views of a record."""

from __future__ import annotations

import json

from crawler.record import Record


def as_json(record: Record) -> str:
    """The record as indented JSON, non-ASCII kept readable."""
    return json.dumps(record, indent=2, ensure_ascii=False)


def as_text(record: Record) -> str:
    """A reader's view: headline, dek, byline and dates, then the body.

    The first line is the seed corpus's own shape (``date YYYY-MM-DD headline``), so tools
    that read that format can read this.
    """
    day = (record["datePublished"] or record["metadata"]["dateDownloaded"])[:10]
    byline = ", ".join(author["name"] for author in record["authors"]) or "(no byline)"
    lines = [f"date {day} {record['headline']}"]
    if record["description"]:
        lines.append(record["description"])
    lines.append(f"{byline} | {record['datePublished'] or 'undated'} | {record['articleSection'] or '-'}")
    lines.append(record["canonicalUrl"])
    lines.append("")
    lines.append(record["articleBody"])
    return "\n".join(lines)
