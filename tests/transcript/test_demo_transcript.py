"""The demo's transcript against the emulator's own record of the run: every file each person was
sent (with its preview, written beside the transcript), every form they opened or sent (with what
they entered), names instead of ids, and the page's person filter and index of days."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
from pypdf import PdfReader

from bot.devtools.demo import DEMO_START, FILES_DIR
from bot.devtools.emulator.inspector import SeenFile
from bot.devtools.emulator.state import ViewEvent
from bot.devtools.transcript import Transcript, render_html, render_text
from bot.devtools.transcript.files import view_file
from tests.conftest import DemoRun
from tests.transcript.support import parse_page

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Run:
    """The demo's transcript, what it rendered, and the emulator's record of the same run."""

    transcript: Transcript
    out: Path
    texts: dict[str, str]  # user id -> their text transcript
    html: str
    files: dict[str, list[SeenFile]]  # user id -> files shared where they were
    views: dict[str, list[ViewEvent]]  # user id -> every modal they were shown or sent


@pytest.fixture(scope="module")
def run(demo_run: DemoRun) -> Run:
    transcript = demo_run.result.transcript
    assert transcript is not None
    html = demo_run.result.html.read_text(encoding="utf-8")
    texts = {p.user_id: render_text(p, transcript.names) for p in transcript.people}
    return Run(transcript, demo_run.out, texts, html, demo_run.files, demo_run.views)


def person_id(run: Run, name: str) -> str:
    return next(p.user_id for p in run.transcript.people if p.name == name)


def entries(text: str) -> list[str]:
    """A text transcript's entries: each starts at the left margin with its time."""
    return re.split(r"\n\n(?=\S)", text)


# --- files ---------------------------------------------------------------------------------------


def test_every_file_each_person_was_sent_is_drawn_with_its_name_kind_and_size(run: Run) -> None:
    shown = 0
    for person in run.transcript.people:
        text = run.texts[person.user_id]
        drawn = [f for seen in person.seen for f in seen.files]
        # Once per share where they are: a file shared in two places they can see shows twice.
        # (Someone who has left a channel saw its files while they were there.)
        can_see = Counter(f.name for f in run.files[person.user_id])
        if can_see:
            assert Counter(f.name for f in drawn) == can_see, person.name
        for shared in drawn:
            view = view_file(shared, LONDON)
            assert f"File: {shared.name} · {view.kind} · {view.size}" in text
            shown += 1
    assert shown >= 20  # calendar entries, summaries (three formats, two copies), notices


def test_each_file_is_written_beside_the_transcript_and_linked(run: Run) -> None:
    page = parse_page(run.html)
    links = {a.attrs["href"] for a in page.find_all("a") if a.attrs["href"].startswith("files/")}
    written = {f"{FILES_DIR}/{p.name}" for p in (run.out / FILES_DIR).iterdir()}
    assert links == written
    for person in run.transcript.people:
        for seen in person.seen:
            for shared in seen.files:
                assert (run.out / shared.href).read_bytes() == shared.data
                assert f"Saved beside this transcript: {shared.href}" in run.texts[person.user_id]
    # Two copies of one summary share a name only if they say the same thing.
    sent = {f.name: f.data for files in run.files.values() for f in files}
    assert all((run.out / FILES_DIR / name).read_bytes() == data for name, data in sent.items())


def test_a_calendar_entry_shows_its_meeting_in_the_cases_zone(run: Run) -> None:
    school = run.texts[person_id(run, "Ms Reed")]
    [entry] = [e for e in entries(school) if "File: oak-family-core-group-meeting.ics" in e]
    # Read independently of the transcript (vobject, not icalendar): the same meeting.
    shared = next(f for f in run.files[person_id(run, "Ms Reed")] if f.name.endswith("meeting.ics"))
    event = vobject.readOne(shared.data.decode()).vevent
    start = event.dtstart.value.astimezone(LONDON)
    assert (start.hour, start.minute) == (10, 0)
    assert f"{start:%a} {start.day} {start:%b %Y}, 10:00–" in entry
    assert "(Europe/London, GMT)" in entry
    assert event.location.value == "Oak Primary School, family room"
    assert event.location.value in entry


