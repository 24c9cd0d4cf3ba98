"""The sandbox in a real browser: headless Chromium (the system's, `apt-get install chromium`)
driven by Playwright, which downloads nothing. The social worker opens a case through the modal,
a professional answers an invitation and sends an update, time passes the deadline, the chair
releases the summary, and the family member's view holds nothing for professionals only.

Screenshots of the key moments go to the test's own folder. The page's load time and the time
from a click to its effect on screen are measured and printed. Without Chromium or Playwright
the test skips and says why; with COREGROUP_REQUIRE_BROWSER=1 (as in CI) that is a failure."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.devtools.sandbox_web.server import SandboxServer

pytestmark = pytest.mark.browser

# True once an element matching the selector is on screen and its text includes the words.
SHOWS = """([selector, words]) => {
  const found = document.querySelector(selector);
  return found !== null && found.getClientRects().length > 0 && found.textContent.includes(words);
}"""
CONCERN = "A neighbour told the school about shouting late at night."
PAGE_LOAD_LIMIT_MS = 300
CLICK_LIMIT_MS = 1000
# Another tab polls once a second: an edit shows there within the poll and its answer.
POLL_LIMIT_MS = 2500
# In the parallel run the other worker's replicas and browsers share the two cores, so the limits
# stretch threefold there (a hang still fails); run alone (`-n 0`) the test holds the figures above.
SHARED = 3 if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1 else 1


def _missing(reason: str) -> None:
    if os.environ.get("COREGROUP_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def browser() -> Iterator[Any]:
    """The system's headless Chromium through Playwright."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        _missing("Chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (the dev extra has it)")
        raise
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


class Timings:
    """Page loads and clicks, in milliseconds."""

    def __init__(self) -> None:
        self.cold = 0.0
        self.live = 0.0
        self.loads: list[float] = []
        self.clicks: list[tuple[str, float]] = []

    def report(self) -> str:
        clicks = ", ".join(f"{what} {ms:.0f} ms" for what, ms in self.clicks)
        loads = ", ".join(f"{ms:.0f}" for ms in self.loads)
        return (
            f"first load in a fresh browser {self.cold:.0f} ms; page loads (ms): {loads}; "
            f"click to visible: {clicks}; the reply's edit in place seen in another tab "
            f"{self.live:.0f} ms after the click (it polls each second)"
        )


