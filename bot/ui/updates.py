"""Block Kit for a member's update: the modal (professional and family versions) and its receipt."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import N_, _, ngettext
from bot.rules.ids import UpdateField, ViewId
from bot.rules.language import suggest_reframes
from bot.rules.update_form import (
    MARKABLE_SECTIONS,
    MAX_OUTCOMES,
    NO,
    SAFETY,
    TEXT_LIMITS,
    YES,
    Audience,
    UpdateDraft,
    update_metadata,
)
from bot.rules.vocabulary import Rag
from bot.ui.common import context, header, section
from bot.ui.labels import RAG_EMOJI, RAG_FAMILY_WORDS, RAG_NAMES
from bot.ui.who_reads import who_reads
from storage.models import URGENT_CONTACT

# Slack's limits on the parts of a view (docs: block kit reference).
OPTION_TEXT_LIMIT = 75
OPTION_DESCRIPTION_LIMIT = 75
LABEL_LIMIT = 2000
MAX_REFRAMES_SHOWN = 2

_RAG_ORDER = (Rag.GREEN, Rag.AMBER, Rag.RED)


def clip(text: str, limit: int) -> str:
    """Shorten `text` to `limit` characters, at a word break where one is near, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def _children(names: Sequence[str]) -> tuple[str, bool]:
    """How to name the children in a label, and whether that is one child."""
    if not names:
        return _("the children"), False
    if len(names) == 1:
        return names[0], True
    return _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1]), False


def _rag_options(rag_meanings: tuple[str, str, str], audience: Audience) -> list[Option]:
    meanings = dict(zip(_RAG_ORDER, rag_meanings, strict=True))
    if audience == "family":
        return [
            Option(value=rag.value, label=f"{RAG_EMOJI[rag]} {RAG_FAMILY_WORDS[rag]}")
            for rag in _RAG_ORDER
        ]
    return [
        Option(
            value=rag.value,
            label=f"{RAG_EMOJI[rag]} {RAG_NAMES[rag]}",
            description=clip(meanings[rag], OPTION_DESCRIPTION_LIMIT) or None,
        )
        for rag in _RAG_ORDER
    ]


def _chosen(options: Sequence[Option], value: str | None) -> Option | None:
    # Slack wants the initial option to be exactly one of the options, description and all.
    return next((o for o in options if value is not None and o.value == value), None)


def _text_input(
    field: UpdateField,
    label: str,
    initial: str | None,
    *,
    hint: str | None = None,
    block_id: str | None = None,
    optional: bool = True,
    multiline: bool = True,
) -> InputBlock:
    block_id = block_id or field.value
    limit = TEXT_LIMITS[field]
    return InputBlock(
        block_id=block_id,
        label=clip(label, LABEL_LIMIT),
        hint=hint,
        optional=optional,
        element=PlainTextInputElement(
            action_id=block_id,
            multiline=multiline,
            max_length=limit,
            initial_value=initial[:limit] if initial else None,
        ),
    )


def _yes_no(field: UpdateField, label: str, initial: bool | None, *, optional: bool) -> InputBlock:
    options = [Option(value=YES, label=_("Yes")), Option(value=NO, label=_("No"))]
    value = None if initial is None else (YES if initial else NO)
    return InputBlock(
        block_id=field,
        label=clip(label, LABEL_LIMIT),
        optional=optional,
        element=RadioButtonsElement(
            action_id=field, options=options, initial_option=_chosen(options, value)
        ),
    )


def _reframe_hint(previous: UpdateDraft) -> Block | None:
    """A gentle thought on wording from the earlier version; never about the child or the harm."""
    # The child's words are theirs, and a description of harm is never softened, so neither is read.
    texts = [
        previous.going_well,
        previous.worries,
        previous.next_steps,
        previous.help_needed,
        previous.professional_only,
        *(note for _, _, note in previous.ratings),
    ]
    reframes = [r for text in texts if text for r in suggest_reframes(text)]
    if not reframes:
        return None
    thoughts = " ".join(
        _('You wrote "{found}".').format(found=escape_mrkdwn(r.found)) + f" {r.suggestion}"
        for r in reframes[:MAX_REFRAMES_SHOWN]
    )
    return context(
        clip(
            ":bulb: "
            + _("A thought on wording: {thoughts} Only if it helps: your words are yours.").format(
                thoughts=thoughts
            ),
            3000,
        )
    )


