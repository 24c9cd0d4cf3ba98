"""The update modal and its receipt: Slack's limits, two versions, pre-filling, gentle wording."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.devtools.emulator.blockkit import check_view, initial_state
from bot.rules.ids import UpdateField, ViewId
from bot.rules.update_form import (
    MARKABLE_SECTIONS,
    MAX_OUTCOMES,
    NOTE_LIMIT,
    TEXT_LIMIT,
    Audience,
    UpdateDraft,
    UpdateMetadata,
    parse_metadata,
    parse_update,
)
from bot.rules.vocabulary import Rag
from bot.ui.updates import (
    OPTION_DESCRIPTION_LIMIT,
    clip,
    update_modal,
    update_receipt_blocks,
    update_receipt_text,
)

F = UpdateField
TODAY = date(2027, 1, 8)
MEANINGS = (
    "Achieved, or on track with evidence",
    "Some progress, or at risk of slipping",
    "No progress, worse, or overdue",
)
PROFESSIONAL_ONLY_IDS = {F.PROFESSIONAL_ONLY, F.PROFESSIONAL_ONLY_SECTIONS}
PROFESSIONAL_IDS = {F.NEW_HARM, F.NEW_HARM_DETAIL, F.CHILD_LAST_SEEN, F.CHILD_SEEN_ALONE}


def outcomes(count: int) -> list[tuple[int, str]]:
    return [(100 + n, f"Outcome {n} in the family's words") for n in range(1, count + 1)]


def modal(audience: Audience = "professional", count: int = 2, **extra: Any) -> dict[str, Any]:
    """The built modal as Slack would receive it, after the checks Slack applies."""
    arguments: dict[str, Any] = {
        "request_id": 7,
        "case_reference": "oak-family",
        "meeting_label": "core group on Tue 12 Jan",
        "deadline_text": "Fri 8 Jan, 5pm",
        "outcomes": outcomes(count),
        "rag_meanings": MEANINGS,
        "audience": audience,
        **extra,
    }
    view = update_modal(**arguments)
    assert isinstance(view, View)
    view.validate_json()
    payload = view.to_dict()
    check_view(json.loads(json.dumps(payload)), expected_type="modal")  # Slack's own checks
    return payload


def inputs(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in payload["blocks"] if b["type"] == "input"}


def words(payload: dict[str, Any]) -> str:
    return json.dumps(payload["blocks"])


def every_text_element(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b["element"] for b in inputs(payload).values() if b["element"]["type"] == "plain_text_input"
    ]


@pytest.mark.parametrize("audience", ["professional", "family"])
@pytest.mark.parametrize("count", [1, 8])
def test_the_modal_is_valid_and_within_100_blocks(audience: Audience, count: int) -> None:
    payload = modal(audience, count)
    assert len(payload["blocks"]) <= 100
    assert payload["callback_id"] == ViewId.UPDATE.value == "update_submit"
    assert [k for k in inputs(payload) if k.startswith(F.RAG)] == [
        F.RAG.numbered(i) for i, _ in outcomes(count)
    ]


def test_each_outcome_reads_its_words_then_a_rating_then_an_optional_short_note() -> None:
    blocks = modal(count=1)["blocks"]
    at = next(i for i, b in enumerate(blocks) if b.get("block_id") == F.RAG.numbered(101))
    wording, rating, note = blocks[at - 1], blocks[at], blocks[at + 1]
    assert wording["type"] == "section" and "Outcome 1 in the family" in wording["text"]["text"]
    assert rating["element"]["type"] == "radio_buttons" and not rating.get("optional")
    assert note["block_id"] == F.NOTE.numbered(101) and note["optional"]
    assert note["element"]["max_length"] == NOTE_LIMIT


def test_a_plan_too_long_for_one_modal_shows_the_first_outcomes_and_says_so() -> None:
    everything = UpdateDraft(worries="They failed to engage", professional_only="p")
    payload = modal(
        count=MAX_OUTCOMES + 40, previous=everything, previous_sent="Mon 4 Jan", on_behalf_of="Sam"
    )
    assert len(payload["blocks"]) <= 100
    rated = [k for k in inputs(payload) if k.startswith(F.RAG)]
    assert rated == [F.RAG.numbered(i) for i, _ in outcomes(MAX_OUTCOMES)]
    assert f"The plan has {MAX_OUTCOMES + 40} outcomes" in words(payload)


@pytest.mark.parametrize("audience", ["professional", "family"])
def test_a_plan_at_the_limit_shows_every_outcome_with_room_to_spare(audience: Audience) -> None:
    payload = modal(audience, MAX_OUTCOMES, previous=UpdateDraft(worries="non-compliant"))
    assert len([k for k in inputs(payload) if k.startswith(F.RAG)]) == MAX_OUTCOMES
    assert "The plan has" not in words(payload)


def test_the_family_version_has_no_professional_only_harm_or_seen_alone_fields() -> None:
    family = set(inputs(modal("family")))
    assert not family & (PROFESSIONAL_ONLY_IDS | PROFESSIONAL_IDS)
    assert {F.GOING_WELL, F.WORRIES, F.NEXT_STEPS, F.HELP_NEEDED, F.CHILD_VIEWS} <= family
    assert "professionals only" not in words(modal("family")).lower()


def test_the_professional_version_has_harm_seen_and_professional_only_fields() -> None:
    professional = inputs(modal("professional"))
    assert set(professional) >= PROFESSIONAL_ONLY_IDS | PROFESSIONAL_IDS
    assert F.HELP_NEEDED not in professional
    assert not professional[F.NEW_HARM].get("optional")  # a yes or a no, never assumed
    marks = professional[F.PROFESSIONAL_ONLY_SECTIONS]["element"]["options"]
    assert [o["value"] for o in marks] == [value for value, _ in MARKABLE_SECTIONS]


def test_the_family_rates_in_plain_words_and_professionals_see_the_areas_meanings() -> None:
    def options(payload: dict[str, Any]) -> list[dict[str, Any]]:
        return list(inputs(payload)[F.RAG.numbered(101)]["element"]["options"])

    family = options(modal("family"))
    assert [o["text"]["text"].split(" ", 1)[1] for o in family] == [
        "Going well",
        "Some progress",
        "Worried",
    ]
    assert [o["value"] for o in family] == [Rag.GREEN, Rag.AMBER, Rag.RED]
    professional = options(modal("professional"))
    assert [o["text"]["text"].split(" ", 1)[1] for o in professional] == ["Green", "Amber", "Red"]
    assert [o["description"]["text"] for o in professional] == list(MEANINGS)


def test_long_area_meanings_are_cut_at_a_word_with_an_ellipsis() -> None:
    long_green = (
        "Achieved, or clearly on track, with evidence from at least two agencies that the change "
        "has lasted for the whole of the last cycle"
    )
    payload = modal(rag_meanings=(long_green, *MEANINGS[1:]))
    green = inputs(payload)[F.RAG.numbered(101)]["element"]["options"][0]["description"]["text"]
    assert len(green) <= OPTION_DESCRIPTION_LIMIT
    assert green.endswith("…") and long_green.startswith(green[:-1])
    assert long_green[len(green) - 1] == " "  # cut between words


@pytest.mark.parametrize(
    ("text", "limit", "clipped"),
    [
        ("Some progress", 75, "Some progress"),
        ("On track,  with\nevidence", 75, "On track, with evidence"),
        ("On track, with evidence", 12, "On track…"),
        ("Unbreakablewordwithoutspaces", 10, "Unbreakab…"),
    ],
)
def test_clip_keeps_short_text_and_shortens_long_text_sensibly(
    text: str, limit: int, clipped: str
) -> None:
    assert clip(text, limit) == clipped


@given(text=st.text(), limit=st.integers(min_value=2, max_value=200))
def test_clip_never_exceeds_its_limit(text: str, limit: int) -> None:
    assert len(clip(text, limit)) <= limit


def test_text_inputs_stay_within_slacks_limits() -> None:
    for audience in ("professional", "family"):
        for element in every_text_element(modal(audience)):
            assert 0 < element["max_length"] <= TEXT_LIMIT


def test_private_metadata_names_the_request_the_audience_and_whether_filled_in_with_them() -> None:
    payload = modal("family", on_behalf_of="Sam")
    assert json.loads(payload["private_metadata"]) == {
        "request": 7,
        "audience": "family",
        "on_behalf": True,
    }
    assert parse_metadata(modal()["private_metadata"]) == UpdateMetadata(
        7, "professional", on_behalf=False
    )


def test_filling_in_with_a_family_member_says_so_and_escapes_their_name() -> None:
    assert "Filling this in with Sam" in words(modal("family", on_behalf_of="Sam"))
    assert "<!channel>" not in words(modal("family", on_behalf_of="<!channel>"))
    assert "Filling this in" not in words(modal("family"))


def test_peoples_words_are_escaped_so_they_cannot_ping_or_hide_links() -> None:
    payload = modal(
        count=0,
        outcomes=[(1, "Jo is safe <!channel> <http://x|y>")],
        previous=UpdateDraft(worries="<@U123> failed to engage"),
    )
    assert "<!channel>" not in words(payload) and "<http" not in words(payload)
    assert "<@U123>" not in json.dumps([b for b in payload["blocks"] if b["type"] == "context"])


def test_the_child_is_named_in_the_labels_about_them() -> None:
    one = inputs(modal(children=["Jo"]))
    assert one[F.CHILD_VIEWS]["label"]["text"] == "What Jo has told us, in their own words"
    assert one[F.CHILD_SEEN_ALONE]["label"]["text"] == "Was Jo seen alone?"
    two = inputs(modal(children=["Jo", "Sam"]))
    assert two[F.CHILD_VIEWS]["label"]["text"] == "What Jo and Sam have told us, in their own words"
    assert inputs(modal("family"))[F.CHILD_VIEWS]["label"]["text"] == "What the children say"


FULL = UpdateDraft(
    ratings=((101, Rag.GREEN, "Every day this term."), (102, Rag.RED, None)),
    going_well="Mum took Jo to every appointment.",
    worries="The boiler is still broken.",
    new_harm=True,
    new_harm_detail="A bruise on 4 Jan; Jo said Dad grabbed her.",
    child_last_seen=date(2027, 1, 6),
    child_seen_alone=False,
    child_views="I like my new teacher.",
    next_steps="Call the landlord by Friday.",
    professional_only="Police intelligence about a visitor.",
    professional_only_sections=("worries", "child_seen"),
)


def test_a_previous_update_pre_fills_every_field() -> None:
    payload = modal(previous=FULL)
    fields = inputs(payload)
    assert fields[F.RAG.numbered(101)]["element"]["initial_option"]["value"] == "green"
    assert fields[F.NOTE.numbered(101)]["element"]["initial_value"] == "Every day this term."
    assert fields[F.NEW_HARM]["element"]["initial_option"]["value"] == "yes"
    assert fields[F.CHILD_LAST_SEEN]["element"]["initial_date"] == "2027-01-06"
    assert fields[F.CHILD_SEEN_ALONE]["element"]["initial_option"]["value"] == "no"
    ticked = fields[F.PROFESSIONAL_ONLY_SECTIONS]["element"]["initial_options"]
    assert [o["value"] for o in ticked] == ["worries", "child_seen"]
    assert fields[F.PROFESSIONAL_ONLY]["element"]["initial_value"] == FULL.professional_only


@pytest.mark.parametrize(
    ("audience", "previous"),
    [
        pytest.param("professional", FULL, id="professional"),
        pytest.param(
            "family",
            UpdateDraft(
                ratings=((102, Rag.AMBER, "Getting there."),),
                going_well="Breakfast together.",
                worries="Money.",
                next_steps="A warm home.",
                help_needed="Help with the landlord.",
                child_views="Jo says she is happier.",
            ),
            id="family",
        ),
    ],
)
def test_sending_a_pre_filled_modal_unchanged_gives_back_the_same_update(
    audience: Audience, previous: UpdateDraft
) -> None:
    payload = modal(audience, previous=previous)
    draft, errors = parse_update(
        initial_state(payload), outcome_ids=[101, 102], audience=audience, today=TODAY
    )
    assert errors == {} and draft == previous


_words = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40
).map(str.strip)
_optional_words = _words.map(lambda s: s or None)


@st.composite
def professional_drafts(draw: st.DrawFn) -> UpdateDraft:
    new_harm = draw(st.booleans())
    return UpdateDraft(
        ratings=tuple(
            (outcome_id, draw(st.sampled_from(list(Rag))), draw(_optional_words))
            for outcome_id in (101, 102)
        ),
        going_well=draw(_optional_words),
        worries=draw(_optional_words),
        new_harm=new_harm,
        new_harm_detail=draw(_words.filter(bool) if new_harm else _optional_words),
        child_last_seen=draw(st.none() | st.dates(max_value=TODAY)),
        child_seen_alone=draw(st.none() | st.booleans()),
        child_views=draw(_optional_words),
        next_steps=draw(_optional_words),
        professional_only=draw(_optional_words),
        professional_only_sections=tuple(v for v, _ in MARKABLE_SECTIONS if draw(st.booleans())),
    )


@settings(max_examples=60, deadline=None)
@given(previous=professional_drafts())
def test_any_valid_update_survives_the_modal_round_trip(previous: UpdateDraft) -> None:
    payload = modal(previous=previous)
    draft, errors = parse_update(
        initial_state(payload), outcome_ids=[101, 102], audience="professional", today=TODAY
    )
    assert errors == {} and draft == previous


def test_a_previous_update_says_changes_are_saved_as_a_new_version() -> None:
    with_day = words(modal(previous=FULL, previous_sent="Mon 4 Jan"))
    assert "You sent an update on Mon 4 Jan; changes are saved as a new version" in with_day
    assert "You have already sent an update; changes are saved" in words(modal(previous=FULL))
    assert "new version" not in words(modal())


def test_a_thought_on_wording_is_offered_gently_from_the_earlier_words() -> None:
    previous = UpdateDraft(worries="Mum failed to engage with the parenting course.")
    hints = [
        b for b in modal(previous=previous)["blocks"] if "A thought on wording" in json.dumps(b)
    ]
    assert len(hints) == 1 and hints[0]["type"] == "context"
    text = hints[0]["elements"][0]["text"]
    assert '"failed to engage"' in text and "your words are yours" in text


def test_no_thought_on_wording_without_a_phrase_to_reframe() -> None:
    assert "A thought on wording" not in words(modal(previous=FULL))


def test_the_childs_words_and_the_harm_described_are_never_offered_a_reframe() -> None:
    previous = UpdateDraft(
        child_views="Mum says I have challenging behaviour.",
        new_harm=True,
        new_harm_detail="Dad failed to engage and then hit Jo.",
    )
    assert "A thought on wording" not in words(modal(previous=previous))


def test_the_family_form_offers_no_thought_on_wording() -> None:
    previous = UpdateDraft(worries="The social worker was uncooperative.")
    assert "A thought on wording" not in words(modal("family", previous=previous))


def test_at_most_two_thoughts_on_wording_are_offered() -> None:
    previous = UpdateDraft(
        worries="Non-compliant, uncooperative, hard to reach, attention seeking."
    )
    hint = next(b for b in modal(previous=previous)["blocks"] if "A thought" in json.dumps(b))
    assert hint["elements"][0]["text"].count("You wrote") == 2


def test_a_previous_text_longer_than_its_field_is_cut_to_fit() -> None:
    previous = UpdateDraft(worries="w" * (TEXT_LIMIT + 10))
    assert len(inputs(modal(previous=previous))[F.WORRIES]["element"]["initial_value"]) == (
        TEXT_LIMIT
    )


def receipt(**extra: Any) -> list[Block]:
    blocks = update_receipt_blocks(
        case_reference="oak-family",
        meeting_label="core group on Tue 12 Jan",
        deadline_text="Fri 8 Jan, 5pm",
        **extra,
    )
    for block in blocks:
        block.validate_json()
    return blocks


def receipt_words(**extra: Any) -> str:
    return json.dumps([b.to_dict() for b in receipt(**extra)])


def test_the_receipt_thanks_and_says_until_when_it_can_be_changed() -> None:
    assert (
        "Thanks, your update for oak-family's core group on Tue 12 Jan is in. "
        "You can change it until Fri 8 Jan, 5pm."
    ) in receipt_words()
    assert "version" not in receipt_words()


def test_the_receipt_for_an_update_filled_in_with_someone_names_them() -> None:
    assert "the update you filled in with Sam for oak-family" in receipt_words(on_behalf_of="Sam")


def test_a_later_version_says_earlier_ones_are_kept() -> None:
    assert "This is version 3. Every earlier version is kept." in receipt_words(version=3)


def test_the_receipts_notification_text_carries_only_the_case_reference() -> None:
    text = update_receipt_text("oak-family")
    assert "oak-family" in text
    assert text.replace("oak-family", "") == "Update received for "
