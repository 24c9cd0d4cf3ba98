"""Words and blocks for stand-ins and supporters: refusals, approval requests, answers."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import N_, _
from bot.rules.ids import ActionId
from bot.rules.stand_ins import CoverVerdict
from bot.ui.common import context, section


def who_approves(social_workers: Sequence[str]) -> str:
    """The social worker(s) by Slack mention, for a refusal that names who can approve."""
    mentions = [f"<@{user}>" for user in social_workers]
    if not mentions:
        return _("the case's social worker")
    if len(mentions) == 1:
        return _("the social worker {person}").format(person=mentions[0])
    return _("the social workers {people} or {last}").format(
        people=", ".join(mentions[:-1]), last=mentions[-1]
    )


NOTHING_CHANGED = N_("Nothing has changed yet.")


def cover_refusal(verdict: CoverVerdict, cover: str, approver: str) -> str:
    """Why this person cannot cover, kindly, naming who can help (`cover` is a Slack mention)."""
    if verdict is CoverVerdict.SELF:
        return _("Your cover needs to be someone other than you.") + " " + _(NOTHING_CHANGED)
    if verdict is CoverVerdict.FAMILY_SIDE:
        return (
            _(
                "{cover} is part of the family's side of the core group, so they can't cover for "
                "a professional: your reminders and your form are for professionals. Please "
                "choose a colleague; {approver} can help you find one."
            ).format(cover=cover, approver=approver)
            + " "
            + _(NOTHING_CHANGED)
        )
    return (
        _(
            "Your cover needs to be a professional in this core group, and {cover} isn't one. "
            "{Approver} can add them, or suggest a colleague who is."
        ).format(cover=cover, Approver=approver[:1].upper() + approver[1:])
        + " "
        + _(NOTHING_CHANGED)
    )


def representative_refusal(verdict: CoverVerdict, person: str, approver: str) -> str:
    """Why this person cannot come in a professional's place, kindly, naming who can help."""
    if verdict is CoverVerdict.SELF:
        return _("You've chosen yourself: please choose the colleague who will come in your place.")
    if verdict is CoverVerdict.FAMILY_SIDE:
        return (
            _(
                "{person} is part of the family's side of the core group, so they can't come in "
                "a professional's place. Please choose a colleague from your agency; {approver} "
                "can help."
            ).format(person=person, approver=approver)
            + " "
            + _(NOTHING_CHANGED)
        )
    return (
        _(
            "{person} can't come in a professional's place. Please choose a colleague from your "
            "agency; {approver} can help."
        ).format(person=person, approver=approver)
        + " "
        + _(NOTHING_CHANGED)
    )


def not_a_member_cover(cover: str, approver: str) -> str:
    """The cover named is not in the core group."""
    return (
        _(
            "{cover} isn't in this core group yet. Your cover needs to be a professional in it: "
            "{approver} can add them, and then you can ask again."
        ).format(cover=cover, approver=approver)
        + " "
        + _(NOTHING_CHANGED)
    )


def cover_asked(cover: str, agency: str, approver: str) -> str:
    """The answer when a cover from another agency needs the social worker's approval first."""
    return _(
        "{cover} is from another agency ({agency}), so I've asked {approver} to agree first. "
        "Nothing changes until they do, and I'll tell you their answer."
    ).format(cover=cover, agency=escape_mrkdwn(agency), approver=approver)


def approval_text(reference: str) -> str:
    """Notification text of a request for approval: the case reference only."""
    return _("Your approval is needed in {reference}").format(reference=reference)


def approval_blocks(approval_id: int, reference: str, question: str) -> list[Block]:
    """The direct message asking the social worker to agree, with the two buttons."""
    return [
        section(f"*{escape_mrkdwn(reference)}*: {question}"),
        context(_("Nothing happens until you answer, and your answer is recorded in the case.")),
        ActionsBlock(
            block_id=f"approval_{approval_id}",
            elements=[
                ButtonElement(
                    text=_("Agree"),
                    action_id=ActionId.APPROVE_REQUEST,
                    value=str(approval_id),
                    style="primary",
                ),
                ButtonElement(
                    text=_("Don't agree"),
                    action_id=ActionId.DECLINE_REQUEST,
                    value=str(approval_id),
                ),
            ],
        ),
    ]


def cover_question(
    requester: str, cover: str, cover_agency: str, away_agency: str, until: str
) -> str:
    """What the social worker is asked about a cover from another agency (names escaped here)."""
    return _(
        "{requester} ({away_agency}) is away until {until} and would like {cover} "
        "({cover_agency}) to cover: they would get the reminders and could send the update. "
        "Do you agree?"
    ).format(
        requester=escape_mrkdwn(requester),
        away_agency=escape_mrkdwn(away_agency),
        until=escape_mrkdwn(until),
        cover=escape_mrkdwn(cover),
        cover_agency=escape_mrkdwn(cover_agency),
    )


def answered_blocks(reference: str, question: str, answer: str) -> list[Block]:
    """The approval message once answered: the question kept, the buttons gone."""
    return [section(f"*{escape_mrkdwn(reference)}*: {question}"), context(answer)]


def decision_notice_text(reference: str) -> str:
    """Notification text of the answer to the person who asked: the case reference only."""
    return _("An answer about your request in {reference}").format(reference=reference)
