"""Telling the social worker about a message the outbox could not deliver, never dropping it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlmodel import select

from bot.deps import Dependencies
from bot.rules.i18n import N_, Translated, _
from bot.rules.messages import MessageKind, PlannedMessage, outbox_key
from bot.rules.vocabulary import Role
from bot.services.languages import person_language
from bot.services.outbox import enqueue
from bot.ui.bilingual import rendered
from bot.ui.common import section
from bot.ui.labels import MESSAGE_KIND_WORDS
from storage.models import Area, Case, Member, OutboxMessage

# Why a message could not be delivered, as the social worker would want to hear it.
UNDELIVERED_REASONS = Translated(
    {
        "user_disabled": N_("their Slack account has been deactivated"),
        "account_inactive": N_("their Slack account has been deactivated"),
        "user_not_found": N_("their Slack account could not be found"),
        "channel_not_found": N_(
            "the conversation could not be found (the account may be deactivated)"
        ),
        "is_archived": N_("the case channel has been archived"),
        "not_in_channel": N_("the bot is no longer in the case channel"),
    }
)

KNOWN_KINDS = frozenset(kind.value for kind in MessageKind)


def report_undelivered(deps: Dependencies, row: OutboxMessage) -> None:
    """Queue a note to the case's social workers that a message could not be delivered."""
    if row.kind == MessageKind.UNDELIVERED or row.case_id is None:
        return  # never a note about a note
    code = (row.last_error or "").split(";")[0].strip()
    with deps.unit_of_work() as session:
        case = session.get(Case, row.case_id)
        if case is None:
            return
        names = {
            m.slack_user_id: m.display_name
            for m in session.exec(select(Member).where(Member.case_id == case.id))
        }
        who = names.get(row.recipient)
        social_workers = [
            m.slack_user_id
            for m in session.exec(select(Member).where(Member.case_id == case.id))
            if m.active and m.role == Role.SOCIAL_WORKER and m.slack_user_id
        ]
        area = session.get(Area, case.area_id)
        reference = case.reference

        def note() -> tuple[str, list[Block]]:
            reason = (
                UNDELIVERED_REASONS[code]
                if code in UNDELIVERED_REASONS
                else _("Slack said {code}").format(code=code or "no")
            )
            text = _(
                "I couldn't deliver {what} to {who} for {reference}: {reason}. They may need "
                "to hear about it another way."
            ).format(
                what=(
                    MESSAGE_KIND_WORDS[MessageKind(row.kind)]
                    if row.kind in KNOWN_KINDS
                    else _("a message")  # a row of a kind this version no longer has
                ),
                who=who or _("the case channel"),
                reference=reference,
                reason=reason,
            )
            title = _("A message could not be delivered in {reference}").format(reference=reference)
            return title, [section(text)]

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
                    # Its words are written now, in the social worker's own language.
                    rendered(person_language(session, user, area=area), note),
                    case.id,
                ),
                now=deps.clock.now(),
            )
