"""`coregroup demo` end to end: offline, on the embedded database, and readable afterwards."""

from __future__ import annotations

import ctypes.util
import io
import json
import re
import subprocess
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import DemoRun
from tests.test_i18n import english_leaks


class TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def run_demo(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # matplotlib keeps its font cache beside the output, not in it (the chart's fonts).
        env={"PATH": "/usr/bin:/bin", "HOME": str(out), "MPLCONFIGDIR": f"{out}-matplotlib"},
    )


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the demo, shared by the tests that read what it wrote."""
    out = tmp_path_factory.mktemp("demo")
    result = run_demo(out)
    assert result.returncode == 0, result.stderr
    assert str(out / "transcript.html") in result.stdout
    assert str(out / "oak-family-decision-notice.pdf") in result.stdout
    assert str(out / "files") in result.stdout
    # Only what the family may be given is offered for printing for them.
    to_print = re.findall(r"to print for the family: (\S+)", result.stdout)
    assert to_print and all(path.endswith(".pdf") for path in to_print)
    chart = f"the team manager's measures chart: {out / 'measures-2026-11-20-2027-02-16.png'}"
    assert chart in result.stdout
    return out


# A meeting's calendar UID is random on purpose (no two deployments or rebuilt databases may
# share one), so the case record is compared with each UID in its place but not its value.
CALENDAR_UID = re.compile(
    rb'"calendar_uid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"'
)


# The same UIDs in the calendar files people were sent, written beside the transcript.
ICS_UID = re.compile(rb"^UID:[0-9a-f-]{36}\r$", re.MULTILINE)


# WeasyPrint subsets a PDF's fonts with HarfBuzz where the system has it (`.ci/run` installs it);
# its fallback, fontTools, writes a subset whose bytes follow the process's string hashing, so
# without HarfBuzz two runs' PDFs differ in their embedded fonts alone: then each is compared by
# its pages' text instead of its bytes.
PDF_BYTES_REPEAT = ctypes.util.find_library("harfbuzz-subset") is not None


def _comparable(path: Path) -> bytes:
    content = path.read_bytes()
    if path.suffix == ".pdf" and not PDF_BYTES_REPEAT:
        from pypdf import PdfReader

        pages = PdfReader(io.BytesIO(content)).pages
        return "\f".join(page.extract_text() for page in pages).encode()
    return ICS_UID.sub(b"UID:(random)\r", CALENDAR_UID.sub(b'"calendar_uid": "(random)"', content))


def written(out: Path) -> dict[str, bytes]:
    """Every file the demo wrote but its database, by path (calendar UIDs blanked)."""
    return {
        str(path.relative_to(out)): _comparable(path)
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith("demo.sqlite3")
    }


def test_the_demo_gives_byte_identical_files_on_every_run(
    demo_out: Path, demo_run: DemoRun
) -> None:
    # The command's run against the one the other tests read (run in their process).
    first, second = written(demo_out), written(demo_run.out)
    assert sorted(first) == sorted(second)
    assert "case-record/case.json" in first
    assert b'"calendar_uid": "(random)"' in first["case-record/case.json"]
    calendars = [name for name in first if name.startswith("files/") and name.endswith(".ics")]
    assert calendars and all(b"UID:(random)\r" in first[name] for name in calendars)
    assert [name for name in first if first[name] != second[name]] == []


STAMP = re.compile(r"^(\w{3} +\d+ \w{3} \d{4}, \d\d:\d\d) · ", re.MULTILINE)


def test_each_person_sees_things_in_the_order_they_happened_edits_included(
    demo_out: Path,
) -> None:
    # An edit is stamped at the simulated moment the bot made it, so it never lands after
    # something that happened later.
    for path in sorted(demo_out.glob("*.txt")):
        stamps = [
            datetime.strptime(s, "%a %d %b %Y, %H:%M") for s in STAMP.findall(path.read_text())
        ]
        assert stamps, path.name
        assert stamps == sorted(stamps), path.name


def test_the_demo_runs_offline_and_writes_what_each_person_saw(demo_out: Path) -> None:

    page = TextOf()
    page.feed((demo_out / "transcript.html").read_text())
    text = " ".join(page.parts)
    # One small inline script, the person filter; the page reads the same without it.
    assert page.scripts == 1
    for name in ("Priya Shah", "Tom Okafor", "Ms Reed", "Sam", "PC Lewis"):
        assert name in text
    assert "Open a case" in text
    assert "Welcome to the core group for oak-family" in text

    social_worker = (demo_out / "priya-shah.txt").read_text()
    assert "Case opened" in social_worker
    assert "Added @PC Lewis to the core group (Police)." in social_worker
    family = (demo_out / "sam.txt").read_text()
    assert "Sorry, only the social worker and the chair can do that" in family
    school = (demo_out / "ms-reed.txt").read_text()
    assert "Next core group: Thu  3 Dec 2026 at 10:00" in school
    assert "1 coming, 1 sending someone, 1 apologies" in school
    assert "you are: School" in school
    chair = (demo_out / "tom-okafor.txt").read_text()
    assert "may not be quorate" in chair
    assert "is now expected to be quorate" in chair
    assert "Kim Adeyemi for Jan Kowalski" in chair
    assert "Apologies: Sam" in chair
    assert "Meet Jo and Lily at the school gate each morning" in chair
    deputy = (demo_out / "kim-adeyemi.txt").read_text()
    assert "Invitation: core group meeting for oak-family" in deputy
    # The update cycle: prompts, a cover chased while PC Lewis is away, counts in the channel.
    assert "Time for your update for oak-family" in school
    assert "You're covering for PC Lewis while they're away" in school
    assert "of 7 updates in for the core group meeting on Thu  3 Dec 2026" in school
    for transcript in (chair, school, family):
        entries = re.split(r"\n\n(?=\S)", transcript)  # each entry starts at the left margin
        # The channel shows counts of updates; words only once the chair releases the summary.
        in_channel = [
            e
            for e in entries
            if "· #oak-family" in e.splitlines()[0]
            and "Review conference summary for oak-family" not in e
        ]
        assert in_channel and not any("Jo was in school every day" in e for e in in_channel)
    assert "An update is overdue for oak-family" in social_worker
    assert "the update you filled in with Dan (dad)" in social_worker
    # The review: the chair's digest, the released summary, the decision; and the case record.
    assert "RCPC chair's digest for oak-family" in chair
    assert "Release to the core group" in chair
    assert "continue the child protection plan" in family
    secret = "A neighbour told the school about shouting late at night."
    assert secret in chair  # the professional copy of the draft
    assert secret not in family
    record = json.loads((demo_out / "case-record" / "case.json").read_text())
    assert record["case"]["reference"] == "oak-family"
    assert {e["action"] for e in record["audit_trail"]} >= {
        "case.opened",
        "summary.released",
        "conference.decision",
    }
    assert len(record["updates_every_version"]) >= 9
    page = (demo_out / "case-record" / "summary-review-1-professional.html").read_text()
    assert secret in page
    assert (demo_out / "demo.sqlite3").exists()
    # The family's journey: their own invitation, the agenda in the summary, the decision notice,
    # and the printable copies for Dan and Nana Rose, who are not on Slack.
    for said in (
        "You can bring a friend, a relative or someone else you trust",
        "interpreter",
        "travel or childcare",
        "The chair, who runs the meeting, will meet you first",
        "go through the reports with you",
        "Your family's meeting",
        "The children: Jo, 7; Lily, 4.",
        "Jo is behind with reading",
        "Nana Rose now takes Jo and Lily to school",
        "If you disagree",
    ):
        assert said in family, said
    assert "Preparing the family for oak-family's review conference" in social_worker
    # The team manager, made one by the area admin in Slack, gets the period's measures: figures
    # and a chart, in their own direct messages, and nothing of the case.
    admin = (demo_out / "grace-mensah.txt").read_text()
    assert "is now manager" in admin
    manager = (demo_out / "ruth-ellis.txt").read_text()
    assert "Measures for 20 Nov 2026 to 16 Feb 2027" in manager
    # The area is called by the name its administrator gave it, not its workspace id.
    assert "*Safeguarding Team North*" in manager or "Safeguarding Team North" in manager
    assert "T0EMULATOR" not in manager and "T0EMULATOR" not in admin
    # The initial conference was held before the case came to the bot: nobody's attendance or
    # report is recorded for it, so it counts as neither inquorate nor unheard.
    assert "Conferences quorate: 1 of 1 (100%)" in manager
    assert "Conferences with the child's views captured: 0 of 1 (0%)" in manager
    assert "median 3 working days; at least 5 working days ahead: 0; at least 3" in manager
    assert "File: measures-2026-11-20-2027-02-16.png" in manager
    assert "oak-family" not in manager and "Jo" not in manager.replace("Jobs", "")
    printed = {path.name for path in demo_out.glob("*.pdf")}
    assert "oak-family-decision-notice.pdf" in printed
    assert any(name.endswith("-family-copy.pdf") for name in printed)
    for name in printed:
        assert (demo_out / name).read_bytes().startswith(b"%PDF-")


def test_the_demo_over_socket_mode_shows_everyone_exactly_what_it_shows_over_http(
    demo_out: Path, tmp_path: Path
) -> None:
    # The shared run is over HTTP; every run of it writes the same bytes, so one more run will do.
    socket = run_demo(tmp_path, "--socket-mode")
    assert socket.returncode == 0, socket.stderr
    over_http, over_sockets = written(demo_out), written(tmp_path)
    assert "transcript.html" in over_http
    assert sorted(over_http) == sorted(over_sockets)
    assert [name for name in over_http if over_http[name] != over_sockets[name]] == []


@pytest.mark.parametrize("language", ["cy", "bilingual"])
def test_the_demo_runs_in_a_welsh_and_in_a_bilingual_area(language: str, tmp_path: Path) -> None:
    result = run_demo(tmp_path, "--language", language)
    assert result.returncode == 0, result.stderr
    sam = (tmp_path / "sam.txt").read_text(encoding="utf-8")
    # The case channel speaks the case's language: Welsh, or Welsh first then English.
    welcome = sam.index("Croeso i'r grŵp craidd ar gyfer oak-family")
    english = sam.find("Welcome to the core group for oak-family")
    assert (english == -1) if language == "cy" else (english > welcome)
    assert "Grŵp craidd oak-family" in sam  # the channel topic
    # A parent's own invitation, and the dates in Welsh.
    assert "Gwahoddiad i chi:" in sam
    if language == "cy":
        # No sentence of the bot's catalog reaches anyone in English (people's own words aside).
        said = [path.read_text(encoding="utf-8") for path in sorted(tmp_path.glob("*.txt"))]
        assert len(said) >= 8
        assert not english_leaks(said)
    assert re.search(r"(Llun|Maw|Mer|Iau|Gwen) +\d+ (Tach|Rhag|Ion|Chwef) 20\d\d", sam)
