"""The child protection plan in the family's words: outcomes, actions, and every version kept."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import _
from bot.rules.stand_ins import is_family_side
from bot.rules.vocabulary import ActionStatus
from bot.rules.work import Work
from bot.services import audit, jobs
from bot.services.languages import person_language
from bot.slack.gateway import SlackError
from bot.ui.bilingual import rendered
from bot.ui.plan import plan_message, plan_message_text
from storage.models import Case, Member, Outcome, PlanAction, PlanVersion

log = logging.getLogger(__name__)

MAX_WORDING = 500
MAX_DESCRIPTION = 500


class PlanError(Exception):
    """A change to the plan that cannot be made; the message is for the person who asked."""


@dataclass(frozen=True)
class Plan:
    """A case's live outcomes and actions, with the names of the people who own actions."""

    case: Case
    outcomes: tuple[Outcome, ...]
    actions: tuple[PlanAction, ...]
    owners: dict[int, str]


def current_outcomes(*columns: Any) -> Any:
    """A statement for the plan's outcomes now (retired ones left out), in the plan's order:
    `columns` of each, for the case bound as `case_id` when it is run."""
    return (
        select(*columns)
        .where(col(Outcome.case_id) == bindparam("case_id"), col(Outcome.retired_at).is_(None))
        .order_by(col(Outcome.position))
    )


def load_plan(session: Session, case_id: int) -> Plan:
    """The current plan (retired outcomes and dropped actions left out)."""
    case = session.get_one(Case, case_id)
    outcomes = session.exec(current_outcomes(Outcome), params={"case_id": case_id}).all()
    actions = session.exec(
        select(PlanAction)
        .where(PlanAction.case_id == case_id, PlanAction.status != ActionStatus.DROPPED)
        .order_by(col(PlanAction.id))
    ).all()
    members = session.exec(select(Member).where(Member.case_id == case_id)).all()
    owners = {m.id: m.display_name for m in members if m.id is not None}
    return Plan(case, tuple(outcomes), tuple(actions), owners)


def _snapshot(plan: Plan) -> dict[str, Any]:
    return {
        "outcomes": [
            {"id": o.id, "position": o.position, "wording": o.wording} for o in plan.outcomes
        ],
        "actions": [
            {
                "id": a.id,
                "outcome_id": a.outcome_id,
                "description": a.description,
                "owner": plan.owners.get(a.owner_member_id or 0),
                "due": a.due_date.isoformat() if a.due_date else None,
                "status": a.status.value,
            }
            for a in plan.actions
        ],
    }


def _keep_version(session: Session, deps: Dependencies, case_id: int, actor: str) -> int:
    session.flush()
    latest = session.exec(
        select(func.max(PlanVersion.version)).where(PlanVersion.case_id == case_id)
    ).one()
    version = (latest or 0) + 1
    session.add(
        PlanVersion(
            case_id=case_id,
            version=version,
            snapshot=_snapshot(load_plan(session, case_id)),
            created_by=actor,
            created_at=deps.clock.now(),
        )
    )
    return version


def _clean(text: str, limit: int, outcome: bool) -> str:
    """The words as typed, trimmed; an outcome and an action are asked for in whole sentences
    (each language words them its own way)."""
    text = text.strip()
    if not text:
        raise PlanError(
            _("Please write the outcome in the family's words.")
            if outcome
            else _("Please write the action.")
        )
    if len(text) > limit:
        said = (
            _("Please keep the outcome in the family's words to {limit} characters or fewer.")
            if outcome
            else _("Please keep the action to {limit} characters or fewer.")
        )
        raise PlanError(said.format(limit=limit))
    return text


