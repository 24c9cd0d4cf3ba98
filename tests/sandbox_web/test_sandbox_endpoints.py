"""The sandbox page's JSON endpoints over real HTTP, with no browser: each step is what the
page's script sends when someone clicks, and each check reads the HTML parts the server answers
with, as the page shows them. Behind the endpoints, the real bot answers signed requests from
the emulator on a fresh SQLite file."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.devtools.sandbox_web.server import SandboxServer
from bot.devtools.sandbox_web.world import CaseFileError, case_from_mapping, load_case_file
from tests.conftest import free_port
from tests.sandbox_web.client import PageClient

CONCERN = "A neighbour told the school about shouting late at night."


def _people(server: SandboxServer) -> dict[str, str]:
    return {person.name: person.user_id for person in server.world.people}


def _in_dm(page: PageClient, person: str, words: str) -> list[object]:
    page.load(person)
    page.go(page.place("Core Group"))
    return list(page.messages_with(words))


def _until(page: PageClient, probe: object, *, steps: int = 12) -> None:
    """Move the clock to the next thing due until `probe()` holds (as a person clicking
    "To the next thing due" until what they wait for arrives)."""
    assert callable(probe)
    for _ in range(steps):
        if probe():
            return
        page.time("next")
    assert probe(), f"still not there at {page.text('clock')}"


def test_a_case_from_the_modal_to_the_released_summary(sandbox_server: SandboxServer) -> None:
    server = sandbox_server
    ids = _people(server)
    page = PageClient(server.url, ids["Priya Shah"])
    page.load()
    assert "Sandbox." in urllib.request.urlopen(server.url, timeout=30).read().decode()

    # The social worker opens a case through the modal; an empty reference is refused inline.
    page.go(page.place("safeguarding-team"))
    page.command("/coregroup new")
    assert page.modal().find("h2").text == "Open a case"
    refused = page.submit({"Case reference": ""})
    assert refused["errors"]["case_reference"] == "Please complete this required field."
    opened = page.submit(
        {
            "Case reference": "birch-family",
            "Conference chair": ids["Tom Okafor"],
            "Professional 1": ids["PC Lewis"],
            "Agency of professional 1": page.option("Agency of professional 1", "Police"),
            "Family members not on Slack": "Alex (mum)",
        }
    )
    assert opened["errors"] == {}
    assert "Case opened" in page.text("modal")
    page.post("/api/close", view_id=page.modal().attrs["data-view"])
    assert page.parts["modal"] == ""
    page.load(ids["PC Lewis"])
    assert "birch-family" in page.text("sidebar")

    # Time moves to the invitations; a professional replies from their direct messages.
    school = PageClient(server.url, ids["Ms Reed"])
    _until(school, lambda: _in_dm(school, ids["Ms Reed"], "Review conference: oak-family"))
    invitation = _in_dm(school, ids["Ms Reed"], "Review conference: oak-family")[-1]
    school.click(invitation, "I'll be there")  # type: ignore[arg-type]
    assert "you're down as coming" in school.text()

    # Then to the prompt; the update goes in through its form.
    _until(school, lambda: _in_dm(school, ids["Ms Reed"], "Please send your update"))
    prompt = _in_dm(school, ids["Ms Reed"], "Please send your update")[-1]
    school.click(prompt, "Give your update")  # type: ignore[arg-type]
    fields = school.fields()
    assert "What is going well" in fields
    missing = school.submit({})
    assert missing["errors"], "a required answer left empty is refused inline"
    answers = _update_answers(school, CONCERN)
    sent = school.submit(answers)
    assert sent["errors"] == {}, sent
    assert school.parts["modal_key"] == "" or "Thank" in school.text("modal")

    # Past the deadline: the health visitor, who sent nothing, is chased; Ms Reed is not.
    health = PageClient(server.url, ids["Jan Kowalski"])
    _until(health, lambda: _in_dm(health, ids["Jan Kowalski"], "hasn't reached me yet"))
    assert not _in_dm(school, ids["Ms Reed"], "hasn't reached me yet")
    assert "A reminder about your update for oak-family" in health.text("lock")

    # The social worker asks for the summary; the chair releases it from their messages.
    page.load(ids["Priya Shah"])
    page.go(page.place("oak-family"))
    page.command("/coregroup summary")
    assert "ready to release" in page.text()
    chair = PageClient(server.url, ids["Tom Okafor"])
    draft = _in_dm(chair, ids["Tom Okafor"], "Release to the core group")[-1]
    chair.click(draft, "Release to the core group")  # type: ignore[arg-type]
    assert "Released" in chair.text()

    # The professionals' copy carries the concern; nothing the family sees does.
    assert CONCERN in _everything(school, ids["Ms Reed"])
    family = _everything(PageClient(server.url, ids["Sam"]), ids["Sam"])
    assert "oak-family" in family and "summary" in family.lower()
    assert CONCERN not in family
    assert "professionals only" not in family.lower()


def _update_answers(page: PageClient, concern: str) -> dict[str, object]:
    """Every field of the update form answered, the concern marked for professionals only."""
    answers: dict[str, object] = {}
    for label, control in page.fields().items():
        if label.startswith("Third-party information"):  # the part for professionals only
            answers[label] = concern
        elif control.attrs.get("data-type") == "checkboxes":
            answers[label] = []
        elif control.tag == "fieldset":
            values = [i.attrs["value"] for i in control.find_all("input")]
            answers[label] = next((v for v in values if v == "no"), values[0])
        elif control.tag == "select":
            options = [o.attrs["value"] for o in control.find_all("option") if o.attrs["value"]]
            answers[label] = options[0]
        elif control.attrs.get("data-type") == "datepicker":
            answers[label] = "2027-01-04"
        else:
            answers[label] = "Jo was in school every day and joined the choir."
    return answers


def _everything(page: PageClient, person: str) -> str:
    """Every place, the Home tab, the lock screen and every file the person can open."""
    page.load(person)
    seen = [page.text("sidebar"), page.text("lock")]
    for link in page.dom("sidebar").find_all("a"):
        if "data-where" in link.attrs:
            page.go(link.attrs["data-where"])
            seen.append(page.text())
        elif link.attrs.get("href", "").startswith("/files/"):
            url = page.base + link.attrs["href"].lstrip("/")
            with urllib.request.urlopen(url, timeout=30) as answer:
                seen.append(answer.read().decode("utf-8", "replace"))
    return "\n".join(seen)


def test_page_parts_answer_quickly_and_files_only_reach_who_they_were_shared_with(
    sandbox_server: SandboxServer,
) -> None:
    ids = _people(sandbox_server)
    started = time.perf_counter()
    with urllib.request.urlopen(f"{sandbox_server.url}?as={ids['Ms Reed']}", timeout=30) as page:
        html = page.read().decode()
    took = time.perf_counter() - started
    print(f"sandbox page served in {took * 1000:.0f} ms")
    assert "made up" in html and "nothing leaves this machine" in html
    assert took < 0.3
    # The calendar entry for the review reached the core group, not someone outside it.
    school = PageClient(sandbox_server.url, ids["Ms Reed"])
    school.load()
    link = next(
        a for a in school.dom("sidebar").find_all("a") if a.attrs["href"].startswith("/files/")
    )
    file_url = sandbox_server.url + link.attrs["href"].lstrip("/")
    assert file_url.endswith(f"?as={ids['Ms Reed']}")
    with urllib.request.urlopen(file_url, timeout=30) as answer:
        assert "BEGIN:VCALENDAR" in answer.read().decode()
        assert answer.headers["Content-Security-Policy"] == "sandbox"
    for someone_else in (f"?as={ids['PC Lewis']}", ""):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(file_url.split("?")[0] + someone_else, timeout=30)
        assert refused.value.code == 404


def _readme_case_file() -> str:
    """The example case file in the README's Sandbox section."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Sandbox", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_readmes_case_file_starts_a_sandbox(tmp_path: Path) -> None:
    path = tmp_path / "case.yml"
    path.write_text(_readme_case_file(), encoding="utf-8")
    case = load_case_file(path)
    assert case.reference == "elm-family"
    assert case.professionals == (("Mr Obi", "school"), ("Dr Shah", "gp"))
    with SandboxServer(tmp_path / "elm.sqlite3", case=case, port=free_port()) as server:
        page = PageClient(server.url, server.world.by_name("Mr Obi").user_id)
        page.load()
        assert "elm-family" in page.text("sidebar")
        assert "It is Monday 23 November 2026" in page.text("clock")
        # Both meetings were arranged through the bot's form: their calendar entries are here.
        assert "elm-family core group" in page.text("sidebar").lower()
        assert "elm-family review conference" in page.text("sidebar").lower()
        page.load(server.world.by_name("PC Lewis").user_id)
        assert "elm-family" not in page.text("sidebar")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"professionals": [{"name": "X", "agency": "wizard"}]}, "agency"),
        ({"professionals": [{"name": "X", "agency": "family"}]}, "agency"),
        ({"colour": "blue"}, "unknown fields"),
        ({"icpc": "20/11/2026"}, "icpc"),
        ({"nation": "FR"}, "nation"),
        ({"meetings": [{"kind": "Party", "date": "2026-12-01"}]}, "kind"),
        ({"chair": ""}, "chair"),
    ],
)
def test_a_case_file_that_cannot_work_is_refused_with_what_to_change(
    change: dict[str, object], complaint: str
) -> None:
    minimal = {"reference": "a", "icpc": "2026-11-20", "social_worker": "A", "chair": "B"}
    with pytest.raises(CaseFileError, match=complaint):
        case_from_mapping({**minimal, **change})


