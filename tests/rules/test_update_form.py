"""Parsing a member's update: what is asked, what is refused kindly, crafted payloads survived."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.i18n import WELSH, speaking
from bot.rules.ids import UpdateField
from bot.rules.update_form import (
    MAX_OUTCOMES,
    NOTE_LIMIT,
    TEXT_LIMIT,
    UpdateDraft,
    UpdateMetadata,
    parse_metadata,
    parse_update,
    update_metadata,
)
from bot.rules.vocabulary import Rag

F = UpdateField
TODAY = date(2027, 1, 8)
OUTCOMES = (11, 12)


def text(value: Any) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def radio(value: Any) -> dict[str, Any]:
    return {"type": "radio_buttons", "selected_option": None if value is None else {"value": value}}


def day(value: Any) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def boxes(*values: Any) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}


def state(**elements: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """view.state.values as Slack sends it: each block holds one element of the same id."""
    return {block_id: {block_id: element} for block_id, element in elements.items()}


def professional_answers(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    answers = {
        F.RAG.numbered(11): radio("green"),
        F.NOTE.numbered(11): text("  Jo is at school every day.  "),
        F.RAG.numbered(12): radio("amber"),
        F.NOTE.numbered(12): text(None),
        F.GOING_WELL: text("Mum took Jo to every appointment."),
        F.WORRIES: text("The home is cold; the boiler is still broken."),
        F.NEW_HARM: radio("no"),
        F.NEW_HARM_DETAIL: text(""),
        F.CHILD_LAST_SEEN: day("2027-01-06"),
        F.CHILD_SEEN_ALONE: radio("yes"),
        F.CHILD_VIEWS: text("I like my new teacher."),
        F.NEXT_STEPS: text("Chase the landlord about the boiler by Friday."),
        F.PROFESSIONAL_ONLY: text("Police hold information about a visitor to the home."),
        F.PROFESSIONAL_ONLY_SECTIONS: boxes("worries"),
    }
    answers.update(changes)
    return state(**answers)


def family_answers(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    answers = {
        F.RAG.numbered(11): radio("green"),
        F.NOTE.numbered(11): text("Jo likes school now."),
        F.RAG.numbered(12): radio(None),
        F.GOING_WELL: text("We have breakfast together."),
        F.WORRIES: text("The boiler."),
        F.NEXT_STEPS: text("A warm home."),
        F.HELP_NEEDED: text("Someone to call the landlord with us."),
        F.CHILD_VIEWS: text("Jo says she is happier."),
    }
    answers.update(changes)
    return state(**answers)


def parse(
    values: Any, audience: Any = "professional", outcome_ids: Any = OUTCOMES
) -> tuple[UpdateDraft | None, dict[str, str]]:
    return parse_update(values, outcome_ids=outcome_ids, audience=audience, today=TODAY)


def errors_of(values: Any, audience: Any = "professional") -> dict[str, str]:
    draft, errors = parse(values, audience)
    assert draft is None
    return errors


def test_a_professional_update_is_read_whole_stripped_and_in_order() -> None:
    draft, errors = parse(professional_answers())
    assert errors == {}
    assert draft == UpdateDraft(
        ratings=((11, Rag.GREEN, "Jo is at school every day."), (12, Rag.AMBER, None)),
        going_well="Mum took Jo to every appointment.",
        worries="The home is cold; the boiler is still broken.",
        new_harm=False,
        new_harm_detail=None,
        child_last_seen=date(2027, 1, 6),
        child_seen_alone=True,
        child_views="I like my new teacher.",
        next_steps="Chase the landlord about the boiler by Friday.",
        help_needed=None,
        professional_only="Police hold information about a visitor to the home.",
        professional_only_sections=("worries",),
    )


def test_a_family_update_is_read_in_its_own_fields_and_may_leave_an_outcome_unrated() -> None:
    draft, errors = parse(family_answers(), "family")
    assert errors == {}
    assert draft == UpdateDraft(
        ratings=((11, Rag.GREEN, "Jo likes school now."),),
        going_well="We have breakfast together.",
        worries="The boiler.",
        next_steps="A warm home.",
        help_needed="Someone to call the landlord with us.",
        child_views="Jo says she is happier.",
    )


def test_empty_and_blank_answers_become_none() -> None:
    blank = {field: text("   \n ") for field in (F.GOING_WELL, F.WORRIES, F.CHILD_VIEWS)}
    draft, _ = parse(professional_answers(**blank, **{F.NEXT_STEPS: text(None)}))
    assert draft is not None
    assert (draft.going_well, draft.worries, draft.child_views, draft.next_steps) == (None,) * 4


def test_every_outcome_needs_a_rating_from_a_professional() -> None:
    errors = errors_of(professional_answers(**{F.RAG.numbered(12): radio(None)}))
    assert errors == {F.RAG.numbered(12): "Please choose Green, Amber or Red for this outcome."}


def test_a_professional_rating_missing_its_block_entirely_is_asked_for() -> None:
    values = professional_answers()
    del values[F.RAG.numbered(11)]
    assert list(errors_of(values)) == [F.RAG.numbered(11)]


def test_a_family_note_without_a_rating_asks_for_the_rating_so_the_words_stay_with_it() -> None:
    values = family_answers(**{F.NOTE.numbered(12): text("Still waiting on housing.")})
    assert "choose how this is going" in errors_of(values, "family")[F.RAG.numbered(12)]


def test_new_harm_needs_an_answer() -> None:
    errors = errors_of(professional_answers(**{F.NEW_HARM: radio(None)}))
    assert errors == {F.NEW_HARM: "Please say whether there has been any new incident of harm."}


def test_new_harm_yes_needs_what_happened() -> None:
    errors = errors_of(professional_answers(**{F.NEW_HARM: radio("yes")}))
    assert errors == {F.NEW_HARM_DETAIL: "Please say what happened, and when."}


def test_new_harm_yes_with_what_happened_is_kept_word_for_word() -> None:
    detail = "Jo had a bruise on her arm on 4 Jan; she said Dad grabbed her."
    draft, _ = parse(
        professional_answers(**{F.NEW_HARM: radio("yes"), F.NEW_HARM_DETAIL: text(detail)})
    )
    assert draft is not None and draft.new_harm and draft.new_harm_detail == detail


def test_words_about_harm_are_kept_even_beside_no() -> None:
    draft, _ = parse(professional_answers(**{F.NEW_HARM_DETAIL: text("None reported by Jo.")}))
    assert draft is not None
    assert (draft.new_harm, draft.new_harm_detail) == (False, "None reported by Jo.")


@pytest.mark.parametrize(
    ("seen", "error"),
    [
        pytest.param("2027-01-08", None, id="today"),
        pytest.param("2027-01-09", "after today", id="tomorrow"),
        pytest.param("not a date", "from the calendar", id="not-a-date"),
        pytest.param(20270101, "from the calendar", id="a-number"),
    ],
)
def test_the_child_last_seen_date_is_a_real_day_not_in_the_future(
    seen: Any, error: str | None
) -> None:
    draft, errors = parse(professional_answers(**{F.CHILD_LAST_SEEN: day(seen)}))
    if error is None:
        assert errors == {} and draft is not None and draft.child_last_seen == TODAY
    else:
        assert list(errors) == [F.CHILD_LAST_SEEN] and error in errors[F.CHILD_LAST_SEEN]


def test_not_knowing_when_the_child_was_last_seen_is_allowed() -> None:
    draft, errors = parse(
        professional_answers(**{F.CHILD_LAST_SEEN: day(None), F.CHILD_SEEN_ALONE: radio(None)})
    )
    assert errors == {} and draft is not None
    assert (draft.child_last_seen, draft.child_seen_alone) == (None, None)


@pytest.mark.parametrize(
    ("block_id", "field", "limit"),
    [
        (F.NOTE.numbered(11), F.NOTE, NOTE_LIMIT),
        (F.WORRIES, F.WORRIES, TEXT_LIMIT),
        (F.NEW_HARM_DETAIL, F.NEW_HARM_DETAIL, TEXT_LIMIT),
        (F.PROFESSIONAL_ONLY, F.PROFESSIONAL_ONLY, TEXT_LIMIT),
    ],
)
def test_text_over_its_limit_is_refused_kindly_and_text_at_it_is_kept(
    block_id: str, field: UpdateField, limit: int
) -> None:
    draft, errors = parse(professional_answers(**{block_id: text("a" * limit)}))
    assert errors == {} and draft is not None
    errors = errors_of(professional_answers(**{block_id: text("a" * (limit + 1))}))
    assert errors == {
        block_id: f"Please keep this to {limit:,} characters or fewer: it is {limit + 1:,} now."
    }


def test_a_huge_crafted_string_is_refused_not_stored() -> None:
    errors = errors_of(family_answers(**{F.HELP_NEEDED: text("x" * 5_000_000)}), "family")
    assert list(errors) == [F.HELP_NEEDED]


def test_nul_characters_are_dropped_because_the_database_cannot_store_them() -> None:
    draft, _ = parse(professional_answers(**{F.WORRIES: text("cold\x00 home")}))
    assert draft is not None and draft.worries == "cold home"


def test_a_family_submission_never_yields_professional_only_content() -> None:
    crafted = family_answers(
        **{
            F.PROFESSIONAL_ONLY: text("Police intelligence"),
            F.PROFESSIONAL_ONLY_SECTIONS: boxes("worries"),
            F.NEW_HARM: radio("yes"),
            F.CHILD_LAST_SEEN: day("2999-01-01"),
            F.CHILD_SEEN_ALONE: radio("purple"),
        }
    )
    draft, errors = parse(crafted, "family")
    assert errors == {} and draft is not None
    assert draft.professional_only is None and draft.professional_only_sections == ()
    assert (draft.new_harm, draft.child_last_seen, draft.child_seen_alone) == (False, None, None)


def test_professional_only_marks_keep_known_sections_in_a_stable_order() -> None:
    values = professional_answers(
        **{
            F.PROFESSIONAL_ONLY_SECTIONS: boxes(
                "next_steps", "nonsense", "going_well", "going_well"
            )
        }
    )
    draft, _ = parse(values)
    assert draft is not None and draft.professional_only_sections == ("going_well", "next_steps")


def test_unreadable_professional_only_marks_are_an_error_not_silently_shared() -> None:
    values = professional_answers(**{F.PROFESSIONAL_ONLY_SECTIONS: {"selected_options": "worries"}})
    assert list(errors_of(values)) == [F.PROFESSIONAL_ONLY_SECTIONS]


@pytest.mark.parametrize(
    ("block_id", "element"),
    [
        pytest.param(F.RAG.numbered(11), radio("purple"), id="unknown-rag"),
        pytest.param(F.RAG.numbered(11), {"selected_option": "green"}, id="option-not-object"),
        pytest.param(F.RAG.numbered(11), radio(["green"]), id="option-value-a-list"),
        pytest.param(F.NEW_HARM, radio("maybe"), id="unknown-yes-no"),
        pytest.param(F.WORRIES, text(42), id="text-a-number"),
        pytest.param(F.NOTE.numbered(12), text({"a": 1}), id="note-an-object"),
    ],
)
def test_a_wrong_type_in_a_crafted_payload_is_an_inline_error(
    block_id: str, element: dict[str, Any]
) -> None:
    assert list(errors_of(professional_answers(**{block_id: element}))) == [block_id]


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(None, id="none"),
        pytest.param([], id="a-list"),
        pytest.param("values", id="a-string"),
        pytest.param({F.WORRIES: ["not", "a", "block"]}, id="block-a-list"),
        pytest.param({F.WORRIES: {F.WORRIES: "not an element"}}, id="element-a-string"),
        pytest.param({F.WORRIES: {"other_action": text("hi")}}, id="other-action-id"),
    ],
)
def test_a_malformed_values_shape_gives_errors_never_an_exception(values: Any) -> None:
    errors = errors_of(values)
    assert set(errors) == {F.RAG.numbered(11), F.RAG.numbered(12), F.NEW_HARM}


def test_ratings_for_outcomes_not_asked_about_are_ignored() -> None:
    draft, _ = parse(professional_answers(**{F.RAG.numbered(99): radio("red")}))
    assert draft is not None and [r[0] for r in draft.ratings] == [11, 12]


def test_only_the_outcomes_the_modal_has_room_for_are_demanded() -> None:
    ids = list(range(1, MAX_OUTCOMES + 6))
    values = professional_answers(**{F.RAG.numbered(i): radio("amber") for i in ids[:MAX_OUTCOMES]})
    draft, errors = parse(values, outcome_ids=ids)
    assert errors == {} and draft is not None
    assert [r[0] for r in draft.ratings] == ids[:MAX_OUTCOMES]


def test_every_error_at_once_each_under_its_own_block() -> None:
    values = professional_answers(
        **{
            F.RAG.numbered(11): radio(None),
            F.NEW_HARM: radio("yes"),
            F.CHILD_LAST_SEEN: day("2030-01-01"),
            F.WORRIES: text("w" * (TEXT_LIMIT + 1)),
        }
    )
    assert set(errors_of(values)) == {
        F.RAG.numbered(11),
        F.NEW_HARM_DETAIL,
        F.CHILD_LAST_SEEN,
        F.WORRIES,
    }


# Any JSON-like value, to stand in for whatever a crafted request could carry.
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)
_block_ids = st.sampled_from(
    [f.value for f in F] + [F.RAG.numbered(i) for i in OUTCOMES] + [F.NOTE.numbered(11)]
)
_element = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["plain_text_input", "radio_buttons", "datepicker", "checkboxes"]),
        "value": _json | st.text(max_size=4000),
        "selected_option": _json
        | st.fixed_dictionaries({"value": _json | st.sampled_from(["red", "yes", "no"])}),
        "selected_date": _json | st.dates().map(date.isoformat),
        "selected_options": _json | st.lists(st.fixed_dictionaries({"value": _json})),
    },
)
_values = st.one_of(
    _json,
    st.dictionaries(
        _block_ids,
        st.one_of(
            _json, _element, _block_ids.flatmap(lambda b: st.fixed_dictionaries({b: _element}))
        ),
    ),
)


@settings(max_examples=400, deadline=None)
@given(values=_values, audience=st.sampled_from(["professional", "family"]))
def test_any_payload_shape_gives_a_draft_or_inline_errors_never_an_exception(
    values: Any, audience: Any
) -> None:
    draft, errors = parse(values, audience)
    assert (draft is None) == bool(errors)
    known = {f.value for f in F} | {F.RAG.numbered(i) for i in OUTCOMES}
    known |= {F.NOTE.numbered(i) for i in OUTCOMES}
    assert set(errors) <= known
    assert all(isinstance(message, str) and message for message in errors.values())
    if draft is not None and audience == "family":
        assert draft.professional_only is None and draft.professional_only_sections == ()


def test_metadata_round_trips() -> None:
    raw = update_metadata(7, "family", on_behalf=True)
    assert parse_metadata(raw) == UpdateMetadata(request_id=7, audience="family", on_behalf=True)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "not json",
        "[]",
        '{"request": "7", "audience": "family", "on_behalf": false}',
        '{"request": true, "audience": "family", "on_behalf": false}',
        '{"request": 7, "audience": "chair", "on_behalf": false}',
        '{"request": 7, "audience": "family", "on_behalf": "no"}',
        '{"request": 7, "audience": "family"}',
    ],
)
def test_metadata_the_modal_did_not_write_is_refused(raw: Any) -> None:
    assert parse_metadata(raw) is None


@given(raw=st.text() | _json.map(str))
def test_any_metadata_text_is_read_or_refused_never_raises(raw: str) -> None:
    assert parse_metadata(raw) is None or isinstance(parse_metadata(raw), UpdateMetadata)


def test_a_welsh_readers_form_mistakes_are_in_welsh() -> None:
    with speaking(WELSH):
        errors = errors_of(professional_answers(**{F.RAG.numbered(12): radio(None)}))
    assert errors == {
        F.RAG.numbered(12): "Dewiswch Gwyrdd, Ambr neu Coch ar gyfer y canlyniad hwn."
    }