def save_outcome(
    deps: Dependencies,
    *,
    case_id: int,
    actor: str,
    wording: str,
    outcome_id: int | None = None,
    then: Sequence[Work] = (),
) -> int:
    """Add an outcome, or reword one; returns the plan's new version number."""
    wording = _clean(wording, MAX_WORDING, outcome=True)
    with deps.unit_of_work() as session:
        jobs.add(session, then, now=deps.clock.now())  # committed with the change
        if outcome_id is None:
            position = len(load_plan(session, case_id).outcomes) + 1
            outcome = Outcome(
                case_id=case_id, position=position, wording=wording, created_at=deps.clock.now()
            )
            before = None
        else:
            outcome = _outcome_in_case(session, case_id, outcome_id)
            before = outcome.wording
            outcome.wording = wording
        session.add(outcome)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action=AuditAction.PLAN_OUTCOME_SAVED,
            at=deps.clock.now(),
            case_id=case_id,
            outcome=outcome.id,
            before=before,
            after=wording,
        )
        return _keep_version(session, deps, case_id, actor)


def save_action(
    deps: Dependencies,
    *,
    case_id: int,
    actor: str,
    description: str,
    owner_member_id: int | None,
    due: date | None,
    outcome_id: int | None,
    action_id: int | None = None,
    then: Sequence[Work] = (),
) -> int:
    """Add an action (who does what, by when, for which outcome), or change one."""
    description = _clean(description, MAX_DESCRIPTION, outcome=False)
    with deps.unit_of_work() as session:
        jobs.add(session, then, now=deps.clock.now())  # committed with the change
        if outcome_id is not None:
            _outcome_in_case(session, case_id, outcome_id)
        if owner_member_id is not None:
            owner = session.get(Member, owner_member_id)
            if owner is None or owner.case_id != case_id or not owner.active:
                raise PlanError(_("Please choose someone who is in the core group."))
        if action_id is None:
            action = PlanAction(case_id=case_id, created_at=deps.clock.now(), description="")
            before = None
        else:
            action = _action_in_case(session, case_id, action_id)
            before = {
                "description": action.description,
                "due": _iso(action.due_date),
                "owner": action.owner_member_id,
            }
        action.description, action.owner_member_id = description, owner_member_id
        action.due_date, action.outcome_id = due, outcome_id
        session.add(action)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action=AuditAction.PLAN_ACTION_SAVED,
            at=deps.clock.now(),
            case_id=case_id,
            action_id=action.id,
            before=before,
            after={"description": description, "due": _iso(due), "owner": owner_member_id},
        )
        return _keep_version(session, deps, case_id, actor)


def complete_action(
    deps: Dependencies, *, case_id: int, actor: str, action_id: int, then: Sequence[Work] = ()
) -> int:
    """Mark an action done (from the button on the pinned plan)."""
    with deps.unit_of_work() as session:
        jobs.add(session, then, now=deps.clock.now())  # committed with the change
        action = _action_in_case(session, case_id, action_id)
        if action.status == ActionStatus.DONE:
            raise PlanError(_("That action is already marked done."))
        action.status, action.done_at = ActionStatus.DONE, deps.clock.now()
        session.add(action)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.PLAN_ACTION_DONE,
            at=deps.clock.now(),
            case_id=case_id,
            action_id=action_id,
        )
        return _keep_version(session, deps, case_id, actor)


def action_owner(session: Session, action_id: int) -> tuple[int, str | None] | None:
    """The case of an action and its owner's Slack id, for the access check on "Done"."""
    action = session.get(PlanAction, action_id)
    if action is None:
        return None
    owner = session.get(Member, action.owner_member_id) if action.owner_member_id else None
    return action.case_id, owner.slack_user_id if owner and owner.active else None


def outcome_case(session: Session, outcome_id: int) -> int | None:
    """The case an outcome belongs to."""
    outcome = session.get(Outcome, outcome_id)
    return outcome.case_id if outcome else None


