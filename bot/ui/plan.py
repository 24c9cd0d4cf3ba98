"""Block Kit for the plan: the pinned plan message and the outcome and action modals."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _, ngettext
from bot.rules.ids import ActionId, PlanField, ViewId
from bot.rules.timeline import format_day
from bot.rules.vocabulary import ActionStatus
from bot.ui.common import context, fit, header
from bot.ui.who_reads import who_reads

if TYPE_CHECKING:
    from bot.services.plan import Plan
    from storage.models import Member, Outcome, PlanAction

MAX_MESSAGE_BLOCKS = 50


def plan_message_text(reference: str) -> str:
    """Notification text of the plan: the case reference only."""
    return _("The plan for {reference}").format(reference=reference)


def _action_line(action: PlanAction, owners: dict[int, str]) -> str:
    known = owners.get(action.owner_member_id or 0)
    owner = escape_mrkdwn(_("someone to be agreed") if known is None else known)
    due = _(", by {day}").format(day=format_day(action.due_date)) if action.due_date else ""
    done = " :white_check_mark: " + _("done") if action.status == ActionStatus.DONE else ""
    return f"• {escape_mrkdwn(action.description)} ({owner}{due}){done}"


def plan_message(plan: Plan) -> list[Block]:
    """The plan as the core group sees it, pinned: outcomes, and under each who does what."""
    blocks: list[Block] = [
        header(_("The plan for {reference}").format(reference=plan.case.reference))
    ]
    if not plan.outcomes:
        blocks.append(context(_("No outcomes yet. The social worker adds them with the family.")))
    groups: list[tuple[Outcome | None, list[PlanAction]]] = [
        (o, [a for a in plan.actions if a.outcome_id == o.id]) for o in plan.outcomes
    ]
    loose = [a for a in plan.actions if a.outcome_id is None]
    if loose:
        groups.append((None, loose))
    rows: list[Block] = []
    for outcome, actions in groups:
        title = f"*{escape_mrkdwn(outcome.wording)}*" if outcome else _("*Other actions*")
        rows.append(
            SectionBlock(
                text=MarkdownTextObject(text=fit(title, 3000)),
                accessory=ButtonElement(
                    text=_("Edit"), action_id=ActionId.EDIT_OUTCOME, value=str(outcome.id)
                )
                if outcome
                else None,
            )
        )
        for action in actions:
            open_ = action.status == ActionStatus.OPEN
            rows.append(
                SectionBlock(
                    text=MarkdownTextObject(text=fit(_action_line(action, plan.owners), 3000)),
                    accessory=ButtonElement(
                        text=_("Mark done"),
                        action_id=ActionId.COMPLETE_ACTION,
                        value=str(action.id),
                    )
                    if open_
                    else None,
                )
            )
    room = MAX_MESSAGE_BLOCKS - len(blocks) - 1
    if len(rows) > room:
        # Never cut silently: say how much more there is and where to see it.
        hidden = len(rows) - (room - 1)
        more = context(
            ngettext(
                "…and {hidden} more lines. `/coregroup plan` shows the whole plan.",
                "…and {hidden} more lines. `/coregroup plan` shows the whole plan.",
                hidden,
            ).format(hidden=hidden)
        )
        rows = [*rows[: room - 1], more]
    blocks += rows
    blocks.append(context(_("Written with the family, in their words. Every version is kept.")))
    return blocks


def plan_text(plan: Plan) -> str:
    """The whole plan as text, for `/coregroup plan` (no block limit applies there)."""
    lines = [
        "*"
        + _("The plan for {reference}").format(reference=escape_mrkdwn(plan.case.reference))
        + "*"
    ]
    for outcome in plan.outcomes:
        lines.append(f"*{escape_mrkdwn(outcome.wording)}*")
        lines += [_action_line(a, plan.owners) for a in plan.actions if a.outcome_id == outcome.id]
    loose = [a for a in plan.actions if a.outcome_id is None]
    if loose:
        lines.append(_("*Other actions*"))
        lines += [_action_line(a, plan.owners) for a in loose]
    if len(lines) == 1:
        lines.append(_("No outcomes yet."))
    return "\n".join(lines)


def metadata(**values: Any) -> str:
    """A modal's private_metadata: which case and record it is about."""
    return json.dumps(values, separators=(",", ":"))