def test_a_summary_documents_first_lines_and_a_pdfs_pages_are_shown(run: Run) -> None:
    chair = person_id(run, "Tom Okafor")
    text = run.texts[chair]
    for shared in run.files[chair]:
        if shared.name.endswith(".md"):
            first = next(line.strip() for line in shared.data.decode().splitlines() if line.strip())
            assert f"      {first}" in text  # the document's first line, under the file
        if shared.name.endswith(".pdf"):
            pages = len(PdfReader(io.BytesIO(shared.data)).pages)
            [entry] = {e for e in entries(text) if f"File: {shared.name} " in e}
            assert f"{pages} {'page' if pages == 1 else 'pages'}" in entry
        if shared.name.endswith(".html"):
            [entry] = {e for e in entries(text) if f"File: {shared.name} " in e}
            assert "<" not in entry.split("\n", 2)[1]  # text, not markup
            assert "Review conference summary: oak-family" in entry


def test_an_image_is_shown_inline_whatever_it_is_of(tmp_path: Path) -> None:
    # A chart like the managers' measures: a real PNG, drawn by matplotlib.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(2, 1))
    axes.bar(["a", "b"], [1, 2])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    pyplot.close(figure)
    from bot.devtools.transcript import PersonTranscript, Seen
    from bot.devtools.transcript.model import SharedFile

    chart = SharedFile("area-measures.png", "Measures for the area", buffer.getvalue(), "files/x")
    seen = Seen(
        DEMO_START, "Direct message with Core Group", "message", "Core Group", "", files=(chart,)
    )
    person = PersonTranscript("U1", "A manager", "Manager", (seen,))
    page = parse_page(render_html(Transcript("Run", (person,), {})))
    [image] = page.find_all("img")
    assert image.attrs["src"].startswith("data:image/png;base64,")
    assert image.attrs["alt"] == "Measures for the area"
    assert "[image: Measures for the area]" in render_text(person, {})
    assert "PNG image" in render_text(person, {})


# --- forms ---------------------------------------------------------------------------------------


def test_every_form_each_person_sent_is_drawn_with_what_they_entered(run: Run) -> None:
    for person in run.transcript.people:
        sent = [e for e in run.views[person.user_id] if e.action == "submitted"]
        forms = [seen for seen in person.seen if seen.kind == "form"]
        assert len(forms) == len(sent), person.name
        text_forms = [e for e in entries(run.texts[person.user_id]) if " · form sent" in e]
        assert len(text_forms) == len(sent)
        for event, drawn in zip(sent, text_forms, strict=True):
            assert f"Title: {event.view['title']['text']}" in drawn
            for typed in _typed(event):
                assert typed.split("\n")[0] in drawn, (person.name, typed)
    # The update form, which the old transcript never showed, with the words sent in it.
    school = [e for e in entries(run.texts[person_id(run, "Ms Reed")]) if " · form sent" in e]
    updates = [e for e in school if "Title: Your update" in e]
    assert len(updates) == 3
    assert "What is going well (optional): Jo was in school every day this week" in updates[0]


def _typed(event: ViewEvent) -> list[str]:
    values = event.view["state"]["values"]
    return [
        entry["value"]
        for block in values.values()
        for entry in block.values()
        if isinstance(entry.get("value"), str) and entry["value"]
    ]


def test_every_modal_shown_is_in_the_persons_timeline_in_order(run: Run) -> None:
    for person in run.transcript.people:
        shown = {e.view["title"]["text"] for e in run.views[person.user_id]}
        drawn = {seen.title for seen in person.seen if seen.kind in ("modal", "form")}
        assert shown == drawn, person.name
        stamps = [seen.at for seen in person.seen]
        assert stamps == sorted(stamps), person.name


def test_a_form_sent_shows_in_the_page_with_its_entries(run: Run) -> None:
    page = parse_page(run.html)
    forms = page.find_all("div", "item--form")
    assert len(forms) == sum(
        1 for events in run.views.values() for e in events if e.action == "submitted"
    )
    texts = [form.text for form in forms]
    assert any("Dan (dad)" in t and "oak-family" in t and "Open a case" in t for t in texts)


