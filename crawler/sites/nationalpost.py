"""National Post (nationalpost.com): a Postmedia paper, read with the Postmedia platform's templates.

- From April 2025, "story-v2": ``div.story-v2-content-element-inline`` body.
- 2023 to 2025: ``section.article-content__content-group`` body.

Both carry JSON-LD (``creator`` is the printed byline) and the ``script#page-data`` state;
see ``crawler/sites/platforms/postmedia.py``. Stories end with the "National Post" sign-off, then
the writer's bio or the paper's own promo ("Our website is the place for ...").
"""

from __future__ import annotations

import re

from crawler.sites.platforms.postmedia import PostmediaContentGroup, PostmediaStoryV2
from crawler.sites.site import Site, Source

_PROMOS = (
    re.compile(r"^our website is the place for the latest breaking news", re.IGNORECASE),
    re.compile(r"^sign up (?:here )?(?:to|for) (?:receive |our )?.*newsletter", re.IGNORECASE),
)


class StoryV2(PostmediaStoryV2):
    """The story-v2 template (April 2025 onward)."""

    outlet = "National Post"
    boilerplate = (*PostmediaStoryV2.boilerplate, *_PROMOS)


class ContentGroup(PostmediaContentGroup):
    """The content-group template (2023 to April 2025)."""

    outlet = "National Post"
    boilerplate = (*PostmediaContentGroup.boilerplate, *_PROMOS)


SITE = Site(
    id="nationalpost",
    name="National Post",
    domains=("nationalpost.com",),
    timezone="America/Toronto",
    parsers=(StoryV2, ContentGroup),
    # /{section}/[{subsection}/]{slug}: the slug has at least three words. Wire stories of about
    # 2017 to 2022 add the wire copy's id: /pmn/news-pmn/{slug}/wcm/{uuid}.
    article_url=re.compile(
        r"nationalpost\.com/(?:[\w-]+/){1,3}[a-z0-9]+(?:-[a-z0-9]+){2,}(?:/wcm/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})?/?$"
    ),
    not_article_url=re.compile(
        r"nationalpost\.com/(?:category|author|tag|search|newsletters|subscribe|feed|sitemap)\b"
        r"|/(?:video|videos|gallery|galleries|photos|podcasts?|live)/"
    ),
    paywall=True,
    sources=(
        Source("news-sitemap", "https://nationalpost.com/sitemap-news.xml"),
        Source("feed", "https://nationalpost.com/feed"),
        Source("section", "https://nationalpost.com/category/news/"),
    ),
)
