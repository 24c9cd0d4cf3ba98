"""HTML pages made into PDF files to print and hand to family members who are not on Slack."""

from __future__ import annotations

from typing import Any, NoReturn

import weasyprint
from weasyprint.urls import URLFetcher


class _NoFetching(URLFetcher):  # type: ignore[misc]
    """Refuses every address: people's words reach these pages, and a link or image in them
    must never make the bot fetch it."""

    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError(f"printable pages load nothing from outside: {url}")


def pdf_from_html(html: str) -> bytes:
    """The page as a PDF file's bytes; nothing outside the page is loaded."""
    document = weasyprint.HTML(string=html, url_fetcher=_NoFetching())
    pdf: bytes = document.write_pdf()
    return pdf
