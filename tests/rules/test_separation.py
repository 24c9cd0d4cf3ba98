"""Serving family members separately: who is in the channel, and whose words each may read."""

from __future__ import annotations

import pytest

from bot.rules.separation import hidden_authors, in_shared_channel
from bot.rules.vocabulary import Role

MUM, DAD, AUNT, SCHOOL, SW = 1, 2, 3, 4, 5
MEMBERS = [
    (MUM, Role.FAMILY),
    (DAD, Role.FAMILY),
    (AUNT, Role.FAMILY_SUPPORTER),
    (SCHOOL, Role.PROFESSIONAL),
    (SW, Role.SOCIAL_WORKER),
]


@pytest.mark.parametrize("role", list(Role))
def test_without_the_setting_everyone_shares_the_channel(role: Role) -> None:
    assert in_shared_channel(role, family_separate=False)


def test_with_the_setting_only_the_professional_side_is_in_the_channel() -> None:
    inside = {role for role in Role if in_shared_channel(role, family_separate=True)}
    assert Role.FAMILY not in inside and Role.FAMILY_SUPPORTER not in inside
    assert Role.ADVOCATE not in inside
    assert {Role.SOCIAL_WORKER, Role.CHAIR, Role.PROFESSIONAL} <= inside


def test_without_the_setting_nobody_s_words_are_hidden() -> None:
    assert hidden_authors(MUM, Role.FAMILY, MEMBERS, [], family_separate=False) == frozenset()


def test_with_the_setting_a_family_member_reads_no_other_family_side_words() -> None:
    assert hidden_authors(MUM, Role.FAMILY, MEMBERS, [], family_separate=True) == {DAD, AUNT}


def test_words_the_social_worker_shared_reach_only_the_reader_they_were_shared_with() -> None:
    shared = [(MUM, AUNT)]
    assert hidden_authors(AUNT, Role.FAMILY_SUPPORTER, MEMBERS, shared, family_separate=True) == {
        DAD
    }
    assert hidden_authors(DAD, Role.FAMILY, MEMBERS, shared, family_separate=True) == {MUM, AUNT}


def test_professionals_read_every_family_member_s_words() -> None:
    for reader, role in ((SCHOOL, Role.PROFESSIONAL), (SW, Role.SOCIAL_WORKER)):
        assert hidden_authors(reader, role, MEMBERS, [], family_separate=True) == frozenset()
