"""Opening a case: its private channel, its register of members, its meetings, and its audit."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.case_form import NewCase
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import N_, Translated, _, locale_of, speaking
from bot.rules.schedule import calendar_for, rules_for
from bot.rules.separation import in_shared_channel
from bot.rules.timeline import plan_timeline
from bot.rules.vocabulary import Agency, MeetingKind, MeetingStatus, Role
from bot.services import audit
from bot.services.languages import note_slack_locale, tell_person
from bot.slack.gateway import SlackError, SlackGateway
from bot.ui.bilingual import rendered
from bot.ui.common import section
from bot.ui.separation import separate_notice_text, separated_notice
from bot.ui.texts import case_card, case_card_text, topic_for, welcome_blocks, welcome_text
from storage.models import Area, Case, Meeting, Member

log = logging.getLogger(__name__)


class ChannelNameTakenError(Exception):
    """Slack already has a channel (perhaps archived) with the case reference as its name."""


@dataclass(frozen=True)
class Missing:
    """A person who is in the register but could not be brought into the channel, and why."""

    name: str
    reason: str


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


def invite_failure_reason(gateway: SlackGateway, user_id: str, code: str) -> str:
    """Why an invitation failed, in words; a deactivated account is named as such."""
    if code in ("cant_invite", "user_not_found"):
        try:
            if gateway.user(user_id).deleted:
                return INVITE_REASONS["user_disabled"]
        except SlackError:
            pass
    return INVITE_REASONS.get(code) or _("Slack said {code}").format(code=code)


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


def open_case(deps: Dependencies, form: NewCase, *, team_id: str, opened_by: str) -> OpenedCase:
    """Create the channel, then the case; if either fails, neither exists.

    Raises ChannelNameTakenError (for the modal to show inline) or SlackError.
    """
    people, slack_locales = _people(deps.gateway, form)
    try:
        channel_id = deps.gateway.create_private_channel(form.reference)
    except SlackError as error:
        if error.code == "name_taken":
            raise ChannelNameTakenError(form.reference) from None
        raise
    try:
        with deps.unit_of_work() as session:
            case, members = _record_case(
                session, deps, form, people, team_id, channel_id, opened_by
            )
            for user_id, slack_locale in slack_locales.items():
                note_slack_locale(session, user_id, slack_locale, deps.clock.now())
            assert case.id is not None
            case_id = case.id
    except Exception:
        # No case without a channel, and no orphan channel without a case.
        deps.gateway.archive(channel_id)
        raise

    shared = [m for m in members if in_shared_channel(m.role, family_separate=form.family_separate)]
    missing = _invite(deps, channel_id, case_id, shared, opened_by)
    _introduce(deps, channel_id, case_id)
    for member in members:
        if member.slack_user_id and member not in shared:
            welcome_served_apart(deps, member.slack_user_id, form.reference)
    return OpenedCase(case_id, channel_id, tuple(missing))


def _people(gateway: SlackGateway, form: NewCase) -> tuple[dict[str, str], dict[str, str]]:
    """Display names for everyone chosen (an unknown id keeps its id as the name), and the
    Slack locale of those whose Slack says it."""
    ids = {form.chair, form.social_worker, *form.family_on_slack}
    ids.update(person for person, _ in form.professionals)
    names: dict[str, str] = {}
    slack_locales: dict[str, str] = {}
    for user_id in ids:
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
    channel_id: str,
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
    audit.record(
        session,
        actor=opened_by,
        action=AuditAction.CASE_OPENED,
        at=now,
        case_id=case.id,
        area_id=area.id,
        reference=form.reference,
        channel=channel_id,
        icpc=form.icpc.isoformat(),
        family_separate=form.family_separate,
        members=[
            {"user": m.slack_user_id, "role": m.role.value, "agency": m.agency.value}
            for m in members
        ],
    )
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
                continue
            reason = invite_failure_reason(deps.gateway, member.slack_user_id, error.code)
            missing.append(Missing(member.display_name, reason))
            _mark_not_joined(deps, case_id, member.slack_user_id, error.code, opened_by)
    return missing


def welcome_served_apart(deps: Dependencies, user_id: str, reference: str) -> None:
    """A family member served separately hears from the bot privately, and why."""
    try:
        tell_person(
            deps,
            user_id,
            lambda: (separate_notice_text(reference), [section(separated_notice(reference))]),
        )
    except SlackError as error:
        log.warning("could not welcome a family member served separately: %s", error.code)


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


def _introduce(deps: Dependencies, channel_id: str, case_id: int) -> None:
    """Topic, welcome and the pinned case card."""
    case, members, meetings = _card_inputs(deps, case_id)
    language = case.bot_language
    with speaking(locale_of(language)):  # a topic has room for one language: Welsh first
        deps.gateway.set_topic(channel_id, topic_for(case, meetings))
    welcome = rendered(
        language,
        lambda: (welcome_text(case.reference), welcome_blocks(case.reference, case.nation)),
    )
    deps.gateway.post(channel_id, welcome["text"], welcome["blocks"])
    card = rendered(
        language, lambda: (case_card_text(case.reference), case_card(case, members, meetings))
    )
    card_ts = deps.gateway.post(channel_id, card["text"], card["blocks"])[1]
    deps.gateway.pin(channel_id, card_ts)
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
            deps.gateway.set_topic(case.slack_channel_id, topic_for(case, meetings, today))
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
    """A line per person who is not in the channel, for the social worker."""
    return "\n".join(f"• {escape_mrkdwn(m.name)}: {escape_mrkdwn(m.reason)}" for m in missing)
