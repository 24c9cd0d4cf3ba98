"""Managers' measures in Slack: an area admin grants the role, a manager gets the figures, a PNG
chart and a CSV in a direct message, and nothing of any case; others are refused kindly."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.devtools.sandbox import Sandbox
from bot.jobs import daily
from bot.rules.audit_actions import AuditAction
from bot.rules.permissions import Permission
from bot.rules.vocabulary import AreaRole
from bot.services.access import check
from bot.services.managers import NOT_AN_ADMIN, grant
from bot.services.measures import ONLY_MANAGERS
from storage.models import Area, AuditEvent, Case
from tests.flows.conftest import People
from tests.measures.test_known_world import build
from tests.test_i18n import english_leaks


def _answer(sandbox: Sandbox, user: str, channel: str, text: str) -> str:
    """The answer only the person sees, to one /coregroup command."""
    emu = sandbox.emulator
    before = len(emu.inspector.seen_by(user))
    response = emu.slash_command(user, channel, "/coregroup", text)
    assert response.status == 200, response.body
    return sandbox.wait_for(
        lambda: next(
            (s.text for s in emu.inspector.seen_by(user)[before:] if s.kind == "ephemeral"), None
        )
    )


def north_in_this_workspace(sandbox: Sandbox) -> None:
    """The hand-built world, its North area being this workspace's (North's figures are known:
    tests/measures/test_known_world.py)."""
    with Session(sandbox.engine) as session:
        build(session)
        north = session.exec(select(Area).where(Area.name == "North")).one()
        north.slack_team_id = sandbox.emulator.team_id
        session.add(north)
        session.commit()


def test_an_admin_makes_a_manager_who_sees_figures_and_no_case(
    sandbox: Sandbox, people: People
) -> None:
    emu, deps = sandbox.emulator, sandbox.deps
    assert deps is not None
    north_in_this_workspace(sandbox)
    with deps.unit_of_work() as session:
        grant(
            session,
            team=emu.team_id,
            user_id=people.social_worker,
            actor="cli:admin",
            now=deps.clock.now(),
            role=AreaRole.ADMIN,
        )

    lobby = people.lobby
    assert _answer(sandbox, people.chair, lobby, "measures") == ONLY_MANAGERS
    assert _answer(sandbox, people.outsider, lobby, f"managers add <@{people.chair}>") == (
        NOT_AN_ADMIN
    )
    said = _answer(sandbox, people.social_worker, lobby, f"managers add <@{people.chair}|Tom>")
    assert said.startswith(f"<@{people.chair}> is now manager")

    answer = _answer(sandbox, people.chair, lobby, "measures 2026-01-01 2026-03-31")
    assert answer.startswith("On it")
    sandbox.settle()
    dm = emu.inspector.dm_channel(people.chair)
    assert dm is not None
    messages = [seen for seen in emu.inspector.seen_by(people.chair) if seen.channel == dm]
    figures = " ".join(str(block) for m in messages for block in (m.blocks or []))
    assert "First core group held within the nation's limit: *1 of 2* (50%)" in figures
    assert "Conferences quorate: *1 of 2*" in figures
    files = {f.name: f.data for f in emu.inspector.files_seen_by(people.chair)}
    assert files["measures-2026-01-01-2026-03-31.png"].startswith(b"\x89PNG")
    assert (
        b"team,measure,agency,numerator,denominator" in files["measures-2026-01-01-2026-03-31.csv"]
    )
    # Nothing went to the channel the command was typed in.
    assert not [m for m in emu.inspector.messages(lobby) if "Measures" in m.text]

    # The Home tab: the manager's area this quarter (nothing of it held yet), no one else's.
    emu.open_home(people.chair)
    emu.open_home(people.social_worker)
    emu.deliver_pending_events()
    shown = str(emu.inspector.home(people.chair))
    assert "Your area's measures" in shown and "North*: this quarter so far" in shown
    assert "Conferences quorate: 0 of 0" in shown
    assert "Your area's measures" not in str(emu.inspector.home(people.social_worker))

    with Session(sandbox.engine) as session:
        for case in session.exec(select(Case)).all():
            for permission in Permission:
                decision = check(session, case=case, user_id=people.chair, permission=permission)
                assert not decision.allowed, permission
        granted = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.MANAGER_GRANTED.value)
        ).all()
    assert [event.actor for event in granted] == ["cli:admin", people.social_worker]
    for text in (figures, *(f.decode(errors="ignore") for f in files.values())):
        assert "CP-1" not in text and "She likes her nursery" not in text


def test_managers_get_last_months_measures_on_the_first_working_day(
    sandbox: Sandbox, people: People
) -> None:
    emu, deps = sandbox.emulator, sandbox.deps
    assert deps is not None
    with deps.unit_of_work() as session:
        area = Area(slack_team_id=emu.team_id, name="East")
        session.add(area)
        session.flush()
        grant(
            session, team=emu.team_id, user_id=people.chair, actor="cli:admin", now=deps.clock.now()
        )

    def digests() -> list[str]:
        dm = emu.inspector.dm_channel(people.chair)
        return [s.text for s in emu.inspector.seen_by(people.chair) if s.channel == dm]

    daily(deps)  # Monday 23 November: not the first working day of a month
    sandbox.sweep()
    assert digests() == []
    sandbox.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))  # Tuesday 1 December
    daily(deps)
    daily(deps)  # a second replica, or a rerun: still one message
    sandbox.sweep()
    assert digests() == ["Measures for November 2026"]
    seen = [
        s for s in emu.inspector.seen_by(people.chair) if s.text == "Measures for November 2026"
    ]
    assert "Conferences quorate: *0 of 0*" in str(seen[0].blocks)
    assert "social worker" not in digests()[0]


def test_a_welsh_manager_reads_the_measures_and_the_home_section_in_welsh(
    sandbox: Sandbox, people: People
) -> None:
    emu, deps = sandbox.emulator, sandbox.deps
    assert deps is not None
    north_in_this_workspace(sandbox)
    with deps.unit_of_work() as session:
        grant(
            session, team=emu.team_id, user_id=people.chair, actor="cli:admin", now=deps.clock.now()
        )
    lobby = people.lobby
    assert _answer(sandbox, people.chair, lobby, "language cymraeg").startswith("Byddaf")

    _answer(sandbox, people.chair, lobby, "measures 2026-01-01 2026-03-31")
    sandbox.settle()
    dm = emu.inspector.dm_channel(people.chair)
    messages = [seen for seen in emu.inspector.seen_by(people.chair) if seen.channel == dm]
    [measures] = [m for m in messages if m.text.startswith("Mesurau")]
    assert measures.text == "Mesurau ar gyfer 1 Ion 2026 i 31 Maw 2026"
    figures = " ".join(str(block) for block in measures.blocks or [])
    assert "Grŵp craidd cyntaf wedi'i gynnal o fewn terfyn y genedl: *1 o 2* (50%)" in figures
    assert "Cynadleddau â chworwm: *1 o 2*" in figures
    titles = {f.name: f.title for f in emu.inspector.files_seen_by(people.chair)}
    assert titles["measures-2026-01-01-2026-03-31.png"] == "Siart: 1 Ion 2026 i 31 Maw 2026"

    emu.open_home(people.chair)
    emu.deliver_pending_events()
    home = emu.inspector.home(people.chair)
    shown = str(home)
    assert "Mesurau eich ardal" in shown and "North*: y chwarter hwn hyd yma" in shown
    assert not english_leaks([measures.text, figures, shown]), english_leaks([figures, shown])
