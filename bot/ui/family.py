"""What the family read: their own invitation, in plain words, with what they are entitled to.

Seed 001 lists what parents are told before a conference; seed 003 gives the agenda's order.
Pure functions of values: the delivery layer looks up the case, the area and the social worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.rules.escape import escape_mrkdwn
from bot.rules.family import FamilyHelp, children_words
from bot.rules.i18n import N_, _
from bot.rules.ids import ActionId
from bot.rules.vocabulary import MeetingKind
from bot.ui.common import context, header, section
from bot.ui.labels import meeting_words
from bot.ui.meetings import MeetingCard

# How the family's words name the children (bot.rules.family.children_words), for the catalog.
_CHILDREN = (N_("your baby"), N_("your children"))

# The conference agenda in the restorative order of seed 003, said to the family.
CONFERENCE_AGENDA: tuple[str, ...] = (
    N_("This is your family's meeting. It is about making things better for {children}."),
    N_("You start by telling everyone about {children} and how things are for them."),
    N_("We hear what {children} think and feel, from them or from someone who speaks up for them."),
    N_("We talk about what has happened and the harm that needs to stop."),
    N_("We talk about how this affects {children}."),
    N_("You say how you feel about what you heard, and what strengths you can build on."),
    N_("Together we agree what help your family needs and what each person will do."),
)


def _purpose(kind: MeetingKind, children: str) -> str:
    if kind == MeetingKind.CORE_GROUP:
        return _(
            "The people helping your family meet to see how the plan is going for {children}, "
            "and what help you need next."
        ).format(children=children)
    return _(
        "People who know your family meet with you. Together you talk about what has happened, "
        "how it affects {children}, and how to keep {children} safe and well."
    ).format(children=children)


def _who_to_ask(social_worker: str | None, help: FamilyHelp) -> str:
    ask = escape_mrkdwn(social_worker) if social_worker else _("your social worker")
    if help.help_contact:
        ask = _("{ask}, or {contact}").format(ask=ask, contact=escape_mrkdwn(help.help_contact))
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
    children = _(children_words(pre_birth))
    conference = card.kind != MeetingKind.CORE_GROUP
    worker = escape_mrkdwn(social_worker) if social_worker else _("Your social worker")
    ask = _who_to_ask(social_worker, help)
    blocks: list[Block] = [
        header(
            _("You are invited: {meeting}, {reference}").format(
                meeting=meeting_words(card.kind, card.nation), reference=card.reference
            )
        ),
        section(
            _("*When:* {when}\n*Where:* {place}").format(
                when=card.when, place=escape_mrkdwn(card.place or _("to be confirmed"))
            )
        ),
        section(_("*What the meeting is for*") + "\n" + _purpose(card.kind, children)),
    ]
    if conference:
        steps: Sequence[str] = [_(s).format(children=children) for s in CONFERENCE_AGENDA]
        numbered = "\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))
        blocks.append(section(_("*What happens, in this order*") + "\n" + numbered))
    blocks.append(
        section(
            _(
                "*You can bring someone*\nYou can bring a friend, a relative or someone else you "
                "trust to support you. Please tell us who they are, so we can add them."
            )
        )
    )
    blocks.append(
        section(
            _(
                "*Help to take part*\nWe can arrange an interpreter, or an advocate: someone who "
                "helps you have your say. If travel or childcare makes it hard to come, we can "
                "help with that too. Please ask {ask}."
            ).format(ask=ask)
        )
    )
    before = _(
        "{worker} will visit you before the meeting. They will go through the reports with "
        "you, so nothing is a surprise."
    ).format(worker=worker)
    if conference:
        before += " " + _(
            "The chair, who runs the meeting, will meet you first to explain how it works."
        )
    blocks.append(section(_("*Before the meeting*") + "\n" + before))
    blocks.append(
        section(
            _(
                "*If you can't come*\nPlease tell {who}. Together you can agree how your views "
                "will be shared at the meeting."
            ).format(who=escape_mrkdwn(social_worker) if social_worker else _("your social worker"))
        )
    )
    if help.leaflet_url:
        leaflet = _("Read our leaflet for families")
        blocks.append(context(f"<{escape_mrkdwn(help.leaflet_url)}|{leaflet}>"))
    if not held:
        value = str(card.meeting_id)
        blocks.append(
            ActionsBlock(
                block_id=f"rsvp_{card.meeting_id}",
                elements=[
                    ButtonElement(
                        text=_("I'll be there"),
                        action_id=ActionId.RSVP_ATTENDING,
                        value=value,
                        style="primary",
                    ),
                    # Not "sending someone": the family may bring someone with them instead.
                    ButtonElement(
                        text=_("I'd like to bring someone"),
                        action_id=ActionId.BRING_SOMEONE,
                        value=value,
                    ),
                    ButtonElement(
                        text=_("I can't come"), action_id=ActionId.RSVP_APOLOGIES, value=value
                    ),
                ],
            )
        )
    return blocks


def family_copy_prompt_text(reference: str, review: str = "review conference") -> str:
    """Notification text of the preparation reminder: the case reference only (`review`: the
    review in the case's nation's words)."""
    return _("Preparing the family for {reference}'s {review}").format(
        reference=reference, review=review
    )


def family_copy_prompt_blocks(
    reference: str, when: str, review: str = "review conference"
) -> list[Block]:
    """The social worker's reminder to go through the family's copy with them before the
    conference, and to print it for those not on Slack."""
    return [
        section(
            _(
                "*{reference}*'s {review} is on {when}. Now is the time for your preparation "
                "visit: go through the reports with the family, so nothing on the day is a "
                "surprise, and agree how their views will be heard."
            ).format(reference=escape_mrkdwn(reference), review=review, when=when)
        ),
        context(
            _(
                "`/coregroup summary` gives you the family's copy as it stands, with a PDF to "
                "print for family members who are not on Slack. Updates still to come are added "
                "when the chair releases the summary."
            )
        ),
    ]
