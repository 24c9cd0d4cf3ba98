"""Messages that keep meetings happening: arrange the first core group, and was a meeting held?"""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _
from bot.rules.ids import ActionId, MeetingField, ViewId
from bot.ui.common import context, section
from bot.ui.who_reads import who_reads


def arrange_reminder_text(reference: str) -> str:
    """The notification: the case reference and nothing more about it."""
    return _("A core group meeting to arrange for {reference}").format(reference=reference)


def arrange_reminder_blocks(reference: str, limit: str, due_by: str) -> list[Block]:
    """The first core group has no date yet: set it, within the nation's limit.

    `limit` says the rule in the nation's words: "within 15 working days of the Child Protection
    Planning Meeting"."""
    return [
        section(
            _(
                "The first core group meeting for *{reference}* has no date yet. It meets "
                "{limit}: by *{due_by}*."
            ).format(reference=escape_mrkdwn(reference), limit=limit, due_by=due_by)
        ),
        context(
            _(
                "Set its date with `/coregroup schedule` in the case's channel. Nobody is asked "
                "for an update until it has one."
            )
        ),
    ]


def held_check_text(reference: str) -> str:
    """The notification: the case reference and nothing more about it."""
    return _("Was a meeting held for {reference}?").format(reference=reference)


def held_check_blocks(reference: str, label: str, meeting_id: int) -> list[Block]:
    """A meeting's date passed and nobody recorded who came: was it held?"""
    value = str(meeting_id)
    return [
        section(
            _("Was the {label} for *{reference}* held? Nobody has recorded who came.").format(
                label=escape_mrkdwn(label), reference=escape_mrkdwn(reference)
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=_("Yes, it was held"),
                    action_id=ActionId.MEETING_WAS_HELD,
                    value=value,
                    style="primary",
                ),
                ButtonElement(
                    text=_("No, it was not"), action_id=ActionId.MEETING_NOT_HELD, value=value
                ),
            ]
        ),
        context(
            _(
                "If it was held, you can record who came with *Record attendance* on its "
                "invitation in the case's channel."
            )
        ),
    ]


def held_answer_blocks(reference: str, label: str, held: bool) -> list[Block]:
    """The question, answered: what the bot recorded."""
    values = {"label": escape_mrkdwn(label), "reference": escape_mrkdwn(reference)}
    if held:
        said = _("Recorded: the {label} for *{reference}* was held.").format(**values)
    else:
        said = _(
            "Recorded: the {label} for *{reference}* was not held, with your reason. It waits "
            "for a new date: set it with `/coregroup schedule`."
        ).format(**values)
    return [section(said)]


def not_held_modal(case_id: int, meeting_id: int, label: str) -> View:
    """Why the meeting was not held (kept in the case's history)."""
    return View(
        type="modal",
        callback_id=ViewId.NOT_HELD,
        private_metadata=json.dumps({"case": case_id, "meeting": meeting_id}),
        title=_("Not held"),
        submit=_("Save"),
        close=_("Cancel"),
        blocks=[
            section(_("The {label} was not held.").format(label=escape_mrkdwn(label))),
            InputBlock(
                block_id=MeetingField.NOT_HELD_REASON,
                label=_("Why not?"),
                element=PlainTextInputElement(
                    action_id=MeetingField.NOT_HELD_REASON, multiline=True, max_length=1000
                ),
            ),
            who_reads(ViewId.NOT_HELD),
        ],
    )
