"""Shared by the transcript tests: a small DOM from the stdlib HTML parser, and a sample run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.devtools.transcript.model import PersonTranscript, Seen, Transcript
from tests.html_dom import Element, parse_page  # noqa: F401 (re-exported for the tests)

# --- a sample demo run ---------------------------------------------------------------------------

USER_NAMES = {"U0SW": "Sam Patel", "U0FAM": "Jo Oak", "U0SCH": "Ms Green", "U0BOT": "Core Group"}
CHANNEL = "#oak-family (private channel)"


def at(text: str) -> datetime:
    """A UTC instant from "2026-12-07 09:30"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def button(label: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(label), "action_id": label}
    if style:
        element["style"] = style
    return element


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


INVITATION_BLOCKS: tuple[dict[str, Any], ...] = (
    {"type": "header", "text": plain("Core group meeting: OAK-1234")},
    {
        "type": "section",
        "text": mrkdwn(
            "Hello <@U0FAM>, the *core group* meets _next week_. &lt;b&gt;Bring&lt;/b&gt;"
        ),
    },
    {
        "type": "section",
        "fields": [
            mrkdwn("*Date*\nMon 14 Dec 2026"),
            mrkdwn("*Time*\n09:30"),
            mrkdwn("*Where*\nOak Primary School"),
            mrkdwn("*Chair*\n<@U0SW>"),
        ],
    },
    {
        "type": "section",
        "text": mrkdwn("Add it to your calendar."),
        "accessory": button("Add to calendar"),
    },
    {"type": "divider"},
    {
        "type": "actions",
        "elements": [
            button("Give your update", "primary"),
            button("I can't attend"),
            button("Cancel meeting", "danger"),
            {
                "type": "static_select",
                "action_id": "rag",
                "placeholder": plain("Choose a rating"),
                "options": [option("Red", "red"), option("Green", "green")],
            },
            {"type": "datepicker", "action_id": "day", "initial_date": "2026-12-14"},
            {"type": "users_select", "action_id": "cover", "initial_user": "U0SCH"},
            {"type": "overflow", "action_id": "more", "options": [option("Mute", "mute")]},
        ],
    },
    {
        "type": "context",
        "elements": [
            {"type": "image", "image_url": "https://example.org/logo.png", "alt_text": "logo"},
            mrkdwn("Case OAK-1234 · set up by <@U0SW>"),
        ],
    },
)

UPDATE_MODAL_BLOCKS: tuple[dict[str, Any], ...] = (
    {"type": "section", "text": mrkdwn("Your update for *OAK-1234*.")},
    {
        "type": "input",
        "block_id": "rag",
        "label": plain("How are things going?"),
        "element": {
            "type": "radio_buttons",
            "action_id": "rag",
            "options": [option("Red", "red"), option("Amber", "amber"), option("Green", "green")],
            "initial_option": option("Amber", "amber"),
        },
    },
    {
        "type": "input",
        "block_id": "well",
        "label": plain("What has gone well"),
        "hint": plain("Plain words; the family reads this."),
        "element": {
            "type": "plain_text_input",
            "action_id": "well",
            "multiline": True,
            "placeholder": plain("A sentence or two"),
        },
    },
    {
        "type": "input",
        "block_id": "next",
        "optional": True,
        "label": plain("Next visit"),
        "element": {"type": "datepicker", "action_id": "next"},
    },
)

HOME_BLOCKS: tuple[dict[str, Any], ...] = (
    {"type": "header", "text": plain("Your cases")},
    {
        "type": "section",
        "text": mrkdwn("*OAK-1234* · next core group Mon 14 Dec 2026"),
        "accessory": button("Open", "primary"),
    },
    {"type": "divider"},
    {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [{"type": "text", "text": "Reports due", "style": {"bold": True}}],
            },
            {
                "type": "rich_text_list",
                "style": "bullet",
                "indent": 0,
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "School report from "},
                            {"type": "user", "user_id": "U0SCH"},
                        ],
                    },
                    {
                        "type": "rich_text_section",
                        "elements": [{"type": "text", "text": "Health <visit> notes"}],
                    },
                ],
            },
        ],
    },
)


def sample_transcript() -> Transcript:
    """A small run: one person sees every kind of thing; others see a little."""
    worker = PersonTranscript(
        "U0SW",
        "Sam Patel",
        "Social worker",
        (
            Seen(
                at("2026-06-08 08:30"),
                "Direct message with Core Group",
                "message",
                "Core Group",
                "Case OAK-1234: you have a new case",
                edited=True,
            ),
            Seen(
                at("2026-12-07 09:30"),
                CHANNEL,
                "message",
                "Core Group",
                "Case OAK-1234: core group meeting",
                INVITATION_BLOCKS,
            ),
            Seen(
                at("2026-12-07 09:31"),
                CHANNEL,
                "message",
                "Jo Oak",
                "&gt; quoted\nSee `notes` and <https://evil.example|click> &amp; ```pre\nblock```",
            ),
            Seen(
                at("2026-12-07 09:32"),
                "Modal",
                "modal",
                "Core Group",
                "",
                UPDATE_MODAL_BLOCKS,
                title="Give your update",
                submit="Send update",
            ),
            Seen(
                at("2026-12-07 09:33"),
                CHANNEL,
                "ephemeral",
                "Core Group",
                "Case OAK-1234: update saved",
                ({"type": "section", "text": mrkdwn(":white_check_mark: Thanks, saved.")},),
            ),
            Seen(
                at("2026-12-07 09:34"),
                "Phone",
                "notification",
                "Core Group",
                "Case OAK-1234: a reminder",
            ),
            Seen(at("2026-12-07 09:35"), "Home tab", "home", "Core Group", "", HOME_BLOCKS),
            Seen(
                at("2026-12-07 09:36"),
                CHANNEL,
                "file",
                "Core Group",
                "Case OAK-1234: RCPC summary",
                file_name="OAK-1234 RCPC summary.pdf",
            ),
        ),
    )
    family = PersonTranscript(
        "U0FAM",
        "Jo Oak",
        "Family",
        (
            Seen(
                at("2026-12-07 09:30"),
                CHANNEL,
                "message",
                "Core Group",
                "Case OAK-1234: core group meeting",
                INVITATION_BLOCKS,
            ),
        ),
    )
    school = PersonTranscript("U0SCH", "Ms Green", "School", ())
    return Transcript(
        "Demo case oak-family: ICPC to first review", (worker, family, school), USER_NAMES
    )
