"""Block Kit for meetings: invitations with live replies, and the scheduling, representative
and attendance modals. Pure functions of values."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    TimePickerElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _, ngettext
from bot.rules.ids import ActionId, DecisionField, MeetingField, ViewId
from bot.rules.naming import named
from bot.rules.quorum import QuorumForecast
from bot.rules.timeline import format_day
from bot.rules.vocabulary import Attendance, Category, Decision, MeetingKind, Nation, Rsvp
from bot.ui.common import context, fit, header, section
from bot.ui.labels import (
    AGENCY_NAMES,
    ATTENDANCE_LABELS,
    SUPPORTER_KIND_LABELS,
    meeting_heading,
    meeting_words,
)
from bot.ui.who_reads import who_reads


@dataclass(frozen=True)
class MeetingCard:
    """What an invitation says about the meeting."""

    meeting_id: int
    reference: str
    kind: MeetingKind
    starts_at_local: datetime
    place: str | None
    # The case's nation: its meetings are named in its words ("review CPPM").
    nation: Nation = Nation.ENG

    @property
    def title(self) -> str:
        """The meeting at the start of a title, in the nation's words: "Review CPPM"."""
        return meeting_words(self.kind, self.nation, capital=True)

    @property
    def when(self) -> str:
        """e.g. 'Tue 12 Jan 2027 at 10:00'."""
        return _("{day} at {time}").format(
            day=format_day(self.starts_at_local.date()), time=f"{self.starts_at_local:%H:%M}"
        )


@dataclass(frozen=True)
class Reply:
    """One invitee's reply, for the live list."""

    name: str
    rsvp: Rsvp
    representative: str | None = None


def invitation_text(reference: str, kind: MeetingKind, nation: Nation = Nation.ENG) -> str:
    """Notification text of an invitation: the case reference and the kind of meeting only."""
    return _("Invitation: {meeting} for {reference}").format(
        meeting=meeting_words(kind, nation), reference=reference
    )


def _rsvp_buttons(meeting_id: int, *, family: bool = False) -> ActionsBlock:
    value = str(meeting_id)
    # A family member does not send someone in their place: they may bring someone with them.
    someone = (
        ButtonElement(
            text=_("I'd like to bring someone"), action_id=ActionId.BRING_SOMEONE, value=value
        )
        if family
        else ButtonElement(
            text=_("I'm sending someone"), action_id=ActionId.RSVP_REPRESENTATIVE, value=value
        )
    )
    return ActionsBlock(
        block_id=f"rsvp_{meeting_id}",
        elements=[
            ButtonElement(
                text=_("I'll be there"),
                action_id=ActionId.RSVP_ATTENDING,
                value=value,
                style="primary",
            ),
            someone,
            ButtonElement(text=_("Apologies"), action_id=ActionId.RSVP_APOLOGIES, value=value),
        ],
    )


def _names(replies: Sequence[Reply], rsvp: Rsvp) -> str:
    chosen = [r for r in replies if r.rsvp == rsvp]
    if rsvp == Rsvp.REPRESENTATIVE:
        parts = [
            _("{representative} for {name}").format(
                representative=escape_mrkdwn(r.representative or "?"), name=escape_mrkdwn(r.name)
            )
            for r in chosen
        ]
    else:
        parts = [escape_mrkdwn(r.name) for r in chosen]
    return ", ".join(parts) or _("nobody yet")


def _to_ask(forecast: QuorumForecast) -> list[str]:
    """Whom to ask, each named with their agency and why."""
    lines = [
        _("• {who}: not replied yet").format(
            who=escape_mrkdwn(named(i.name, AGENCY_NAMES[i.agency]))
        )
        for i in forecast.not_replied
    ]
    lines += [
        _("• {who}: sent apologies; someone else from their agency could come instead").format(
            who=escape_mrkdwn(named(i.name, AGENCY_NAMES[i.agency]))
        )
        for i in forecast.sent_apologies
    ]
    return lines


