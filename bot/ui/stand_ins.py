"""Words and blocks for stand-ins and supporters: refusals, approval requests, answers."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.rules.escape import escape_mrkdwn
from bot.rules.ids import ActionId
from bot.rules.stand_ins import CoverVerdict
from bot.ui.common import context, section


def who_approves(social_workers: Sequence[str]) -> str:
    """The social worker(s) by Slack mention, for a refusal that names who can approve."""
    mentions = [f"<@{user}>" for user in social_workers]
    if not mentions:
        return "the case's social worker"
    if len(mentions) == 1:
        return f"the social worker {mentions[0]}"
    return f"the social workers {', '.join(mentions[:-1])} or {mentions[-1]}"


NOTHING_CHANGED = "Nothing has changed yet."


def cover_refusal(verdict: CoverVerdict, cover: str, approver: str) -> str:
    """Why this person cannot cover, kindly, naming who can help (`cover` is a Slack mention)."""
    if verdict is CoverVerdict.SELF:
        return f"Your cover needs to be someone other than you. {NOTHING_CHANGED}"
    if verdict is CoverVerdict.FAMILY_SIDE:
        return (
            f"{cover} is part of the family's side of the core group, so they can't cover for a "
            "professional: your reminders and your form are for professionals. Please choose a "
            f"colleague; {approver} can help you find one. {NOTHING_CHANGED}"
        )
    return (
        f"Your cover needs to be a professional in this core group, and {cover} isn't one. "
        f"{approver.capitalize()} can add them, or suggest a colleague who is. {NOTHING_CHANGED}"
    )


def representative_refusal(verdict: CoverVerdict, person: str, approver: str) -> str:
    """Why this person cannot come in a professional's place, kindly, naming who can help."""
    if verdict is CoverVerdict.SELF:
        return "You've chosen yourself: please choose the colleague who will come in your place."
    if verdict is CoverVerdict.FAMILY_SIDE:
        return (
            f"{person} is part of the family's side of the core group, so they can't come in a "
            f"professional's place. Please choose a colleague from your agency; {approver} can "
            f"help. {NOTHING_CHANGED}"
        )
    return (
        f"{person} can't come in a professional's place. Please choose a colleague from your "
        f"agency; {approver} can help. {NOTHING_CHANGED}"
    )


def not_a_member_cover(cover: str, approver: str) -> str:
    """The cover named is not in the core group."""
    return (
        f"{cover} isn't in this core group yet. Your cover needs to be a professional in it: "
        f"{approver} can add them, and then you can ask again. {NOTHING_CHANGED}"
    )


def cover_asked(cover: str, agency: str, approver: str) -> str:
    """The answer when a cover from another agency needs the social worker's approval first."""
    return (
        f"{cover} is from another agency ({escape_mrkdwn(agency)}), so I've asked {approver} "
        "to agree first. Nothing changes until they do, and I'll tell you their answer."
    )


def approval_text(reference: str) -> str:
    """Notification text of a request for approval: the case reference only."""
    return f"Your approval is needed in {reference}"


def approval_blocks(approval_id: int, reference: str, question: str) -> list[Block]:
    """The direct message asking the social worker to agree, with the two buttons."""
    return [
        section(f"*{escape_mrkdwn(reference)}*: {question}"),
        context("Nothing happens until you answer, and your answer is recorded in the case."),
        ActionsBlock(
            block_id=f"approval_{approval_id}",
            elements=[
                ButtonElement(
                    text="Agree",
                    action_id=ActionId.APPROVE_REQUEST,
                    value=str(approval_id),
                    style="primary",
                ),
                ButtonElement(
                    text="Don't agree", action_id=ActionId.DECLINE_REQUEST, value=str(approval_id)
                ),
            ],
        ),
    ]


def cover_question(
    requester: str, cover: str, cover_agency: str, away_agency: str, until: str
) -> str:
    """What the social worker is asked about a cover from another agency (names escaped here)."""
    return (
        f"{escape_mrkdwn(requester)} ({escape_mrkdwn(away_agency)}) is away until "
        f"{escape_mrkdwn(until)} and would like {escape_mrkdwn(cover)} "
        f"({escape_mrkdwn(cover_agency)}) to cover: they would get the reminders and could send "
        "the update. Do you agree?"
    )


def answered_blocks(reference: str, question: str, answer: str) -> list[Block]:
    """The approval message once answered: the question kept, the buttons gone."""
    return [section(f"*{escape_mrkdwn(reference)}*: {question}"), context(answer)]


def decision_notice_text(reference: str) -> str:
    """Notification text of the answer to the person who asked: the case reference only."""
    return f"An answer about your request in {reference}"
