"""Block Kit builders for modals and messages: pure functions of values, returning models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.case_form import PROFESSIONAL_ROWS
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _, pgettext
from bot.rules.ids import ActionId, NewCaseField, ViewId
from bot.rules.vocabulary import Agency, Language, Nation
from bot.ui.labels import AGENCY_NAMES, LANGUAGE_AUTONYMS, NATION_NAMES
from bot.ui.who_reads import who_reads

PROFESSIONAL_AGENCIES = [
    a for a in Agency if a not in (Agency.FAMILY, Agency.CHILDRENS_SOCIAL_CARE)
]


def _options(pairs: Sequence[tuple[str, str]]) -> list[Option]:
    return [Option(value=value, label=label) for value, label in pairs]


def new_case_modal(
    *,
    today: date,
    nation: Nation,
    social_worker: str | None,
    reference: str = "",
    notice: str | None = None,
) -> View:
    """The form a social worker fills in to open a case; `notice` explains a failed attempt."""
    f = NewCaseField
    blocks: list[Block] = []
    if notice:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":warning: {notice}")))
    blocks += [
        InputBlock(
            block_id=f.REFERENCE,
            label=_("Case reference"),
            hint=_("Chosen with the family; it names the private channel. Never the child's name."),
            element=PlainTextInputElement(
                action_id=f.REFERENCE,
                initial_value=reference or None,
                max_length=80,
                placeholder=_("e.g. oak-family"),
            ),
        ),
        InputBlock(
            block_id=f.NATION,
            label=_("Nation (for bank holidays)"),
            element=StaticSelectElement(
                action_id=f.NATION,
                options=_options([(n.value, NATION_NAMES[n]) for n in Nation]),
                initial_option=Option(value=nation.value, label=NATION_NAMES[nation]),
            ),
        ),
        InputBlock(
            block_id=f.ICPC,
            label=_("Initial conference date"),
            element=DatePickerElement(action_id=f.ICPC, initial_date=today.isoformat()),
        ),
        InputBlock(
            block_id=f.CHAIR,
            label=_("Conference chair"),
            element=UserSelectElement(action_id=f.CHAIR),
        ),
        InputBlock(
            block_id=f.SOCIAL_WORKER,
            label=_("Social worker"),
            element=UserSelectElement(action_id=f.SOCIAL_WORKER, initial_user=social_worker),
        ),
        HeaderBlock(text=_("Professionals the family chose")),
    ]
    agencies = _options([(a.value, AGENCY_NAMES[a]) for a in PROFESSIONAL_AGENCIES])
    for row in range(1, PROFESSIONAL_ROWS + 1):
        blocks += [
            InputBlock(
                block_id=f.PROFESSIONAL.numbered(row),
                label=_("Professional {row}").format(row=row),
                optional=True,
                element=UserSelectElement(action_id=f.PROFESSIONAL.numbered(row)),
            ),
            InputBlock(
                block_id=f.AGENCY.numbered(row),
                label=_("Agency of professional {row}").format(row=row),
                optional=True,
                element=StaticSelectElement(action_id=f.AGENCY.numbered(row), options=agencies),
            ),
        ]
    blocks += [
        HeaderBlock(text=pgettext("heading", "Family")),
        InputBlock(
            block_id=f.FAMILY_ON_SLACK,
            label=_("Family members on Slack"),
            optional=True,
            element=UserMultiSelectElement(action_id=f.FAMILY_ON_SLACK),
        ),
        InputBlock(
            block_id=f.FAMILY_OFFLINE,
            label=_("Family members not on Slack"),
            hint=_("One name per line, as they would like to be called."),
            optional=True,
            element=PlainTextInputElement(action_id=f.FAMILY_OFFLINE, multiline=True),
        ),
        InputBlock(
            block_id=f.FAMILY_SEPARATE,
            label=_("Safety"),
            hint=_(
                "For example domestic abuse, or a protective order: each family member is then "
                "kept in touch by direct message, not in the shared channel."
            ),
            optional=True,
            element=CheckboxesElement(
                action_id=f.FAMILY_SEPARATE,
                options=[
                    Option(
                        value="family_separate",
                        label=_("Family members must not see each other's words"),
                    )
                ],
            ),
        ),
        InputBlock(
            block_id=f.PRE_BIRTH,
            label=_("Pre-birth"),
            optional=True,
            element=CheckboxesElement(
                action_id=f.PRE_BIRTH,
                options=[Option(value="pre_birth", label=_("This is a pre-birth plan"))],
            ),
        ),
        InputBlock(
            block_id=f.BIRTH,
            label=_("Date of birth (pre-birth plans, once known)"),
            optional=True,
            element=DatePickerElement(action_id=f.BIRTH),
        ),
        who_reads(ViewId.NEW_CASE),
    ]
    return View(
        type="modal",
        callback_id=ViewId.NEW_CASE,
        title=_("Open a case"),
        submit=_("Open case"),
        close=_("Cancel"),
        blocks=blocks,
    )


def message_modal(title: str, text: str) -> View:
    """A modal that only says something (progress, a result, or a polite refusal)."""
    return View(
        type="modal",
        title=fit(title, 24),
        close=_("Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def opening_progress_modal(reference: str) -> View:
    """Shown while the channel is created and people are invited."""
    return message_modal(
        _("Opening the case"),
        ":hourglass_flowing_sand: "
        + _(
            "Setting up *#{reference}*: creating the private channel and inviting the core "
            "group. This takes a few seconds."
        ).format(reference=escape_mrkdwn(reference)),
    )


# The languages offered on the Home tab, Welsh first (Welsh Language Standards).
LANGUAGE_CHOICES = (Language.WELSH, Language.ENGLISH, Language.BILINGUAL)


def language_choice(language: Language) -> SectionBlock:
    """The Home tab's language line: the language the person reads now, and a menu to choose
    another, each named in its own words."""
    options = _options([(choice.value, LANGUAGE_AUTONYMS[choice]) for choice in LANGUAGE_CHOICES])
    now = options[LANGUAGE_CHOICES.index(language)]
    said = _("*The language I speak to you in:* {language}").format(
        language=LANGUAGE_AUTONYMS[language]
    )
    reaches = _(
        "Direct messages, forms, reminders and this page. Posts in a case's channel follow "
        "the case's language."
    )
    return SectionBlock(
        block_id=ActionId.CHOOSE_LANGUAGE.value,
        text=MarkdownTextObject(text=f"{said}\n{reaches}"),
        accessory=StaticSelectElement(
            action_id=ActionId.CHOOSE_LANGUAGE.value,
            placeholder=_("Choose a language"),
            options=options,
            initial_option=now,
        ),
    )


def context(text: str) -> ContextBlock:
    """A small grey line under a message."""
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def divider() -> DividerBlock:
    """A horizontal rule."""
    return DividerBlock()


def fit(text: str, limit: int) -> str:
    """Text within one of Slack's limits; anything cut is marked, never dropped silently.

    Long content is split across blocks and messages where it is built (the summary); this is
    the last guard for short texts (headings, notes) that should never reach the limit.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header(text: str) -> HeaderBlock:
    """A bold heading (plain text)."""
    return HeaderBlock(text=PlainTextObject(text=fit(text, 150)))


def section(text: str) -> SectionBlock:
    """A paragraph of mrkdwn (already escaped where it holds people's words)."""
    return SectionBlock(text=MarkdownTextObject(text=fit(text, 3000)))