def quorum_line(forecast: QuorumForecast) -> str:
    """For the chair and social worker only: whether the conference is expected to be quorate,
    and whom to ask. Never posted where the family reads."""
    if forecast.quorate:
        return ":white_check_mark: " + _("Expected to be quorate from the replies so far.")
    more = ngettext("{n} more agency", "{n} more agencies", forecast.short_by).format(
        n=forecast.short_by
    )
    rule = _(
        "It needs children's social care and {needed} other agencies who know the family; "
        "{more} would make it so."
    ).format(needed=forecast.needed_other_agencies, more=more)
    asks = _to_ask(forecast)
    if not asks:
        return f":warning: {rule} " + _(
            "Everyone invited who could count has replied: you may want to invite another "
            "agency who knows the family, or move the date."
        )
    return f":warning: {rule} " + _("You could ask:") + "\n" + "\n".join(asks)


def invitation_blocks(
    card: MeetingCard,
    replies: Sequence[Reply],
    *,
    in_channel: bool = True,
    held: bool = False,
    family: bool = False,
) -> list[Block]:
    """The invitation: when and where, reply buttons, and (in the channel) who replied what.
    Quorum is the chair's and social worker's business: the family reads this channel."""
    blocks: list[Block] = [
        header(f"{card.title}: {card.reference}"),
        section(
            _("*When:* {when}\n*Where:* {place}").format(
                when=card.when, place=escape_mrkdwn(card.place or _("to be confirmed"))
            )
        ),
    ]
    if not held:
        blocks.append(_rsvp_buttons(card.meeting_id, family=family))
        blocks.append(
            context(
                _(
                    "You're welcome to bring a friend, relative, advocate or interpreter: the "
                    "social worker will add them once they've agreed."
                )
                if family
                else _(
                    "Professionals: if you can't come, please send someone from your agency, and "
                    "send your update either way: it is part of the review. Families: come if you "
                    "can; your social worker can help you take part."
                )
            )
        )
    if in_channel:
        lines = [
            _("*Coming:* {names}").format(names=_names(replies, Rsvp.ATTENDING)),
            _("*Sending someone:* {names}").format(names=_names(replies, Rsvp.REPRESENTATIVE)),
            _("*Apologies:* {names}").format(names=_names(replies, Rsvp.APOLOGIES)),
            _("*Not replied yet:* {names}").format(names=_names(replies, Rsvp.NONE)),
        ]
        blocks.append(section("\n".join(lines)))
        blocks.append(
            ActionsBlock(
                block_id=f"attendance_{card.meeting_id}",
                elements=[
                    ButtonElement(
                        text=_("Record attendance"),
                        action_id=ActionId.RECORD_ATTENDANCE,
                        value=str(card.meeting_id),
                    )
                ],
            )
        )
    return blocks


def quorum_warning_text(reference: str, nation: Nation = Nation.ENG) -> str:
    """Notification text of a quorum warning."""
    return _("Quorum check for {reference}'s {meeting}").format(
        reference=reference, meeting=meeting_words(MeetingKind.RCPC, nation)
    )


def quorum_warning_blocks(card: MeetingCard, forecast: QuorumForecast) -> list[Block]:
    """For the chair and social worker: the conference may not be quorate, and who to ask."""
    if forecast.quorate:
        return [
            header(f"{meeting_heading(MeetingKind.RCPC, card.nation)}: {card.reference}"),
            section(
                _("Good news: the conference on {when} is now expected to be quorate.").format(
                    when=card.when
                )
            ),
        ]
    return [
        header(f"{meeting_heading(MeetingKind.RCPC, card.nation)}: {card.reference}"),
        section(
            _(
                "The conference on {when} may not be quorate. An inquorate conference should "
                "not normally go ahead."
            ).format(when=card.when)
        ),
        section(quorum_line(forecast)),
    ]


def _meta(**values: object) -> str:
    return json.dumps(values, separators=(",", ":"))


