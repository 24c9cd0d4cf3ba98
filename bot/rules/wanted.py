"""Which messages one case should have planned, from its state: no database, no Slack, no words.

Planning loads many cases at once (`bot.services.planning`), then asks this module what each one
wants: keys, recipients and due instants. What a message says is written when it is sent
(`bot.delivery.content`), so nothing here renders and nothing here grows with a message's length.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.rules.messages import (
    MessageKind,
    PlannedMessage,
    action_tag,
    meeting_tag,
    outbox_key,
    request_tag,
)
from bot.rules.schedule import (
    DEADLINE_TIME,
    OPEN_MEETINGS,
    OWES_UPDATE,
    away_on,
    calendar_for,
    deadline_day,
    meeting_day,
    rules_for,
)
from bot.rules.stand_ins import is_family_side
from bot.rules.timeline import (
    ChaseStep,
    TimelineRules,
    chase_days,
    local_instant,
    prompt_day,
    shares_review_round,
)
from bot.rules.vocabulary import (
    ActionStatus,
    CaseStatus,
    MeetingKind,
    MeetingStatus,
    Role,
    UpdateRequestStatus,
)
from bot.rules.working_days import WorkingCalendar

if TYPE_CHECKING:
    from storage.models import Area, Case, Meeting, Member, PlanAction, UpdateRequest

# Open actions remind their owner this many working days before they are due.
ACTION_REMINDER_WORKING_DAYS = 2
# The social worker is reminded to arrange the first core group every this many working days
# from the day after the case opens until it has a date...
ARRANGE_EVERY_WORKING_DAYS = 3
# ...and, when its limit passes with no date, this many times more (a bound, so planning ends).
ARRANGE_AFTER_LIMIT = 5


@dataclass
class CaseState:
    """What planning knows of one case: loaded in bulk, then read without the database."""

    case: Case
    area: Area
    members: list[Member]  # active members only
    meetings: list[Meeting]  # every meeting of the case
    actions: list[PlanAction]  # open actions with a due date
    # Update requests of the meetings updates are owed for, by meeting id (see `owing`).
    requests: dict[int, list[UpdateRequest]] = field(default_factory=dict)

    @cached_property
    def case_id(self) -> int:
        assert self.case.id is not None
        return self.case.id

    @cached_property
    def rules(self) -> TimelineRules:
        """The area's timescales: how far ahead each message goes out."""
        return rules_for(self.area, self.case.nation)

    @property
    def active(self) -> bool:
        """Whether the case wants messages at all (open, with a channel that is not archived)."""
        case = self.case
        return (
            case.status == CaseStatus.OPEN
            and not case.channel_archived
            and case.slack_channel_id is not None
        )

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.case.timezone)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return calendar_for(self.area, self.case)

    def at(self, day: date) -> datetime:
        """The area's sending time of day on `day`, as a UTC instant."""
        return local_instant(day, self.rules.local_time, self.tz)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def deadline(self, meeting: Meeting) -> date:
        return deadline_day(meeting, self.area, self.calendar, self.tz)

    def due_at(self, meeting: Meeting) -> datetime:
        """When a report for `meeting` is due: the end of its deadline day, locally."""
        return local_instant(self.deadline(meeting), DEADLINE_TIME, self.tz)

    def owing(self) -> list[Member]:
        """The members who owe an update before each meeting."""
        return [m for m in self.members if m.role in OWES_UPDATE and m.id is not None]

    def next_meetings(self, now: datetime) -> list[Meeting]:
        """The next open core group and the next open review conference, by their day."""
        today = self.today(now)
        found: list[Meeting] = []
        for kind in (MeetingKind.CORE_GROUP, MeetingKind.RCPC):
            upcoming = [
                m
                for m in self.meetings
                if m.kind == kind and m.status in OPEN_MEETINGS and meeting_day(m, self.tz) >= today
            ]
            if upcoming:
                found.append(min(upcoming, key=lambda m: (meeting_day(m, self.tz), m.sequence)))
        return found

    def shared_round(self, meetings: Sequence[Meeting]) -> Meeting | None:
        """The core group among `meetings` that shares the review conference's update round
        (it falls within the rules' weeks before the review), or None."""
        core = next((m for m in meetings if m.kind == MeetingKind.CORE_GROUP), None)
        review = next((m for m in meetings if m.kind == MeetingKind.RCPC), None)
        if core is None or review is None:
            return None
        core_day, review_day = meeting_day(core, self.tz), meeting_day(review, self.tz)
        return core if shares_review_round(core_day, review_day, self.rules) else None

    def invited_to(self, now: datetime) -> list[Meeting]:
        """Meetings with a date ahead: everyone is invited to them."""
        return [
            m
            for m in self.meetings
            if m.status == MeetingStatus.SCHEDULED and m.starts_at is not None and m.starts_at > now
        ]

    def conference_in_hand(self) -> Meeting | None:
        """The review conference now in hand: the earliest one without a decision."""
        candidates = [
            m
            for m in self.meetings
            if m.kind == MeetingKind.RCPC
            and m.decision is None
            and m.status != MeetingStatus.CANCELLED
        ]
        return min(candidates, key=lambda m: m.sequence) if candidates else None

    def next_replan(self, now: datetime) -> datetime | None:
        """When time alone next changes the plan: the start of the day after the next meeting
        day (the next meeting then moves on), or None when no meeting is ahead."""
        today = self.today(now)
        days = [meeting_day(m, self.tz) for m in self.meetings if m.status in OPEN_MEETINGS]
        upcoming = [d for d in days if d >= today]
        if not upcoming:
            return None
        return local_instant(min(upcoming) + timedelta(days=1), time(0, 0), self.tz)


