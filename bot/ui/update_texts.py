"""What the update cycle says: prompts, chases, progress and escalations. Pure and kind.

Every message's notification text names the case reference and nothing else about the case.
"""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import N_, _, ngettext
from bot.rules.ids import ActionId
from bot.rules.naming import named
from bot.rules.timeline import ChaseStep
from bot.ui.common import context, fit, section

# What the case's young people are called in a sentence (bot.rules.naming), and who is seen.
_CHILDREN = (N_("the children"), N_("the child"), N_("the baby"), N_("the family"))


def _give_update_button(request_id: int, label: str | None = None) -> ActionsBlock:
    label = label or _("Give your update")
    return ActionsBlock(
        block_id=f"update_{request_id}",
        elements=[
            ButtonElement(
                text=label, action_id=ActionId.GIVE_UPDATE, value=str(request_id), style="primary"
            )
        ],
    )


def prompt_text(reference: str) -> str:
    """Notification text of an update prompt."""
    return _("Time for your update for {reference}").format(reference=reference)


def professional_prompt(
    reference: str, meeting: str, deadline: str, request_id: int, children: str = "the children"
) -> list[Block]:
    """The professional's prompt: what is asked, by when, and the button; `children` names them
    as the case has them ("the child", "the children" or "the baby")."""
    seen = "the family" if children == "the baby" else children
    return [
        section(
            _(
                "Please send your update for *{reference}*'s {meeting} by *{deadline}*: how each "
                "part of the plan is going (Green, Amber or Red), what is going well, what "
                "worries you, any new harm, when you last saw {seen}, and what you'll do next."
            ).format(
                reference=escape_mrkdwn(reference), meeting=meeting, deadline=deadline, seen=_(seen)
            )
        ),
        _give_update_button(request_id),
        context(
            _(
                "If you can't come to the meeting, your update still helps the family and the "
                "chair. Only the core group's chair and members see it."
            )
        ),
    ]


def family_prompt(reference: str, meeting: str, deadline: str, request_id: int) -> list[Block]:
    """The family's prompt, in plain words."""
    return [
        section(
            _(
                "Before the {meeting} for *{reference}*, we'd like to hear from you, by "
                "*{deadline}* if you can:\n• what is going well\n• what worries you\n"
                "• what would make things better\n• what help you need"
            ).format(meeting=meeting, reference=escape_mrkdwn(reference), deadline=deadline)
        ),
        _give_update_button(request_id, _("Share how things are")),
        context(_("Your social worker can fill this in with you if you'd rather.")),
    ]


def with_family_prompt(
    reference: str, name: str, meeting: str, deadline: str, request_id: int
) -> list[Block]:
    """For the social worker: a family member not on Slack, whose words they can write down."""
    return [
        section(
            _(
                "{name} isn't on Slack. When you see them before the {meeting} for "
                "*{reference}*, you can fill in their update with them, in their words, by "
                "*{deadline}*."
            ).format(
                name=escape_mrkdwn(name),
                meeting=meeting,
                reference=escape_mrkdwn(reference),
                deadline=deadline,
            )
        ),
        _give_update_button(request_id, fit(_("Fill in with {name}").format(name=name), 75)),
    ]


def chase_text(reference: str) -> str:
    """Notification text of a chase."""
    return _("A reminder about your update for {reference}").format(reference=reference)


CHASE_WORDS = {
    ChaseStep.REMINDER: N_(
        "A friendly reminder: {whose} for *{ref}*'s {meeting} is due by the end of *{deadline}*."
    ),
    ChaseStep.DUE_TODAY: N_(
        "{Whose} for *{ref}*'s {meeting} is due today, *{deadline}*. Thank you for making the time."
    ),
    ChaseStep.OVERDUE: N_(
        "{Whose} for *{ref}*'s {meeting} was due on *{deadline}* and hasn't reached me yet. It "
        "only takes a few minutes, and the chair is relying on it."
    ),
}


def chase_blocks(
    step: ChaseStep,
    reference: str,
    meeting: str,
    deadline: str,
    request_id: int,
    *,
    covering_for: str | None = None,
    with_family: str | None = None,
) -> list[Block]:
    """A chase to the member, their cover, or the social worker for a family member not on
    Slack: gently firmer at each step."""
    whose = _("your update")
    if covering_for:
        whose = _("{name}'s update").format(name=escape_mrkdwn(covering_for))
    if with_family:
        whose = _("{name}'s update (filled in with them)").format(name=escape_mrkdwn(with_family))
    text = _(CHASE_WORDS[step]).format(
        whose=whose,
        Whose=whose[0].upper() + whose[1:],
        ref=escape_mrkdwn(reference),
        meeting=meeting,
        deadline=deadline,
    )
    if covering_for:
        text = _("You're covering for {name} while they're away. {text}").format(
            name=escape_mrkdwn(covering_for), text=text
        )
    label = (
        fit(_("Fill in with {name}").format(name=with_family), 75)
        if with_family
        else _("Give your update")
    )
    return [section(text), _give_update_button(request_id, label)]


