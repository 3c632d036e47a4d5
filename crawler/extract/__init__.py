"""Shared parsing helpers: the page model, JSON-LD, meta tags, dates, bylines, body blocks.

Nothing here knows any one site; site modules combine these pieces declaratively.
"""
