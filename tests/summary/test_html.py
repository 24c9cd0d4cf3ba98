"""The HTML summary: a golden page, parsed to check the order of parts and the RAG grid."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.summary import Audience, summary_html
from tests.summary.support import Element, oak_family, parse_page

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = "COREGROUP_UPDATE_GOLDEN"
PARTS = [
    ("meeting", "1. The family's meeting"),
    ("family", "2. The children, as the family describe them"),
    ("child_views", "3. The children's views"),
    ("harm", "4. The harm this conference needs to address"),
    ("impact", "5. The impact on the children"),
    ("reflect", "6. The family reflect"),
    ("going_well", "7. What is going well"),
    ("worries", "8. Worries and any new harm"),
    ("updates", "9. Each person's update"),
    ("actions", "10. Support and contributions: actions and where they are"),
    ("progress", "11. Progress on each outcome"),
    ("attendance", "12. Attendance at core groups"),
    ("reports", "13. Reports missing or late"),
]


def page(audience: Audience = Audience.PROFESSIONAL) -> Element:
    return parse_page(summary_html(oak_family(), audience))


@pytest.mark.parametrize("audience", list(Audience))
def test_the_oak_family_page_matches_the_golden_file(audience: Audience) -> None:
    """Regenerate with COREGROUP_UPDATE_GOLDEN=1 pytest tests/summary, then read the diff."""
    html = summary_html(oak_family(), audience)
    golden = GOLDEN / f"oak_family_{audience}.html"
    if os.environ.get(UPDATE_GOLDEN):
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8")


def test_parts_are_sections_in_the_order_of_a_restorative_conference() -> None:
    sections = page().find("main").find_all("section")

    assert [(s.attrs["id"], s.find("h2").text) for s in sections] == PARTS


def test_each_outcome_has_a_grid_row_per_rater_and_a_lettered_coloured_cell_per_core_group() -> (
    None
):
    grids = page().find("section", "part--progress").find_all("div", "outcome")

    assert [grid.find("h3").text for grid in grids] == [
        "Outcome 1: Jack and Lily get to school and nursery every day, on time.",
        "Outcome 2: Home is calm: no fighting in front of the children.",
        "Outcome 3: Lily is brought to all her health appointments.",
    ]
    head = grids[0].find("thead").find_all("th")
    assert [th.text for th in head] == ["Who", "Core group 1 21 Jan", "Core group 2 4 Mar", "Trend"]
    rows = [
        (
            row.find("th").text,
            [(cell.text, sorted(cell.classes)) for cell in row.find_all("td", "rag")],
            row.find("td", "trend").text,
        )
        for row in grids[1].find("tbody").find_all("tr")
    ]
    assert rows == [
        (
            "Kerry (Family)",
            [("A", ["rag", "rag--amber"]), ("A", ["rag", "rag--amber"])],
            "→ steady",
        ),
        (
            "Children's social care",
            [("R", ["rag", "rag--red"]), ("A", ["rag", "rag--amber"])],
            "↑ improving",
        ),
        ("Police", [("A", ["rag", "rag--amber"]), ("R", ["rag", "rag--red"])], "↓ worsening"),
        (
            "Domestic abuse service",
            [("–", ["rag", "rag--none"]), ("A", ["rag", "rag--amber"])],
            "new",
        ),
    ]


def test_every_coloured_cell_also_names_its_colour_for_print_and_screen_readers() -> None:
    for cell in page().find("section", "part--progress").find_all("td", "rag"):
        (abbr,) = cell.find_all("abbr")
        assert abbr.attrs["title"] in {"Red", "Amber", "Green", "Not rated"}
        assert abbr.text in {"R", "A", "G", "–"}


def test_a_rating_note_sits_under_its_grid_with_who_when_and_the_rating() -> None:
    notes = page().find("section", "part--progress").find_all("ul", "rag-notes")

    assert [note.text for note in notes] == [
        "School, Core group 2, A: Jack was in on time 18 days out of 20 this half term.",
        "Police, Core group 2, R: One call-out to the address in February.",
    ]


def test_actions_show_who_by_when_and_where_they_are() -> None:
    rows = page().find("section", "part--actions").find_all("tr", "action")

    assert [(sorted(row.classes)[1], [td.text for td in row.find_all("td")]) for row in rows] == [
        (
            "action--open",
            ["Walk the children to school and nursery", "Kerry", "No date set", "In progress"],
        ),
        ("action--done", ["Breakfast club place for Jack", "Ms Hughes", "Mon 2 Feb 2026", "Done"]),
        (
            "action--overdue",
            [
                "Safety plan written with Kerry",
                "Sam Patel",
                "Mon 2 Mar 2026",
                "Not done yet; its date has passed",
            ],
        ),
        (
            "action--dropped",
            ["Parenting group", "Kerry", "Mon 16 Feb 2026", "No longer part of the plan"],
        ),
        (
            "action--open",
            ["Book Lily's hearing test", "Not yet agreed", "No date set", "In progress"],
        ),
        ("action--done", ["Share the plan with the GP", "Sam Patel", "No date set", "Done"]),
    ]


def test_attendance_and_reports_name_people_plainly() -> None:
    root = page()
    attendance = root.find("section", "part--attendance").find("dl")
    assert [e.text for e in attendance.find_all()] == [
        "Came",
        "Kerry (Family); Sam Patel (Children's social care); Ms Hughes (School)",
        "Came late",
        "Priya Shah (Health visitor)",
        "Sent someone",
        "PC Lewis (Police), represented by PC Grant",
        "Did not come",
        "Tom Reid (Housing)",
    ]
    reports = root.find("section", "part--reports").find_all("li")
    assert [(sorted(li.classes)[1], li.text) for li in reports] == [
        (
            "report--late",
            "Tom Reid (Housing): due Fri 13 Mar 2026. "
            "Received Mon 16 Mar 2026, after its due date.",
        ),
        ("report--missing", "Priya Shah (Health visitor): due Tue 17 Mar 2026. Not received yet."),
    ]


def test_the_family_s_own_words_are_their_reflection_before_the_others_speak() -> None:
    reflect = page().find("section", "part--reflect").find_all("span", "who")
    going_well = page().find("section", "part--going_well").find_all("span", "who")

    assert reflect and {who.text for who in reflect} == {"Kerry (Family)"}
    assert "Kerry (Family)" not in [who.text for who in going_well]


def test_a_late_update_says_so_without_blame() -> None:
    late = page().find("article", "update--late")

    assert late.find("h3").text == "Tom Reid (Housing)"
    assert (
        late.find("p", "meta").text
        == "Professional. Sent Mon 16 Mar 2026, 16:05, after the deadline."
    )
