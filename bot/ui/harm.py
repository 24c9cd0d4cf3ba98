"""New harm raised at once: the direct message to the social worker and chair, and the update."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement
from slack_sdk.models.views import View

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _
from bot.rules.ids import ActionId
from bot.ui.common import context, fit, header, section

# Slack's limit on a section's text.
SECTION_LIMIT = 3000


def new_harm_text(reference: str) -> str:
    """Notification text of the alert: the case reference only, nothing of the harm."""
    return _("New harm reported in {reference}").format(reference=reference)


def new_harm_blocks(reference: str, who: str, meeting: str, update_id: int) -> list[Block]:
    """The alert: who reported new harm and for which meeting, with a button to read it."""
    return [
        section(
            ":rotating_light: "
            + _(
                "*{reference}*: {who} has reported new harm in their update for the {meeting}. "
                "Please read it now."
            ).format(
                reference=escape_mrkdwn(reference),
                who=escape_mrkdwn(who),
                meeting=escape_mrkdwn(meeting),
            )
        ),
        ActionsBlock(
            block_id=f"harm_{update_id}",
            elements=[
                ButtonElement(
                    text=_("Open the update"),
                    action_id=ActionId.OPEN_UPDATE,
                    value=str(update_id),
                    style="danger",
                )
            ],
        ),
        context(_("Sent to the social worker and the chair the moment the update arrived.")),
    ]


@dataclass(frozen=True)
class UpdateReading:
    """One version of an update as the social worker or chair reads it: every part of it."""

    reference: str
    who: str
    sent: str
    parts: Sequence[tuple[str, str]]  # (what, the person's words), only the parts given


def update_reading_modal(reading: UpdateReading) -> View:
    """The whole update, for the social worker or chair (never a family-side reader)."""
    blocks: list[Block] = [
        header(fit(_("{reference}: an update").format(reference=reading.reference), 150)),
        context(f"{escape_mrkdwn(reading.who)}. {escape_mrkdwn(reading.sent)}."),
    ]
    for what, words in reading.parts:
        blocks.append(section(fit(f"*{what}*\n{escape_mrkdwn(words)}", SECTION_LIMIT)))
    return View(type="modal", title=_("The update"), close=_("Close"), blocks=blocks[:100])