def wanted(state: CaseState, now: datetime) -> list[PlannedMessage]:
    """Every message this case should have planned, given its state now."""
    if not state.active:
        return []
    return [
        *_invitations(state, now),
        *_action_reminders(state, now),
        *_update_messages(state, now),
        *_digests(state, now),
        *_arrange_reminders(state, now),
        *_held_checks(state, now),
        *_family_copy_prompts(state, now),
    ]


def _message(
    state: CaseState,
    kind: MessageKind,
    parts: tuple[object, ...],
    to: str,
    at: datetime,
    **args: object,
) -> PlannedMessage:
    key = outbox_key(kind, *parts, case_id=state.case_id)
    return PlannedMessage.built_when_sent(key, kind, to, at, state.case_id, **args)


def _stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%MZ")


def _people(members: Sequence[Member], *roles: Role) -> list[str]:
    return [m.slack_user_id for m in members if m.slack_user_id and (not roles or m.role in roles)]


def _invitations(state: CaseState, now: datetime) -> Iterator[PlannedMessage]:
    """The channel and every member are invited; a conference's quorum is watched."""
    channel = state.case.slack_channel_id or ""
    for meeting in state.invited_to(now):
        assert meeting.starts_at is not None
        start_day = meeting.starts_at.astimezone(state.tz).date()
        stamp = _stamp(meeting.starts_at)
        lead = state.rules.invitation_lead_working_days
        invite_at = state.at(state.calendar.add_working_days(start_day, -lead))
        tag = meeting_tag(meeting.id)
        yield _message(
            state,
            MessageKind.INVITATION,
            (tag, channel, stamp),
            channel,
            invite_at,
            meeting=meeting.id,
            in_channel=True,
        )
        for member in state.members:
            person = member.slack_user_id
            if not person:
                continue
            # The family's side get their own invitation (what it is for, help on offer, and
            # bringing someone rather than sending someone), not the professionals' one.
            family = is_family_side(member.role)
            kind = MessageKind.FAMILY_INVITATION if family else MessageKind.INVITATION
            yield _message(
                state,
                kind,
                (tag, person, stamp),
                person,
                invite_at,
                meeting=meeting.id,
                in_channel=False,
            )
        if meeting.kind == MeetingKind.RCPC:
            # Sent only if, when the day comes, the replies forecast no quorum.
            lead = state.rules.quorum_warning_working_days
            warn_at = state.at(state.calendar.add_working_days(start_day, -lead))
            for person in _people(state.members, Role.CHAIR, Role.SOCIAL_WORKER):
                yield _message(
                    state,
                    MessageKind.QUORUM_WARNING,
                    (tag, person, stamp),
                    person,
                    warn_at,
                    meeting=meeting.id,
                )


def _action_reminders(state: CaseState, now: datetime) -> Iterator[PlannedMessage]:
    """Open actions due soon remind their owner, two working days before, with a Done button."""
    owners = {m.id: m.slack_user_id for m in state.members if m.slack_user_id}
    for action in state.actions:
        owner = owners.get(action.owner_member_id)
        if action.status != ActionStatus.OPEN or action.due_date is None or owner is None:
            continue
        if state.at(action.due_date) < now:
            continue  # overdue actions show on the plan and in the summary, not as nagging
        remind_on = state.calendar.add_working_days(
            state.calendar.on_or_before(action.due_date), -ACTION_REMINDER_WORKING_DAYS
        )
        yield _message(
            state,
            MessageKind.ACTION_REMINDER,
            (action_tag(action.id), owner, f"{action.due_date:%Y%m%d}"),
            owner,
            state.at(remind_on),
            action=action.id,
        )


