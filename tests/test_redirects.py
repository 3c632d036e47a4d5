"""Meta refresh: our middleware follows exactly the refreshes Scrapy's would, reading only the head."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.crawl.redirects import HeadMetaRefreshMiddleware

_CRAWLER = get_crawler(settings_dict={"METAREFRESH_IGNORE_TAGS": ["noscript"]})
_SCRAPYS = MetaRefreshMiddleware.from_crawler(_CRAWLER)
_OURS = HeadMetaRefreshMiddleware.from_crawler(_CRAWLER)

#: Pieces of pages: refreshes (spelled in any case, inside <noscript>, with no URL), filler that
#: pushes a refresh past the head Scrapy reads, and text in other scripts.
_PIECES = st.sampled_from(
    [
        "<html><head>",
        '<meta http-equiv="refresh" content="0; url=https://example.com/b">',
        '<META HTTP-EQUIV="Refresh" CONTENT="5;URL=/c">',
        '<meta http-equiv="refresh" content="3">',
        '<noscript><meta http-equiv="refresh" content="0;url=/d"></noscript>',
        "<title>Refresh your browser</title>",
        "</head><body>",
        "<p>" + "x" * 3000 + "</p>",
        "<p>caf\u00e9 \u201cd\u00e9j\u00e0 vu\u201d</p>",
        "</body></html>",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join), st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_a_meta_refresh_is_followed_as_scrapys_middleware_follows_it(html: str, encoding: str) -> None:
    request = Request("https://example.com/a")

    def answer(middleware: MetaRefreshMiddleware) -> str | None:
        response = HtmlResponse(
            request.url,
            body=html.encode(encoding, "replace"),
            headers={"Content-Type": f"text/html; charset={encoding}"},
            request=request,
        )
        result = middleware.process_response(request, response)
        return result.url if isinstance(result, Request) else None

    assert answer(_OURS) == answer(_SCRAPYS)
