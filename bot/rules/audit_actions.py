"""Every change to a case the audit trail records, and the words a social worker or chair reads."""

from __future__ import annotations

import string
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from bot.rules.i18n import N_, gettext


class AuditAction(StrEnum):
    """What an audit event records; the values are stored in an append-only table, so a value is
    never changed or reused, only added."""

    CASE_OPENED = "case.opened"
    # Its channel could not be made: the case's rows are gone and the reference is free again.
    CASE_WITHDRAWN = "case.withdrawn"
    CASE_ARCHIVED = "case.archived"
    CASE_CHANNEL_ARCHIVED = "case.channel_archived"
    MEMBER_ADDED = "member.added"
    MEMBER_REMOVED = "member.removed"
    MEMBER_ROLE_CHANGED = "member.role_changed"
    MEMBER_INVITE_FAILED = "member.invite_failed"
    MEMBER_JOINED_CHANNEL = "member.joined_channel"
    MEMBER_LEFT_CHANNEL = "member.left_channel"
    MEMBER_AWAY = "member.away"
    MEETING_SCHEDULED = "meeting.scheduled"
    MEETING_REPLY = "meeting.reply"
    MEETING_ATTENDANCE = "meeting.attendance"
    MEETING_HELD_ANSWER = "meeting.held_answer"
    UPDATE_SUBMITTED = "update.submitted"
    PLAN_OUTCOME_SAVED = "plan.outcome_saved"
    PLAN_ACTION_SAVED = "plan.action_saved"
    PLAN_ACTION_DONE = "plan.action_done"
    PLAN_FAMILY_MAY_EDIT = "plan.family_may_edit"
    SUMMARY_DRAFTED = "summary.drafted"
    SUMMARY_RELEASED = "summary.released"
    CONFERENCE_DECISION = "conference.decision"
    APPROVAL_REQUESTED = "approval.requested"
    APPROVAL_DECIDED = "approval.decided"
    CASE_EXPORTED = "case.exported"
    # A purge's tombstone: the case's reference, dates and counts, and who or what purged it.
    CASE_PURGED = "case.purged"
    AGENDA_SAVED = "agenda.saved"
    FAMILY_SEPARATE = "case.family_separate"
    WORDS_RELEASED = "case.words_released"
    # The social worker or chair opened a whole update from its new-harm alert (the measure of
    # time from new harm to the social worker reading it starts from these).
    UPDATE_OPENED = "update.opened"
    # An area admin granted or took away the manager role (measures, never case content).
    MANAGER_GRANTED = "area.manager_granted"
    MANAGER_REMOVED = "area.manager_removed"
    # The area's name (what the measures call the team) was set from the command line.
    AREA_RENAMED = "area.renamed"
    LANGUAGE_CHOSEN = "person.language_chosen"
    AREA_LANGUAGE_CHANGED = "area.language_changed"


