"""The core group register: adding, removing and re-roling people, and keeping it true to Slack."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import _
from bot.rules.separation import in_shared_channel
from bot.rules.vocabulary import Agency, Role
from bot.services import audit
from bot.services.cases import (
    SERVED_APART,
    invite_failure_reason,
    opening_key,
    refresh_case_card,
    welcome_served_apart,
)
from bot.services.languages import note_slack_locale
from bot.services.plan import refresh_family_plan_copies
from bot.services.planning import replan_case
from bot.slack.gateway import SlackError
from storage.models import Case, Member

log = logging.getLogger(__name__)


class MemberError(Exception):
    """A change to the register that cannot be made; the message is for the person who asked."""


@dataclass(frozen=True)
class RegisterChange:
    """What a reconcile or an event changed in the register."""

    joined: tuple[str, ...] = ()
    left: tuple[str, ...] = ()


# Built once, run with parameters: every slash command asks this inside Slack's request, and
# building a statement costs SQLAlchemy more than running it.
_CASE_BY_CHANNEL = select(Case).where(Case.slack_channel_id == bindparam("channel_id"))


def case_by_channel(session: Session, channel_id: str) -> Case | None:
    """The case whose core group lives in this channel, if any."""
    return session.exec(_CASE_BY_CHANNEL, params={"channel_id": channel_id}).first()


def find_member(session: Session, case_id: int, user_id: str) -> Member | None:
    """A Slack user's entry in a case's register, active or not."""
    return session.exec(
        select(Member).where(Member.case_id == case_id, Member.slack_user_id == user_id)
    ).first()


def active_members(session: Session, case_id: int) -> list[Member]:
    """Everyone currently in the core group."""
    return list(session.exec(select(Member).where(Member.case_id == case_id, col(Member.active))))


def add_member(
    deps: Dependencies,
    *,
    case_id: int,
    actor: str,
    user_id: str,
    agency: Agency,
    role: Role = Role.PROFESSIONAL,
    once: str | None = None,
) -> Member:
    """Add a person to the register and the channel (raises MemberError with the reason).

    `once` names an addition a job may make again (an approval's, after a crash): finding them
    already added as asked is then success, with no second audit event, and the steps after it
    run again, each converging (their welcome is found by its metadata key, not posted twice).
    """
    try:
        person = deps.gateway.user(user_id)
    except SlackError:
        raise MemberError(_("I couldn't find that person in this Slack workspace.")) from None
    if person.is_bot:
        raise MemberError(_("Bots can't be members of a core group."))
    if person.deleted:
        raise MemberError(
            _("{name}'s Slack account has been deactivated.").format(name=person.name)
        )
    with deps.unit_of_work() as session:
        note_slack_locale(session, user_id, person.locale, deps.clock.now())
        case = session.get_one(Case, case_id)
        member = find_member(session, case_id, user_id)
        if member is not None and member.active and not _as_asked(member, role, agency, once):
            raise MemberError(_("{name} is already in the core group.").format(name=person.name))
        channel = case.slack_channel_id
        # Under the safety setting a family-side member is served by direct message instead.
        shared = in_shared_channel(role, family_separate=case.family_separate)
        reference = case.reference
    assert channel is not None
    try:
        if shared:
            deps.gateway.invite(channel, user_id)
    except SlackError as error:
        if error.code != "already_in_channel":
            reason = invite_failure_reason(deps.gateway, user_id, error.code)
            raise MemberError(
                _("I couldn't add {name} to the channel: {reason}.").format(
                    name=person.name, reason=reason
                )
            ) from None
    with deps.unit_of_work() as session:
        member = find_member(session, case_id, user_id)
        # Added as asked by an earlier run of the same job: no second change, no second audit.
        if member is None or not _as_asked(member, role, agency, once):
            member = _enter(
                session, member, case_id, user_id, person.name, role, agency, actor, deps
            )
    _after_added(deps, case_id, user_id, shared, reference, once)
    return member


def _enter(
    session: Session,
    member: Member | None,
    case_id: int,
    user_id: str,
    name: str,
    role: Role,
    agency: Agency,
    actor: str,
    deps: Dependencies,
) -> Member:
    """The person in the register (new, or active again), with its audit event."""
    now = deps.clock.now()
    before = None
    if member is None:
        member = Member(
            case_id=case_id,
            slack_user_id=user_id,
            display_name=name,
            role=role,
            agency=agency,
            added_at=now,
        )
    else:
        before = {"role": member.role.value, "agency": member.agency.value, "active": False}
        member.role, member.agency, member.active, member.removed_at = role, agency, True, None
    session.add(member)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MEMBER_ADDED,
        at=now,
        case_id=case_id,
        user=user_id,
        before=before,
        after={"role": role.value, "agency": agency.value, "active": True},
    )
    return member


def _as_asked(member: Member, role: Role, agency: Agency, once: str | None) -> bool:
    """Whether a member is the addition `once` names, made already (its job run again)."""
    return once is not None and member.active and (member.role, member.agency) == (role, agency)


def _after_added(
    deps: Dependencies, case_id: int, user_id: str, shared: bool, reference: str, once: str | None
) -> None:
    """What follows an addition: planning, the card and, served apart, a welcome and the plan."""
    _after_register_change(deps, case_id)
    if not shared:
        key = opening_key(case_id, f"{SERVED_APART}:{user_id}:{once}") if once else None
        welcome_served_apart(deps, user_id, reference, key=key)
        refresh_family_plan_copies(deps, case_id)


def remove_member(deps: Dependencies, *, case_id: int, actor: str, user_id: str) -> Member:
    """Take a person out of the core group and out of the channel, at once."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        member = find_member(session, case_id, user_id)
        if member is None or not member.active:
            raise MemberError(_("That person isn't in the core group."))
        if member.role == Role.SOCIAL_WORKER and _only_social_worker(session, case_id, member):
            raise MemberError(
                _(
                    "A case needs a social worker: add another social worker before removing "
                    "this one."
                )
            )
        member.active = False
        member.removed_at = deps.clock.now()
        session.add(member)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.MEMBER_REMOVED,
            at=deps.clock.now(),
            case_id=case_id,
            user=user_id,
            before={"active": True},
            after={"active": False},
        )
        channel = case.slack_channel_id
    # Access ends with the register change above; the channel follows straight after.
    if channel is not None:
        try:
            deps.gateway.remove(channel, user_id)
        except SlackError as error:
            if error.code != "not_in_channel":
                log.warning("could not remove a member from a case channel: %s", error.code)
    _after_register_change(deps, case_id)
    return member


