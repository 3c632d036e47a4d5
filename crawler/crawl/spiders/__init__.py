"""Scrapy's spider modules: one spider per site (``site_spiders``) and the generic one."""
