"""The audit trail in words for `/coregroup history`: what was done, to whom, and its detail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.rules.audit_actions import AuditAction, description, known_action
from bot.rules.i18n import _, format_datetime, ngettext, pgettext
from bot.rules.timeline import format_day
from bot.rules.vocabulary import Agency, Attendance, Category, Decision, MeetingKind, Role, Rsvp
from bot.services.cases import INVITE_REASONS
from bot.services.updates import meeting_label
from bot.ui.common import fit
from bot.ui.labels import (
    AGENCY_NAMES,
    CATEGORY_WORDS,
    DECISION_WORDS,
    ROLE_LABELS,
    RSVP_WORDS,
    meeting_words,
)
from storage.models import AuditEvent, Case, Meeting, Member, PlanAction, UpdateRequest

# People's own words (an outcome, an action) are quoted, cut short: the plan holds them whole.
_QUOTED = 70


@dataclass(frozen=True)
class Lookups:
    """What a case's events name by id, read once for the whole history."""

    tz: ZoneInfo
    people: Mapping[str, str]  # Slack user id -> name
    members: Mapping[int, str]  # member id -> name (family members not on Slack too)
    meetings: Mapping[int, str]  # meeting id -> "the core group meeting on Thu  3 Dec 2026"
    meeting_kinds: Mapping[int, str]  # meeting id -> "the core group meeting"
    requests: Mapping[int, int]  # update request id -> its meeting id
    actions: Mapping[int, str]  # plan action id -> its description
    initial: str = "initial conference"  # in the case's nation's words


def lookups(session: Session, case_id: int, tz: ZoneInfo, events: Sequence[AuditEvent]) -> Lookups:
    """Read the names, meetings, update requests and plan actions the events refer to."""
    members = session.exec(select(Member).where(Member.case_id == case_id)).all()
    meetings = session.exec(select(Meeting).where(Meeting.case_id == case_id)).all()
    case = session.get_one(Case, case_id)
    request_ids = {_int(e.detail.get("request")) for e in events} - {None}
    action_ids = {_int(e.detail.get("action_id")) for e in events} - {None}
    requests: dict[int, int] = {}
    if request_ids:
        asked = session.exec(
            select(UpdateRequest.id, UpdateRequest.meeting_id).where(
                col(UpdateRequest.id).in_(request_ids)
            )
        )
        requests = {rid: mid for rid, mid in asked if rid is not None}
    actions: dict[int, str] = {}
    if action_ids:
        planned = session.exec(
            select(PlanAction.id, PlanAction.description).where(
                PlanAction.case_id == case_id, col(PlanAction.id).in_(action_ids)
            )
        )
        actions = {aid: text for aid, text in planned if aid is not None}
    return Lookups(
        tz=tz,
        people={m.slack_user_id: m.display_name for m in members if m.slack_user_id},
        members={m.id: m.display_name for m in members if m.id is not None},
        meetings={
            m.id: _("the {meeting}").format(meeting=meeting_label(m, case))
            for m in meetings
            if m.id is not None
        },
        meeting_kinds={
            m.id: _("the {meeting}").format(meeting=meeting_words(m.kind, case.nation))
            for m in meetings
            if m.id is not None
        },
        requests=requests,
        actions=actions,
        initial=meeting_words(MeetingKind.ICPC, case.nation),
    )


def event_words(action: str, detail: Mapping[str, Any], found: Lookups) -> str:
    """What someone did, in words, with the detail the event carries; never a code.

    An action this version does not know reads "made a change to the case"; detail in a shape
    it does not expect (an old row) is left out rather than failing the whole history.
    """
    known = known_action(action)
    if known is None:
        return description(action)
    meeting_id = _int(detail.get("meeting"))
    if known is AuditAction.UPDATE_SUBMITTED:
        meeting_id = found.requests.get(_int(detail.get("request")) or 0)
    # The new date is the detail of a scheduling, so the meeting is named by its kind alone.
    meetings = found.meeting_kinds if known is AuditAction.MEETING_SCHEDULED else found.meetings
    words = description(
        known,
        person=found.people.get(str(detail.get("user"))),
        meeting=meetings.get(meeting_id or 0),
    )
    detail_words = _DETAIL.get(known)
    if detail_words is None:
        return words
    try:
        return words + detail_words(detail, found)
    except (KeyError, TypeError, ValueError, AttributeError):
        return words


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _quoted(text: object) -> str:
    return f"“{fit(_words(text), _QUOTED)}”"


