"""The summary and digest laid out once, in plain words, for every renderer to show."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.rules.i18n import N_, WELSH, Translated, _, current, gettext, ngettext
from bot.rules.naming import for_children, named
from bot.rules.timeline import format_day
from bot.rules.vocabulary import ActionStatus, Attendance, Category, Rag, Role
from bot.summary.audience import for_audience
from bot.summary.model import (
    Audience,
    Conference,
    DigestInput,
    Kept,
    MemberUpdate,
    OutcomeOverview,
    Report,
    SummaryInput,
    Trend,
    UpdateSection,
)
from bot.summary.progress import row_trend
from bot.ui.labels import (
    ATTENDANCE_LABELS,
    CATEGORY_WORDS,
    RAG_FAMILY_MEANINGS,
    RAG_FAMILY_WORDS,
    RAG_LETTERS,
    RAG_NAMES,
    ROLE_WORDS,
)


class Part(StrEnum):
    """The parts of a summary, in the order of a restorative review conference (seed 003): the
    family's meeting; the family describe the children; the child's views; the harm; its impact;
    the family reflect; support and contributions. Then the professionals' accounting."""

    MEETING = "meeting"
    FAMILY = "family"
    CHILD_VIEWS = "child_views"
    HARM = "harm"
    IMPACT = "impact"
    REFLECT = "reflect"
    GOING_WELL = "going_well"
    WORRIES = "worries"
    UPDATES = "updates"
    ACTIONS = "actions"
    PROGRESS = "progress"
    ATTENDANCE = "attendance"
    REPORTS = "reports"


PART_TITLES = {
    Part.MEETING: N_("The family's meeting"),
    Part.IMPACT: N_("The impact on the children"),
    Part.REFLECT: N_("The family reflect"),
    Part.FAMILY: N_("The children, as the family describe them"),
    Part.CHILD_VIEWS: N_("The children's views"),
    Part.HARM: N_("The harm this conference needs to address"),
    Part.PROGRESS: N_("Progress on each outcome"),
    Part.GOING_WELL: N_("What is going well"),
    Part.WORRIES: N_("Worries and any new harm"),
    Part.UPDATES: N_("Each person's update"),
    Part.ACTIONS: N_("Support and contributions: actions and where they are"),
    Part.ATTENDANCE: N_("Attendance at core groups"),
    Part.REPORTS: N_("Reports missing or late"),
}

# The family's copy speaks to the family, in headings of its own.
FAMILY_PART_TITLES = {
    **PART_TITLES,
    Part.MEETING: N_("Your family's meeting"),
    Part.IMPACT: N_("How this affects the children"),
    Part.REFLECT: N_("What the family have said"),
    Part.FAMILY: N_("The children, in the family's own words"),
    # Possessive, so it reads right for one child, several or a baby: "The baby's own views".
    Part.CHILD_VIEWS: N_("The children's own views"),
    Part.HARM: N_("The harm we need to talk about"),
    Part.PROGRESS: N_("How things are going"),
    Part.GOING_WELL: N_("What is going well"),
    Part.WORRIES: N_("What people are worried about"),
    Part.UPDATES: N_("What each person said"),
    Part.ACTIONS: N_("Who is doing what"),
}
# Attendance and reports are how professionals keep each other to account: professional copy only.
PROFESSIONAL_PARTS = frozenset({Part.ATTENDANCE, Part.REPORTS})


