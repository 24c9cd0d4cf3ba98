"""Opening a case: its private channel, its register of members, its meetings, and its audit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.case_form import NewCase
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import N_, Translated, _, locale_of, speaking
from bot.rules.schedule import calendar_for, rules_for
from bot.rules.separation import in_shared_channel
from bot.rules.timeline import plan_timeline
from bot.rules.vocabulary import Agency, MeetingKind, MeetingStatus, Role
from bot.rules.work import Work
from bot.services import audit, jobs
from bot.services.languages import note_slack_locale, tell_person
from bot.slack.gateway import SlackError, SlackGateway
from bot.ui.bilingual import rendered
from bot.ui.common import section
from bot.ui.separation import separate_notice_text, separated_notice
from bot.ui.texts import case_card, case_card_text, topic_for, welcome_blocks, welcome_text
from storage.models import Area, Case, Meeting, Member
from storage.queries import owned_tables

log = logging.getLogger(__name__)

# The metadata event type of the messages that open a case (as the outbox's are marked).
OPENING_EVENT = "coregroup_opening"


class ChannelNameTakenError(Exception):
    """Slack already has a channel (perhaps archived) with the case reference as its name."""


@dataclass(frozen=True)
class Missing:
    """A person who is in the register but could not be brought into the channel, and why: the
    code Slack gave (or the one it meant), said in words only when someone is told, in their own
    language."""

    name: str
    code: str

    @property
    def reason(self) -> str:
        """Why, in the language being rendered."""
        return invite_reason(self.code)


@dataclass(frozen=True)
class OpenedCase:
    """The outcome of opening a case."""

    case_id: int
    channel_id: str
    missing: tuple[Missing, ...]


# Slack's invite errors, said the way a social worker would want to hear them.
INVITE_REASONS: Mapping[str, str] = Translated(
    {
        "user_not_found": N_("their Slack account could not be found"),
        "user_disabled": N_("their Slack account has been deactivated"),
        "account_inactive": N_("their Slack account has been deactivated"),
        "ura_max_channels": N_("they are a single-channel guest who is already in another channel"),
        "user_is_restricted": N_("guests can't be added to this channel by the bot"),
        "cant_invite": N_("Slack would not let the bot invite them"),
    }
)


# Slack's answers that say nothing about the person invited: the call is tried again later.
TRANSIENT = frozenset(
    {"unknown_error", "internal_error", "fatal_error", "ratelimited", "service_unavailable"}
)


def invite_failure_code(gateway: SlackGateway, user_id: str, code: str) -> str:
    """Why an invitation failed, as a code to say later: a deactivated account is named as such
    whatever Slack's error said."""
    if code in ("cant_invite", "user_not_found"):
        try:
            if gateway.user(user_id).deleted:
                return "user_disabled"
        except SlackError:
            pass
    return code


def invite_reason(code: str) -> str:
    """Why an invitation failed, in the words of the language being rendered."""
    return INVITE_REASONS.get(code) or _("Slack said {code}").format(code=code)


def invite_failure_reason(gateway: SlackGateway, user_id: str, code: str) -> str:
    """Why an invitation failed, in words, for whoever is being answered now."""
    return invite_reason(invite_failure_code(gateway, user_id, code))


def area_for_team(session: Session, deps: Dependencies, team_id: str) -> Area:
    """The area of a Slack workspace, created with the configured defaults on first use."""
    area = session.exec(select(Area).where(Area.slack_team_id == team_id)).first()
    if area is None:
        area = Area(
            slack_team_id=team_id,
            name=team_id,
            nation=deps.settings.default_nation,
            timezone=deps.settings.default_timezone,
            language=deps.settings.default_language,
            created_at=deps.clock.now(),
        )
        session.add(area)
        session.flush()
    return area


class ReferenceInUseError(Exception):
    """The area already has a case with this reference."""


# The key in Slack message metadata of the messages that open a case's channel, so an attempt
# that stopped half-way finds what the last one posted instead of posting it twice.
WELCOME = "welcome"
CARD = "card"
SERVED_APART = "served_apart"