# What someone did, said after their name ("Priya Shah · opened the case"). Two slots are filled
# from the event: {person}, the person it was about, and {meeting}, e.g. "the core group meeting
# on Thu 3 Dec 2026"; an event that lacks them reads "someone" and "a meeting". Further detail
# (a reply, a role, a decision) follows these words, written where the history is put together.
DESCRIPTIONS: Mapping[AuditAction, str] = MappingProxyType(
    {
        AuditAction.CASE_OPENED: N_("opened the case"),
        AuditAction.CASE_WITHDRAWN: N_(
            "saw a case withdrawn because its channel could not be made"
        ),
        AuditAction.CASE_ARCHIVED: N_("archived the case channel"),
        AuditAction.CASE_CHANNEL_ARCHIVED: N_(
            "found that the case channel had been archived in Slack"
        ),
        AuditAction.MEMBER_ADDED: N_("added {person} to the core group"),
        AuditAction.MEMBER_REMOVED: N_("took {person} out of the core group"),
        AuditAction.MEMBER_ROLE_CHANGED: N_("changed {person}'s role in the core group"),
        AuditAction.MEMBER_INVITE_FAILED: N_("could not add {person} to the case channel"),
        AuditAction.MEMBER_JOINED_CHANNEL: N_(
            "saw {person} join the case channel and added them to the core group"
        ),
        AuditAction.MEMBER_LEFT_CHANNEL: N_(
            "saw {person} leave the case channel and took them out of the core group"
        ),
        AuditAction.MEMBER_AWAY: N_("changed when they are away"),
        AuditAction.MEETING_SCHEDULED: N_("set the date of {meeting}"),
        AuditAction.MEETING_REPLY: N_("replied to the invitation to {meeting}"),
        AuditAction.MEETING_ATTENDANCE: N_("recorded who came to {meeting}"),
        AuditAction.MEETING_HELD_ANSWER: N_("said whether {meeting} was held"),
        AuditAction.UPDATE_SUBMITTED: N_("sent an update for {meeting}"),
        AuditAction.PLAN_OUTCOME_SAVED: N_("saved an outcome in the plan"),
        AuditAction.PLAN_ACTION_SAVED: N_("saved an action in the plan"),
        AuditAction.PLAN_ACTION_DONE: N_("marked an action in the plan as done"),
        AuditAction.PLAN_FAMILY_MAY_EDIT: N_("changed whether the family may edit the plan"),
        AuditAction.SUMMARY_DRAFTED: N_("drafted the summary of {meeting}"),
        AuditAction.SUMMARY_RELEASED: N_("shared the summary of {meeting} with the core group"),
        AuditAction.CONFERENCE_DECISION: N_("recorded the decision of {meeting}"),
        AuditAction.APPROVAL_REQUESTED: N_(
            "asked the social worker to agree to {person} standing in or coming"
        ),
        AuditAction.APPROVAL_DECIDED: N_("answered the request about {person}"),
        AuditAction.CASE_EXPORTED: N_("exported the case's record for the authority's system"),
        AuditAction.CASE_PURGED: N_("purged the case's data, keeping only this note"),
        AuditAction.AGENDA_SAVED: N_("recorded the conference agenda with the family"),
        AuditAction.FAMILY_SEPARATE: N_(
            "changed whether family members are served separately, so none sees another's words"
        ),
        AuditAction.WORDS_RELEASED: N_("let {person} read another family member's words"),
        AuditAction.UPDATE_OPENED: N_("opened an update that reported new harm"),
        AuditAction.MANAGER_GRANTED: N_(
            "gave {person} a role across the area (its figures, never a case)"
        ),
        AuditAction.MANAGER_REMOVED: N_("took away the role {person} had across the area"),
        AuditAction.AREA_RENAMED: N_("renamed the area"),
        AuditAction.LANGUAGE_CHOSEN: N_("chose the language the bot speaks to them"),
        AuditAction.AREA_LANGUAGE_CHANGED: N_("changed the area's default language"),
    }
)

# The slots a description may use; anything else would be a mistake in the words above.
SLOTS = frozenset({"person", "meeting"})

# An action found in an old row that is no longer (or not yet) a member: said neutrally.
UNKNOWN = N_("made a change to the case")


def known_action(stored: str) -> AuditAction | None:
    """The member a stored action string names, or None for one this version does not know."""
    try:
        return AuditAction(stored)
    except ValueError:
        return None


def slots_of(words: str) -> set[str]:
    """The slots a description fills, e.g. {'person'} for 'added {person} to the core group'."""
    return {field for _, field, _, _ in string.Formatter().parse(words) if field is not None}


def description(stored: str, *, person: str | None = None, meeting: str | None = None) -> str:
    """The words for a stored action in the reader's language, its slots filled ("someone" and
    "a meeting" when the event lacks them); neutral words for an unknown action."""
    action = known_action(stored)
    if action is None:
        return gettext(UNKNOWN)
    return gettext(DESCRIPTIONS[action]).format(
        person=gettext("someone") if person is None else person,
        meeting=gettext("a meeting") if meeting is None else meeting,
    )