class _Words:
    """A sentence of the summary, read in the current locale whenever it is read."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __get__(self, owner: object, kind: type | None = None) -> str:
        return gettext(self.message)


class Wording:
    """What a summary says where there is nothing to show: every renderer says the same,
    in the language of the rendering under way."""

    family_missing = _Words(
        N_(
            "Not yet written. The family can describe the children in their own words at the start "
            "of the conference."
        )
    )
    child_views_missing = _Words(
        N_(
            "Not yet captured. The children's views have not reached this conference yet, directly "
            "or through an advocate."
        )
    )
    harm_missing = _Words(
        N_("Not yet recorded. The conference will name the harm it needs to address.")
    )
    meeting_intro = _Words(
        N_(
            "This is the family's meeting. It is about making things better for the children, and "
            "everyone here shares that job."
        )
    )
    impact_missing = _Words(
        N_("Not yet recorded. The conference will talk about how the harm affects the children.")
    )
    reflect_waiting = _Words(
        N_(
            "The family have not sent their own words yet. At the conference they will say how "
            "they feel about what they heard, and what strengths they can build on."
        )
    )
    no_outcomes = _Words(N_("The plan has no outcomes recorded yet."))
    no_ratings = _Words(N_("No ratings yet."))
    nothing_going_well = _Words(N_("No one has written about what is going well yet."))
    no_new_harm = _Words(N_("No one reported new harm in their update."))
    no_worries = _Words(N_("No worries were written down."))
    worries_kept = _Words(
        N_(
            "Worries were written down for professionals only, so they are kept from the "
            "family's copy."
        )
    )
    no_updates = _Words(N_("No updates have been received."))
    nothing_more = _Words(N_("Nothing further to add to what is above."))
    no_actions = _Words(N_("The plan has no actions recorded yet."))
    no_core_groups = _Words(N_("No core group met in this period."))
    no_attendance = _Words(N_("Attendance was not recorded."))
    reports_on_time = _Words(N_("Every report arrived on time."))
    professional_only = _Words(N_("professionals only"))
    family_copy = _Words(
        N_(
            "This is the family's copy. Information that professionals may share only with each "
            "other is never included in it."
        )
    )
    professional_copy = _Words(
        N_(
            "This is the professionals' copy. It includes information marked for professionals "
            "only: please do not share it with the family."
        )
    )


WORDS = Wording()
TREND_WORDS = Translated(
    {
        Trend.IMPROVING: N_("↑ improving"),
        Trend.WORSENING: N_("↓ worsening"),
        Trend.STEADY: N_("→ steady"),
        Trend.NEW: N_("new"),
    }
)


def day(value: date) -> str:
    """A date for prose: "Tue 5 Jan 2027" (format_day without its column padding)."""
    return " ".join(format_day(value).split())


def short_day(value: date) -> str:
    """A date for a grid column: "5 Jan"."""
    return " ".join(format_day(value).split()[1:3])


def instant(value: datetime, zone: ZoneInfo) -> str:
    """An instant in the case's time zone: "Tue 5 Jan 2027, 16:05"."""
    local = value.astimezone(zone)
    return _("{day}, {time}").format(day=day(local.date()), time=f"{local:%H:%M}")


def when(conference: Conference) -> str:
    """When a conference meets: its day, and its time once known."""
    if conference.starts_at is None:
        return day(conference.day)
    return _("{day} at {time}").format(day=day(conference.day), time=_clock(conference.starts_at))


def _clock(value: time) -> str:
    return f"{value:%H:%M}"


# --- the summary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """One part of the document: its number and title."""

    part: Part
    number: int
    title: str


@dataclass(frozen=True)
class Said:
    """Someone's own words, who said them, and any note (when, professional only)."""

    who: str
    text: str
    note: str | None = None
    professional_only: bool = False


@dataclass(frozen=True)
class Cell:
    """One rating in the grid; `rag` None is an empty cell."""

    rag: Rag | None
    family: bool = False  # in the family's copy: their own words, never a letter code

    @property
    def letter(self) -> str:
        """R, A, G (the family's words in their copy), or a dash: the grid reads in black and
        white."""
        if self.rag is None:
            return "–"
        return RAG_FAMILY_WORDS[self.rag] if self.family else RAG_LETTERS[self.rag]

    @property
    def key_word(self) -> str:
        """The word the key adds after the cell: the colour's name, or nothing in the family's
        copy, whose cells already say their words."""
        return "" if self.family else self.word

    @property
    def word(self) -> str:
        """Red, Amber, Green (Going well, Some progress, Worried for the family), or "Not
        rated"."""
        if self.rag is None:
            return _("Not rated")
        return RAG_FAMILY_WORDS[self.rag] if self.family else RAG_NAMES[self.rag]


@dataclass(frozen=True)
class Column:
    """A core group as a grid column."""

    label: str
    day: str


@dataclass(frozen=True)
class GridRow:
    """One member's ratings of one outcome across the core groups, and its trend."""

    who: str
    cells: tuple[Cell, ...]
    trend: Trend

    @property
    def trend_words(self) -> str:
        """The trend with its arrow."""
        return TREND_WORDS[self.trend]