def _outcome_blocks(
    outcomes: Sequence[tuple[int, str]],
    options: Sequence[Option],
    previous: UpdateDraft | None,
    audience: Audience,
) -> list[Block]:
    f = UpdateField
    family = audience == "family"
    earlier = (
        {outcome_id: (rag, note) for outcome_id, rag, note in previous.ratings}
        if previous is not None
        else {}
    )
    blocks: list[Block] = [
        header(_("How things are going") if family else _("Progress on each outcome"))
    ]
    for number, (outcome_id, wording) in enumerate(outcomes[:MAX_OUTCOMES], start=1):
        rag, note = earlier.get(outcome_id, (None, None))
        blocks += [
            section(f"*{number}. {escape_mrkdwn(wording)}*"),
            InputBlock(
                block_id=f.RAG.numbered(outcome_id),
                label=_("How is this going?")
                if family
                else _("Rating for outcome {number}").format(number=number),
                optional=family,  # the family may rate; each professional rates every outcome
                element=RadioButtonsElement(
                    action_id=f.RAG.numbered(outcome_id),
                    options=list(options),
                    initial_option=_chosen(options, rag),
                ),
            ),
            _text_input(
                f.NOTE,
                _("Anything you'd like to say about this") if family else _("Note on this outcome"),
                note,
                block_id=f.NOTE.numbered(outcome_id),
                multiline=False,
            ),
        ]
    if len(outcomes) > MAX_OUTCOMES:
        blocks.append(
            context(
                _(
                    "The plan has {count} outcomes and this form has room for the first {room}. "
                    "Please say how the others are going in the boxes below."
                ).format(count=len(outcomes), room=MAX_OUTCOMES)
            )
        )
    return blocks


# The contact an area has until it sets its own (storage.models.URGENT_CONTACT, kept equal by a
# test), in the catalog: an area's own words are shown as written, the default in the reader's.
DEFAULT_URGENT_CONTACT = N_(
    "your children's services front door (out of hours: the emergency duty team), "
    "or 999 if a child is in immediate danger"
)


def not_a_referral(urgent_contact: str) -> str:
    """Said above the question about harm: the form is read later, so it is never a referral."""
    contact = _(urgent_contact) if urgent_contact == DEFAULT_URGENT_CONTACT else urgent_contact
    return ":rotating_light: " + _(
        "This form is not a referral, and nobody reads it straight away as one. If a child is at "
        "risk now, contact {contact} straight away."
    ).format(contact=escape_mrkdwn(contact))


