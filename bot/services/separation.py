"""Serving family members separately: the case's safety setting, and words released to a reader.

With the setting on, family-side members are not in the shared channel; each is served by direct
message and reads nothing another family-side member wrote unless the social worker released it
for them (DOMAIN.md, Stand-ins, supporters and safety).
"""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import _
from bot.rules.separation import hidden_authors
from bot.rules.stand_ins import is_family_side
from bot.services import audit
from bot.services.languages import tell_person
from bot.services.members import find_member
from bot.services.plan import refresh_family_plan_copies
from bot.slack.gateway import SlackError
from bot.ui.common import section
from bot.ui.separation import (
    rejoined_notice,
    released_notice,
    separate_notice_text,
    separated_notice,
)
from storage.models import Case, Member, WordRelease

log = logging.getLogger(__name__)


class SeparationError(Exception):
    """A request that cannot be carried out; the message is for the social worker."""


def hidden_from(session: Session, case: Case, reader: Member) -> frozenset[int]:
    """The members whose words `reader` must not read in this case (see `hidden_authors`)."""
    assert case.id is not None and reader.id is not None
    members = session.exec(select(Member).where(Member.case_id == case.id)).all()
    released = session.exec(select(WordRelease).where(WordRelease.case_id == case.id)).all()
    return hidden_authors(
        reader.id,
        reader.role,
        [(m.id, m.role) for m in members if m.id is not None],
        [(r.author_member_id, r.reader_member_id) for r in released],
        family_separate=case.family_separate,
    )


def family_side_users(session: Session, case_id: int) -> list[str]:
    """The Slack users on the family's side of a case's core group."""
    return [
        m.slack_user_id
        for m in session.exec(select(Member).where(Member.case_id == case_id, col(Member.active)))
        if m.slack_user_id and is_family_side(m.role)
    ]


def set_family_separate(deps: Dependencies, *, case_id: int, actor: str, separate: bool) -> str:
    """Turn the setting on (family-side members leave the channel and are told why, privately)
    or off (they are invited back). The change and its audit event are one unit of work."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        before = case.family_separate
        if before == separate:
            return (
                _("Family members are already served separately.")
                if separate
                else _("Family members already share the core group channel.")
            )
        case.family_separate = separate
        session.add(case)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.FAMILY_SEPARATE,
            at=deps.clock.now(),
            case_id=case_id,
            before=before,
            after=separate,
        )
        people = family_side_users(session, case_id)
        channel, reference = case.slack_channel_id, case.reference
    notice = separated_notice if separate else rejoined_notice
    for user_id in people:
        try:
            if channel is not None:
                if separate:
                    deps.gateway.remove(channel, user_id)
                else:
                    deps.gateway.invite(channel, user_id)
        except SlackError as error:
            if error.code not in ("not_in_channel", "already_in_channel"):
                log.warning("could not move a family member for the safety setting: %s", error.code)
        try:
            tell_person(
                deps,
                user_id,
                lambda: (separate_notice_text(reference), [section(notice(reference))]),
            )
        except SlackError as error:
            log.warning("could not tell a family member about the safety setting: %s", error.code)
    if separate:
        refresh_family_plan_copies(deps, case_id)
        return _(
            "Family members are now served separately: they have left the channel, each has "
            "been told why in a private message, and none will see another's words unless you "
            "share them (`/coregroup share @author @reader`)."
        )
    return _("Family members are back in the core group channel, and each has been told.")


def release_words(
    deps: Dependencies, *, case_id: int, actor: str, author_user: str, reader_user: str
) -> str:
    """Let one family-side member read what another wrote (only under the safety setting)."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        if not case.family_separate:
            raise SeparationError(
                _(
                    "Family members share the channel in this case, so there is nothing to share: "
                    "turn on `/coregroup separate on` first if they must not see each other's "
                    "words."
                )
            )
        author = find_member(session, case_id, author_user)
        reader = find_member(session, case_id, reader_user)
        if author is None or reader is None or author.id is None or reader.id is None:
            raise SeparationError(_("Both people must be in this core group."))
        if not (is_family_side(author.role) and is_family_side(reader.role)) or author is reader:
            raise SeparationError(_("Please name two different people on the family's side."))
        exists = session.exec(
            select(WordRelease).where(
                WordRelease.author_member_id == author.id,
                WordRelease.reader_member_id == reader.id,
            )
        ).first()
        if exists is None:
            session.add(
                WordRelease(
                    case_id=case_id,
                    author_member_id=author.id,
                    reader_member_id=reader.id,
                    released_by=actor,
                    released_at=deps.clock.now(),
                )
            )
            audit.record(
                session,
                actor=actor,
                action=AuditAction.WORDS_RELEASED,
                at=deps.clock.now(),
                case_id=case_id,
                user=reader_user,
                author=author_user,
            )
        reference = case.reference
    try:
        tell_person(
            deps,
            reader_user,
            lambda: (separate_notice_text(reference), [section(released_notice(reference))]),
        )
    except SlackError as error:
        log.warning("could not tell a family member about shared words: %s", error.code)
    return _("{reader} may now read what {author} writes.").format(
        reader=f"<@{reader_user}>", author=f"<@{author_user}>"
    )