def opening_key(case_id: int, what: str) -> str:
    """The metadata key of one of the messages that open a case (or of a member's welcome)."""
    return f"c{case_id}:opening:{what}"


def request_case(
    deps: Dependencies,
    form: NewCase,
    *,
    team_id: str,
    opened_by: str,
    then: Callable[[int], Sequence[Work]],
) -> int:
    """Record a new case, its register and its meetings, with the job that makes its channel
    (`then(case_id)`), in one transaction; returns the case id.

    The case has no channel until the job makes one; if it cannot, `withdraw_case` removes it.
    Raises ReferenceInUseError.
    """
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        area = area_for_team(session, deps, team_id)
        taken = session.exec(
            select(Case.id).where(Case.area_id == area.id, Case.reference == form.reference)
        ).first()
        if taken is not None:
            raise ReferenceInUseError(form.reference)
        # Names are looked up in Slack by the job; until then a person is named by their id.
        names = {user: user for user in _chosen(form)}
        case, _ = _record_case(session, deps, form, names, team_id, None, opened_by)
        assert case.id is not None
        # Its audit trail starts when its channel is made (`case.opened`): until then it is a
        # request that may yet be withdrawn, and a withdrawn case leaves only the event that
        # says so (the trail is append-only, so no event of it may be left behind to delete).
        jobs.add(session, then(case.id), now=now)
        return case.id


def set_up_channel(deps: Dependencies, case_id: int, *, opened_by: str) -> OpenedCase | None:
    """Make the case's channel, bring its people in, and introduce it; None if the case was
    withdrawn. Every step converges when run again after an attempt that stopped half-way: the
    channel made last time is found (by its stored id, or by its name among the bot's own), an
    invitation to someone already in is success, and a message already posted (found by its
    metadata) is not posted again.

    Raises ChannelNameTakenError (someone else's channel has the name) or SlackError.
    """
    with deps.unit_of_work() as session:
        case = session.get(Case, case_id)
        if case is None:
            return None
        reference, channel_id = case.reference, case.slack_channel_id
        members = list(session.exec(select(Member).where(Member.case_id == case_id)))
    fresh = channel_id is None
    if channel_id is None:
        names, slack_locales = _names(
            deps.gateway, [m.slack_user_id for m in members if m.slack_user_id]
        )
        channel_id = _make_channel(deps, reference)
        _record_channel(deps, case_id, channel_id, names, slack_locales, opened_by)
        with deps.unit_of_work() as session:
            members = list(session.exec(select(Member).where(Member.case_id == case_id)))
    with deps.unit_of_work() as session:
        family_separate = session.get_one(Case, case_id).family_separate
    shared = [
        m
        for m in members
        if m.active and in_shared_channel(m.role, family_separate=family_separate)
    ]
    missing = _invite(deps, channel_id, case_id, shared, opened_by)
    _introduce(deps, channel_id, case_id, fresh=fresh)
    for member in members:
        if member.slack_user_id and member.active and member not in shared:
            welcome_served_apart(deps, member.slack_user_id, reference, case_id)
    return OpenedCase(case_id, channel_id, tuple(missing))


def open_case(deps: Dependencies, form: NewCase, *, team_id: str, opened_by: str) -> OpenedCase:
    """Record a case and set up its channel on the calling thread (the CLI's and tests' way; a
    listener writes the job instead). If the channel cannot be made, the case is withdrawn."""
    case_id = request_case(deps, form, team_id=team_id, opened_by=opened_by, then=lambda _: ())
    try:
        opened = set_up_channel(deps, case_id, opened_by=opened_by)
    except Exception as error:
        withdraw_case(deps, case_id, reason=str(error))
        raise
    assert opened is not None
    return opened


def _make_channel(deps: Dependencies, reference: str) -> str:
    try:
        return deps.gateway.create_private_channel(reference)
    except SlackError as error:
        if error.code != "name_taken":
            raise
    # Made by an attempt that stopped before recording it? Only a channel the bot made and is
    # in counts: anyone else's channel of that name is theirs, and the case must be renamed.
    mine = deps.gateway.own_private_channel(reference)
    if mine is None:
        raise ChannelNameTakenError(reference)
    with deps.unit_of_work() as session:
        owner = session.exec(select(Case.id).where(Case.slack_channel_id == mine)).first()
    if owner is not None:  # an earlier case's channel, archived or not: not this one's
        raise ChannelNameTakenError(reference)
    return mine