def _words(text: object) -> str:
    """Someone's own words from the detail; anything else there is not shown as if it were."""
    if not isinstance(text, str):
        raise TypeError("not someone's words")
    return text


def _day(iso: str) -> str:
    return format_day(date.fromisoformat(iso))


def _moment(iso: str, tz: ZoneInfo) -> str:
    local = datetime.fromisoformat(iso).astimezone(tz)
    return _("{day} at {time}").format(
        day=format_day(local.date()), time=format_datetime(local, "HH:mm")
    )


def _role(role: str, agency: str | None = None) -> str:
    if Role(role) is Role.PROFESSIONAL:
        return AGENCY_NAMES[Agency(agency)] if agency else _("Professional")
    return ROLE_LABELS[Role(role)]


def _case_opened(detail: Mapping[str, Any], found: Lookups) -> str:
    parts = []
    if isinstance(detail.get("members"), list):
        people = len(detail["members"])
        parts.append(
            ngettext(
                "with {n} person in the core group", "with {n} people in the core group", people
            ).format(n=people)
        )
    if detail.get("icpc"):
        parts.append(
            _("after the {conference} on {day}").format(
                conference=found.initial, day=_day(detail["icpc"])
            )
        )
    return ", " + ", ".join(parts) if parts else ""


def _member_added(detail: Mapping[str, Any], found: Lookups) -> str:
    after = detail.get("after") or {}
    role = f" ({_role(after['role'], after.get('agency'))})" if after.get("role") else ""
    again = _(", where they had been before") if detail.get("before") else ""
    return role + again


def _role_changed(detail: Mapping[str, Any], found: Lookups) -> str:
    before, after = detail["before"]["role"], detail["after"]["role"]
    return _(": from {before} to {after}").format(
        before=_role(before).lower(), after=_role(after).lower()
    )


def _invite_failed(detail: Mapping[str, Any], found: Lookups) -> str:
    reason = INVITE_REASONS.get(str(detail.get("error")))
    return f": {reason}" if reason else ""


def _away(detail: Mapping[str, Any], found: Lookups) -> str:
    after = detail["after"]
    if not after.get("away_until"):
        return _(": back, so their reminders start again")
    cover = found.people.get(str(after.get("cover")))
    until = _day(after["away_until"])
    if cover:
        return _(": away until {day}, with {cover} getting their reminders").format(
            day=until, cover=cover
        )
    return _(": away until {day}").format(day=until)


def _scheduled(detail: Mapping[str, Any], found: Lookups) -> str:
    after, before = detail["after"], detail.get("before") or {}
    words = f": {_moment(after['starts_at'], found.tz)}"
    if after.get("place"):
        words += f", {_words(after['place'])}"
    if before.get("starts_at"):
        words += " " + _("(moved from {moment})").format(
            moment=_moment(before["starts_at"], found.tz)
        )
    return words


def _reply(detail: Mapping[str, Any], found: Lookups) -> str:
    after, before = Rsvp(detail["after"]), Rsvp(detail.get("before") or Rsvp.NONE)
    if before is Rsvp.NONE:
        return f": {RSVP_WORDS[after]}"
    return _(": {reply} (before: {earlier})").format(
        reply=RSVP_WORDS[after], earlier=RSVP_WORDS[before]
    )


def _attendance(detail: Mapping[str, Any], found: Lookups) -> str:
    marks = Counter(v for v in detail["marks"].values() if v in set(Attendance))
    counts = [_how_many(mark, marks[mark]) for mark in Attendance if marks[mark]]
    return f": {', '.join(counts)}" if counts else ""


def _how_many(mark: Attendance, n: int) -> str:
    """How many people did one thing on the day, as a sentence says it in each language (Welsh
    puts the verb first and counts people: "daeth 2 o bobl", "ni ddaeth 1 person")."""
    if mark is Attendance.PRESENT:
        said = ngettext("{n} came", "{n} came", n)
    elif mark is Attendance.LATE:
        said = ngettext("{n} came late", "{n} came late", n)
    elif mark is Attendance.REPRESENTED:
        said = ngettext("{n} sent someone", "{n} sent someone", n)
    elif mark is Attendance.APOLOGIES:
        said = ngettext("{n} sent apologies", "{n} sent apologies", n)
    else:
        said = ngettext("{n} did not come", "{n} did not come", n)
    return said.format(n=n)