@dataclass(frozen=True)
class GridNote:
    """The note someone gave with a rating."""

    who: str
    column: str
    cell: Cell
    text: str


@dataclass(frozen=True)
class OutcomeGrid:
    """One outcome: its ratings per member per core group, and the notes given with them."""

    number: int
    wording: str
    rows: tuple[GridRow, ...]
    notes: tuple[GridNote, ...]


@dataclass(frozen=True)
class HarmReport:
    """New harm reported in an update."""

    who: str
    when: str
    detail: str | None
    professional_only: bool


@dataclass(frozen=True)
class UpdatePart:
    """A labelled part of one person's update."""

    label: str
    text: str
    professional_only: bool


@dataclass(frozen=True)
class UpdateView:
    """One person's update, beyond the strengths and worries gathered above."""

    who: str
    role: str
    sent: str
    late: bool
    parts: tuple[UpdatePart, ...]


@dataclass(frozen=True)
class ActionView:
    """One action and where it is."""

    description: str
    owner: str
    due: str
    status: str  # open, done, dropped or overdue: a CSS class and a test hook
    status_words: str


@dataclass(frozen=True)
class ActionGroup:
    """The actions toward one outcome (or the plan as a whole)."""

    heading: str
    actions: tuple[ActionView, ...]


@dataclass(frozen=True)
class AttendanceView:
    """Who came to one core group, and how."""

    label: str
    day: str
    present: tuple[str, ...]
    late: tuple[str, ...]
    represented: tuple[str, ...]
    absent: tuple[str, ...]
    apologies: tuple[str, ...] = ()

    @property
    def groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(label, people) for each outcome someone had, in the order the form offers them."""
        people = {
            Attendance.PRESENT: self.present,
            Attendance.LATE: self.late,
            Attendance.REPRESENTED: self.represented,
            Attendance.APOLOGIES: self.apologies,
            Attendance.ABSENT: self.absent,
        }
        return tuple((label, people[a]) for a, label in ATTENDANCE_LABELS.items() if people[a])


@dataclass(frozen=True)
class ReportView:
    """A report that is missing or arrived late."""

    who: str
    due: str
    state: str  # missing, late or in (on time)
    words: str


@dataclass(frozen=True)
class SummaryView:
    """The whole summary for one audience, every value ready to show."""

    reference: str
    audience: Audience
    audience_note: str
    review_heading: str  # "Review conference", "Review CPPM"
    conference: str
    when: str
    place: str | None
    period: str
    headings: tuple[Heading, ...]
    family_description: str | None
    child_views: tuple[Said, ...]
    harm: str | None
    meeting_lines: tuple[str, ...]
    impact: str | None
    reflections: tuple[Said, ...]
    rag_key: tuple[tuple[Cell, str], ...]
    columns: tuple[Column, ...]
    grids: tuple[OutcomeGrid, ...]
    going_well: tuple[Said, ...]
    new_harm: tuple[HarmReport, ...]
    worries: tuple[Said, ...]
    updates: tuple[UpdateView, ...]
    action_groups: tuple[ActionGroup, ...]
    attendance: tuple[AttendanceView, ...]
    reports: tuple[ReportView, ...]
    family_missing: str = WORDS.family_missing
    child_views_missing: str = WORDS.child_views_missing
    # What the worries part says when it shows none: in the family's copy, that some were kept
    # from them, never that none were written.
    no_worries: str = WORDS.no_worries


def summary_view(summary: SummaryInput, audience: Audience) -> SummaryView:
    """Lay out the summary for `audience`, after removing what that audience may not read."""
    shown = for_audience(summary, audience)
    zone = ZoneInfo(shown.timezone)
    # The family speaks first (seed 003); otherwise the service's order stands.
    updates = sorted(shown.updates, key=lambda update: update.role is not Role.FAMILY)
    hidden = [update.professional_only_sections for update in updates]
    family = audience is Audience.FAMILY
    titles = FAMILY_PART_TITLES if family else PART_TITLES
    parts = [part for part in Part if not (family and part in PROFESSIONAL_PARTS)]
    if family:
        rag_key = tuple((Cell(rag, family=True), RAG_FAMILY_MEANINGS[rag]) for rag in _KEY_ORDER)
    else:
        # An area's own meanings are its words; the defaults are the catalog's.
        meanings = {
            Rag.GREEN: gettext(shown.rag_key.green),
            Rag.AMBER: gettext(shown.rag_key.amber),
            Rag.RED: gettext(shown.rag_key.red),
        }
        rag_key = tuple((Cell(rag), meanings[rag]) for rag in _KEY_ORDER)
    return SummaryView(
        reference=shown.reference,
        audience=audience,
        audience_note=WORDS.family_copy if audience is Audience.FAMILY else WORDS.professional_copy,
        review_heading=gettext(shown.review_heading),
        conference=meeting_label(shown.conference.label),
        when=when(shown.conference),
        place=shown.conference.place,
        period=_("{since} to {until}").format(
            since=day(shown.period.since), until=day(shown.period.until)
        ),
        headings=tuple(
            Heading(part, number, about_children(_(titles[part]), shown.children))
            for number, part in enumerate(parts, start=1)
        ),
        family_description=shown.family_description,
        child_views=tuple(
            Said(
                who=view.by,
                text=view.text,
                note=_("Shared {day}").format(day=day(view.captured_on)),
                professional_only=view.professional_only,
            )
            for view in shown.child_views
        ),
        harm=shown.harm_to_address,
        meeting_lines=_meeting_lines(shown),
        impact=shown.harm_impact,
        reflections=tuple(_reflections(updates, hidden)),
        rag_key=rag_key,
        columns=tuple(
            Column(meeting_label(cycle.label), short_day(cycle.held_on)) for cycle in shown.cycles
        ),
        grids=_grids(shown, family=family),
        going_well=tuple(
            Said(_who(u), u.going_well, professional_only=UpdateSection.GOING_WELL in h)
            for u, h in zip(updates, hidden, strict=True)
            if u.going_well and u.role is not Role.FAMILY
        ),
        new_harm=tuple(
            HarmReport(
                who=_who(u),
                when=_("in their update of {when}").format(when=instant(u.submitted_at, zone)),
                detail=u.new_harm_detail,
                professional_only=UpdateSection.NEW_HARM in h,
            )
            for u, h in zip(updates, hidden, strict=True)
            if u.new_harm
        ),
        worries=tuple(
            Said(_who(u), u.worries, professional_only=UpdateSection.WORRIES in h)
            for u, h in zip(updates, hidden, strict=True)
            if u.worries and u.role is not Role.FAMILY
        ),
        updates=tuple(_update_view(update, zone) for update in updates),
        action_groups=_action_groups(shown),
        attendance=_attendance(shown),
        reports=tuple(_report_view(report) for report in shown.reports if report_owed(report)),
        family_missing=about_children(WORDS.family_missing, shown.children),
        child_views_missing=about_children(WORDS.child_views_missing, shown.children),
        no_worries=(
            WORDS.worries_kept
            if any(u.worries for u in summary.updates) and not any(u.worries for u in updates)
            else WORDS.no_worries
        ),
    )


def sent_for(sent_by: str | None, name: str) -> str:
    """ ", sent by X for Y" when a cover sent someone's update, else nothing."""
    return _("; sent by {cover} for {name}").format(cover=sent_by, name=name) if sent_by else ""


