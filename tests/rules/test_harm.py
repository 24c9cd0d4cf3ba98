"""When an update raises new harm at once, and the family's way of flagging it."""

from __future__ import annotations

from datetime import date

from bot.rules.harm import raises_new_harm
from bot.rules.ids import UpdateField
from bot.rules.update_form import SAFETY, UpdateDraft, parse_update

REPORTED = UpdateDraft(new_harm=True, new_harm_detail="A bruise on Monday")


def test_a_first_flag_and_changed_detail_raise_it_and_a_repeat_does_not() -> None:
    assert raises_new_harm(None, REPORTED)
    assert raises_new_harm(UpdateDraft(), REPORTED)
    assert not raises_new_harm(REPORTED, REPORTED)
    assert raises_new_harm(REPORTED, UpdateDraft(new_harm=True, new_harm_detail="And Friday"))
    assert not raises_new_harm(None, UpdateDraft())
    assert not raises_new_harm(REPORTED, UpdateDraft())


def ticked(*values: str) -> dict[str, object]:
    options = [{"value": v} for v in values]
    return {
        UpdateField.WORRY_ABOUT_SAFETY: {
            UpdateField.WORRY_ABOUT_SAFETY: {"selected_options": options}
        }
    }


def test_a_family_worry_marked_as_about_safety_flags_new_harm() -> None:
    draft, errors = parse_update(
        ticked(SAFETY), outcome_ids=(), audience="family", today=date(2027, 1, 8)
    )  # type: ignore[arg-type]
    assert errors == {} and draft is not None and draft.new_harm
    draft, _ = parse_update({}, outcome_ids=(), audience="family", today=date(2027, 1, 8))
    assert draft is not None and not draft.new_harm
    draft, _ = parse_update(
        ticked("nonsense"), outcome_ids=(), audience="family", today=date(2027, 1, 8)
    )  # type: ignore[arg-type]
    assert draft is not None and not draft.new_harm


def test_a_professional_can_keep_the_childs_words_from_family_members() -> None:
    values = {
        UpdateField.NEW_HARM: {UpdateField.NEW_HARM: {"selected_option": {"value": "no"}}},
        UpdateField.PROFESSIONAL_ONLY_SECTIONS: {
            UpdateField.PROFESSIONAL_ONLY_SECTIONS: {
                "selected_options": [{"value": "child_views"}, {"value": "worries"}]
            }
        },
    }
    draft, errors = parse_update(
        values, outcome_ids=(), audience="professional", today=date(2027, 1, 8)
    )
    assert errors == {} and draft is not None
    assert draft.professional_only_sections == ("worries", "child_views")