def _professional_blocks(
    previous: UpdateDraft | None, children: Sequence[str], urgent_contact: str
) -> list[Block]:
    f = UpdateField
    p = previous or UpdateDraft()
    who, one = _children(children)
    marks = [Option(value=value, label=_(label)) for value, label in MARKABLE_SECTIONS]
    times = 1 if one else 2  # the children's number, for the verbs that follow it
    return [
        header(_("Your update")),
        _text_input(
            f.GOING_WELL,
            _("What is going well"),
            p.going_well,
            hint=_("Strengths you have seen, and what the family are doing that helps."),
        ),
        _text_input(
            f.WORRIES,
            _("What worries you"),
            p.worries,
            hint=_("What you have seen or been told, and how you know."),
        ),
        context(not_a_referral(urgent_contact)),
        _yes_no(
            f.NEW_HARM,
            _("Has there been any new incident of harm since the last meeting?"),
            p.new_harm if previous else None,
            optional=False,
        ),
        _text_input(
            f.NEW_HARM_DETAIL,
            _("If yes: what happened, and when"),
            p.new_harm_detail,
            hint=_("Say it plainly, as it was seen or told, and who has been told."),
        ),
        InputBlock(
            block_id=f.CHILD_LAST_SEEN,
            label=clip(
                ngettext("When {who} was last seen", "When {who} were last seen", times).format(
                    who=who
                ),
                LABEL_LIMIT,
            ),
            optional=True,
            element=DatePickerElement(
                action_id=f.CHILD_LAST_SEEN,
                initial_date=p.child_last_seen.isoformat() if p.child_last_seen else None,
            ),
        ),
        _yes_no(
            f.CHILD_SEEN_ALONE,
            ngettext("Was {who} seen alone?", "Were {who} seen alone?", times).format(who=who),
            p.child_seen_alone,
            optional=True,
        ),
        _text_input(
            f.CHILD_VIEWS,
            ngettext(
                "What {who} has told us, in their own words",
                "What {who} have told us, in their own words",
                times,
            ).format(who=who),
            p.child_views,
            hint=_("Their words as they said them, not a summary."),
        ),
        _text_input(
            f.NEXT_STEPS,
            _("What you will do next"),
            p.next_steps,
            hint=_("What you will do, and by when."),
        ),
        header(_("For professionals only")),
        context(_("Never shown to family members. Everything else in your update is shared.")),
        _text_input(
            f.PROFESSIONAL_ONLY,
            _("Third-party information or police intelligence"),
            p.professional_only,
        ),
        InputBlock(
            block_id=f.PROFESSIONAL_ONLY_SECTIONS,
            label=_("Keep these parts of your update from family members"),
            optional=True,
            element=CheckboxesElement(
                action_id=f.PROFESSIONAL_ONLY_SECTIONS,
                options=marks,
                initial_options=[o for o in marks if o.value in p.professional_only_sections]
                or None,
            ),
        ),
    ]


def _family_blocks(
    previous: UpdateDraft | None, children: Sequence[str], urgent_contact: str
) -> list[Block]:
    f = UpdateField
    p = previous or UpdateDraft()
    who, one = _children(children)
    safety = Option(
        value=SAFETY,
        label=_("This worry is about someone's safety"),
        description=_("Your social worker and the chair are told straight away."),
    )
    return [
        header(_("In your own words")),
        _text_input(f.GOING_WELL, _("What is going well"), p.going_well),
        _text_input(f.WORRIES, _("What worries you"), p.worries),
        InputBlock(
            block_id=f.WORRY_ABOUT_SAFETY,
            label=_("About this worry"),
            optional=True,
            element=CheckboxesElement(
                action_id=f.WORRY_ABOUT_SAFETY,
                options=[safety],
                initial_options=[safety] if previous is not None and p.new_harm else None,
            ),
        ),
        context(not_a_referral(urgent_contact)),
        _text_input(f.NEXT_STEPS, _("What would make things better"), p.next_steps),
        _text_input(f.HELP_NEEDED, _("What help you need"), p.help_needed),
        _text_input(
            f.CHILD_VIEWS,
            ngettext("What {who} says", "What {who} say", 1 if one else 2).format(who=who),
            p.child_views,
            hint=_("In their own words, if they would like to share them."),
        ),
    ]