def meeting_label(label: str) -> str:
    """A meeting's label ("Core group 2", "Review conference"), made when the summary's values
    were gathered, in the language of the rendering under way (a label already in it, or not in
    the catalog, is kept as it is)."""
    words, _space, number = label.rpartition(" ")
    if words and number.isdigit():
        return f"{gettext(words)} {number}"
    return gettext(label)


def _named_sent(name: str, agency: str, sent_by: str | None) -> str:
    agency = gettext(agency)  # gathered as an agency's English name: "School", "Family"
    # A cover's note always goes in the brackets, even beside a name carrying its own.
    if sent_by:
        return f"{name} ({agency}{sent_for(sent_by, name)})"
    return named(name, agency)


def _meeting_lines(summary: SummaryInput) -> tuple[str, ...]:
    meeting = summary.family_meeting
    lines = [WORDS.meeting_intro]
    if meeting.children:
        lines.append(_("The children: {children}.").format(children="; ".join(meeting.children)))
    if meeting.category is not None:
        category = CATEGORY_WORDS[meeting.category]
        lines.append(_("The plan's category: {category}.").format(category=category))
    if meeting.advocate:
        lines.append(_("The children's advocate: {advocate}.").format(advocate=meeting.advocate))
    if meeting.language and meeting.interpreter_needed:
        lines.append(
            _("The family's language: {language}; an interpreter will be there.").format(
                language=meeting.language
            )
        )
    elif meeting.language:
        lines.append(_("The family's language: {language}.").format(language=meeting.language))
    elif meeting.interpreter_needed:
        lines.append(_("An interpreter will be there."))
    return tuple(lines)