def test_the_sandbox_in_a_browser(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    shots = tmp_path / "screenshots"
    shots.mkdir()
    timings = Timings()
    with SandboxServer(tmp_path / "sandbox.sqlite3", port=0) as server:
        ids = {person.name: person.user_id for person in server.world.people}
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-GB")
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))

        def load(person: str, where: str = "") -> None:
            query = f"?as={ids[person]}" + (f"&where={where}" if where else "")
            page.goto(server.url + query)
            timing = page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " return n.loadEventEnd - n.startTime; }"
            )
            timings.loads.append(float(timing))

        def timed(what: str, act: Any, selector: str, words: str, on: Any = None) -> None:
            """Time from the click until `words` show in `selector`, checked every frame (an
            `expect` retries at growing intervals, which would overstate the time)."""
            started = time.perf_counter()
            act()
            (on or page).wait_for_function(SHOWS, arg=[selector, words], polling="raf")
            timings.clicks.append((what, (time.perf_counter() - started) * 1000))

        def shot(name: str) -> None:
            page.screenshot(path=str(shots / f"{name}.png"))

        def next_until(words: str) -> None:
            for _ in range(40):
                if page.locator("#main").get_by_text(words).count():
                    return
                page.get_by_role("button", name="To the next thing due").click()
                page.wait_for_function("() => !document.body.classList.contains('busy')")
            expect(page.locator("#main")).to_contain_text(words)

        def open_messages() -> None:
            page.locator("#sidebar").get_by_role("link", name="Core Group: messages").click()
            expect(page.locator(".conv-title")).to_have_text("Core Group")

        # The first navigation of a fresh browser also starts its renderer: load once, then time.
        page.goto(server.url)
        timings.cold = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return n.loadEventEnd - n.startTime; }"
        )

        # The social worker opens a case through the modal.
        load("Priya Shah", server.world.lobby)
        expect(page.locator(".banner")).to_contain_text("made up")
        expect(page.locator(".banner")).to_contain_text("nothing leaves this machine")
        shot("01-social-worker")
        page.locator("#command-text").fill("/coregroup new")
        modal = page.locator(".live-modal")
        timed(
            "open the new-case modal",
            lambda: page.locator("#command button[type=submit]").click(),
            ".live-modal",
            "",
        )
        expect(page.locator("#modal-title")).to_have_text("Open a case")
        timed(
            "submit it empty",
            lambda: modal.locator("button[type=submit]").click(),
            '.live-modal [data-error-for="case_reference"]',
            "Please complete this required field.",
        )
        shot("02-inline-error")
        page.get_by_label("Case reference").fill("birch-family")
        page.get_by_label("Conference chair").select_option(label="Tom Okafor")
        page.get_by_label("Professional 1 (optional)", exact=True).select_option(label="PC Lewis")
        page.get_by_label("Agency of professional 1").select_option(label="Police")
        page.get_by_label("Family members not on Slack").fill("Alex (mum)")
        timed(
            "open the case",
            lambda: modal.locator("button[type=submit]").click(),
            "#modal-title",
            "Case opened",
        )
        shot("03-case-opened")
        page.locator(".live-modal").get_by_role("button", name="Close").click()
        expect(page.locator(".live-modal")).to_have_count(0)
        expect(page.locator("#sidebar")).to_contain_text("birch-family")

        # In the new case's channel, the first core group is set with the date and time pickers.
        page.locator("#sidebar").get_by_role("link", name="# birch-family (private)").click()
        expect(page.locator(".conv-title")).to_have_text("#birch-family")
        page.locator("#command-text").fill("/coregroup schedule")
        page.locator("#command button[type=submit]").click()
        expect(page.locator("#modal-title")).to_have_text("Set a meeting")
        page.get_by_label("Which meeting").select_option(index=1)
        page.get_by_label("Date", exact=True).fill("2026-12-03")
        page.get_by_label("Time", exact=True).fill("10:30")
        page.get_by_label("Place").fill("Birch Primary School, family room")
        modal.locator("button[type=submit]").click()
        expect(page.locator(".live-modal")).to_contain_text("Set for Thu 3 Dec 2026 at 10:30.")
        shot("03b-meeting-set")
        page.locator(".live-modal").get_by_role("button", name="Close").click()
        expect(page.locator("#sidebar")).to_contain_text("birch-family core group")
        # Its calendar entry opens from the message, in a tab of its own.
        with page.expect_popup() as opened:
            page.locator("#main .file a", has_text="birch-family-core-group-meeting").click()
        expect(opened.value.locator("body")).to_contain_text("BEGIN:VCALENDAR")
        expect(opened.value.locator("body")).to_contain_text("Birch Primary School")
        opened.value.close()

        # A professional answers their invitation, then sends an update through the form.
        page.locator("#person").select_option(ids["Ms Reed"])
        page.wait_for_url(f"**as={ids['Ms Reed']}*")
        open_messages()
        next_until("Review conference: oak-family")
        invitation = page.locator("article", has_text="Review conference: oak-family").last
        # The social worker watches the case's channel in another tab, which nobody reloads.
        watcher = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-GB")
        channel = server.world.emulator.inspector.channel_named("oak-family").id
        watcher.goto(f"{server.url}?as={ids['Priya Shah']}&where={channel}")
        expect(watcher.locator("#main")).to_contain_text("Not replied yet")
        replied_at = time.perf_counter()
        timed(
            "answer the invitation",
            lambda: invitation.get_by_role("button", name="I'll be there").click(),
            "#main",
            "you're down as coming",
        )
        shot("04-professional-replied")
        # The invitation in the channel is edited in place; the other tab's polling shows it.
        watcher.wait_for_function(SHOWS, arg=["#main", "Coming: Ms Reed"], polling="raf")
        timings.live = (time.perf_counter() - replied_at) * 1000
        expect(watcher.locator("#main")).to_contain_text(re.compile(r"Coming:\s*Ms Reed"))
        watcher.screenshot(path=str(shots / "04b-live-update.png"))
        watcher.close()
        next_until("Please send your update")
        prompt = page.locator("article", has_text="Please send your update").last
        timed(
            "open the update form",
            lambda: prompt.get_by_role("button", name="Give your update").click(),
            "#modal-title",
            "Your update",
        )
        page.get_by_role("textbox", name="What is going well").fill("Jo was in school every day.")
        page.locator('[data-input="update_new_harm"] input[value="no"]').check()
        page.get_by_role("textbox", name="Third-party information").fill(CONCERN)
        shot("05-update-form")
        timed(
            "send the update",
            lambda: page.locator(".live-modal button[type=submit]").click(),
            "#modal-title",
            "Update received",
        )
        page.locator(".live-modal").get_by_role("button", name="Close").click()
        expect(page.locator(".live-modal")).to_have_count(0)

        # Past the deadline, the health visitor is chased; their lock screen names only the case.
        load("Jan Kowalski")
        open_messages()
        next_until("hasn't reached me yet")
        expect(page.locator("#lock")).to_contain_text("A reminder about your update for oak-family")
        shot("06-chased")

        # The social worker asks for the summary; the chair releases it.
        load("Priya Shah")
        page.locator("#sidebar").get_by_role("link", name="# oak-family (private)").click()
        expect(page.locator(".conv-title")).to_have_text("#oak-family")
        page.locator("#command-text").fill("/coregroup summary")
        page.locator("#command button[type=submit]").click()
        expect(page.locator("#main")).to_contain_text("ready to release")
        load("Tom Okafor")
        open_messages()
        draft = page.locator("article", has_text="Release to the core group").last
        timed(
            "release the summary",
            lambda: draft.get_by_role("button", name="Release to the core group").click(),
            "#main",
            "Released",
        )
        shot("07-released")

        # The family member: the summary reached them, the professionals-only part did not.
        load("Sam")
        seen = [page.locator("body").inner_text()]
        for link in page.locator("#sidebar a[data-where]").all():
            link.click()
            page.wait_for_function("() => !document.body.classList.contains('busy')")
            page.wait_for_timeout(100)
            seen.append(page.locator("#main").inner_text())
        open_messages()
        shot("08-family-view")
        everything = "\n".join(seen)
        assert "summary" in everything.lower()
        assert CONCERN not in everything
        assert not problems, problems

    print(timings.report())
    print(f"screenshots: {shots}")
    (shots / "timings.txt").write_text(timings.report() + "\n", encoding="utf-8")
    assert max(timings.loads) < PAGE_LOAD_LIMIT_MS * SHARED, timings.report()
    assert max(ms for _, ms in timings.clicks) < CLICK_LIMIT_MS * SHARED, timings.report()
    assert timings.live < POLL_LIMIT_MS * SHARED, timings.report()
