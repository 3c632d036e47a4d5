"""Scrapy spiders: one per site, built from the site registry (see `site_spiders`)."""