# The family's own words, in their form's labels.
_REFLECTION_LABELS = (
    ("going_well", UpdateSection.GOING_WELL, N_("What is going well")),
    ("worries", UpdateSection.WORRIES, N_("What worries them")),
    ("next_steps", UpdateSection.NEXT_STEPS, N_("What would make things better")),
)


def _reflections(updates: list[MemberUpdate], hidden: list[frozenset[UpdateSection]]) -> list[Said]:
    found: list[Said] = []
    for update, sections in zip(updates, hidden, strict=True):
        if update.role is not Role.FAMILY:
            continue
        for name, section, label in _REFLECTION_LABELS:
            text = getattr(update, name)
            if text:
                found.append(Said(_who(update), text, _(label), section in sections))
    return found


def _who(update: MemberUpdate) -> str:
    return _named_sent(update.name, update.agency, update.sent_by)


_KEY_ORDER = (Rag.GREEN, Rag.AMBER, Rag.RED)


def _grids(summary: SummaryInput, *, family: bool) -> tuple[OutcomeGrid, ...]:
    column_of = {cycle.id: index for index, cycle in enumerate(summary.cycles)}
    # outcome -> row label (first-seen order) -> one rating per column
    table: dict[int, dict[str, list[Rag | None]]] = defaultdict(dict)
    notes: dict[int, list[tuple[int, str, Rag, str]]] = defaultdict(list)  # column, who, rag, text
    for rating in summary.ratings:
        row = table[rating.outcome_id].setdefault(rating.by, [None] * len(summary.cycles))
        column = column_of[rating.core_group_id]
        row[column] = rating.rag
        if rating.note:
            notes[rating.outcome_id].append((column, rating.by, rating.rag, rating.note))
    return tuple(
        OutcomeGrid(
            number=number,
            wording=outcome.wording,
            rows=tuple(
                GridRow(who, tuple(Cell(rag, family) for rag in rags), row_trend(rags))
                for who, rags in table[outcome.id].items()
            ),
            notes=tuple(
                GridNote(who, meeting_label(summary.cycles[column].label), Cell(rag, family), text)
                for column, who, rag, text in _by_column_then_row(
                    notes[outcome.id], rows=list(table[outcome.id])
                )
            ),
        )
        for number, outcome in enumerate(summary.outcomes, start=1)
    )


def _by_column_then_row(
    notes: list[tuple[int, str, Rag, str]], *, rows: list[str]
) -> list[tuple[int, str, Rag, str]]:
    # Notes read core group by core group, each in the grid's row order.
    row_of = {who: index for index, who in enumerate(rows)}
    return sorted(notes, key=lambda note: (note[0], row_of[note[1]]))


def _update_view(update: MemberUpdate, zone: ZoneInfo) -> UpdateView:
    hidden = update.professional_only_sections
    parts: list[UpdatePart] = []
    if update.child_last_seen is not None:
        seen = day(update.child_last_seen)
        if update.child_seen_alone is True:
            seen = _("{day}, seen alone").format(day=seen)
        elif update.child_seen_alone is False:
            seen = _("{day}, not seen alone").format(day=seen)
        parts.append(
            UpdatePart(
                _("Child last seen"),
                seen,
                UpdateSection.CHILD_SEEN in hidden,
            )
        )
    if update.next_steps:
        parts.append(
            UpdatePart(
                # The family's form asks what would make things better: keep their question.
                _("What would make things better")
                if update.role is Role.FAMILY
                else _("What they will do next"),
                update.next_steps,
                UpdateSection.NEXT_STEPS in hidden,
            )
        )
    if update.help_needed:
        parts.append(
            UpdatePart(_("Help needed"), update.help_needed, UpdateSection.HELP_NEEDED in hidden)
        )
    if update.professional_only:
        parts.append(UpdatePart(_("Further information"), update.professional_only, True))
    sent = instant(update.submitted_at, zone)
    return UpdateView(
        who=_who(update),
        role=ROLE_WORDS[update.role],
        sent=(
            _("Sent {when}, after the deadline").format(when=sent)
            if update.late
            else _("Sent {when}").format(when=sent)
        ),
        late=update.late,
        parts=tuple(parts),
    )