def schedule_modal(
    case_id: int, meetings: Sequence[tuple[int, str]], *, today: date, chosen: int | None = None
) -> View:
    """Set the date, time and place of a meeting (core groups: social worker; reviews: chair)."""
    options = [Option(value=str(mid), label=fit(label, 75)) for mid, label in meetings]
    initial = next((o for o in options if chosen is not None and o.value == str(chosen)), None)
    return View(
        type="modal",
        callback_id=ViewId.SCHEDULE,
        private_metadata=_meta(case=case_id),
        title=_("Set a meeting"),
        submit=_("Save"),
        close=_("Cancel"),
        blocks=[
            InputBlock(
                block_id=MeetingField.MEETING,
                label=_("Which meeting"),
                element=StaticSelectElement(
                    action_id=MeetingField.MEETING, options=options[:100], initial_option=initial
                ),
            ),
            InputBlock(
                block_id=MeetingField.DATE,
                label=_("Date"),
                element=DatePickerElement(
                    action_id=MeetingField.DATE, initial_date=today.isoformat()
                ),
            ),
            InputBlock(
                block_id=MeetingField.TIME,
                label=_("Time"),
                element=TimePickerElement(action_id=MeetingField.TIME, initial_time="10:00"),
            ),
            InputBlock(
                block_id=MeetingField.PLACE,
                label=_("Place"),
                hint=_("Where the family feels comfortable, or a video link. Not a home address."),
                element=PlainTextInputElement(action_id=MeetingField.PLACE, max_length=300),
            ),
            who_reads(ViewId.SCHEDULE),
        ],
    )


def bring_someone_modal(case_id: int, meeting_id: int) -> View:
    """A family member asks to bring someone with them (agreed by the social worker first)."""
    kinds = [Option(value=k.value, label=label) for k, label in SUPPORTER_KIND_LABELS.items()]
    return View(
        type="modal",
        callback_id=ViewId.BRING_SOMEONE,
        private_metadata=_meta(case=case_id, meeting=meeting_id),
        title=_("Bringing someone"),
        submit=_("Ask"),
        close=_("Cancel"),
        blocks=[
            section(
                _(
                    "Who would you like to bring? I'll ask your social worker, and once they "
                    "agree I'll add them to the core group channel. They'll see what you see."
                )
            ),
            InputBlock(
                block_id=MeetingField.SUPPORTER,
                label=_("The person you'd like to bring"),
                element=UserSelectElement(action_id=MeetingField.SUPPORTER),
            ),
            InputBlock(
                block_id=MeetingField.SUPPORTER_KIND,
                label=_("They are"),
                element=RadioButtonsElement(action_id=MeetingField.SUPPORTER_KIND, options=kinds),
            ),
            who_reads(ViewId.BRING_SOMEONE),
        ],
    )


SAME_AGENCY_YES = "yes"
SAME_AGENCY_NO = "no"


def representative_modal(case_id: int, meeting_id: int, agency: str | None = None) -> View:
    """Choose who will come in your place: a colleague of your agency, or ask the social worker."""
    agency = agency or _("your agency")
    where = [
        Option(
            value=SAME_AGENCY_YES,
            label=fit(_("Yes, they work for {agency}").format(agency=agency), 75),
        ),
        Option(value=SAME_AGENCY_NO, label=_("No: please ask the social worker first")),
    ]
    return View(
        type="modal",
        callback_id=ViewId.REPRESENTATIVE,
        private_metadata=_meta(case=case_id, meeting=meeting_id),
        title=_("Sending someone"),
        submit=_("Send invitation"),
        close=_("Cancel"),
        blocks=[
            section(
                _(
                    "Who will come for {agency}? A representative is a colleague from your own "
                    "agency; I'll add them to the core group channel so they see the invitation "
                    "and the plan. Anyone else needs the social worker's agreement first."
                ).format(agency=escape_mrkdwn(agency))
            ),
            InputBlock(
                block_id=MeetingField.REPRESENTATIVE,
                label=fit(_("A colleague from {agency}").format(agency=agency), 75),
                element=UserSelectElement(action_id=MeetingField.REPRESENTATIVE),
            ),
            InputBlock(
                block_id=MeetingField.SAME_AGENCY,
                label=fit(_("Do they work for {agency}?").format(agency=agency), 75),
                element=RadioButtonsElement(
                    action_id=MeetingField.SAME_AGENCY, options=where, initial_option=where[0]
                ),
            ),
            who_reads(ViewId.REPRESENTATIVE),
        ],
    )