def update_modal(
    *,
    request_id: int,
    case_reference: str,
    meeting_label: str,
    deadline_text: str,
    outcomes: Sequence[tuple[int, str]],
    rag_meanings: tuple[str, str, str],
    audience: Audience,
    on_behalf_of: str | None = None,
    previous: UpdateDraft | None = None,
    previous_sent: str | None = None,
    children: Sequence[str] = (),
    past_deadline: bool = False,
    urgent_contact: str = URGENT_CONTACT,
) -> View:
    """The update form for one meeting: RAG per outcome, then the rest, for `audience`."""
    family = audience == "family"
    reference, meeting = escape_mrkdwn(case_reference), escape_mrkdwn(meeting_label)
    deadline = escape_mrkdwn(deadline_text)
    values = {"meeting": meeting, "reference": reference, "deadline": deadline}
    if family and past_deadline:
        intro = _("Before the {meeting} for *{reference}*, you can still share how things are.")
    elif family:
        intro = _(
            "Before the {meeting} for *{reference}*, we'd like to hear from you, by {deadline} if "
            "you can. You can change it until then."
        )
    elif past_deadline:
        intro = _(
            "Your update for *{reference}*'s {meeting}. The deadline was {deadline}, so it will "
            "be shown as late; it is still welcome."
        )
    else:
        intro = _(
            "Your update for *{reference}*'s {meeting}. Please send it by {deadline}; you can "
            "change it until then."
        )
    intro = intro.format(**values)
    if family:
        intro += " " + _(
            "There are no wrong answers, and you can leave out anything you'd rather not say."
        )
    blocks: list[Block] = [section(intro)]
    if on_behalf_of and family:
        blocks.append(
            context(
                ":busts_in_silhouette: "
                + _("Filling this in with {name}").format(name=escape_mrkdwn(on_behalf_of))
            )
        )
    elif on_behalf_of:
        # Only a cover sends a professional's update for them, and never sees theirs.
        name = escape_mrkdwn(on_behalf_of)
        blocks.append(
            context(
                ":busts_in_silhouette: "
                + _(
                    "Covering for {name}: you start from an empty form, and your update will "
                    "show as sent by you for {name}."
                ).format(name=name)
            )
        )
    if previous is not None:
        sent = (
            _("You sent an update on {day}").format(day=escape_mrkdwn(previous_sent))
            if previous_sent
            else _("You have already sent an update")
        )
        blocks.append(
            context(
                _(
                    "{sent}; changes are saved as a new version, and the earlier one is kept."
                ).format(sent=sent)
            )
        )
        # Offered on the professional form only: the guidance is about how services describe a
        # family, not how a family describes its own life.
        hint = None if family else _reframe_hint(previous)
        if hint:
            blocks.append(hint)
    blocks += _outcome_blocks(outcomes, _rag_options(rag_meanings, audience), previous, audience)
    blocks += (_family_blocks if family else _professional_blocks)(
        previous, children, urgent_contact
    )
    blocks.append(who_reads(ViewId.UPDATE, family=family))
    return View(
        type="modal",
        callback_id=ViewId.UPDATE,
        private_metadata=update_metadata(request_id, audience, on_behalf=bool(on_behalf_of)),
        title=_("Your update"),
        submit=_("Send update"),
        close=_("Not now"),
        blocks=blocks,
    )


def update_receipt_text(case_reference: str) -> str:
    """Notification text of the receipt: the case reference only."""
    return _("Update received for {reference}").format(reference=case_reference)


def update_receipt_blocks(
    *,
    case_reference: str,
    meeting_label: str,
    deadline_text: str,
    on_behalf_of: str | None = None,
    version: int = 1,
    late: bool = False,
    past_deadline: bool = False,
    as_cover: bool = False,
) -> list[Block]:
    """The direct message confirming an update arrived, and until when it can be changed; a
    late one says plainly that it came after the deadline, never a date already past."""
    whose = _("your update")
    if on_behalf_of and as_cover:
        whose = _("the update sent by you for {name}").format(name=escape_mrkdwn(on_behalf_of))
    elif on_behalf_of:
        whose = _("the update you filled in with {name}").format(name=escape_mrkdwn(on_behalf_of))
    reference, meeting = escape_mrkdwn(case_reference), escape_mrkdwn(meeting_label)
    blocks: list[Block] = [
        section(
            ":white_check_mark: "
            + _("Thanks, {whose} for {reference}'s {meeting} is in.").format(
                whose=whose, reference=reference, meeting=meeting
            )
            + " "
            + (
                _(
                    "It arrived after the deadline of {deadline}, so it will be shown as late. It "
                    "still reaches the chair and the core group."
                ).format(deadline=escape_mrkdwn(deadline_text))
                if late
                else _("It goes to the chair with everyone's updates.")
                if past_deadline
                else _("You can change it until {deadline}.").format(
                    deadline=escape_mrkdwn(deadline_text)
                )
            )
        )
    ]
    if version > 1:
        blocks.append(
            context(
                _("This is version {version}. Every earlier version is kept.").format(
                    version=version
                )
            )
        )
    return blocks
