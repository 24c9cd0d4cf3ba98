"""HTML pages made into PDF files to print and hand to family members who are not on Slack."""

from __future__ import annotations

from functools import cache
from typing import Any, NoReturn


@cache
def _no_fetching() -> type[Any]:
    """A URL fetcher that refuses every address: people's words reach these pages, and a link or
    image in them must never make the bot fetch it. (The PDF library takes most of a second to
    load, so it is loaded when something is first printed, not when the bot starts.)"""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            raise ValueError(f"printable pages load nothing from outside: {url}")

    return NoFetching


def pdf_from_html(html: str) -> bytes:
    """The page as a PDF file's bytes; nothing outside the page is loaded."""
    import weasyprint

    document = weasyprint.HTML(string=html, url_fetcher=_no_fetching()())
    pdf: bytes = document.write_pdf()
    return pdf
