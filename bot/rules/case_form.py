"""The new-case form: its rules (Slack's channel-name rules, the people a case needs), no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.rules.i18n import _
from bot.rules.ids import NewCaseField
from bot.rules.view_state import date_of, value_of
from bot.rules.vocabulary import Agency, Nation

PROFESSIONAL_ROWS = 6
MAX_REFERENCE = 80
_CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class NewCase:
    """A valid request to open a case."""

    reference: str
    nation: Nation
    icpc: date
    chair: str
    social_worker: str
    professionals: tuple[tuple[str, Agency], ...]
    family_on_slack: tuple[str, ...] = ()
    family_offline: tuple[str, ...] = ()
    pre_birth: bool = False
    birth_date: date | None = None
    # Family members must not see each other's words: each is served by direct message.
    family_separate: bool = False


def reference_problem(reference: str) -> str | None:
    """Why a case reference cannot be a Slack channel name, in plain words; None if it can."""
    if not reference:
        return _("Please give the case reference you agreed with the family.")
    if len(reference) > MAX_REFERENCE:
        return _("Please keep the reference to {n} characters or fewer.").format(n=MAX_REFERENCE)
    if reference != reference.lower():
        return _("Please use lowercase letters only: channel names can't have capitals.")
    if " " in reference:
        return _("Please use hyphens instead of spaces, for example oak-family.")
    if not _CHANNEL_NAME.match(reference):
        return _(
            "Please use only letters, numbers, hyphens and underscores, for example oak-family."
        )
    return None


def parse_new_case(
    values: Mapping[str, Mapping[str, Any]], *, today: date, bot_user_id: str
) -> tuple[NewCase | None, dict[str, str]]:
    """Read the submitted modal: a NewCase, or errors keyed by block id to show inline."""
    errors: dict[str, str] = {}
    f = NewCaseField
    reference = value_of(values, f.REFERENCE) or ""
    if problem := reference_problem(reference):
        errors[f.REFERENCE] = problem
    try:
        nation = Nation(value_of(values, f.NATION) or "")
    except ValueError:
        errors[f.NATION] = _("Please choose the nation whose bank holidays apply.")
        nation = Nation.ENG
    icpc = date_of(values, f.ICPC)
    if icpc is None:
        errors[f.ICPC] = _("Please give the date of the initial child protection conference.")
    elif icpc > today:
        errors[f.ICPC] = _("The initial conference has to have happened before the case is opened.")
    chair = value_of(values, f.CHAIR) or ""
    social_worker = value_of(values, f.SOCIAL_WORKER) or ""
    if not chair:
        errors[f.CHAIR] = _("Please choose the conference chair.")
    if not social_worker:
        errors[f.SOCIAL_WORKER] = _("Please choose the family's social worker.")
    if chair and chair == social_worker:
        errors[f.CHAIR] = _(
            "The chair is independent of the case, so can't also be its social worker."
        )
    for block, person in ((f.CHAIR, chair), (f.SOCIAL_WORKER, social_worker)):
        if person == bot_user_id:
            errors[block] = _("Please choose a person, not the Core Group bot.")

    professionals: list[tuple[str, Agency]] = []
    seen = {chair, social_worker}
    for row in range(1, PROFESSIONAL_ROWS + 1):
        person = value_of(values, f.PROFESSIONAL.numbered(row))
        agency_value = value_of(values, f.AGENCY.numbered(row))
        if not person and not agency_value:
            continue
        if not person:
            errors[f.PROFESSIONAL.numbered(row)] = _("Please choose the person for this agency.")
            continue
        if not agency_value:
            errors[f.AGENCY.numbered(row)] = _("Please choose which agency this person is from.")
            continue
        if person in seen or person == bot_user_id:
            errors[f.PROFESSIONAL.numbered(row)] = _(
                "This person is already in the core group above."
            )
            continue
        seen.add(person)
        professionals.append((person, Agency(agency_value)))

    family_on_slack = tuple(u for u in value_of(values, f.FAMILY_ON_SLACK) or [] if u not in seen)
    offline_text = value_of(values, f.FAMILY_OFFLINE) or ""
    family_offline = tuple(line.strip()[:200] for line in offline_text.splitlines() if line.strip())
    pre_birth = bool(value_of(values, f.PRE_BIRTH))
    family_separate = bool(value_of(values, f.FAMILY_SEPARATE))
    birth_date = date_of(values, f.BIRTH)
    if birth_date and icpc and birth_date < icpc:
        errors[f.BIRTH] = _("For a pre-birth case the birth is after the initial conference.")

    if errors or icpc is None:
        return None, errors
    return (
        NewCase(
            reference=reference,
            nation=nation,
            icpc=icpc,
            chair=chair,
            social_worker=social_worker,
            professionals=tuple(professionals),
            family_on_slack=family_on_slack,
            family_offline=family_offline,
            pre_birth=pre_birth,
            birth_date=birth_date if pre_birth else None,
            family_separate=family_separate,
        ),
        {},
    )