def _record_channel(
    deps: Dependencies,
    case_id: int,
    channel_id: str,
    names: dict[str, str],
    slack_locales: Mapping[str, str],
    opened_by: str,
) -> None:
    """The channel is the case's: stored with the people's names (and the language their
    Slack says they read) and the audit event that says the case is open, in one transaction."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        for user_id, slack_locale in slack_locales.items():
            note_slack_locale(session, user_id, slack_locale, now)
        case = session.get_one(Case, case_id)
        case.slack_channel_id = channel_id
        session.add(case)
        members = list(session.exec(select(Member).where(Member.case_id == case_id)))
        for member in members:
            if member.slack_user_id in names:
                member.display_name = names[member.slack_user_id]
                session.add(member)
        audit.record(
            session,
            actor=opened_by,
            action=AuditAction.CASE_OPENED,
            at=now,
            case_id=case_id,
            area_id=case.area_id,
            reference=case.reference,
            channel=channel_id,
            icpc=case.icpc_date.isoformat(),
            family_separate=case.family_separate,
            members=[
                {"user": m.slack_user_id, "role": m.role.value, "agency": m.agency.value}
                for m in members
            ],
        )


def withdraw_case(deps: Dependencies, case_id: int, *, reason: str) -> str | None:
    """A case whose channel could not be made: its rows go (no half-made case is left, and the
    reference can be used again), and the audit trail keeps an event saying so, belonging to no
    case (its events are append-only). Returns the reference, or None if there was no such case
    or it has a channel after all."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        case = session.get(Case, case_id)
        if case is None or case.slack_channel_id is not None:
            return None
        reference, area_id = case.reference, case.area_id
        requested_by = session.exec(
            select(Member.slack_user_id).where(
                Member.case_id == case_id, Member.role == Role.SOCIAL_WORKER
            )
        ).first()
        for table, where in owned_tables(case_id):
            session.execute(delete(table).where(where))
        session.execute(delete(Case).where(col(Case.id) == case_id))
        audit.record(
            session,
            actor=(requested_by or audit.SYSTEM)[:32],
            action=AuditAction.CASE_WITHDRAWN,
            at=now,
            area_id=area_id,
            reference=reference,
            withdrawn_case=case_id,
            reason=reason[:500],
        )
    return reference


def _chosen(form: NewCase) -> set[str]:
    ids = {form.chair, form.social_worker, *form.family_on_slack}
    ids.update(person for person, _ in form.professionals)
    return ids