FAMILY_REMINDER = N_(
    "If you'd like to share how things are before the {meeting} for *{ref}*, there's still "
    "time, until the end of *{deadline}*. It's up to you, and your social worker can help."
)
WITH_FAMILY_REMINDER = N_(
    "If {name} would like to share how things are before the {meeting} for *{ref}*, you can "
    "fill it in with them until the end of *{deadline}*."
)


def family_reminder_blocks(
    reference: str, meeting: str, deadline: str, request_id: int, *, with_family: str | None
) -> list[Block]:
    """The one gentle reminder about a family member's words: an invitation, never a demand."""
    values = {"ref": escape_mrkdwn(reference), "meeting": meeting, "deadline": deadline}
    if with_family:
        text = _(WITH_FAMILY_REMINDER).format(name=escape_mrkdwn(with_family), **values)
        label = fit(_("Fill in with {name}").format(name=with_family), 75)
    else:
        text, label = _(FAMILY_REMINDER).format(**values), _("Share how things are")
    return [section(text), _give_update_button(request_id, label)]


def check_in_text(reference: str) -> str:
    """Notification text of the note to the social worker about a family member's words."""
    return _("Before the meeting for {reference}").format(reference=reference)


def check_in_notice(reference: str, name: str, meeting: str) -> list[Block]:
    """For the social worker: a family member has not shared their words. Taking part is their
    choice, so this is a suggestion to check in, never a report of something missing."""
    return [
        section(
            _(
                "You may want to check in with {name} before the {meeting} for *{reference}*. "
                "They haven't shared how things are yet, and they are welcome to, or to say it at "
                "the meeting."
            ).format(name=escape_mrkdwn(name), meeting=meeting, reference=escape_mrkdwn(reference))
        )
    ]


def overdue_notice_text(reference: str) -> str:
    """Notification text for the social worker or chair about overdue updates."""
    return _("An update is overdue for {reference}").format(reference=reference)


def overdue_notice(
    reference: str, name: str, agency: str, meeting: str, deadline: str, *, reminded: bool = True
) -> list[Block]:
    """For the social worker: whose update is overdue (never what it says). "I've reminded
    them" only when a reminder was sent (not to someone away with nobody covering)."""
    who = escape_mrkdwn(named(name, agency))
    said = (
        _("I've reminded them; a word from you may help.")
        if reminded
        else _(
            "I haven't reminded them, as they're away with nobody covering; a word from you "
            "may help."
        )
    )
    return [
        section(
            _(
                "{who} hasn't sent their update for *{reference}*'s {meeting}, due {deadline}."
            ).format(
                who=who, reference=escape_mrkdwn(reference), meeting=meeting, deadline=deadline
            )
            + f" {said}"
        )
    ]


def escalation_notice(
    reference: str, name: str, agency: str, meeting: str, deadline: str, *, in_digest: bool
) -> list[Block]:
    """For the chair: an update still missing a working day after it was overdue. Only a review
    conference has a digest, so only then does it promise to show there."""
    digest = (
        " " + _("It will show as missing in your digest unless it arrives.") if in_digest else ""
    )
    return [
        section(
            _(
                "For your information as chair: {who} still hasn't sent their update for "
                "*{reference}*'s {meeting}, due {deadline}."
            ).format(
                who=escape_mrkdwn(named(name, agency)),
                reference=escape_mrkdwn(reference),
                meeting=meeting,
                deadline=deadline,
            )
            + digest
        )
    ]


def progress_text(reference: str) -> str:
    """Notification text of the channel's progress line."""
    return _("Updates for {reference}").format(reference=reference)


def progress_blocks(received: int, expected: int, meeting: str, deadline: str) -> list[Block]:
    """The channel's count of updates: never anyone's content, not even who has sent one."""
    return [
        section(
            # English says "updates" even of one (as it always has); Welsh counts in its forms.
            ngettext(
                "*{received} of {expected}* updates in for the {meeting}.",
                "*{received} of {expected}* updates in for the {meeting}.",
                expected,
            ).format(received=received, expected=expected, meeting=meeting)
        ),
        context(
            _(
                "Updates are due by {deadline}. What each person writes is shared with the chair "
                "in the review summary, not here."
            ).format(deadline=deadline)
        ),
    ]