def _update_messages(state: CaseState, now: datetime) -> Iterator[PlannedMessage]:
    """Prompts, chases on working days, notices to the social worker and chair, and progress."""
    by_id = {m.id: m for m in state.members}
    social_workers = [m for m in state.members if m.role == Role.SOCIAL_WORKER and m.slack_user_id]
    chairs = _people(state.members, Role.CHAIR)
    # Nobody is asked for an update before a meeting nobody has arranged yet.
    meetings = [m for m in state.next_meetings(now) if m.starts_at is not None]
    sharing = state.shared_round(meetings)
    for meeting in meetings:
        if sharing is not None and meeting is sharing:
            continue  # its updates come from the review conference's round
        requests = state.requests.get(meeting.id or 0, [])
        if not requests:
            continue
        deadline = state.deadline(meeting)
        prompt_at = state.at(
            prompt_day(deadline, state.calendar, state.rules.prompt_lead_working_days)
        )
        if sharing is not None and meeting.kind == MeetingKind.RCPC:
            # One round feeds both: asked for in time for the core group, due for the review.
            core_deadline = state.deadline(sharing)
            lead = state.rules.prompt_lead_working_days
            prompt_at = min(prompt_at, state.at(prompt_day(core_deadline, state.calendar, lead)))
        tag = (meeting_tag(meeting.id), f"{deadline:%Y%m%d}")
        chases = [(step, day, state.at(day)) for step, day in chase_days(deadline, state.calendar)]
        yield _message(
            state,
            MessageKind.PROGRESS,
            tag,
            state.case.slack_channel_id or "",
            prompt_at,
            meeting=meeting.id,
        )
        for request in requests:
            member = by_id[request.member_id]
            r = request_tag(request.id)
            if member.slack_user_id is None:
                # A family member not on Slack: their social worker fills it in with them.
                for sw in social_workers:
                    yield _message(
                        state,
                        MessageKind.PROMPT,
                        (*tag, r, sw.slack_user_id),
                        sw.slack_user_id or "",
                        prompt_at,
                        request=request.id,
                        with_family=True,
                    )
            else:
                yield _message(
                    state,
                    MessageKind.PROMPT,
                    (*tag, r, member.slack_user_id),
                    member.slack_user_id,
                    prompt_at,
                    request=request.id,
                )
            if request.status != UpdateRequestStatus.REQUESTED:
                continue  # received (or waived): every chase for it is cancelled
            if is_family_side(member.role):
                yield from _family_invitation(state, member, request, tag, chases, social_workers)
                continue
            for step, day, at in chases:
                if step == ChaseStep.ESCALATED:
                    for chair in chairs:
                        yield _message(
                            state,
                            MessageKind.ESCALATION,
                            (*tag, r, chair),
                            chair,
                            at,
                            request=request.id,
                        )
                    continue
                target, covering = _chase_target(member, by_id, day, social_workers)
                if target is not None:
                    yield _message(
                        state,
                        MessageKind.CHASE,
                        (*tag, r, step.value, target),
                        target,
                        at,
                        request=request.id,
                        step=step.value,
                        covering=covering,
                        day=day.isoformat(),
                        cover=target if covering else None,
                    )
                if step == ChaseStep.OVERDUE:
                    for sw in social_workers:
                        if sw.id != member.id:
                            yield _message(
                                state,
                                MessageKind.OVERDUE_NOTICE,
                                (*tag, r, sw.slack_user_id),
                                sw.slack_user_id or "",
                                at,
                                request=request.id,
                                reminded=target is not None,
                            )


def _family_invitation(
    state: CaseState,
    member: Member,
    request: UpdateRequest,
    tag: tuple[str, str],
    chases: Sequence[tuple[ChaseStep, date, datetime]],
    social_workers: Sequence[Member],
) -> Iterator[PlannedMessage]:
    """A family-side member's words are invited, not owed: one gentle reminder (to their social
    worker when they are not on Slack), then one note asking the social worker to check in with
    them. Never an overdue message, and never a word to the chair."""
    r = request_tag(request.id)
    for step, _, at in chases:
        if step == ChaseStep.REMINDER:
            targets = (
                [member.slack_user_id]
                if member.slack_user_id
                else [s.slack_user_id for s in social_workers[:1] if s.slack_user_id]
            )
            for target in targets:
                yield _message(
                    state,
                    MessageKind.CHASE,
                    (*tag, r, step.value, target),
                    target,
                    at,
                    request=request.id,
                    step=step.value,
                    covering=False,
                )
        elif step == ChaseStep.OVERDUE:
            for sw in social_workers:
                yield _message(
                    state,
                    MessageKind.CHECK_IN,
                    (*tag, r, sw.slack_user_id),
                    sw.slack_user_id or "",
                    at,
                    request=request.id,
                )


