"""Plain-language texts people read, kept together so their tone stays restorative."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from bot.rules.commands import SUB_COMMANDS, usage
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import N_, _
from bot.rules.nations import nation_rules
from bot.rules.schedule import OPEN_MEETINGS
from bot.rules.timeline import Timeline, format_day
from bot.rules.vocabulary import MeetingKind, Nation
from bot.ui.common import context, header, section
from bot.ui.labels import (
    AGENCY_NAMES,
    NATION_NAMES,
    ROLE_LABELS,
    meeting_heading,
    meeting_words,
    meetings_words,
)
from storage.models import Case, Meeting, Member

HELP_OPENING = N_(
    "*Core Group bot*: I help a core group work the child protection plan together, with the "
    "family."
)
HELP_CLOSING = N_("Only the people in a case's core group can see or change it.")


def help_text() -> str:
    """What the bot can do, in plain words: one line per declared sub-command."""
    lines = [f"• {usage(declared.name)}: {_(declared.help)}" for declared in SUB_COMMANDS]
    return "\n".join([_(HELP_OPENING), *lines, _(HELP_CLOSING)])


def unknown_command_text(verb: str) -> str:
    """A kind answer to an unknown sub-command (the verb is escaped: it is user text)."""
    return _("Sorry, I don't know `{verb}`. Try `/coregroup help` to see what I can do.").format(
        verb=escape_mrkdwn(verb[:40])
    )


def welcome_text(reference: str) -> str:
    """Notification text of the welcome: the case reference and nothing more."""
    return _("Welcome to the core group for {reference}").format(reference=reference)


def welcome_blocks(reference: str, nation: Nation = Nation.ENG) -> list[Block]:
    """What the bot will do, in plain words, and the restorative questions."""
    ref = escape_mrkdwn(reference)
    reviews = meetings_words(MeetingKind.RCPC, nation)
    review = meeting_words(MeetingKind.RCPC, nation)
    return [
        header(_("Welcome to the core group for {reference}").format(reference=reference)),
        section(
            _(
                "This private channel is for the family and the professionals they chose to work "
                "the child protection plan together for *{reference}*. Only the people in the "
                "core group can see it."
            ).format(reference=ref)
        ),
        section(
            _(
                "*What I'll do*\n"
                "• invite everyone to core group meetings and {reviews}, and keep track of "
                "who can come\n"
                "• ask each of you for a short update before each meeting: how each part of the "
                "plan is going (Green, Amber or Red), what is going well, what worries you, and "
                "what you will do next\n"
                "• send friendly reminders on working days when an update is due\n"
                "• put everyone's updates together for the {review}, so nobody needs "
                "reading time"
            ).format(reviews=reviews, review=review)
        ),
        section(
            _(
                "*The questions we work with*\n"
                "• What has happened?\n"
                "• Who has been affected, and how?\n"
                "• How are people feeling about it?\n"
                "• What needs to happen to make things better, and who will do what?"
            )
        ),
        context(_("The family leads. We work *with* the family, in their own words.")),
    ]


def case_card_text(reference: str) -> str:
    """Notification text of the case card."""
    return _("Case card for {reference}").format(reference=reference)


def case_card(
    case: Case,
    members: Sequence[Member],
    meetings: Sequence[Meeting],
    today: date | None = None,
) -> list[Block]:
    """The pinned summary: who is in the core group, by agency, and the next dates."""
    by_agency: dict[str, list[str]] = {}
    for member in members:
        if member.active:
            label = ROLE_LABELS.get(member.role) or AGENCY_NAMES[member.agency]
            by_agency.setdefault(label, []).append(escape_mrkdwn(member.display_name))
    people = "\n".join(f"• *{agency}*: {', '.join(names)}" for agency, names in by_agency.items())
    upcoming = next_dates(meetings, case.timezone, case.nation, today)
    dates = "\n".join(f"• {label} {when}" for label, when in upcoming) or _("• none")
    return [
        header(_("Case {reference}").format(reference=case.reference)),
        section(_("*Core group*") + "\n" + (people or _("• nobody yet"))),
        section(_("*Next dates*") + "\n" + dates),
        context(
            _("{initial} {day}. Slack is not the case record.").format(
                initial=meeting_words(MeetingKind.ICPC, case.nation, capital=True),
                day=format_day(case.icpc_date),
            )
        ),
    ]


def next_dates(
    meetings: Sequence[Meeting],
    tz_name: str,
    nation: Nation = Nation.ENG,
    today: date | None = None,
) -> list[tuple[str, str]]:
    """The next core group and review conference not yet held: (label in the nation's words,
    when in words). A meeting whose set day is before `today` is not "next", whether or not
    anyone recorded it."""
    result: list[tuple[str, str]] = []
    for kind in (MeetingKind.CORE_GROUP, MeetingKind.RCPC):
        pending = sorted(
            (
                m
                for m in meetings
                if m.kind == kind and m.status in OPEN_MEETINGS and not _gone_by(m, tz_name, today)
            ),
            key=lambda m: m.due_by,
        )
        if pending:
            result.append((meeting_heading(kind, nation), when_text(pending[0], tz_name)))
    return result


def _gone_by(meeting: Meeting, tz_name: str, today: date | None) -> bool:
    if today is None:
        return False
    if meeting.starts_at is None:
        return meeting.due_by < today  # its latest date has passed: it is not "next" by then
    return meeting.starts_at.astimezone(ZoneInfo(tz_name)).date() < today


def when_text(meeting: Meeting, tz_name: str) -> str:
    """'on Thu  3 Dec 2026 at 10:00' once set, else 'by Fri  4 Dec 2026' (the latest date)."""
    if meeting.starts_at is None:
        return _("by {day}").format(day=format_day(meeting.due_by))
    local = meeting.starts_at.astimezone(ZoneInfo(tz_name))
    return _("on {day} at {time}").format(day=format_day(local.date()), time=f"{local:%H:%M}")


def topic_for(case: Case, meetings: Sequence[Meeting], today: date | None = None) -> str:
    """The channel topic: the case reference and the next meeting (members only see it)."""
    upcoming = next_dates(meetings, case.timezone, case.nation, today)
    nxt = (
        _(" · next: {meeting} {when}").format(meeting=upcoming[0][0].lower(), when=upcoming[0][1])
        if upcoming
        else ""
    )
    return (_("Core group for {reference}").format(reference=case.reference) + nxt)[:250]


def joined_text(user_id: str) -> str:
    """For the social worker: someone joined the case channel without the bot."""
    return _(
        "{person} joined the case channel, so I've added them to the core group as "
        "'other agency'. Set their agency with `/coregroup add`, or take them out with "
        "`/coregroup remove` if they shouldn't be there."
    ).format(person=f"<@{user_id}>")


def left_text(user_id: str) -> str:
    """For the social worker: someone left the case channel."""
    return _(
        "{person} left the case channel, so they are no longer in the core group and won't "
        "be asked for updates. Add them back with `/coregroup add` if that was a mistake."
    ).format(person=f"<@{user_id}>")


def timeline_text(timeline: Timeline) -> str:
    """The timeline as a social worker would plan by: one dated line each, in order."""
    # Rank keeps same-day lines in a fixed order: reports before meetings.
    # The nation's words: a Scottish plan speaks of CPPMs and review CPPMs.
    words = nation_rules(timeline.nation).words
    abbreviation = f" ({words.review_abbreviation})" if words.review_abbreviation else ""
    lines: list[tuple[date, int, str]] = [(timeline.icpc, 0, words.initial_heading)]
    for number, day in enumerate(timeline.core_groups, start=1):
        label = "First core group by" if number == 1 else f"Core group {number} by"
        lines.append((day, 2, label))
    for number, rcpc in enumerate(timeline.rcpcs, start=1):
        lines.append((rcpc.reports_due, 1, f"Reports due for {words.review} {number}"))
        lines.append((rcpc.by, 3, f"{words.review_heading} {number}{abbreviation} by"))
    nation = NATION_NAMES[timeline.nation]
    heading = f"Latest dates for this plan, on working days in {nation}"
    body = [f"{format_day(day)}  {label}" for day, _rank, label in sorted(lines)]
    return "\n".join([heading, *body])
