"""Quorum forecast for a conference from its invitees' replies (DOMAIN.md, Conferences)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.rules.vocabulary import HEALTH_AGENCIES, Agency, Rsvp

HEALTH = "health"

# The family and their advocate are at the centre of the conference, not agencies around it.
NOT_AGENCIES = frozenset({Agency.FAMILY, Agency.ADVOCACY})

# Replies that put someone in the room for the agency: the member, or a representative they send.
_COMING = frozenset({Rsvp.ATTENDING, Rsvp.REPRESENTATIVE})


@dataclass(frozen=True)
class Invitee:
    """Someone invited to a conference, and their reply.

    `direct_contact` says whether the agency this invitee speaks for has had direct contact with
    the family. `representative_agency` is set when the invitee was sent to stand in for another
    agency's member: they count for that agency, not their own.
    """

    member_id: int
    name: str
    agency: Agency
    direct_contact: bool
    rsvp: Rsvp
    representative_agency: Agency | None = None

    @property
    def counts_for(self) -> Agency:
        """The agency this invitee's attendance counts for."""
        return self.representative_agency or self.agency


@dataclass(frozen=True)
class QuorumForecast:
    """What the replies so far say about a conference's quorum.

    `confirmed_agencies` holds the agency groups other than children's social care that count
    towards quorum (all health agencies are the one group "health" where the area says so).
    `short_by` counts every missing piece, children's social care included, so a conference is
    quorate exactly when it is 0.
    """

    quorate: bool
    confirmed_agencies: frozenset[str]
    needed_other_agencies: int
    short_by: int
    could_still_be_quorate: bool
    not_replied: tuple[Invitee, ...]
    social_care_confirmed: bool
    # Whose agency could still count if they sent someone in their place.
    sent_apologies: tuple[Invitee, ...] = ()

    @property
    def to_ask(self) -> tuple[Invitee, ...]:
        """Whom the chair could ask: those who have not replied, then those who sent apologies
        and could send someone from their agency instead."""
        return (*self.not_replied, *self.sent_apologies)


def agency_group(agency: Agency, *, health_as_one: bool = True) -> str:
    """Name the group an agency counts as for quorum ("health" for every health agency, if so)."""
    if health_as_one and agency in HEALTH_AGENCIES:
        return HEALTH
    return agency.value


def forecast(
    invitees: Iterable[Invitee],
    *,
    min_other_agencies: int = 2,
    health_as_one: bool = True,
) -> QuorumForecast:
    """Forecast quorum: children's social care plus N other agencies with direct contact."""
    if min_other_agencies < 1:
        # Social care alone is not a multi-agency conference, whatever a setting says.
        raise ValueError(f"min_other_agencies must be at least 1, not {min_other_agencies}")
    everyone = tuple(invitees)
    could_count = [invitee for invitee in everyone if _could_count(invitee)]
    coming = [invitee for invitee in could_count if invitee.rsvp in _COMING]
    not_replied = tuple(invitee for invitee in could_count if invitee.rsvp is Rsvp.NONE)

    social_care_confirmed = _has_social_care(coming)
    confirmed = _other_groups(coming, health_as_one=health_as_one)
    short_by = _short_by(social_care_confirmed, confirmed, min_other_agencies)

    # If everyone who has not replied came, could the conference be quorate?
    possible = [*coming, *not_replied]
    best_case_short_by = _short_by(
        _has_social_care(possible),
        _other_groups(possible, health_as_one=health_as_one),
        min_other_agencies,
    )
    return QuorumForecast(
        quorate=short_by == 0,
        confirmed_agencies=confirmed,
        needed_other_agencies=min_other_agencies,
        short_by=short_by,
        could_still_be_quorate=best_case_short_by == 0,
        not_replied=not_replied,
        social_care_confirmed=social_care_confirmed,
        sent_apologies=tuple(i for i in could_count if i.rsvp is Rsvp.APOLOGIES),
    )


def warning_needed(forecast: QuorumForecast) -> bool:
    """Say whether to warn the chair: the replies so far do not make the conference quorate."""
    # Warn even while replies are outstanding: an early warning gives time to chase them, and an
    # inquorate conference should not normally go ahead.
    return not forecast.quorate


def _could_count(invitee: Invitee) -> bool:
    """Say whether this invitee's attendance could ever count towards quorum."""
    agency = invitee.counts_for
    if agency is Agency.CHILDRENS_SOCIAL_CARE:
        # Social care leads the case; the direct-contact test is for the other agencies.
        return True
    return agency not in NOT_AGENCIES and invitee.direct_contact


def _has_social_care(coming: Sequence[Invitee]) -> bool:
    return any(invitee.counts_for is Agency.CHILDRENS_SOCIAL_CARE for invitee in coming)


def _other_groups(coming: Sequence[Invitee], *, health_as_one: bool) -> frozenset[str]:
    # Agency.OTHER is one group however many come under it: it may be one organisation, and
    # undercounting only warns the chair, where overcounting would hide an inquorate conference.
    return frozenset(
        agency_group(invitee.counts_for, health_as_one=health_as_one)
        for invitee in coming
        if invitee.counts_for is not Agency.CHILDRENS_SOCIAL_CARE
    )


def _short_by(social_care: bool, others: frozenset[str], needed: int) -> int:
    return (0 if social_care else 1) + max(0, needed - len(others))
