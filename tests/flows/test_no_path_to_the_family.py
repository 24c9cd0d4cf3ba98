"""No path takes professional-only content to a family-side person (issue 13, Done means).

Hypothesis draws a core group (who is a professional of which agency, who is family, who is a
supporter, whether the family is served separately) and a history of stand-in choices and role
changes: leave with any member as cover, a representative of any member, each request answered
yes or no by the social worker, and roles changed afterwards. The services run against a real
SQLite file and the Slack emulator; then every way a family-side person could read an update is
tried: the form they would open for every request, the alert's reading of every update, and all
they could see in Slack once the summary is released and the outbox has been sent.
"""

from __future__ import annotations

import contextlib
import itertools
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import NoResultFound
from sqlmodel import Session, col, select

from bot.delivery.immediate import send_now
from bot.devtools.sandbox import Sandbox
from bot.rules.case_form import NewCase
from bot.rules.stand_ins import is_family_side
from bot.rules.update_form import UpdateDraft
from bot.rules.vocabulary import (
    Agency,
    ApprovalState,
    MeetingKind,
    Nation,
    Role,
)
from bot.services import approvals
from bot.services.admission import Refused, update_to_give, update_to_read
from bot.services.cases import open_case
from bot.services.conference import release_summary
from bot.services.members import MemberError, add_member, change_role
from bot.services.representatives import send_someone
from bot.services.stand_ins import set_away
from bot.services.updates import UpdateError, form_plan, save_update
from bot.ui.updates import update_modal
from storage.models import AgencyUpdate, ApprovalRequest, Meeting, Member, UpdateRequest
from tests.examples import examples

from .conftest import People
from .test_who_sees_what import everything_seen

AGENCIES = (Agency.SCHOOL, Agency.HEALTH_VISITOR, Agency.POLICE)
# What each drawn person starts as: a professional of an agency, family, or a family supporter.
STARTS = st.sampled_from(
    [
        *((Role.PROFESSIONAL, a) for a in AGENCIES),
        (Role.FAMILY, None),
        (Role.FAMILY_SUPPORTER, None),
    ]
)
LATER_ROLES = st.sampled_from([Role.PROFESSIONAL, Role.FAMILY, Role.FAMILY_SUPPORTER])
# One step of the case's history: (what, who, whom, a role, the social worker's answer).
STEP = st.tuples(
    st.sampled_from(["away", "send", "role"]),
    st.integers(0, 5),
    st.integers(0, 5),
    LATER_ROLES,
    st.booleans(),
)
_cases = itertools.count(1)


def _approve_everything_pending(sandbox: Sandbox, social_worker: str, yes: bool) -> None:
    assert sandbox.deps is not None
    with Session(sandbox.engine) as session:
        pending = [
            a.id
            for a in session.exec(
                select(ApprovalRequest).where(ApprovalRequest.state == ApprovalState.PENDING)
            )
        ]
    for approval_id in pending:
        assert approval_id is not None
        # A request the register has since outgrown is refused, recording nothing.
        with contextlib.suppress(approvals.ApprovalError):
            approvals.answer(
                sandbox.deps, approval_id=approval_id, actor=social_worker, approve=yes
            )


@examples(short=10, full=30)
def test_no_stand_in_or_role_change_takes_professional_only_content_to_the_family(
    sandbox: Sandbox, people: People, examples: int
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        starts=st.lists(STARTS, min_size=2, max_size=6),
        separate=st.booleans(),
        steps=st.lists(STEP, max_size=6),
    )
    def no_path(
        starts: list[tuple[Role, Agency | None]],
        separate: bool,
        steps: list[tuple[str, int, int, Role, bool]],
    ) -> None:
        one_history(sandbox, people, starts, separate, steps)

    no_path()


