"""What the family read: their own invitation, in plain words, with what they are entitled to.

Seed 001 lists what parents are told before a conference; seed 003 gives the agenda's order.
Pure functions of values: the delivery layer looks up the case, the area and the social worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.rules.escape import escape_mrkdwn
from bot.rules.family import FamilyHelp, children_words
from bot.rules.ids import ActionId
from bot.rules.vocabulary import MeetingKind
from bot.ui.common import context, header, section
from bot.ui.labels import meeting_words
from bot.ui.meetings import MeetingCard

# The conference agenda in the restorative order of seed 003, said to the family.
CONFERENCE_AGENDA: tuple[str, ...] = (
    "This is your family's meeting. It is about making things better for {children}.",
    "You start by telling everyone about {children} and how things are for them.",
    "We hear what {children} think and feel, from them or from someone who speaks up for them.",
    "We talk about what has happened and the harm that needs to stop.",
    "We talk about how this affects {children}.",
    "You say how you feel about what you heard, and what strengths you can build on.",
    "Together we agree what help your family needs and what each person will do.",
)


def _purpose(kind: MeetingKind, children: str) -> str:
    if kind == MeetingKind.CORE_GROUP:
        return (
            "The people helping your family meet to see how the plan is going for "
            f"{children}, and what help you need next."
        )
    return (
        "People who know your family meet with you. Together you talk about what has happened, "
        f"how it affects {children}, and how to keep {children} safe and well."
    )


def _who_to_ask(social_worker: str | None, help: FamilyHelp) -> str:
    ask = escape_mrkdwn(social_worker) if social_worker else "your social worker"
    if help.help_contact:
        ask += f", or {escape_mrkdwn(help.help_contact)}"
    return ask


def family_invitation_blocks(
    card: MeetingCard,
    *,
    social_worker: str | None,
    help: FamilyHelp,
    pre_birth: bool = False,
    held: bool = False,
) -> list[Block]:
    """The family's own invitation: what the meeting is for, its order, and the help on offer."""
    children = children_words(pre_birth)
    conference = card.kind != MeetingKind.CORE_GROUP
    worker = escape_mrkdwn(social_worker) if social_worker else "Your social worker"
    ask = _who_to_ask(social_worker, help)
    blocks: list[Block] = [
        header(f"You are invited: {meeting_words(card.kind, card.nation)}, {card.reference}"),
        section(f"*When:* {card.when}\n*Where:* {escape_mrkdwn(card.place or 'to be confirmed')}"),
        section(f"*What the meeting is for*\n{_purpose(card.kind, children)}"),
    ]
    if conference:
        steps: Sequence[str] = [s.format(children=children) for s in CONFERENCE_AGENDA]
        numbered = "\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))
        blocks.append(section(f"*What happens, in this order*\n{numbered}"))
    blocks.append(
        section(
            "*You can bring someone*\nYou can bring a friend, a relative or someone else you "
            "trust to support you. Please tell us who they are, so we can add them."
        )
    )
    blocks.append(
        section(
            "*Help to take part*\nWe can arrange an interpreter, or an advocate: someone who "
            "helps you have your say. If travel or childcare makes it hard to come, we can help "
            f"with that too. Please ask {ask}."
        )
    )
    before = (
        f"{worker} will visit you before the meeting. They will go through the reports with "
        "you, so nothing is a surprise."
    )
    if conference:
        before += " The chair, who runs the meeting, will meet you first to explain how it works."
    blocks.append(section(f"*Before the meeting*\n{before}"))
    blocks.append(
        section(
            "*If you can't come*\nPlease tell "
            f"{escape_mrkdwn(social_worker) if social_worker else 'your social worker'}. "
            "Together you can agree how your views will be shared at the meeting."
        )
    )
    if help.leaflet_url:
        blocks.append(context(f"<{escape_mrkdwn(help.leaflet_url)}|Read our leaflet for families>"))
    if not held:
        value = str(card.meeting_id)
        blocks.append(
            ActionsBlock(
                block_id=f"rsvp_{card.meeting_id}",
                elements=[
                    ButtonElement(
                        text="I'll be there",
                        action_id=ActionId.RSVP_ATTENDING,
                        value=value,
                        style="primary",
                    ),
                    # Not "sending someone": the family may bring someone with them instead.
                    ButtonElement(
                        text="I'd like to bring someone",
                        action_id=ActionId.BRING_SOMEONE,
                        value=value,
                    ),
                    ButtonElement(
                        text="I can't come", action_id=ActionId.RSVP_APOLOGIES, value=value
                    ),
                ],
            )
        )
    return blocks


def family_copy_prompt_text(reference: str, review: str = "review conference") -> str:
    """Notification text of the preparation reminder: the case reference only (`review`: the
    review in the case's nation's words)."""
    return f"Preparing the family for {reference}'s {review}"


def family_copy_prompt_blocks(
    reference: str, when: str, review: str = "review conference"
) -> list[Block]:
    """The social worker's reminder to go through the family's copy with them before the
    conference, and to print it for those not on Slack."""
    return [
        section(
            f"*{escape_mrkdwn(reference)}*'s {review} is on {when}. Now is the time "
            "for your preparation visit: go through the reports with the family, so nothing on "
            "the day is a surprise, and agree how their views will be heard."
        ),
        context(
            "`/coregroup summary` gives you the family's copy as it stands, with a PDF to print "
            "for family members who are not on Slack. Updates still to come are added when the "
            "chair releases the summary."
        ),
    ]
