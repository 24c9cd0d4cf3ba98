"""Every form says, in one plain sentence just above its submit button, who will read it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.devtools.emulator.blockkit import check_view
from bot.rules.agenda import Agenda
from bot.rules.ids import ViewId
from bot.rules.vocabulary import Attendance, Nation, Role
from bot.ui.agenda import agenda_modal
from bot.ui.arranging import not_held_modal
from bot.ui.common import new_case_modal
from bot.ui.meetings import (
    attendance_modal,
    bring_someone_modal,
    decision_modal,
    representative_modal,
    schedule_modal,
)
from bot.ui.plan import action_modal, outcome_modal
from bot.ui.updates import update_modal
from bot.ui.who_reads import FAMILY_UPDATE, WHO_READS
from storage.models import Member

UPDATE = {
    "request_id": 7,
    "case_reference": "oak-family",
    "meeting_label": "core group on Tue 12 Jan",
    "deadline_text": "Fri 8 Jan",
    "outcomes": [(1, "Jo goes to school")],
    "rag_meanings": ("g", "a", "r"),
}

FORMS: dict[str, View] = {
    "new case": new_case_modal(today=date(2027, 1, 8), nation=Nation.ENG, social_worker=None),
    "outcome": outcome_modal(1),
    "action": action_modal(
        1,
        (),
        [Member(id=3, case_id=1, display_name="Ms Reed", role=Role.PROFESSIONAL, agency="school")],
    ),
    "schedule": schedule_modal(1, [(2, "Core group 1")], today=date(2027, 1, 8)),
    "representative": representative_modal(1, 2, "School"),
    "bring someone": bring_someone_modal(1, 2),
    "attendance": attendance_modal(1, 2, [(n, f"P{n}", Attendance.PRESENT) for n in range(99)]),
    "professional update": update_modal(**UPDATE, audience="professional"),  # type: ignore[arg-type]
    "family update": update_modal(**UPDATE, audience="family"),  # type: ignore[arg-type]
    "decision": decision_modal(1, 2, "Review conference 1"),
    "not held": not_held_modal(1, 2, "core group meeting on Tue 12 Jan"),
    "agenda": agenda_modal(1, "oak-family", Agenda()),
}


def last_words(view: View) -> str:
    payload: dict[str, Any] = view.to_dict()
    last = payload["blocks"][-1]
    assert last["type"] == "context"
    return str(last["elements"][0]["text"])


@pytest.mark.parametrize("name", list(FORMS))
def test_each_form_ends_with_who_will_read_it_within_slacks_limits(name: str) -> None:
    view = FORMS[name]
    payload = view.to_dict()
    check_view(json.loads(json.dumps(payload)), expected_type="modal")
    callback = ViewId(payload["callback_id"])
    expected = FAMILY_UPDATE if name == "family update" else WHO_READS[callback]
    assert last_words(view) == f":eyes: {expected}"


def test_every_form_the_bot_has_is_covered() -> None:
    assert {ViewId(v.to_dict()["callback_id"]) for v in FORMS.values()} == set(ViewId)
    assert set(WHO_READS) == set(ViewId)


def test_the_family_form_says_the_words_the_issue_asks_for() -> None:
    assert FAMILY_UPDATE == (
        "Your social worker, the chair and the core group will read this. The parts for the "
        "conference go in the family's copy of the summary."
    )
