"""Names carry their relationship once; the young people are named as the case has them."""

from __future__ import annotations

from datetime import date

from bot.rules.naming import children_words, for_children, named

DAY = date(2027, 2, 16)


def test_a_name_carries_its_relationship_once() -> None:
    assert named("Dan (dad)", "Family") == "Dan (dad)"
    assert named("Sam", "Family") == "Sam (Family)"
    assert named("Ms Reed", "School") == "Ms Reed (School)"


def test_the_baby_the_child_or_the_children() -> None:
    assert children_words(pre_birth=True, birth_date=None, on=DAY) == "the baby"
    assert children_words(pre_birth=True, birth_date=date(2027, 3, 1), on=DAY) == "the baby"
    assert children_words(pre_birth=True, birth_date=date(2027, 1, 1), on=DAY) == "the child"
    assert children_words(pre_birth=False, birth_date=None, on=DAY, count=1) == "the child"
    assert children_words(pre_birth=False, birth_date=None, on=DAY, count=3) == "the children"
    assert children_words(pre_birth=False, birth_date=None, on=DAY) == "the children"


def test_texts_about_the_children_are_said_about_the_baby() -> None:
    heading = "The children, as the family describe them"
    assert for_children(heading, "the baby") == "The baby, as the family describe them"
    assert for_children("describe the children", "the child") == "describe the child"
    assert for_children(heading, "the children") == heading
