"""The words family members read when they are served separately, and when that ends."""

from __future__ import annotations

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _


def separate_notice_text(reference: str) -> str:
    """The notification of the private note: the case reference only."""
    return _("About the core group for {reference}").format(reference=reference)


def separated_notice(reference: str) -> str:
    """Why a family member has left the shared channel, said kindly and without blame."""
    return _(
        "Your social worker has arranged for each adult in the family to be kept in touch with "
        "*{reference}* separately, so that what each of you writes stays private to you and the "
        "professionals. That is why you are not in the shared channel. Nothing is wrong, and "
        "nothing is taken away from you: your invitations, your update requests, the plan and "
        "your own copy of the summary come to you here, in this direct message. Your social "
        "worker will be happy to talk it through with you."
    ).format(reference=escape_mrkdwn(reference))


def rejoined_notice(reference: str) -> str:
    """A family member is back in the shared channel."""
    return _(
        "Your social worker has added you back to the shared channel for *{reference}*, where "
        "the core group keeps in touch."
    ).format(reference=escape_mrkdwn(reference))


def released_notice(reference: str) -> str:
    """A family member may now read another's words."""
    return _(
        "Your social worker has shared another family member's words in *{reference}* with "
        "you: they will be in your copy of the summary."
    ).format(reference=escape_mrkdwn(reference))