def _chase_target(
    member: Member, by_id: dict[int | None, Member], day: date, social_workers: Sequence[Member]
) -> tuple[str | None, bool]:
    """Who is chased for this member's update on this day (them, their cover, or nobody), and
    whether that person is covering."""
    if member.slack_user_id is None:
        return next((s.slack_user_id for s in social_workers), None), False
    if away_on(member, day):
        cover = by_id.get(member.cover_member_id)
        if cover is not None and cover.active and cover.slack_user_id:
            return cover.slack_user_id, True
        return None, False  # away with nobody covering: not chased while away
    return member.slack_user_id, False


def _family_copy_prompts(state: CaseState, now: datetime) -> Iterator[PlannedMessage]:
    """The family's copy, in the social worker's hands in time for the preparation visit (seed
    001: at least three days before): a set number of working days before the conference."""
    conference = state.conference_in_hand()
    if conference is None or conference.id is None or conference.starts_at is None:
        return
    day = meeting_day(conference, state.tz)
    if day < state.today(now):
        return
    lead = state.rules.family_copy_lead_working_days
    at = state.at(state.calendar.add_working_days(day, -lead))
    for person in _people(state.members, Role.SOCIAL_WORKER):
        yield _message(
            state,
            MessageKind.FAMILY_COPY,
            (meeting_tag(conference.id), person, f"{day:%Y%m%d}"),
            person,
            at,
            conference=conference.id,
        )


def _digests(state: CaseState, now: datetime) -> Iterator[PlannedMessage]:
    """The chair's digest, a set number of working days before the conference in hand."""
    conference = state.conference_in_hand()
    if conference is None or conference.id is None:
        return
    day = meeting_day(conference, state.tz)
    if day < state.today(now):
        return
    at = state.at(state.calendar.add_working_days(day, -state.rules.digest_lead_working_days))
    for chair in _people(state.members, Role.CHAIR):
        yield _message(
            state,
            MessageKind.DIGEST,
            (meeting_tag(conference.id), chair, f"{day:%Y%m%d}"),
            chair,
            at,
            conference=conference.id,
        )


def _arrange_reminders(state: CaseState, now: datetime) -> Iterator[PlannedMessage]:
    """Until the first core group has a date, its social worker is reminded to set it."""
    first = next(
        (m for m in state.meetings if m.kind == MeetingKind.CORE_GROUP and m.sequence == 1), None
    )
    if first is None or first.id is None or first.status != MeetingStatus.DUE:
        return
    calendar, every = state.calendar, ARRANGE_EVERY_WORKING_DAYS
    today = state.today(now)
    last = calendar.add_working_days(
        calendar.on_or_before(first.due_by), every * ARRANGE_AFTER_LIMIT
    )
    day = calendar.add_working_days(state.today(state.case.created_at), 1)
    while day <= last:
        if day >= today:
            for sw in _people(state.members, Role.SOCIAL_WORKER):
                yield _message(
                    state,
                    MessageKind.ARRANGE_REMINDER,
                    (meeting_tag(first.id), sw, f"{day:%Y%m%d}"),
                    sw,
                    state.at(day),
                    meeting=first.id,
                )
        day = calendar.add_working_days(day, every)


def _held_checks(state: CaseState, now: datetime) -> Iterator[PlannedMessage]:
    """A meeting whose day passes with nobody recording it held: its social worker is asked
    once, on the next working day, whether it was."""
    for meeting in state.meetings:
        if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at is None:
            continue
        if meeting.kind not in (MeetingKind.CORE_GROUP, MeetingKind.RCPC):
            continue
        day = meeting.starts_at.astimezone(state.tz).date()
        ask_at = state.at(state.calendar.add_working_days(day, 1))
        for sw in _people(state.members, Role.SOCIAL_WORKER):
            yield _message(
                state,
                MessageKind.HELD_CHECK,
                (meeting_tag(meeting.id), sw, _stamp(meeting.starts_at)),
                sw,
                ask_at,
                meeting=meeting.id,
            )