def attendance_modal(
    case_id: int, meeting_id: int, invitees: Sequence[tuple[int, str, Attendance | None]]
) -> View:
    """Record who came: one choice per invitee, pre-filled only from what they replied; anyone
    left blank stays "not recorded"."""
    options = [Option(value=a.value, label=label) for a, label in ATTENDANCE_LABELS.items()]
    blocks: list[Block] = []
    for invitation_id, name, guess in invitees[:99]:
        blocks.append(
            InputBlock(
                block_id=MeetingField.ATTENDANCE.numbered(invitation_id),
                label=fit(name, 2000),
                optional=True,
                element=RadioButtonsElement(
                    action_id=MeetingField.ATTENDANCE.numbered(invitation_id),
                    options=options,
                    initial_option=next(
                        (o for o in options if guess is not None and o.value == guess.value), None
                    ),
                ),
            )
        )
    blocks.append(who_reads(ViewId.ATTENDANCE))
    return View(
        type="modal",
        callback_id=ViewId.ATTENDANCE,
        private_metadata=_meta(case=case_id, meeting=meeting_id),
        title=_("Attendance"),
        submit=_("Save"),
        close=_("Cancel"),
        blocks=blocks,
    )


def decision_modal(case_id: int, conference_id: int, label: str) -> View:
    """The chair records what the review conference decided, and any dissent."""
    decisions = [
        Option(value=Decision.CONTINUE.value, label=_("Continue the child protection plan")),
        Option(value=Decision.STEP_DOWN.value, label=_("Step down to a child in need plan")),
        Option(value=Decision.END.value, label=_("End the plan, with no further plan")),
    ]
    categories = [
        Option(value=c.value, label=label_)
        for c, label_ in (
            (Category.NEGLECT, _("Neglect")),
            (Category.PHYSICAL, _("Physical abuse")),
            (Category.EMOTIONAL, _("Emotional abuse")),
            (Category.SEXUAL, _("Sexual abuse")),
        )
    ]
    return View(
        type="modal",
        callback_id=ViewId.DECISION,
        private_metadata=_meta(case=case_id, meeting=conference_id),
        title=_("Conference decision"),
        submit=_("Record decision"),
        close=_("Cancel"),
        blocks=[
            section(f"*{escape_mrkdwn(label)}*"),
            InputBlock(
                block_id=DecisionField.DECISION,
                label=_("The conference decided to"),
                element=RadioButtonsElement(action_id=DecisionField.DECISION, options=decisions),
            ),
            InputBlock(
                block_id=DecisionField.CATEGORY,
                label=_("Category, if the plan continues"),
                optional=True,
                element=StaticSelectElement(action_id=DecisionField.CATEGORY, options=categories),
            ),
            InputBlock(
                block_id=DecisionField.PLAN_CHANGES,
                label=_("What changed in the plan"),
                hint=_("In plain words, for the family's notice of the decision."),
                optional=True,
                element=PlainTextInputElement(
                    action_id=DecisionField.PLAN_CHANGES, multiline=True, max_length=3000
                ),
            ),
            InputBlock(
                block_id=DecisionField.DISSENT,
                label=_("Dissent"),
                hint=_(
                    "If anyone disagreed with the decision, record who and why, in their words."
                ),
                optional=True,
                element=PlainTextInputElement(
                    action_id=DecisionField.DISSENT, multiline=True, max_length=3000
                ),
            ),
            who_reads(ViewId.DECISION),
        ],
    )
