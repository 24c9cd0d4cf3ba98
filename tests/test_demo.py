"""`coregroup demo` end to end: offline, on the embedded database, and readable afterwards."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path


class TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_the_demo_runs_offline_and_writes_what_each_person_saw(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "transcript.html") in result.stdout

    page = TextOf()
    page.feed((tmp_path / "transcript.html").read_text())
    text = " ".join(page.parts)
    assert page.scripts == 0
    for name in ("Priya Shah", "Tom Okafor", "Ms Reed", "Sam", "PC Lewis"):
        assert name in text
    assert "Open a case" in text
    assert "Welcome to the core group for oak-family" in text

    social_worker = (tmp_path / "priya-shah.txt").read_text()
    assert "Case opened" in social_worker
    assert "Added @PC Lewis to the core group (police)." in social_worker
    family = (tmp_path / "sam.txt").read_text()
    assert "Sorry, only the social worker and the chair can do that" in family
    school = (tmp_path / "ms-reed.txt").read_text()
    assert "Next core group: Thu  3 Dec 2026 at 10:00" in school
    assert "1 coming, 1 sending someone, 1 apologies" in school
    assert "you are: School" in school
    chair = (tmp_path / "tom-okafor.txt").read_text()
    assert "may not be quorate" in chair
    assert "is now expected to be quorate" in chair
    assert "Kim Adeyemi for Jan Kowalski" in chair
    assert "Apologies: Sam" in chair
    assert "Meet Jo and Lily at the school gate each morning" in chair
    deputy = (tmp_path / "kim-adeyemi.txt").read_text()
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
    record = json.loads((tmp_path / "case-record" / "case.json").read_text())
    assert record["case"]["reference"] == "oak-family"
    assert {e["action"] for e in record["audit_trail"]} >= {
        "case.opened",
        "summary.released",
        "conference.decision",
    }
    assert len(record["updates_every_version"]) >= 9
    page = (tmp_path / "case-record" / "summary-review-1-professional.html").read_text()
    assert secret in page
    assert (tmp_path / "demo.sqlite3").exists()
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
    printed = {path.name for path in tmp_path.glob("*.pdf")}
    assert "oak-family-decision-notice.pdf" in printed
    assert any(name.endswith("-family-copy.pdf") for name in printed)
    assert str(tmp_path / "oak-family-decision-notice.pdf") in result.stdout
    for name in printed:
        assert (tmp_path / name).read_bytes().startswith(b"%PDF-")


def run_demo(out: Path, *extra: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(out)},
    )
    assert result.returncode == 0, result.stderr


def test_the_demo_over_socket_mode_shows_everyone_exactly_what_it_shows_over_http(
    tmp_path: Path,
) -> None:
    run_demo(tmp_path / "http")
    run_demo(tmp_path / "socket", "--socket-mode")
    written = sorted(p.name for p in (tmp_path / "http").iterdir() if p.suffix in (".txt", ".html"))
    assert "transcript.html" in written
    for name in written:
        assert (tmp_path / "socket" / name).read_text() == (tmp_path / "http" / name).read_text()