_STATUS_WORDS = Translated(
    {
        "open": N_("In progress"),
        "overdue": N_("Not done yet; its date has passed"),
        "done": N_("Done"),
        "dropped": N_("No longer part of the plan"),
    }
)


def _action_groups(summary: SummaryInput) -> tuple[ActionGroup, ...]:
    groups: list[ActionGroup] = []
    keys: list[tuple[int | None, str]] = [
        (
            outcome.id,
            _("Outcome {number}: {wording}").format(number=number, wording=outcome.wording),
        )
        for number, outcome in enumerate(summary.outcomes, start=1)
    ]
    for outcome_id, heading in [*keys, (None, _("The plan as a whole"))]:
        actions = tuple(
            _action_view(action.description, action.owner, action.due, action.status, summary)
            for action in summary.actions
            if action.outcome_id == outcome_id
        )
        if actions:
            groups.append(ActionGroup(heading, actions))
    return tuple(groups)


def _action_view(
    description: str,
    owner: str | None,
    due: date | None,
    status: ActionStatus,
    summary: SummaryInput,
) -> ActionView:
    key = status.value
    if status is ActionStatus.OPEN and due is not None and due < summary.conference.day:
        key = "overdue"
    return ActionView(
        description=description,
        owner=owner or _("Not yet agreed"),
        due=day(due) if due is not None else _("No date set"),
        status=key,
        status_words=_STATUS_WORDS[key],
    )


def _attendance(summary: SummaryInput) -> tuple[AttendanceView, ...]:
    views: list[AttendanceView] = []
    for cycle in summary.cycles:
        records = [r for r in summary.attendance if r.core_group_id == cycle.id]
        by_kind: dict[Attendance, list[str]] = defaultdict(list)
        for record in records:
            who = named(record.name, gettext(record.agency))
            if record.attendance is Attendance.REPRESENTED and record.represented_by:
                who = _("{who}, represented by {representative}").format(
                    who=who, representative=record.represented_by
                )
            by_kind[record.attendance].append(who)
        views.append(
            AttendanceView(
                label=meeting_label(cycle.label),
                day=day(cycle.held_on),
                present=tuple(by_kind[Attendance.PRESENT]),
                late=tuple(by_kind[Attendance.LATE]),
                represented=tuple(by_kind[Attendance.REPRESENTED]),
                absent=tuple(by_kind[Attendance.ABSENT]),
                apologies=tuple(by_kind[Attendance.APOLOGIES]),
            )
        )
    return tuple(views)


def report_owed(report: Report) -> bool:
    """Whether a report belongs in "missing or late"."""
    return report.missing or report.late


def _report_view(report: Report) -> ReportView:
    who = named(report.name, gettext(report.agency))
    if report.received_on is None:
        return ReportView(who, day(report.due), "missing", _("Not received yet"))
    received = day(report.received_on)
    if report.late:
        words = _("Received {day}, after its due date").format(day=received)
        return ReportView(who, day(report.due), "late", words)
    return ReportView(who, day(report.due), "in", _("Received {day}").format(day=received))


# --- the digest ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewView:
    """One outcome's line in the digest."""

    number: int
    wording: str
    red: int
    amber: int
    green: int
    direction: str


@dataclass(frozen=True)
class DigestView:
    """The chair's digest, every value ready to show."""

    reference: str
    conference: str
    when: str
    place: str | None
    quorate: bool
    quorum: str
    confirmed: tuple[str, ...]
    not_replied: tuple[str, ...]
    reports_in: tuple[ReportView, ...]
    reports_missing: tuple[ReportView, ...]
    overview: tuple[OverviewView, ...]
    new_harm: tuple[str, ...]
    decisions: tuple[str, ...]
    # Whose updates have parts kept from family members, and which parts: never their words.
    kept: tuple[str, ...] = ()


_DIRECTION_WORDS = Translated(
    {
        Trend.IMPROVING: N_("improving since the last conference"),
        Trend.WORSENING: N_("worsening since the last conference"),
        Trend.STEADY: N_("steady since the last conference"),
        Trend.NEW: N_("first ratings this period"),
    }
)