def _names(gateway: SlackGateway, user_ids: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Display names for everyone chosen (an unknown id keeps its id as the name), and the
    Slack locale of those whose Slack says it."""
    names: dict[str, str] = {}
    slack_locales: dict[str, str] = {}
    for user_id in user_ids:
        try:
            person = gateway.user(user_id)
        except SlackError:
            names[user_id] = user_id
            continue
        names[user_id] = person.name
        if person.locale:
            slack_locales[user_id] = person.locale
    return names, slack_locales


def _record_case(
    session: Session,
    deps: Dependencies,
    form: NewCase,
    names: dict[str, str],
    team_id: str,
    channel_id: str | None,
    opened_by: str,
) -> tuple[Case, list[Member]]:
    now = deps.clock.now()
    area = area_for_team(session, deps, team_id)
    assert area.id is not None
    case = Case(
        area_id=area.id,
        reference=form.reference,
        slack_channel_id=channel_id,
        nation=form.nation,
        timezone=area.timezone,
        icpc_date=form.icpc,
        pre_birth=form.pre_birth,
        birth_date=form.birth_date,
        family_separate=form.family_separate,
        bot_language=area.language,
        created_at=now,
    )
    session.add(case)
    session.flush()
    assert case.id is not None
    case_id = case.id

    def member(user: str | None, name: str, role: Role, agency: Agency) -> Member:
        return Member(
            case_id=case_id,
            slack_user_id=user,
            display_name=name,
            role=role,
            agency=agency,
            added_at=now,
        )

    members = [
        member(
            form.social_worker,
            names[form.social_worker],
            Role.SOCIAL_WORKER,
            Agency.CHILDRENS_SOCIAL_CARE,
        ),
        member(form.chair, names[form.chair], Role.CHAIR, Agency.CHILDRENS_SOCIAL_CARE),
        *(member(p, names[p], Role.PROFESSIONAL, agency) for p, agency in form.professionals),
        *(member(u, names[u], Role.FAMILY, Agency.FAMILY) for u in form.family_on_slack),
        *(member(None, name, Role.FAMILY, Agency.FAMILY) for name in form.family_offline),
    ]
    session.add_all(members)

    rules = rules_for(area, case.nation)
    timeline = plan_timeline(form.icpc, calendar_for(area, case), rules, birth_date=form.birth_date)
    session.add(
        Meeting(
            case_id=case.id,
            kind=MeetingKind.ICPC,
            sequence=0,
            due_by=form.icpc,
            status=MeetingStatus.HELD,
            held_at=now,
        )
    )
    for number, due in enumerate(timeline.core_groups, start=1):
        session.add(
            Meeting(case_id=case.id, kind=MeetingKind.CORE_GROUP, sequence=number, due_by=due)
        )
    for number, conference in enumerate(timeline.rcpcs, start=1):
        session.add(
            Meeting(
                case_id=case.id,
                kind=MeetingKind.RCPC,
                sequence=number,
                due_by=conference.by,
                reports_due=conference.reports_due,
            )
        )
    session.flush()
    return case, members


def _invite(
    deps: Dependencies,
    channel_id: str,
    case_id: int,
    members: list[Member],
    opened_by: str,
) -> list[Missing]:
    """Invite each Slack member; those who cannot join are marked inactive, with the reason."""
    missing: list[Missing] = []
    for member in members:
        if member.slack_user_id is None:
            continue
        try:
            deps.gateway.invite(channel_id, member.slack_user_id)
        except SlackError as error:
            if error.code == "already_in_channel":
                continue  # in already (an earlier attempt's invitation landed)
            if error.code in TRANSIENT or error.code.startswith("http_"):
                raise  # Slack is unwell, not refusing this person: the job tries again
            why = invite_failure_code(deps.gateway, member.slack_user_id, error.code)
            missing.append(Missing(member.display_name, why))
            _mark_not_joined(deps, case_id, member.slack_user_id, error.code, opened_by)
    return missing


def welcome_served_apart(
    deps: Dependencies,
    user_id: str,
    reference: str,
    case_id: int | None = None,
    *,
    key: str | None = None,
) -> None:
    """A family member served separately hears from the bot privately, and why (once: when the
    case is opened, or given the `key` of their addition, a welcome an earlier attempt posted is
    found by its metadata)."""
    metadata = None
    try:
        if case_id is not None:
            key = opening_key(case_id, f"{SERVED_APART}:{user_id}")
        if key is not None:
            dm = deps.gateway.open_dm(user_id)
            if _posted(deps, dm, key):
                return
            metadata = _metadata(key)
        tell_person(
            deps,
            user_id,
            lambda: (separate_notice_text(reference), [section(separated_notice(reference))]),
            metadata=metadata,
        )
    except SlackError as error:
        log.warning("could not welcome a family member served separately: %s", error.code)


def _metadata(key: str) -> dict[str, Any]:
    return {"event_type": OPENING_EVENT, "event_payload": {"key": key}}


def _posted(deps: Dependencies, channel: str, key: str) -> str | None:
    """The ts of the bot's message carrying `key` in its metadata in `channel`, if any."""
    for message in deps.gateway.bot_messages(channel):
        if message.metadata_key == key:
            return message.ts
    return None


def _mark_not_joined(deps: Dependencies, case_id: int, user_id: str, code: str, actor: str) -> None:
    with deps.unit_of_work() as session:
        member = session.exec(
            select(Member).where(Member.case_id == case_id, Member.slack_user_id == user_id)
        ).one()
        member.active = False
        member.removed_at = deps.clock.now()
        audit.record(
            session,
            actor=actor,
            action=AuditAction.MEMBER_INVITE_FAILED,
            at=deps.clock.now(),
            case_id=case_id,
            user=user_id,
            error=code,
        )


def _introduce(deps: Dependencies, channel_id: str, case_id: int, *, fresh: bool) -> None:
    """Topic, welcome and the pinned case card, each once (found by metadata if an earlier
    attempt posted it)."""
    case, members, meetings = _card_inputs(deps, case_id)
    language = case.bot_language
    with speaking(locale_of(language)):  # a topic has room for one language: Welsh first
        deps.gateway.set_topic(channel_id, topic_for(case, meetings))
    welcome, card = opening_key(case_id, WELCOME), opening_key(case_id, CARD)
    # A channel this attempt made has nothing in it yet; otherwise look before posting.
    posted = {} if fresh else {m.metadata_key: m.ts for m in deps.gateway.bot_messages(channel_id)}
    if welcome not in posted:
        said = rendered(
            language,
            lambda: (welcome_text(case.reference), welcome_blocks(case.reference, case.nation)),
        )
        deps.gateway.post(channel_id, said["text"], said["blocks"], metadata=_metadata(welcome))
    if case.card_ts is not None:
        return
    card_ts = posted.get(card)
    if card_ts is None:
        said = rendered(
            language, lambda: (case_card_text(case.reference), case_card(case, members, meetings))
        )
        _, card_ts = deps.gateway.post(
            channel_id, said["text"], said["blocks"], metadata=_metadata(card)
        )
    try:
        deps.gateway.pin(channel_id, card_ts)
    except SlackError as error:
        if error.code != "already_pinned":
            raise
    with deps.unit_of_work() as session:
        stored = session.get_one(Case, case_id)
        stored.card_ts = card_ts
        session.add(stored)


def _card_inputs(deps: Dependencies, case_id: int) -> tuple[Case, list[Member], list[Meeting]]:
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        members = list(session.exec(select(Member).where(Member.case_id == case_id)))
        meetings = list(session.exec(select(Meeting).where(Meeting.case_id == case_id)))
    return case, members, meetings


def refresh_case_card(deps: Dependencies, case_id: int) -> None:
    """Update the pinned case card in place (never reposted) and the channel topic, after the
    register, a meeting, a decision or a date changes, so neither says a past date is next."""
    case, members, meetings = _card_inputs(deps, case_id)
    if case.slack_channel_id is None or case.channel_archived:
        return
    today = deps.clock.now().astimezone(ZoneInfo(case.timezone)).date()
    try:
        with speaking(locale_of(case.bot_language)):
            deps.gateway.change_topic(case.slack_channel_id, topic_for(case, meetings, today))
    except SlackError as error:
        log.warning("could not set the topic of case %s: %s", case_id, error.code)
    if case.card_ts is None:
        return
    card = rendered(
        case.bot_language,
        lambda: (case_card_text(case.reference), case_card(case, members, meetings, today)),
    )
    try:
        deps.gateway.update(case.slack_channel_id, case.card_ts, card["text"], card["blocks"])
    except SlackError as error:
        # The change itself is saved; a stale card is put right by the next refresh.
        log.warning("could not refresh the case card of case %s: %s", case_id, error.code)


def describe_missing(missing: tuple[Missing, ...]) -> str:
    """A line per person who is not in the channel, for the social worker, in the language being
    rendered (each reader's own: the reasons are kept as codes until then)."""
    return "\n".join(f"• {escape_mrkdwn(m.name)}: {escape_mrkdwn(m.reason)}" for m in missing)


def who_to_tell(deps: Dependencies, case_id: int) -> tuple[str, list[str]] | None:
    """A case's reference and its social workers' user ids (told when the bot's work for them
    did not finish); None if there is no such case."""
    with deps.unit_of_work() as session:
        case = session.get(Case, case_id)
        if case is None:
            return None
        people = session.exec(
            select(Member.slack_user_id).where(
                Member.case_id == case_id,
                Member.role == Role.SOCIAL_WORKER,
                col(Member.active),
            )
        ).all()
        return case.reference, [p for p in people if p]
