"""Who may cover for whom, which form each person gets, and what a form opens with."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.stand_ins import (
    FAMILY_SIDE,
    CoverVerdict,
    cover_verdict,
    form_audience,
    is_family_side,
    prefill,
)
from bot.rules.update_form import UpdateDraft
from bot.rules.vocabulary import Agency, Role

SCHOOL, HEALTH = Agency.SCHOOL, Agency.HEALTH_VISITOR


def verdict(role: Role, agency: Agency, *, active: bool = True, same: bool = False) -> CoverVerdict:
    return cover_verdict(
        away_member=1,
        away_agency=SCHOOL,
        cover_member=1 if same else 2,
        cover_role=role,
        cover_agency=agency,
        cover_active=active,
    )


@pytest.mark.parametrize(
    ("role", "agency", "expected"),
    [
        (Role.PROFESSIONAL, SCHOOL, CoverVerdict.ALLOWED),
        (Role.PROFESSIONAL, HEALTH, CoverVerdict.NEEDS_APPROVAL),
        (Role.SOCIAL_WORKER, Agency.CHILDRENS_SOCIAL_CARE, CoverVerdict.NEEDS_APPROVAL),
        (Role.CHAIR, Agency.CHILDRENS_SOCIAL_CARE, CoverVerdict.NOT_A_PROFESSIONAL),
        (Role.FAMILY, Agency.FAMILY, CoverVerdict.FAMILY_SIDE),
        (Role.ADVOCATE, Agency.ADVOCACY, CoverVerdict.FAMILY_SIDE),
        (Role.FAMILY_SUPPORTER, Agency.FAMILY, CoverVerdict.FAMILY_SIDE),
    ],
)
def test_a_cover_is_a_professional_of_the_case_and_another_agency_needs_approval(
    role: Role, agency: Agency, expected: CoverVerdict
) -> None:
    assert verdict(role, agency) is expected


def test_nobody_covers_for_themselves_and_a_former_member_never_covers() -> None:
    assert verdict(Role.PROFESSIONAL, SCHOOL, same=True) is CoverVerdict.SELF
    assert verdict(Role.PROFESSIONAL, SCHOOL, active=False) is CoverVerdict.NOT_A_PROFESSIONAL


@given(role=st.sampled_from(sorted(FAMILY_SIDE)), agency=st.sampled_from(list(Agency)))
def test_a_family_side_person_is_never_allowed_to_cover_whatever_their_agency(
    role: Role, agency: Agency
) -> None:
    for active in (True, False):
        assert verdict(role, agency, active=active) is CoverVerdict.FAMILY_SIDE


def test_family_side_people_get_the_family_form() -> None:
    assert {r for r in Role if form_audience(r) == "family"} == set(FAMILY_SIDE)
    assert all(is_family_side(r) for r in FAMILY_SIDE)


SECRET = UpdateDraft(
    worries="Police intelligence about a visitor",
    professional_only="Third-party information",
    professional_only_sections=("worries",),
)


def test_a_professional_form_is_pre_filled_only_for_the_author_of_the_latest_version() -> None:
    assert prefill(SECRET, author="U1", reader="U1", audience="professional") is SECRET
    assert prefill(SECRET, author="U1", reader="U2", audience="professional") is None
    assert prefill(SECRET, author=None, reader="U2", audience="professional") is None
    assert prefill(None, author="U1", reader="U1", audience="professional") is None


def test_the_family_form_holds_nothing_professional_so_whoever_fills_it_in_sees_it() -> None:
    family = UpdateDraft(going_well="We went to the park")
    assert prefill(family, author="U1", reader="U2", audience="family") is family