SECTION_WORDS = Translated(
    {
        UpdateSection.GOING_WELL: N_("what is going well"),
        UpdateSection.WORRIES: N_("their worries"),
        UpdateSection.NEW_HARM: N_("new harm"),
        UpdateSection.CHILD_SEEN: N_("when the child was seen"),
        UpdateSection.CHILD_VIEWS: N_("the child's words"),
        UpdateSection.NEXT_STEPS: N_("their next steps"),
        UpdateSection.HELP_NEEDED: N_("help needed"),
    }
)


def _kept_words(kept: Kept) -> str:
    parts = [SECTION_WORDS[section] for section in kept.sections]
    if kept.further_information:
        parts.append(_("further information for professionals"))
    return _("{who} ({agency}): {parts}").format(
        who=kept.by, agency=gettext(kept.agency), parts=", ".join(parts)
    )


def digest_view(digest: DigestInput) -> DigestView:
    """Lay out the chair's digest."""
    zone = ZoneInfo(digest.timezone)
    quorum = digest.quorum
    if quorum.quorate:
        quorum_words = _("Quorate on the replies so far.")
    else:
        quorum_words = ngettext(
            "Not quorate on the replies so far: short by {n} agency.",
            "Not quorate on the replies so far: short by {n} agencies.",
            quorum.short_by,
        ).format(n=quorum.short_by)
    received = [r for r in digest.reports if not r.missing]
    return DigestView(
        reference=digest.reference,
        conference=meeting_label(digest.conference.label),
        when=when(digest.conference),
        place=digest.conference.place,
        quorate=quorum.quorate,
        quorum=quorum_words,
        confirmed=tuple(gettext(agency) for agency in quorum.confirmed),
        not_replied=quorum.not_replied,
        reports_in=tuple(_report_view(report) for report in received),
        reports_missing=tuple(_report_view(r) for r in digest.reports if r.missing),
        overview=tuple(_overview_view(n, o) for n, o in enumerate(digest.overview, start=1)),
        new_harm=tuple(
            _("{who} in their update of {when}").format(
                who=_named_sent(flag.by, flag.agency, flag.sent_by),
                when=instant(flag.flagged_at, zone),
            )
            for flag in digest.new_harm
        ),
        decisions=_decisions(digest.category),
        kept=tuple(_kept_words(kept) for kept in digest.kept),
    )


def _overview_view(number: int, overview: OutcomeOverview) -> OverviewView:
    return OverviewView(
        number=number,
        wording=overview.wording,
        red=overview.red,
        amber=overview.amber,
        green=overview.green,
        direction=_DIRECTION_WORDS[overview.direction],
    )


def decision_choices(category: Category | None = None) -> tuple[str, ...]:
    """What the review conference must decide between, as the digest and headline word it."""
    return _decisions(category)


def direction_words(direction: Trend) -> str:
    """Which way an outcome's ratings moved this period, in words."""
    return _DIRECTION_WORDS[direction]


def _decisions(category: Category | None) -> tuple[str, ...]:
    categories = ", ".join(CATEGORY_WORDS[c] for c in Category)
    if category:
        carry_on = _(
            "Continue the plan, under one category: {categories} (the plan is currently under "
            "{category})."
        ).format(categories=categories, category=CATEGORY_WORDS[category])
    else:
        carry_on = _("Continue the plan, under one category: {categories}.").format(
            categories=categories
        )
    return (
        carry_on,
        _("End the plan and step down to a child in need plan."),
        _("End the plan, with no further plan."),
    )


def about_children(text: str, children: str) -> str:
    """`text` (already in the current locale), written about the children, said instead about
    `children` (the English "the child", "the baby"): the Welsh says "y plant" (or "'r plant")
    wherever the English says "the children", so the same swap is made on the Welsh words."""
    if current() != WELSH:
        return for_children(text, children)
    if children == "the children":
        return text
    welsh = gettext(children)  # "y plentyn", "y babi"
    noun = welsh.removeprefix("y ")
    return (
        text.replace("Y plant", welsh[0].upper() + welsh[1:])
        .replace("y plant", welsh)
        .replace("'r plant", f"'r {noun}")
    )