def change_role(
    deps: Dependencies, *, case_id: int, actor: str, user_id: str, role: Role
) -> Member:
    """Give an active member a different role in the core group."""
    with deps.unit_of_work() as session:
        member = find_member(session, case_id, user_id)
        if member is None or not member.active:
            raise MemberError(_("That person isn't in the core group."))
        if member.role == role:
            raise MemberError(_("{name} already has that role.").format(name=member.display_name))
        if member.role == Role.SOCIAL_WORKER and _only_social_worker(session, case_id, member):
            raise MemberError(_("A case needs a social worker: give someone else that role first."))
        before = member.role
        member.role = role
        session.add(member)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.MEMBER_ROLE_CHANGED,
            at=deps.clock.now(),
            case_id=case_id,
            user=user_id,
            before={"role": before.value},
            after={"role": role.value},
        )
        case = session.get_one(Case, case_id)
        was_shared = in_shared_channel(before, family_separate=case.family_separate)
        shared = in_shared_channel(role, family_separate=case.family_separate)
        channel, reference = case.slack_channel_id, case.reference
    # Under the safety setting a new family-side role leaves the channel, and a professional
    # one joins it: the channel holds what family members must not read of each other.
    if channel is not None and was_shared != shared:
        _move(deps, channel, user_id, join=shared)
        if not shared:
            welcome_served_apart(deps, user_id, reference)
            refresh_family_plan_copies(deps, case_id)
    _after_register_change(deps, case_id)
    return member


def _move(deps: Dependencies, channel: str, user_id: str, *, join: bool) -> None:
    try:
        if join:
            deps.gateway.invite(channel, user_id)
        else:
            deps.gateway.remove(channel, user_id)
    except SlackError as error:
        if error.code not in ("already_in_channel", "not_in_channel"):
            log.warning("could not move a member for the safety setting: %s", error.code)


def _after_register_change(deps: Dependencies, case_id: int) -> None:
    """Who is invited, prompted and chased follows the register at once; so does the card."""
    replan_case(deps, case_id)
    refresh_case_card(deps, case_id)


def _only_social_worker(session: Session, case_id: int, member: Member) -> bool:
    others = [
        m
        for m in active_members(session, case_id)
        if m.role == Role.SOCIAL_WORKER and m.id != member.id
    ]
    return not others