def set_family_may_edit(deps: Dependencies, *, case_id: int, actor: str, allowed: bool) -> None:
    """Let the family write the plan with the social worker, or stop."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        before, case.family_may_edit_plan = case.family_may_edit_plan, allowed
        session.add(case)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.PLAN_FAMILY_MAY_EDIT,
            at=deps.clock.now(),
            case_id=case_id,
            before=before,
            after=allowed,
        )


PLAN_EVENT = "coregroup_plan"


def plan_key(case_id: int, reader: str | None = None) -> str:
    """The metadata key of a case's plan message (in its channel, or a family reader's DM)."""
    return f"c{case_id}:plan" if reader is None else f"c{case_id}:plan:{reader}"


def _plan_metadata(key: str) -> dict[str, Any]:
    return {"event_type": PLAN_EVENT, "event_payload": {"key": key}}


def _shown_plan(deps: Dependencies, channel: str, key: str) -> str | None:
    """The ts of the plan an earlier attempt posted in `channel` (found by its metadata), if any:
    a job that died between posting the plan and recording it re-uses that message."""
    return next((m.ts for m in deps.gateway.bot_messages(channel) if m.metadata_key == key), None)


def refresh_plan_message(deps: Dependencies, case_id: int) -> None:
    """Post the plan and pin it the first time; after that, update it in place. Run again after
    a crash between posting and recording, it finds the plan it posted (by metadata), updates
    and pins that one, and records it: never a second pinned plan."""
    with deps.unit_of_work() as session:
        plan = load_plan(session, case_id)
    case = plan.case
    channel = case.slack_channel_id
    if channel is None or case.channel_archived:
        return
    said = rendered(
        case.bot_language, lambda: (plan_message_text(case.reference), plan_message(plan))
    )
    text, blocks = said["text"], said["blocks"]
    refresh_family_plan_copies(deps, case_id)
    key = plan_key(case_id)
    try:
        if case.plan_ts:
            deps.gateway.update(channel, case.plan_ts, text, blocks)
            return
        ts = _shown_plan(deps, channel, key)
        if ts is None:
            ts = deps.gateway.post(channel, text, blocks, metadata=_plan_metadata(key))[1]
        else:
            deps.gateway.update(channel, ts, text, blocks)
        try:
            deps.gateway.pin(channel, ts)
        except SlackError as error:
            if error.code != "already_pinned":
                raise
    except SlackError as error:
        log.warning("could not show the plan of case %s: %s", case_id, error.code)
        return
    with deps.unit_of_work() as session:
        stored = session.get_one(Case, case_id)
        stored.plan_ts = ts
        session.add(stored)


def refresh_family_plan_copies(deps: Dependencies, case_id: int) -> None:
    """With the family served separately, each family-side member has the plan in a direct
    message of their own: posted the first time, then updated in place."""
    with deps.unit_of_work() as session:
        plan = load_plan(session, case_id)
        case = plan.case
        if not case.family_separate or case.channel_archived:
            return
        readers = [
            (m.id, m.slack_user_id, m.plan_channel, m.plan_ts)
            for m in session.exec(
                select(Member).where(Member.case_id == case_id, col(Member.active))
            )
            if m.slack_user_id and is_family_side(m.role)
        ]
        languages = {user: person_language(session, user) for _, user, _, _ in readers if user}
    for member_id, user_id, channel, ts in readers:
        assert user_id is not None
        said = rendered(  # each reader's own copy, in their own language
            languages[user_id], lambda: (plan_message_text(case.reference), plan_message(plan))
        )
        text, blocks = said["text"], said["blocks"]
        try:
            if channel and ts:
                deps.gateway.update(channel, ts, text, blocks)
                continue
            key = plan_key(case_id, user_id)  # a copy an earlier attempt posted is re-used
            channel = deps.gateway.open_dm(user_id)
            ts = _shown_plan(deps, channel, key)
            if ts is None:
                channel, ts = deps.gateway.post(user_id, text, blocks, _plan_metadata(key))
            else:
                deps.gateway.update(channel, ts, text, blocks)
        except SlackError as error:
            log.warning("could not send a family member their plan: %s", error.code)
            continue
        with deps.unit_of_work() as session:
            reader = session.get_one(Member, member_id)
            reader.plan_channel, reader.plan_ts = channel, ts
            session.add(reader)


def _outcome_in_case(session: Session, case_id: int, outcome_id: int) -> Outcome:
    outcome = session.get(Outcome, outcome_id)
    if outcome is None or outcome.case_id != case_id or outcome.retired_at is not None:
        raise PlanError(_("That outcome isn't part of this plan."))
    return outcome


def _action_in_case(session: Session, case_id: int, action_id: int) -> PlanAction:
    action = session.get(PlanAction, action_id)
    if action is None or action.case_id != case_id:
        raise PlanError(_("That action isn't part of this plan."))
    return action


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