# --- names ---------------------------------------------------------------------------------------

RAW_ID = re.compile(r"<[@#!][A-Z0-9]+|#C0\d|\bC0{3,}\d")


def test_people_and_channels_are_named_never_shown_by_id(run: Run) -> None:
    for text in (*run.texts.values(), parse_page(run.html).text):
        assert RAW_ID.findall(text) == []
    social_worker = run.texts[person_id(run, "Priya Shah")]
    assert "The case oak-family is open in #oak-family." in social_worker
    assert "oak-family #oak-family · you are: School" in run.texts[person_id(run, "Ms Reed")]


# --- the page ------------------------------------------------------------------------------------


def test_the_index_of_days_links_to_each_day_someone_saw_something(run: Run) -> None:
    page = parse_page(run.html)
    ids = {e.attrs["id"] for e in page.iter() if "id" in e.attrs}
    day_links = [a for a in page.find_all("a") if "data-day" in a.attrs]
    local_days = sorted(
        {
            seen.at.astimezone(LONDON).date().isoformat()
            for p in run.transcript.people
            for seen in p.seen
        }
    )
    assert [a.attrs["data-day"] for a in day_links] == local_days
    for link in day_links:
        assert link.attrs["href"].removeprefix("#") in ids
    # Every person's own days have anchors too, for the filter to point the index at.
    for number, person in enumerate(run.transcript.people, start=1):
        theirs = {seen.at.astimezone(LONDON).date().isoformat() for seen in person.seen}
        assert {f"person-{number}-{day}" for day in theirs} <= ids


def test_without_script_the_page_shows_everyone_and_hides_only_the_filter(run: Run) -> None:
    page = parse_page(run.html)
    assert all("hidden" not in s.attrs for s in page.find_all("section", "person"))
    filter_form = next(e for e in page.find_all("form") if e.attrs.get("id") == "filter")
    assert "hidden" in filter_form.attrs
    options = [o.text for o in filter_form.find_all("option")]
    assert options[0] == "Everyone" and len(options) == len(run.transcript.people) + 1


# --- the filter in a browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_in_browser(run: Run) -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        reason = "Chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("COREGROUP_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser
        browser.close()


def _visible_people(page: Any) -> list[str]:
    return list(
        page.eval_on_selector_all(
            "section.person:not([hidden]) h2", "e => e.map(x => x.textContent)"
        )
    )


@pytest.mark.browser
def test_the_filter_shows_only_what_one_person_saw(run: Run, page_in_browser: Any) -> None:
    page = page_in_browser.new_page()
    try:
        page.goto((run.out / "transcript.html").as_uri())
        everyone = [p.name for p in run.transcript.people]
        assert _visible_people(page) == everyone
        deputy = run.transcript.people[-1]
        page.select_option("#person-filter", label=f"{deputy.name} ({deputy.role})")
        assert _visible_people(page) == [deputy.name]
        theirs = sorted({s.at.astimezone(LONDON).date().isoformat() for s in deputy.seen})
        links = page.eval_on_selector_all(
            "#days li:not([hidden]) a", "e => e.map(a => a.getAttribute('href'))"
        )
        number = len(run.transcript.people)
        assert links == [f"#person-{number}-{day}" for day in theirs]
        assert f"{deputy.name}" in page.inner_text("#filter-status")
        page.click("#days li:not([hidden]) a >> nth=0")
        assert page.evaluate("location.hash") == f"#person-{number}-{theirs[0]}"
        page.select_option("#person-filter", label="Everyone")
        assert _visible_people(page) == everyone
    finally:
        page.close()


@pytest.mark.browser
def test_with_script_off_every_person_is_shown(run: Run, page_in_browser: Any) -> None:
    context = page_in_browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((run.out / "transcript.html").as_uri())
        assert _visible_people(page) == [p.name for p in run.transcript.people]
        assert not page.is_visible("#person-filter")
    finally:
        context.close()