def one_history(
    sandbox: Sandbox,
    people: People,
    starts: list[tuple[Role, Agency | None]],
    separate: bool,
    steps: list[tuple[str, int, int, Role, bool]],
) -> None:
    """Open a drawn case, play its history, and try every way to the family's eyes."""
    deps = sandbox.deps
    assert deps is not None
    emu = sandbox.emulator
    # Every example works at one instant of the manual clock, where Slack's per-minute limits
    # would never refill; the limits have their own tests.
    emu.rate_limits_enabled = False
    n = next(_cases)
    reference = f"case-{n}"
    secret = f"Secret-{n}-police-intelligence"
    kept = f"Kept-{n}-worry"
    users = [emu.add_user(f"Person {n}.{i}") for i in range(len(starts))]
    form = NewCase(
        reference=reference,
        nation=Nation.ENG,
        icpc=date(2026, 11, 20),
        chair=people.chair,
        social_worker=people.social_worker,
        professionals=tuple(
            (u, agency) for u, (role, agency) in zip(users, starts, strict=True) if agency
        ),
        family_on_slack=tuple(
            u for u, (role, _) in zip(users, starts, strict=True) if role is Role.FAMILY
        ),
        family_separate=separate,
    )
    opened = open_case(deps, form, team_id=emu.team_id, opened_by=people.social_worker)
    case_id = opened.case_id
    for user, (role, _) in zip(users, starts, strict=True):
        if role is Role.FAMILY_SUPPORTER:
            add_member(
                deps,
                case_id=case_id,
                actor=people.social_worker,
                user_id=user,
                agency=Agency.FAMILY,
                role=role,
            )
    with Session(sandbox.engine) as session:
        rcpc = session.exec(
            select(Meeting).where(
                Meeting.case_id == case_id, Meeting.kind == MeetingKind.RCPC, Meeting.sequence == 1
            )
        ).one()
        assert rcpc.id is not None
        rcpc_id = rcpc.id
        # Every member owes an update for the review conference (planning's job, done here).
        due = datetime.combine(rcpc.due_by, datetime.min.time(), tzinfo=UTC) - timedelta(days=2)
        owing = {
            r.member_id
            for r in session.exec(select(UpdateRequest).where(UpdateRequest.meeting_id == rcpc_id))
        }
        for member in session.exec(select(Member).where(Member.case_id == case_id)):
            if member.id not in owing:
                session.add(UpdateRequest(meeting_id=rcpc_id, member_id=member.id or 0, due_at=due))
        session.commit()

    # The drawn history of stand-ins and role changes, each answered by the social worker.
    for what, who, whom, role, yes in steps:
        actor, other = users[who % len(users)], users[whom % len(users)]
        try:
            if what == "away":
                answer = set_away(
                    deps,
                    case_id=case_id,
                    actor=actor,
                    until=date(2027, 3, 1),
                    cover_user=other,
                )
                send_now(deps, answer.send_now)
            elif what == "send":
                sent = send_someone(
                    deps,
                    case_id=case_id,
                    meeting_id=rcpc_id,
                    user_id=actor,
                    chosen=other,
                    same_agency=yes,
                )
                send_now(deps, sent.send_now)
            else:
                change_role(
                    deps, case_id=case_id, actor=people.social_worker, user_id=actor, role=role
                )
        except (UpdateError, MemberError, NoResultFound):
            pass  # a refusal: a kind answer that records nothing
        _approve_everything_pending(sandbox, people.social_worker, yes)

    # Every professional-side person who may give an update sends one with everything kept.
    everyone = [people.social_worker, people.chair, *users]
    with Session(sandbox.engine) as session:
        requests = [
            r.id
            for r in session.exec(select(UpdateRequest).where(UpdateRequest.meeting_id == rcpc_id))
        ]
    professional_draft = UpdateDraft(
        worries=kept,
        professional_only=secret,
        professional_only_sections=("worries", "new_harm"),
        new_harm=True,
        new_harm_detail=kept,
    )
    # Each family member's own words, which under the safety setting no other may read.
    words = {user: f"Words-{n}-of-{user}" for user in users}
    for request_id, user in itertools.product(requests, everyone):
        assert request_id is not None
        context = update_to_give(deps, request_id=request_id, user_id=user)
        if isinstance(context, Refused):
            continue
        family = form_plan(context, user).audience == "family"
        if family and context.member.slack_user_id != user:
            continue
        draft = UpdateDraft(going_well=words[user]) if family else professional_draft
        try:
            receipt = save_update(deps, request_id=request_id, user_id=user, draft=draft)
        except UpdateError:
            continue
        send_now(deps, receipt.send_now)

    with Session(sandbox.engine) as session:
        members = session.exec(select(Member).where(Member.case_id == case_id)).all()
        family_side = [
            m.slack_user_id
            for m in members
            if m.slack_user_id and m.active and is_family_side(m.role)
        ]
        update_ids = [
            u.id
            for u in session.exec(
                select(AgencyUpdate).where(col(AgencyUpdate.request_id).in_(requests))
            )
        ]
    readers = [*family_side, people.outsider]

    # The forms a family-side person or an outsider could open, and the alerts' readings.
    for request_id, user in itertools.product(requests, readers):
        context = update_to_give(deps, request_id=request_id, user_id=user)
        if isinstance(context, Refused):
            continue
        plan = form_plan(context, user)
        view = update_modal(
            request_id=request_id or 0,
            case_reference=reference,
            meeting_label="Review conference 1",
            deadline_text="",
            outcomes=context.outcomes,
            rag_meanings=("g", "a", "r"),
            audience=plan.audience,
            on_behalf_of=plan.on_behalf_of,
            previous=plan.previous,
        )
        shown = str(view.to_dict())
        assert secret not in shown and kept not in shown, (user, steps)
    for update_id, user in itertools.product(update_ids, readers):
        assert isinstance(update_to_read(deps, update_id=update_id, user_id=user), Refused)

    # Everything they could see in Slack, once the summary is out.
    release_summary(deps, conference_id=rcpc_id, actor=people.chair)
    for user in readers:
        seen = everything_seen(sandbox, user)
        assert secret not in seen and kept not in seen, (user, starts, separate, steps)
        if separate and user in family_side:
            others = [words[u] for u in family_side if u != user and u in words]
            assert not [w for w in others if w in seen], (user, starts, steps)