def record_joined(deps: Dependencies, *, case_id: int, user_id: str) -> bool:
    """Someone joined the channel outside the bot: bring the register in line. True if changed."""
    with deps.unit_of_work() as session:
        member = find_member(session, case_id, user_id)
        if member is not None and member.active:
            return False
    try:
        name = deps.gateway.user(user_id).name
    except SlackError:
        name = user_id
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        member = find_member(session, case_id, user_id)
        if member is None:
            member = Member(
                case_id=case_id,
                slack_user_id=user_id,
                display_name=name,
                role=Role.PROFESSIONAL,
                agency=Agency.OTHER,
                added_at=now,
            )
        member.active, member.removed_at = True, None
        session.add(member)
        audit.record(
            session,
            actor=audit.SYSTEM,
            action=AuditAction.MEMBER_JOINED_CHANNEL,
            at=now,
            case_id=case_id,
            user=user_id,
        )
    _after_register_change(deps, case_id)
    return True


def record_left(deps: Dependencies, *, case_id: int, user_id: str) -> bool:
    """Someone left the channel: they leave the core group too. True if the register changed."""
    with deps.unit_of_work() as session:
        member = find_member(session, case_id, user_id)
        if member is None or not member.active:
            return False
        case = session.get_one(Case, case_id)
        if not in_shared_channel(member.role, family_separate=case.family_separate):
            return False  # served by direct message: out of the channel is where they belong
        member.active = False
        member.removed_at = deps.clock.now()
        session.add(member)
        audit.record(
            session,
            actor=audit.SYSTEM,
            action=AuditAction.MEMBER_LEFT_CHANNEL,
            at=deps.clock.now(),
            case_id=case_id,
            user=user_id,
        )
    _after_register_change(deps, case_id)
    return True


def reconcile(deps: Dependencies, *, case_id: int) -> RegisterChange:
    """Compare the register with the channel's members and make the register true."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        # Family-side members served separately are not in the channel, and have not left.
        registered = {
            m.slack_user_id
            for m in active_members(session, case_id)
            if m.slack_user_id and in_shared_channel(m.role, family_separate=case.family_separate)
        }
        served_apart = {
            m.slack_user_id
            for m in active_members(session, case_id)
            if m.slack_user_id
            and not in_shared_channel(m.role, family_separate=case.family_separate)
        }
        channel = case.slack_channel_id
    if channel is None or case.channel_archived:
        return RegisterChange()
    try:
        if deps.gateway.channel_is_archived(channel):
            mark_channel_archived(deps, case_id=case_id)
            return RegisterChange()
        present = set(deps.gateway.channel_members(channel))
    except SlackError as error:
        log.warning("reconcile of case %s could not read its channel: %s", case_id, error.code)
        return RegisterChange()
    present.discard(deps.gateway.bot_user_id())
    present -= served_apart
    joined = tuple(
        sorted(u for u in present - registered if record_joined(deps, case_id=case_id, user_id=u))
    )
    left = tuple(
        sorted(u for u in registered - present if record_left(deps, case_id=case_id, user_id=u))
    )
    return RegisterChange(joined, left)


def mark_channel_archived(deps: Dependencies, *, case_id: int) -> None:
    """Record that the case channel was archived under the bot; messages to it stop."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        if case.channel_archived:
            return
        case.channel_archived = True
        session.add(case)
        audit.record(
            session,
            actor=audit.SYSTEM,
            action=AuditAction.CASE_CHANNEL_ARCHIVED,
            at=deps.clock.now(),
            case_id=case_id,
        )
    replan_case(deps, case_id)  # nothing more is posted into an archived channel


@dataclass(frozen=True)
class ChannelCase:
    """The case a channel belongs to, as an event listener needs it."""

    case_id: int
    reference: str


def case_in_channel(deps: Dependencies, channel_id: str) -> ChannelCase | None:
    """The case whose core group lives in this channel, if any, in a unit of work of its own."""
    with deps.unit_of_work() as session:
        case = case_by_channel(session, channel_id)
    if case is None or case.id is None:
        return None
    return ChannelCase(case.id, case.reference)


def social_worker_ids(deps: Dependencies, case_id: int) -> list[str]:
    """The Slack ids of the case's active social workers (who hear about register changes)."""
    with deps.unit_of_work() as session:
        return [
            m.slack_user_id
            for m in active_members(session, case_id)
            if m.role == Role.SOCIAL_WORKER and m.slack_user_id
        ]
