"""The decision notice rendered from plain values: its parts, their order, escaping, the PDF."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import weasyprint

from bot.rules.family import FamilyHelp
from bot.rules.vocabulary import Category, Decision
from bot.summary.notice import DecisionNotice, notice_blocks, notice_html, notice_parts
from bot.summary.printable import pdf_from_html
from bot.ui.labels import CATEGORY_WORDS


def notice(**changes: object) -> DecisionNotice:
    values: dict[str, object] = {
        "reference": "oak-family",
        "decision": Decision.CONTINUE,
        "category": Category.EMOTIONAL,
        "plan_changes": "Mum's course is added.",
        "next_core_group": "Thu  4 Mar 2027 at 10:00",
        "next_review": "Mon 16 Aug 2027",
        "dissent": "Dad: <b>I disagree</b>",
        "help": FamilyHelp(complaints_text="Ring 0100.", complaints_url="https://x.example/c"),
    }
    values.update(changes)
    return DecisionNotice(**values)  # type: ignore[arg-type]


def test_every_category_has_words_a_family_member_reads() -> None:
    assert set(CATEGORY_WORDS) == set(Category)


def test_a_continuing_plan_states_decision_category_changes_next_dates_dissent_and_complaints() -> (
    None
):
    headings = [p.heading for p in notice_parts(notice())]
    assert headings == [
        "What was decided",
        "What changed in the plan",
        "What happens next",
        "Not everyone agreed",
        "If you disagree",
    ]
    text = str(notice_blocks(notice()))
    assert "Its category is emotional abuse." in text
    assert "The core group next meets: Thu  4 Mar 2027 at 10:00." in text
    assert "&lt;b&gt;I disagree&lt;/b&gt;" in text  # people's words escaped for Slack
    assert "<https://x.example/c|How to disagree or complain>" in text


def test_an_ending_plan_thanks_the_family_first_and_leaves_out_what_is_not_said() -> None:
    ended = notice(
        decision=Decision.END, category=None, plan_changes=None, dissent=None, next_core_group=None
    )
    headings = [p.heading for p in notice_parts(ended)]
    assert headings[0] == "Thank you"
    assert "Not everyone agreed" not in headings
    assert "The chair did not record any changes to the plan." in str(notice_blocks(ended))
    assert "core group next meets" not in str(notice_blocks(ended))


def test_a_pre_birth_notice_speaks_of_the_baby() -> None:
    ended = notice(decision=Decision.STEP_DOWN, pre_birth=True)
    assert "all the work you have done for your baby" in str(notice_blocks(ended))


def test_the_printable_notice_is_escaped_html_and_a_one_page_pdf() -> None:
    html = notice_html(notice())
    assert "<b>I disagree" not in html and "&lt;b&gt;I disagree" in html
    assert html.index("What was decided") < html.index("If you disagree")
    pdf = pdf_from_html(html)
    assert pdf.startswith(b"%PDF-")
    assert len(weasyprint.HTML(string=html).render().pages) == 1


def test_the_printable_page_loads_nothing_from_outside() -> None:
    asked: list[str] = []

    class Tracker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Tracker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        address = f"http://127.0.0.1:{server.server_address[1]}/tracker.png"
        page = notice_html(notice()).replace("</body>", f'<img src="{address}"></body>')
        assert pdf_from_html(page).startswith(b"%PDF-")  # the image refused, the page still made
    finally:
        server.shutdown()
    assert asked == []
