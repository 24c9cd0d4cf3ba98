"""Every audit action has words a social worker or chair reads; stored values never change."""

from __future__ import annotations

import re

import pytest

from bot.rules.audit_actions import (
    DESCRIPTIONS,
    SLOTS,
    UNKNOWN,
    AuditAction,
    description,
    known_action,
    slots_of,
)
from bot.rules.i18n import WELSH, gettext, speaking

# What a code looks like: `meeting.reply`, `plan.outcome_saved`, `family_may_edit`.
CODE = re.compile(r"[a-z]+[._][a-z_]+")

# The values already written to the append-only audit table: each must keep reading as before.
STORED_BEFORE_THE_ENUM = {
    "case.opened",
    "case.archived",
    "case.channel_archived",
    "member.added",
    "member.removed",
    "member.role_changed",
    "member.invite_failed",
    "member.joined_channel",
    "member.left_channel",
    "member.away",
    "meeting.scheduled",
    "meeting.reply",
    "meeting.attendance",
    "update.submitted",
    "plan.outcome_saved",
    "plan.action_saved",
    "plan.action_done",
    "plan.family_may_edit",
    "summary.drafted",
    "summary.released",
    "conference.decision",
}
# Added since, and stored from then on under these values.
ADDED_SINCE = {
    "approval.requested",
    "approval.decided",
    "case.exported",
    "case.purged",
    "meeting.held_answer",
    "agenda.saved",
    "case.family_separate",
    "case.words_released",
    # The managers' measures (issue 17).
    "update.opened",
    "area.manager_granted",
    "area.manager_removed",
    # An area named from the command line (what the measures call the team).
    "area.renamed",
    # A person's choice of the bot's language (issue 16).
    "person.language_chosen",
    # An area admin's change of the area's default language (issue 16).
    "area.language_changed",
    # A case whose channel could not be made, withdrawn whole (issue 19).
    "case.withdrawn",
}


@pytest.mark.parametrize("action", list(AuditAction))
def test_every_audit_action_has_plain_words(action: AuditAction) -> None:
    assert action in DESCRIPTIONS, f"{action.name} has no words in DESCRIPTIONS"
    words = DESCRIPTIONS[action]
    assert words.strip() and words == words.strip()
    assert not CODE.search(words), f"{action.name}'s words look like a code: {words!r}"
    assert slots_of(words) <= SLOTS, f"{action.name} uses an unknown slot: {words!r}"


def test_the_words_are_declared_for_members_only() -> None:
    assert set(DESCRIPTIONS) == set(AuditAction)


# Added since, by retention and purge (issue 18).
def test_the_stored_values_are_the_ones_old_rows_hold() -> None:
    assert {action.value for action in AuditAction} == STORED_BEFORE_THE_ENUM | ADDED_SINCE


def test_slots_are_filled_and_default_to_neutral_words() -> None:
    assert description("member.added", person="PC Lewis") == "added PC Lewis to the core group"
    assert description(AuditAction.MEMBER_ADDED) == "added someone to the core group"
    assert description(AuditAction.MEETING_REPLY) == "replied to the invitation to a meeting"


@pytest.mark.parametrize("stored", ["plan.outcome_dropped", "", "MEETING.REPLY", "meeting"])
def test_an_action_this_version_does_not_know_reads_as_a_change_to_the_case(stored: str) -> None:
    assert known_action(stored) is None
    assert description(stored, person="PC Lewis") == UNKNOWN
    assert "a change to the case" in UNKNOWN


def test_the_history_s_words_are_in_the_reader_s_language() -> None:
    english = {action: description(action) for action in AuditAction}
    with speaking(WELSH):
        welsh = {action: description(action) for action in AuditAction}
        assert description("member.added", person="PC Lewis") == (
            "ychwanegodd PC Lewis at y grŵp craidd"
        )
        assert description("plan.outcome_dropped") == "gwnaeth newid i'r achos"
    # Every event has Welsh words of its own, with the same slots as its English.
    assert all(welsh[action] != english[action] for action in AuditAction)
    for action in AuditAction:
        with speaking(WELSH):
            words = gettext(DESCRIPTIONS[action])
        assert slots_of(words) == slots_of(DESCRIPTIONS[action])
