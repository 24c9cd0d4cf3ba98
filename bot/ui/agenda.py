"""The agenda form: what the social worker records with the family before a conference."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.agenda import CHILD_ROWS, MAX_NAME, Agenda
from bot.rules.i18n import _
from bot.rules.ids import AgendaField, ViewId
from bot.ui.common import context, section
from bot.ui.labels import CATEGORY_WORDS
from bot.ui.who_reads import who_reads


def _interpreter() -> Option:
    return Option(value="yes", label=_("An interpreter is needed"))


def _text(
    block_id: str, label: str, value: str | None, *, hint: str | None = None, long: bool = True
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        hint=hint,
        optional=True,
        element=PlainTextInputElement(
            action_id=block_id,
            multiline=long,
            initial_value=value or None,
            max_length=3000 if long else 200,
        ),
    )


def agenda_modal(case_id: int, reference: str, agenda: Agenda) -> View:
    """The form, pre-filled with what was recorded before (every save is kept)."""
    f = AgendaField
    blocks: list[Block] = [
        section(
            _(
                "*{reference}*: fill this in with the family. It sets the conference's agenda, in "
                "the family's order: the children, their views, the harm, its impact, then "
                "support."
            ).format(reference=reference)
        ),
        context(_("Children: a first name or initials and an age. Never a full name.")),
    ]
    born = [child for child in agenda.children if child.due is None]
    unborn = next((child for child in agenda.children if child.due is not None), None)
    for number in range(1, CHILD_ROWS + 1):
        child = born[number - 1] if number <= len(born) else None
        blocks.append(
            InputBlock(
                block_id=f.CHILD_NAME.numbered(number),
                label=_("Child {number}: first name or initials").format(number=number),
                optional=True,
                element=PlainTextInputElement(
                    action_id=f.CHILD_NAME.numbered(number),
                    max_length=MAX_NAME,
                    initial_value=child.name if child else None,
                ),
            )
        )
        blocks.append(
            InputBlock(
                block_id=f.CHILD_AGE.numbered(number),
                label=_("Child {number}: age in years").format(number=number),
                optional=True,
                element=PlainTextInputElement(
                    action_id=f.CHILD_AGE.numbered(number),
                    max_length=2,
                    initial_value=str(child.age) if child and child.age is not None else None,
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=f.UNBORN_DUE,
            label=_("A baby on the way: due date"),
            optional=True,
            element=DatePickerElement(
                action_id=f.UNBORN_DUE,
                initial_date=unborn.due.isoformat() if unborn and unborn.due else None,
            ),
        )
    )
    blocks.append(
        _text(
            f.FAMILY_WORDS,
            _("The children, as the family describe them"),
            agenda.family_description,
            hint=_("In the family's own words: what the children are like, what they enjoy."),
        )
    )
    categories = [Option(value=c.value, label=w.capitalize()) for c, w in CATEGORY_WORDS.items()]
    chosen = next((o for o in categories if o.value == agenda.category), None)
    blocks.append(
        InputBlock(
            block_id=f.CATEGORY,
            label=_("Conference category"),
            optional=True,
            element=StaticSelectElement(
                action_id=f.CATEGORY, options=categories, initial_option=chosen
            ),
        )
    )
    blocks.append(_text(f.HARM, _("The harm the conference needs to address"), agenda.harm))
    blocks.append(_text(f.IMPACT, _("The impact on the children"), agenda.impact))
    blocks.append(
        _text(
            f.ADVOCATE,
            _("The child's advocate"),
            agenda.advocate,
            hint=_("Who brings the children's views, if not the children themselves."),
            long=False,
        )
    )
    blocks.append(_text(f.LANGUAGE, _("The family's language"), agenda.language, long=False))
    interpreter = _interpreter()
    blocks.append(
        InputBlock(
            block_id=f.INTERPRETER,
            label=_("Interpreter"),
            optional=True,
            element=CheckboxesElement(
                action_id=f.INTERPRETER,
                options=[interpreter],
                initial_options=[interpreter] if agenda.interpreter_needed else None,
            ),
        )
    )
    blocks.append(who_reads(ViewId.AGENDA))
    return View(
        type="modal",
        callback_id=ViewId.AGENDA,
        private_metadata=json.dumps({"case": case_id}),
        title=_("Conference agenda"),
        submit=_("Save"),
        close=_("Cancel"),
        blocks=blocks,
    )
