"""Telling the social worker about a message the outbox could not deliver, never dropping it."""

from __future__ import annotations

from sqlmodel import select

from bot.deps import Dependencies
from bot.rules.messages import MessageKind, PlannedMessage, outbox_key
from bot.rules.vocabulary import Role
from bot.services.outbox import enqueue
from bot.ui.common import section
from storage.models import Case, Member, OutboxMessage

# Why a message could not be delivered, as the social worker would want to hear it.
UNDELIVERED_REASONS = {
    "user_disabled": "their Slack account has been deactivated",
    "account_inactive": "their Slack account has been deactivated",
    "user_not_found": "their Slack account could not be found",
    "channel_not_found": "the conversation could not be found (the account may be deactivated)",
    "is_archived": "the case channel has been archived",
    "not_in_channel": "the bot is no longer in the case channel",
}


def report_undelivered(deps: Dependencies, row: OutboxMessage) -> None:
    """Queue a note to the case's social workers that a message could not be delivered."""
    if row.kind == MessageKind.UNDELIVERED or row.case_id is None:
        return  # never a note about a note
    code = (row.last_error or "").split(";")[0].strip()
    reason = UNDELIVERED_REASONS.get(code, f"Slack said {code or 'no'}")
    with deps.unit_of_work() as session:
        case = session.get(Case, row.case_id)
        if case is None:
            return
        names = {
            m.slack_user_id: m.display_name
            for m in session.exec(select(Member).where(Member.case_id == case.id))
        }
        who = names.get(row.recipient, "the case channel")
        social_workers = [
            m.slack_user_id
            for m in session.exec(select(Member).where(Member.case_id == case.id))
            if m.active and m.role == Role.SOCIAL_WORKER and m.slack_user_id
        ]
        text = (
            f"I couldn't deliver a {row.kind.replace('_', ' ')} to {who} for {case.reference}: "
            f"{reason}. They may need to hear about it another way."
        )
        for user in social_workers:
            if user == row.recipient:
                continue
            enqueue(
                session,
                PlannedMessage(
                    # Outside any case's planning scope, so no planning pass cancels it.
                    outbox_key(MessageKind.UNDELIVERED, user, row.key)[:255],
                    MessageKind.UNDELIVERED,
                    user,
                    deps.clock.now(),
                    {
                        "text": f"A message could not be delivered in {case.reference}",
                        "blocks": [section(text).to_dict()],
                    },
                    case.id,
                ),
                now=deps.clock.now(),
            )
