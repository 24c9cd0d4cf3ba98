"""The printable family copy: a PDF that says what the family's copy says, and nothing more."""

from __future__ import annotations

from dataclasses import replace

from bot.summary import Audience, summary_html
from bot.summary.model import UpdateSection
from bot.summary.printable import pdf_from_html
from tests.summary.support import oak_family, pdf_text

SECRET = "Police intelligence about a visitor"


def test_the_family_copy_prints_in_the_family_s_words_and_order() -> None:
    text = pdf_text(pdf_from_html(summary_html(oak_family(), Audience.FAMILY)))

    headings = [
        "1. Your family's meeting",
        "2. The children, in the family's own words",
        "3. The children's own views",
        "4. The harm we need to talk about",
        "5. How this affects the children",
        "6. What the family have said",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "Some progress" in text and "Worried" in text
    assert "Attendance at core groups" not in text and "Reports missing" not in text


def test_the_printed_family_copy_never_carries_professional_only_words() -> None:
    summary = oak_family()
    marked = replace(
        summary.updates[1],
        professional_only=SECRET,
        worries=f"{SECRET} (worry)",
        professional_only_sections=frozenset({UpdateSection.WORRIES}),
    )
    summary = replace(summary, updates=(summary.updates[0], marked, *summary.updates[2:]))

    family = pdf_text(pdf_from_html(summary_html(summary, Audience.FAMILY)))
    professional = pdf_text(pdf_from_html(summary_html(summary, Audience.PROFESSIONAL)))

    assert SECRET not in family
    assert SECRET in professional