def outcome_modal(case_id: int, outcome: Outcome | None = None) -> View:
    """Add or reword an outcome, in the family's own words."""
    return View(
        type="modal",
        callback_id=ViewId.OUTCOME,
        private_metadata=metadata(case=case_id, outcome=outcome.id if outcome else None),
        title=_("Edit outcome") if outcome else _("Add an outcome"),
        submit=_("Save"),
        close=_("Cancel"),
        blocks=[
            InputBlock(
                block_id=PlanField.WORDING,
                label=_("What the family want to be different"),
                hint=_("In the family's own words, e.g. 'Jo goes to school every day, on time'."),
                element=PlainTextInputElement(
                    action_id=PlanField.WORDING,
                    multiline=True,
                    max_length=500,
                    initial_value=outcome.wording if outcome else None,
                ),
            ),
            who_reads(ViewId.OUTCOME),
        ],
    )


def action_modal(
    case_id: int,
    outcomes: tuple[Outcome, ...],
    members: list[Member],
    action: PlanAction | None = None,
) -> View:
    """Add or change an action: who will do what, by when, towards which outcome."""
    people = [Option(value=str(m.id), label=fit(m.display_name, 75)) for m in members if m.active]
    goals = [Option(value=str(o.id), label=fit(o.wording, 75)) for o in outcomes]
    owner = next((p for p in people if action and p.value == str(action.owner_member_id)), None)
    goal = next((g for g in goals if action and g.value == str(action.outcome_id)), None)
    blocks: list[Block] = [
        InputBlock(
            block_id=PlanField.DESCRIPTION,
            label=_("What will be done"),
            element=PlainTextInputElement(
                action_id=PlanField.DESCRIPTION,
                multiline=True,
                max_length=500,
                initial_value=action.description if action else None,
            ),
        ),
        InputBlock(
            block_id=PlanField.OWNER,
            label=_("Who will do it"),
            element=StaticSelectElement(
                action_id=PlanField.OWNER, options=people[:100], initial_option=owner
            ),
        ),
        InputBlock(
            block_id=PlanField.DUE,
            label=_("By when"),
            optional=True,
            element=DatePickerElement(
                action_id=PlanField.DUE,
                initial_date=action.due_date.isoformat() if action and action.due_date else None,
            ),
        ),
    ]
    if goals:
        blocks.append(
            InputBlock(
                block_id=PlanField.FOR_OUTCOME,
                label=_("Towards which outcome"),
                optional=True,
                element=StaticSelectElement(
                    action_id=PlanField.FOR_OUTCOME, options=goals[:100], initial_option=goal
                ),
            )
        )
    blocks.append(who_reads(ViewId.ACTION))
    return View(
        type="modal",
        callback_id=ViewId.ACTION,
        private_metadata=metadata(case=case_id, action=action.id if action else None),
        title=_("Change an action") if action else _("Add an action"),
        submit=_("Save"),
        close=_("Cancel"),
        blocks=blocks,
    )


def action_reminder_text(reference: str) -> str:
    """Notification text of an action reminder: the case reference only."""
    return _("An action in {reference}'s plan is due soon").format(reference=reference)


def action_reminder_blocks(reference: str, action: PlanAction) -> list[Block]:
    """A gentle reminder to the owner, with the button to mark it done."""
    due = format_day(action.due_date) if action.due_date else _("soon")
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=fit(
                    _("A reminder from {reference}'s plan: *{action}* is due by {due}.").format(
                        reference=escape_mrkdwn(reference),
                        action=escape_mrkdwn(action.description),
                        due=due,
                    ),
                    3000,
                )
            ),
            accessory=ButtonElement(
                text=_("Mark done"), action_id=ActionId.COMPLETE_ACTION, value=str(action.id)
            ),
        ),
        context(_("If it can't be done in time, let the social worker know: plans can change.")),
    ]