def test_coregroup_sandbox_serves_the_page(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "bot.cli", "sandbox", "--port", str(port)]
    errors = (tmp_path / "stderr.txt").open("w")
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=errors, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once the page is served
        said = (tmp_path / "stderr.txt").read_text()
        assert f"The sandbox is at http://127.0.0.1:{port}/" in line, (line, said)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as answer:
            assert "nothing leaves this machine" in answer.read().decode()
        assert (tmp_path / "out" / "sandbox.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
        errors.close()


def test_the_home_tab_the_time_bar_and_the_command_box(sandbox_server: SandboxServer) -> None:
    ids = _people(sandbox_server)
    school = PageClient(sandbox_server.url, ids["Ms Reed"])
    school.load()
    assert "It is Monday 23 November 2026, 09:31" in school.text("clock")

    # Opening Home sends app_home_opened; the bot publishes the person's Home tab.
    school.go("home")
    assert school.dom("main").find("h2").text == "Home"
    assert "oak-family" in school.text("main")
    refused = school.command("/coregroup status")
    assert "Open a channel" in refused["notice"]

    school.time("day")
    assert "It is Tuesday 24 November 2026, 09:31" in school.text("clock")
    school.time("2026-12-01")
    assert "It is Tuesday 1 December 2026, 09:00" in school.text("clock")
    backwards = school.time("2026-11-30")
    assert "Time only moves forward" in backwards["notice"]
    assert "It is Tuesday 1 December 2026, 09:00" in school.text("clock")

    # Once an update is owed, Home offers it; its button opens the form (a view's block action).
    school.time("2027-01-06")
    school.go("home")
    assert "Updates you owe" in school.text("main")
    school.click_in_view("main", "Give your update")
    assert school.modal().find("h2").text == "Your update"
    school.post("/api/close", view_id=school.modal().attrs["data-view"])
    assert school.parts["modal"] == ""

    # The command box answers as Slack does: only the person sees the bot's reply.
    school.go(school.place("oak-family"))
    school.command("/coregroup status")
    answer = school.dom("main").find_all("article", "msg--ephemeral")
    assert answer and "oak-family" in answer[-1].text
    chair = PageClient(sandbox_server.url, ids["Tom Okafor"])
    chair.load(where=school.where)
    assert not chair.dom("main").find_all("article", "msg--ephemeral")


def test_coregroup_sandbox_says_in_one_line_when_its_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "bot.cli", "sandbox", "--port", str(port)]
        result = subprocess.run(
            [*command, "--out", str(tmp_path)], capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    said = result.stderr.strip()
    assert "\n" not in said and "Traceback" not in said
    assert said.startswith(f"coregroup: Cannot listen on 127.0.0.1:{port}: Address already in use")
