"""Who will read each form's answers: one plain sentence above its submit button, declared once."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from bot.rules.i18n import N_, _
from bot.rules.ids import ViewId

# Every form people submit says who reads what they write (issue 13, Build 6). A form added
# without its sentence fails the test that builds every form.
WHO_READS: dict[ViewId, str] = {
    ViewId.NEW_CASE: N_(
        "The people you name will read the case reference, which becomes the channel's name; "
        "the rest stays with the bot and the case's social worker and chair."
    ),
    ViewId.OUTCOME: N_(
        "Everyone in the core group, the family included, will read this in the plan."
    ),
    ViewId.ACTION: N_(
        "Everyone in the core group, the family included, will read this in the plan."
    ),
    ViewId.SCHEDULE: N_("Everyone in the core group will see this date, time and place."),
    ViewId.REPRESENTATIVE: N_(
        "The social worker reads this if they need to agree; the person you choose joins the "
        "core group channel."
    ),
    ViewId.BRING_SOMEONE: N_(
        "Your social worker will read this, to agree; the person you bring will then see what "
        "you see."
    ),
    ViewId.ATTENDANCE: N_(
        "The social worker and the chair will read this; it goes in the review summary."
    ),
    ViewId.UPDATE: N_(
        "The social worker, the chair and the core group's professionals will read all of this. "
        "Family members will read it in their copy of the summary, except the parts you keep "
        "from them and the part for professionals only."
    ),
    ViewId.DECISION: N_(
        "Everyone in the core group, the family included, will be told this decision in "
        "writing, with any dissent."
    ),
    ViewId.AGENDA: N_(
        "The chair and the core group will read this in the summary; the family's copy shows "
        "it too, so write it with the family, in their words."
    ),
    ViewId.NOT_HELD: N_(
        "The social worker, the chair and managers will read this, in the case's history and "
        "the timeliness measures."
    ),
}
FAMILY_UPDATE = N_(
    "Your social worker, the chair and the core group will read this. The parts for the "
    "conference go in the family's copy of the summary."
)


def who_reads(view: ViewId, *, family: bool = False) -> ContextBlock:
    """The sentence for a form, as the block that sits just above its submit button."""
    words = FAMILY_UPDATE if family and view is ViewId.UPDATE else WHO_READS[view]
    return ContextBlock(elements=[MarkdownTextObject(text=f":eyes: {_(words)}")])
