"""The agenda's children, read from the form: first names or initials with ages, or a due date."""

from __future__ import annotations

from datetime import date

from bot.rules.agenda import Child, children_line, read_children
from bot.rules.i18n import WELSH, speaking

TODAY = date(2026, 11, 23)


def test_named_children_and_a_baby_on_the_way_read_in_order() -> None:
    children, errors = read_children(
        [("Jo", "6"), ("", ""), (" K.M. ", "0")], date(2027, 3, 1), today=TODAY
    )

    assert errors == {}
    assert children == (Child("Jo", 6), Child("K.M.", 0), Child(due=date(2027, 3, 1)))
    assert children_line(children) == "Jo, 6; K.M., 0; Baby due Mon 1 Mar 2027"


def test_a_full_name_a_missing_name_or_an_adult_age_is_sent_back_to_its_row() -> None:
    _, errors = read_children(
        [("Jo Anne Smith", "6"), ("", "4"), ("Sam", "18"), ("Lee", "x")], None, today=TODAY
    )

    assert set(errors) == {1, 2, 3, 4}
    assert "first name or initials" in errors[1]
    assert "age in years" in errors[3]


def test_a_due_date_in_the_past_asks_for_the_baby_to_be_added_as_a_child() -> None:
    _, errors = read_children([], date(2026, 11, 1), today=TODAY)

    assert "once the baby is born" in errors[0]


def test_a_child_survives_being_stored_and_read_back() -> None:
    for child in (Child("Jo", 6), Child(due=date(2027, 3, 1))):
        assert Child.from_stored(child.stored()) == child


def test_a_welsh_readers_mistakes_in_the_childrens_rows_are_in_welsh() -> None:
    with speaking(WELSH):
        _, errors = read_children([("", "4"), ("Sam", "18")], date(2026, 11, 1), today=TODAY)
    assert errors == {
        1: "Rhowch enw cyntaf neu flaenlythrennau.",
        2: "Rhowch oed mewn blynyddoedd, o 0 i 17.",
        0: "Mae'r dyddiad disgwyl yn y dyfodol; ar ôl i'r babi gael ei eni, ychwanegwch y babi "
        "uchod.",
    }