def _update(detail: Mapping[str, Any], found: Lookups) -> str:
    words = ""
    for_whom = found.members.get(_int(detail.get("on_behalf_of")) or 0)
    if for_whom:
        words += " " + _("on behalf of {name}").format(name=for_whom)
    if (_int(detail.get("version")) or 1) > 1:
        words += _(", changing an earlier one")
    if detail.get("late"):
        words += _(", after the deadline")
    return words


def _outcome(detail: Mapping[str, Any], found: Lookups) -> str:
    words = f": {_quoted(detail['after'])}"
    if detail.get("before"):
        words += _(", reworded from {earlier}").format(earlier=_quoted(detail["before"]))
    return words


def _action_saved(detail: Mapping[str, Any], found: Lookups) -> str:
    after = detail["after"]
    words = f": {_quoted(after['description'])}"
    owner = found.members.get(_int(after.get("owner")) or 0)
    if owner:
        words += _(", for {name}").format(name=owner)
    if after.get("due"):
        words += _(", by {day}").format(day=_day(after["due"]))
    return words


def _action_done(detail: Mapping[str, Any], found: Lookups) -> str:
    action = found.actions.get(_int(detail.get("action_id")) or 0)
    return f": {_quoted(action)}" if action else ""


def _family_may_edit(detail: Mapping[str, Any], found: Lookups) -> str:
    if detail["after"]:
        return _(": the family may now edit it")
    return _(": the family may no longer edit it")


def _family_separate(detail: Mapping[str, Any], found: Lookups) -> str:
    if detail["after"]:
        return _(": each is now kept in touch by direct message")
    return _(": they share the core group channel again")


def _decision(detail: Mapping[str, Any], found: Lookups) -> str:
    words = f": {DECISION_WORDS[Decision(detail['decision'])]}"
    if detail.get("category"):
        words += _(", under the category of {category}").format(
            category=CATEGORY_WORDS[Category(detail["category"])]
        )
    if detail.get("dissent"):
        words += _("; someone's disagreement was recorded")
    return words


def _approval_decided(detail: Mapping[str, Any], found: Lookups) -> str:
    return _(": agreed") if detail["approved"] is True else _(": did not agree")


def _held_answer(detail: Mapping[str, Any], found: Lookups) -> str:
    if detail.get("held") is True:
        return _(": it was")
    if detail.get("held") is False:
        reason = detail.get("reason")
        if isinstance(reason, str):
            return _(": it was not, because {reason}").format(reason=_quoted(reason))
        return pgettext("was the meeting held", ": no")
    return ""


# Each action's detail in words, after its description; an action without detail has none here.
_DETAIL: Mapping[AuditAction, Callable[[Mapping[str, Any], Lookups], str]] = {
    AuditAction.CASE_OPENED: _case_opened,
    AuditAction.MEMBER_ADDED: _member_added,
    AuditAction.MEMBER_ROLE_CHANGED: _role_changed,
    AuditAction.MEMBER_INVITE_FAILED: _invite_failed,
    AuditAction.MEMBER_AWAY: _away,
    AuditAction.MEETING_SCHEDULED: _scheduled,
    AuditAction.MEETING_REPLY: _reply,
    AuditAction.MEETING_ATTENDANCE: _attendance,
    AuditAction.UPDATE_SUBMITTED: _update,
    AuditAction.PLAN_OUTCOME_SAVED: _outcome,
    AuditAction.PLAN_ACTION_SAVED: _action_saved,
    AuditAction.PLAN_ACTION_DONE: _action_done,
    AuditAction.PLAN_FAMILY_MAY_EDIT: _family_may_edit,
    AuditAction.FAMILY_SEPARATE: _family_separate,
    AuditAction.CONFERENCE_DECISION: _decision,
    AuditAction.APPROVAL_DECIDED: _approval_decided,
    AuditAction.MEETING_HELD_ANSWER: _held_answer,
}
