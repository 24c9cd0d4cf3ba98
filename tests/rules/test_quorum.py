"""Quorum forecasts from realistic invitation lists: who counts, health as one, the best case."""

from __future__ import annotations

from itertools import count

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.quorum import Invitee, QuorumForecast, agency_group, forecast, warning_needed
from bot.rules.vocabulary import Agency, Rsvp

A = Agency
ATTENDING, REPRESENTATIVE, APOLOGIES, NONE = (
    Rsvp.ATTENDING,
    Rsvp.REPRESENTATIVE,
    Rsvp.APOLOGIES,
    Rsvp.NONE,
)
_ids = count(1)


def invitee(
    agency: Agency,
    rsvp: Rsvp = ATTENDING,
    *,
    direct_contact: bool = True,
    representing: Agency | None = None,
) -> Invitee:
    return Invitee(
        member_id=next(_ids),
        name=f"{agency.value} member",
        agency=agency,
        direct_contact=direct_contact,
        rsvp=rsvp,
        representative_agency=representing,
    )


SOCIAL_WORKER = invitee(A.CHILDRENS_SOCIAL_CARE)

CASES = [
    pytest.param(
        [SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.POLICE)],
        True,
        {"school", "police"},
        0,
        id="social-care-school-police-quorate",
    ),
    pytest.param(
        [SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.SCHOOL_NURSE), invitee(A.GP)],
        True,
        {"school", "health"},
        0,
        id="school-nurse-and-gp-are-one-health-agency",
    ),
    pytest.param(
        [SOCIAL_WORKER, invitee(A.HEALTH_VISITOR), invitee(A.GP), invitee(A.MIDWIFE)],
        False,
        {"health"},
        1,
        id="three-health-agencies-alone-are-one-agency",
    ),
    pytest.param(
        [SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.POLICE, APOLOGIES)],
        False,
        {"school"},
        1,
        id="apologies-do-not-count",
    ),
    pytest.param(
        [SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.POLICE, REPRESENTATIVE)],
        True,
        {"school", "police"},
        0,
        id="member-sending-a-representative-counts",
    ),
    pytest.param(
        [
            SOCIAL_WORKER,
            invitee(A.SCHOOL),
            invitee(A.HOUSING, APOLOGIES),
            invitee(A.OTHER, representing=A.HOUSING),
        ],
        True,
        {"school", "housing"},
        0,
        id="representative-counts-for-the-agency-they-stand-for",
    ),
    pytest.param(
        [invitee(A.SCHOOL), invitee(A.POLICE), invitee(A.GP), invitee(A.HOUSING)],
        False,
        {"school", "police", "health", "housing"},
        1,
        id="no-social-care-is-never-quorate",
    ),
    pytest.param(
        [SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.PROBATION, direct_contact=False)],
        False,
        {"school"},
        1,
        id="agency-without-direct-contact-does-not-count",
    ),
    pytest.param(
        [SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.FAMILY), invitee(A.ADVOCACY)],
        False,
        {"school"},
        1,
        id="family-and-advocate-are-not-agencies",
    ),
    pytest.param(
        [SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.SCHOOL)],
        False,
        {"school"},
        1,
        id="two-people-from-one-agency-count-once",
    ),
    pytest.param(
        [invitee(A.CHILDRENS_SOCIAL_CARE, APOLOGIES), invitee(A.SCHOOL)],
        False,
        {"school"},
        2,
        id="short-by-counts-missing-social-care-too",
    ),
]


@pytest.mark.parametrize(("invitees", "quorate", "confirmed", "short_by"), CASES)
def test_forecast_counts_social_care_and_other_agencies_with_direct_contact(
    invitees: list[Invitee], quorate: bool, confirmed: set[str], short_by: int
) -> None:
    result = forecast(invitees)
    assert (result.quorate, set(result.confirmed_agencies), result.short_by) == (
        quorate,
        confirmed,
        short_by,
    )
    assert result.needed_other_agencies == 2


def test_health_agencies_count_separately_where_the_area_says_so() -> None:
    invitees = [SOCIAL_WORKER, invitee(A.SCHOOL_NURSE), invitee(A.GP)]
    assert not forecast(invitees).quorate
    separate = forecast(invitees, health_as_one=False)
    assert separate.quorate
    assert separate.confirmed_agencies == {"school_nurse", "gp"}


def test_area_can_ask_for_more_other_agencies() -> None:
    invitees = [SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.POLICE)]
    result = forecast(invitees, min_other_agencies=3)
    assert (result.quorate, result.needed_other_agencies, result.short_by) == (False, 3, 1)


