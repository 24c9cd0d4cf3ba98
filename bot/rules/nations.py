"""Each UK nation's child protection timescales and words, as data with the source of each value.

England, Wales, Scotland and Northern Ireland differ in more than their bank holidays. Every value
below names where it comes from (title, year, section); where a nation's rule is England's, its
source says so. An area's settings (`storage.models.Area`) may tighten the defaults that are
settings (the report deadline and prompt lead, the first core group's limit); the statutory review
intervals come from the nation alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType

from bot.rules.i18n import N_
from bot.rules.vocabulary import Agency, MeetingKind, Nation

# The sources, named once so each value below can point at one.
WORKING_TOGETHER = "Working Together to Safeguard Children (2023), ch. 2 (child protection plans)"
LOCAL_ENGLAND = "English local procedures (Tees, Sussex 7.8, Swindon 'Quorate conferences')"
WALES = "Wales Safeguarding Procedures (2019)"
WALES_CORE_GROUP = f"{WALES}, Children section 3 part 2 (the initial conference), para. 13"
WALES_REVIEW = f"{WALES}, Children section 4 para. 8 (the review conference)"
SCOTLAND = "National Guidance for Child Protection in Scotland (2021, updated 2023), Appendix D"
NI_GUIDANCE = "Co-operating to Safeguard Children and Young People in Northern Ireland (2017)"
NI_PROCEDURES = (
    "SBNI Regional Core Child Protection Policies and Procedures (2017, updated 2018), "
    "'Child Protection Case Conferences'"
)
SEED = "the project's seed practice notes (000-003), not a national rule"


@dataclass(frozen=True)
class NationWords:
    """What a nation calls its meetings, its plan and the lead worker."""

    initial_heading: str  # as a heading or list label: "Initial conference (ICPC)"
    initial: str  # in a sentence: "initial conference", "Child Protection Planning Meeting"
    review_heading: str  # "Review conference", "Review CPPM"
    review: str  # in a sentence: "review conference", "review CPPM"
    review_abbreviation: str | None  # "RCPC", where the nation's heading does not say it already
    plan: str
    lead_worker: str  # the role the social worker holds in the plan

    def meeting(self, kind: MeetingKind) -> str:
        """A meeting in the middle of a sentence: "review CPPM", "core group meeting"."""
        return {
            MeetingKind.ICPC: self.initial,
            MeetingKind.CORE_GROUP: N_("core group meeting"),
            MeetingKind.RCPC: self.review,
        }[kind]

    def heading(self, kind: MeetingKind) -> str:
        """A meeting as a heading or list label: "Review CPPM", "Core group"."""
        return {
            MeetingKind.ICPC: self.initial_heading,
            MeetingKind.CORE_GROUP: N_("Core group"),
            MeetingKind.RCPC: self.review_heading,
        }[kind]


@dataclass(frozen=True)
class NationRules:
    """One nation's timescales (each the latest allowed) and words; `sources` names each value's
    source, by field name."""

    nation: Nation
    # The first core group meets within this many days of the initial conference...
    first_core_group_days: int
    # ...counted in working days (True) or calendar days (False).
    first_core_group_working: bool
    # Core groups meet at least this often (a setting; areas may meet more often).
    core_group_interval_weeks: int
    first_review_months: int
    # The first review of a pre-birth plan: within this many months of the initial conference...
    pre_birth_first_review_months: int
    # ...and, where the nation says so, within this many working days of the birth (None: no rule).
    pre_birth_review_after_birth_working_days: int | None
    later_review_months: int
    report_deadline_working_days: int
    prompt_lead_working_days: int
    # The agencies a conference cannot be quorate without, and how many others it needs.
    quorum_core_agencies: frozenset[Agency]
    quorum_other_agencies: int
    inquorate_reconvene_working_days: int
    words: NationWords
    sources: Mapping[str, str]


def _sourced(**sources: str) -> Mapping[str, str]:
    return MappingProxyType(sources)


ENGLAND = NationRules(
    nation=Nation.ENG,
    first_core_group_days=10,
    first_core_group_working=True,
    core_group_interval_weeks=6,
    first_review_months=3,
    pre_birth_first_review_months=3,
    pre_birth_review_after_birth_working_days=10,
    later_review_months=6,
    report_deadline_working_days=2,
    prompt_lead_working_days=5,
    quorum_core_agencies=frozenset({Agency.CHILDRENS_SOCIAL_CARE}),
    quorum_other_agencies=2,
    inquorate_reconvene_working_days=10,
    words=NationWords(
        initial_heading=N_("Initial conference (ICPC)"),
        initial=N_("initial conference"),
        review_heading=N_("Review conference"),
        review=N_("review conference"),
        review_abbreviation="RCPC",
        plan=N_("child protection plan"),
        lead_worker=N_("social worker"),
    ),
    sources=_sourced(
        first_core_group_days=f"{WORKING_TOGETHER}; Norfolk, Sefton and Tees procedures",
        first_core_group_working=WORKING_TOGETHER,
        core_group_interval_weeks="seed 000 (Portsmouth); Tees procedures 'Core group' 2",
        first_review_months=WORKING_TOGETHER,
        pre_birth_first_review_months=WORKING_TOGETHER,
        pre_birth_review_after_birth_working_days="Tees procedures (pre-birth conferences)",
        later_review_months=WORKING_TOGETHER,
        report_deadline_working_days=f"{SEED} 002, 003",
        prompt_lead_working_days=SEED,
        quorum_core_agencies=LOCAL_ENGLAND,
        quorum_other_agencies=LOCAL_ENGLAND,
        inquorate_reconvene_working_days="Swindon procedures, 'Quorate conferences'",
        words=WORKING_TOGETHER,
    ),
)

WALES_RULES = NationRules(
    nation=Nation.WLS,
    first_core_group_days=10,
    first_core_group_working=True,
    core_group_interval_weeks=6,
    first_review_months=3,
    pre_birth_first_review_months=3,
    pre_birth_review_after_birth_working_days=10,
    later_review_months=6,
    report_deadline_working_days=2,
    prompt_lead_working_days=5,
    quorum_core_agencies=frozenset({Agency.CHILDRENS_SOCIAL_CARE}),
    quorum_other_agencies=2,
    inquorate_reconvene_working_days=10,
    words=NationWords(
        initial_heading=N_("Initial conference (ICPC)"),
        initial=N_("initial conference"),
        review_heading=N_("Review conference"),
        review=N_("review conference"),
        review_abbreviation=None,
        plan=N_("care and support protection plan"),
        lead_worker=N_("care and support protection plan co-ordinator"),
    ),
    sources=_sourced(
        first_core_group_days=f"{WALES_CORE_GROUP} (equals England's)",
        first_core_group_working=WALES_CORE_GROUP,
        core_group_interval_weeks=f"{WALES_CORE_GROUP}: monthly, at most 6-weekly",
        first_review_months=f"{WALES_REVIEW} (equals England's)",
        pre_birth_first_review_months=f"{WALES_REVIEW}; England's birth rule kept, none found",
        pre_birth_review_after_birth_working_days="England's (Tees); no Welsh rule found",
        later_review_months=f"{WALES_REVIEW} (equals England's)",
        report_deadline_working_days=f"England's default ({SEED})",
        prompt_lead_working_days=f"England's default ({SEED})",
        quorum_core_agencies=f"{WALES_REVIEW}: three agencies or professional groupings",
        quorum_other_agencies=f"{WALES_REVIEW}: three agencies or professional groupings",
        inquorate_reconvene_working_days="England's (Swindon); no Welsh limit found",
        words=f"{WALES}, Children sections 3 and 4",
    ),
)

SCOTLAND_RULES = NationRules(
    nation=Nation.SCT,
    first_core_group_days=15,
    first_core_group_working=True,
    core_group_interval_weeks=6,
    first_review_months=6,
    pre_birth_first_review_months=3,
    pre_birth_review_after_birth_working_days=None,
    later_review_months=6,
    report_deadline_working_days=2,
    prompt_lead_working_days=5,
    quorum_core_agencies=frozenset({Agency.CHILDRENS_SOCIAL_CARE, Agency.POLICE}),
    # Health is the third core agency: any health agency counts for it (`HEALTH_AGENCIES`).
    quorum_other_agencies=1,
    inquorate_reconvene_working_days=10,
    words=NationWords(
        initial_heading=N_("Child Protection Planning Meeting (CPPM)"),
        initial=N_("Child Protection Planning Meeting"),
        review_heading=N_("Review CPPM"),
        review=N_("review CPPM"),
        review_abbreviation=None,
        plan=N_("child protection plan"),
        lead_worker=N_("lead professional"),
    ),
    sources=_sourced(
        first_core_group_days=SCOTLAND,
        first_core_group_working=SCOTLAND,
        core_group_interval_weeks=f"England's default (a setting); {SCOTLAND} sets no interval",
        first_review_months=SCOTLAND,
        pre_birth_first_review_months=SCOTLAND,
        pre_birth_review_after_birth_working_days=f"{SCOTLAND}: no rule counted from the birth",
        later_review_months=SCOTLAND,
        report_deadline_working_days=f"England's default ({SEED})",
        prompt_lead_working_days=f"England's default ({SEED})",
        quorum_core_agencies=f"{SCOTLAND}: social work, health and police",
        quorum_other_agencies=f"{SCOTLAND}: social work, health and police",
        inquorate_reconvene_working_days=SCOTLAND,
        words=SCOTLAND,
    ),
)

NORTHERN_IRELAND_RULES = NationRules(
    nation=Nation.NIR,
    first_core_group_days=10,
    first_core_group_working=True,
    core_group_interval_weeks=6,
    first_review_months=3,
    pre_birth_first_review_months=3,
    pre_birth_review_after_birth_working_days=10,
    later_review_months=6,
    report_deadline_working_days=2,
    prompt_lead_working_days=5,
    quorum_core_agencies=frozenset({Agency.CHILDRENS_SOCIAL_CARE}),
    quorum_other_agencies=2,
    inquorate_reconvene_working_days=10,
    words=NationWords(
        initial_heading=N_("Initial case conference"),
        initial=N_("initial case conference"),
        review_heading=N_("Review case conference"),
        review=N_("review case conference"),
        review_abbreviation=None,
        plan=N_("child protection plan"),
        lead_worker=N_("key worker"),
    ),
    sources=_sourced(
        first_core_group_days=f"England's (Working Together); not found in {NI_PROCEDURES}",
        first_core_group_working="England's (Working Together)",
        core_group_interval_weeks="England's default (a setting)",
        first_review_months=f"{NI_GUIDANCE}; {NI_PROCEDURES} (equals England's)",
        pre_birth_first_review_months=f"{NI_GUIDANCE} (equals England's)",
        pre_birth_review_after_birth_working_days="England's (Tees); no NI rule found",
        later_review_months=f"{NI_GUIDANCE}; {NI_PROCEDURES} (equals England's)",
        report_deadline_working_days=f"England's default ({SEED})",
        prompt_lead_working_days=f"England's default ({SEED})",
        quorum_core_agencies=f"England's (local procedures); not found in {NI_PROCEDURES}",
        quorum_other_agencies=f"England's (local procedures); not found in {NI_PROCEDURES}",
        inquorate_reconvene_working_days="England's (Swindon); no NI limit found",
        words=NI_PROCEDURES,
    ),
)

NATIONS: Mapping[Nation, NationRules] = MappingProxyType(
    {r.nation: r for r in (ENGLAND, WALES_RULES, SCOTLAND_RULES, NORTHERN_IRELAND_RULES)}
)


def nation_rules(nation: Nation) -> NationRules:
    """The rules and words of one nation."""
    return NATIONS[nation]


def unsourced(rules: NationRules) -> list[str]:
    """The fields of `rules` that name no source (none should)."""
    named = {f.name for f in fields(rules)} - {"nation", "sources"}
    return sorted(name for name in named if not rules.sources.get(name))