def test_fewer_than_one_other_agency_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        forecast([SOCIAL_WORKER], min_other_agencies=0)


def test_unanswered_invitations_that_would_make_it_quorate_say_it_could_still_be() -> None:
    police, gp = invitee(A.POLICE, NONE), invitee(A.GP, NONE)
    result = forecast([SOCIAL_WORKER, invitee(A.SCHOOL), police, gp])
    assert not result.quorate
    assert result.could_still_be_quorate
    assert result.not_replied == (police, gp)


def test_unanswered_invitations_that_cannot_close_the_gap_say_it_cannot_be_quorate() -> None:
    result = forecast([SOCIAL_WORKER, invitee(A.SCHOOL, APOLOGIES), invitee(A.POLICE, NONE)])
    assert not result.quorate
    assert not result.could_still_be_quorate


def test_social_worker_yet_to_reply_leaves_quorum_possible_but_not_confirmed() -> None:
    social_worker = invitee(A.CHILDRENS_SOCIAL_CARE, NONE)
    result = forecast([social_worker, invitee(A.SCHOOL), invitee(A.POLICE)])
    assert (result.quorate, result.social_care_confirmed, result.short_by) == (False, False, 1)
    assert result.could_still_be_quorate
    assert result.not_replied == (social_worker,)


def test_not_replied_lists_only_those_whose_reply_could_count() -> None:
    family = invitee(A.FAMILY, NONE)
    no_contact = invitee(A.HOUSING, NONE, direct_contact=False)
    police = invitee(A.POLICE, NONE)
    result = forecast([SOCIAL_WORKER, family, no_contact, police])
    assert result.not_replied == (police,)


def test_chair_is_warned_while_not_quorate_even_if_replies_are_outstanding() -> None:
    waiting = forecast([SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.POLICE, NONE)])
    assert waiting.could_still_be_quorate
    assert warning_needed(waiting)
    assert not warning_needed(forecast([SOCIAL_WORKER, invitee(A.SCHOOL), invitee(A.POLICE)]))


def test_agency_group_names_health_as_one_only_when_asked() -> None:
    assert agency_group(A.CAMHS) == "health"
    assert agency_group(A.CAMHS, health_as_one=False) == "camhs"
    assert agency_group(A.POLICE) == "police"


# --- properties ----------------------------------------------------------------------------------

invitees_strategy = st.lists(
    st.builds(
        Invitee,
        member_id=st.integers(min_value=1, max_value=10_000),
        name=st.just("someone"),
        agency=st.sampled_from(Agency),
        direct_contact=st.booleans(),
        rsvp=st.sampled_from(Rsvp),
        representative_agency=st.none() | st.sampled_from(Agency),
    ),
    max_size=12,
)


@settings(max_examples=100, deadline=None)
@given(
    invitees=invitees_strategy,
    newcomer_agency=st.sampled_from(Agency),
    health_as_one=st.booleans(),
    needed=st.integers(min_value=1, max_value=4),
)
def test_another_attending_agency_never_makes_a_quorate_conference_inquorate(
    invitees: list[Invitee], newcomer_agency: Agency, health_as_one: bool, needed: int
) -> None:
    before = forecast(invitees, min_other_agencies=needed, health_as_one=health_as_one)
    newcomer = invitee(newcomer_agency, ATTENDING)
    after = forecast([*invitees, newcomer], min_other_agencies=needed, health_as_one=health_as_one)
    assert after.short_by <= before.short_by
    if before.quorate:
        assert after.quorate


@settings(max_examples=100, deadline=None)
@given(invitees=invitees_strategy, health_as_one=st.booleans())
def test_forecast_is_consistent_with_itself(invitees: list[Invitee], health_as_one: bool) -> None:
    result: QuorumForecast = forecast(invitees, health_as_one=health_as_one)
    assert result.quorate == (result.short_by == 0)
    assert result.quorate == (
        result.social_care_confirmed
        and len(result.confirmed_agencies) >= result.needed_other_agencies
    )
    if result.quorate:
        assert result.could_still_be_quorate
    assert all(member.rsvp is Rsvp.NONE for member in result.not_replied)


def test_whom_to_ask_is_those_not_replied_then_those_who_sent_apologies() -> None:
    quiet = invitee(A.POLICE, NONE)
    sorry = invitee(A.SCHOOL, APOLOGIES)
    family = invitee(A.FAMILY, APOLOGIES)
    result = forecast([SOCIAL_WORKER, sorry, quiet, family])
    assert result.to_ask == (quiet, sorry)  # the family is never an agency to chase
    assert forecast([SOCIAL_WORKER, invitee(A.SCHOOL)]).to_ask == ()
