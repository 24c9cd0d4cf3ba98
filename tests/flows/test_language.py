"""Who reads which language, through the real bot: a person's choice (stored, audited, surviving a
restart, never changed by the area's default), their Welsh Slack locale, and a case's language in
its channel."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.vocabulary import Language, MeetingKind
from bot.services.languages import person_language
from storage.models import Area, AuditEvent, Case, PersonLanguage
from tests.flows.conftest import (
    People,
    modal_title,
    new_case_values,
    open_case,
    open_new_case_modal,
)
from tests.flows.test_meetings import meeting, set_meeting


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


def _open_welsh_case(sandbox: Sandbox, people: People) -> str:
    """Open a case in a Welsh or bilingual area: the social worker's form answers in Welsh."""
    view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
    response = sandbox.emulator.submit_view(
        people.social_worker, view_id, new_case_values(people, "oak-family", "WLS")
    )
    assert response.status == 200, response.body
    sandbox.wait_for(lambda: modal_title(sandbox, people.social_worker) == "Achos wedi'i agor")
    return sandbox.emulator.inspector.channel_named("oak-family").id


def test_a_person_chooses_welsh_and_is_answered_in_it_from_then_on(
    sandbox: Sandbox, people: People
) -> None:
    lobby = people.lobby
    assert _answer(sandbox, people.school, lobby, "help").startswith("*Core Group bot*")
    said = _answer(sandbox, people.school, lobby, "language cymraeg")
    assert said.startswith("Byddaf yn siarad â chi yn Gymraeg")
    assert _answer(sandbox, people.school, lobby, "help").startswith("*Bot y Grŵp Craidd*")
    # Someone else is still answered in English.
    assert _answer(sandbox, people.chair, lobby, "help").startswith("*Core Group bot*")
    # A word that names no language: how to type it, in the person's language.
    assert _answer(sandbox, people.school, lobby, "language klingon").startswith("Defnydd:")

    both = _answer(sandbox, people.chair, lobby, "language bilingual")
    assert both.index("Byddaf yn siarad") < both.index("I'll speak to you in Welsh and English")

    with Session(sandbox.engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.LANGUAGE_CHOSEN.value)
        ).all()
        assert [(e.actor, e.detail) for e in events] == [
            (people.school, {"before": "en", "after": "cy"}),
            (people.chair, {"before": "en", "after": "bilingual"}),
        ]


def test_a_choice_survives_a_restart_and_the_areas_default_never_changes_it(
    tmp_path: Path, sandbox: Sandbox, people: People
) -> None:
    open_case(sandbox, people)  # the area exists from here, English by default
    _answer(sandbox, people.school, people.lobby, "language english")
    url = f"sqlite:///{tmp_path / 'flows.sqlite3'}"
    sandbox.stop()

    clock = ManualClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    with Sandbox(url, clock=clock) as restarted, Session(restarted.engine) as session:
        area = session.exec(select(Area)).one()
        area.language = Language.WELSH  # the area goes Welsh
        session.add(area)
        session.commit()
        assert person_language(session, people.school) is Language.ENGLISH  # chosen: kept
        assert person_language(session, people.chair) is Language.WELSH  # never chose
        row = session.get(PersonLanguage, people.school)
        assert row is not None and row.chosen


def test_a_welsh_slack_locale_sets_the_first_language_and_a_welsh_case_posts_in_welsh(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    gwen = emu.add_user("Gwen Morgan", locale="cy-GB")
    emu.join_channel(gwen, people.lobby)
    sandbox.settings.default_language = Language.WELSH  # the area is made with the first case
    channel = _open_welsh_case(sandbox, people)
    # Adding calls Slack, so the answer comes in two: "On it…" at once, in Welsh too.
    said = _answer(sandbox, people.social_worker, channel, f"add <@{gwen}> health_visitor")
    assert said == "Wrthi…"
    sandbox.settle()

    with Session(sandbox.engine) as session:
        case = session.exec(select(Case)).one()
        assert case.bot_language is Language.WELSH
        row = session.get(PersonLanguage, gwen)
        assert row is not None and row.language is Language.WELSH and not row.chosen
    posted = [m.text for m in emu.inspector.messages(channel)]
    assert any(text.startswith("Croeso i'r grŵp craidd ar gyfer oak-family") for text in posted)
    assert not any(text.startswith("Welcome to the core group") for text in posted)
    assert emu.inspector.channel(channel).topic.startswith("Grŵp craidd oak-family")


def test_a_bilingual_case_posts_welsh_first_then_english(sandbox: Sandbox, people: People) -> None:
    sandbox.settings.default_language = Language.BILINGUAL
    channel = _open_welsh_case(sandbox, people)
    welcome = next(m for m in sandbox.emulator.inspector.messages(channel) if "Croeso" in m.text)
    assert welcome.text.index("Croeso") < welcome.text.index("Welcome")
    headers = [b["text"]["text"] for b in welcome.blocks or [] if b["type"] == "header"]
    assert headers == [
        "Croeso i'r grŵp craidd ar gyfer oak-family",
        "Welcome to the core group for oak-family",
    ]


def test_a_bilingual_case_s_calendar_file_is_titled_welsh_first(
    sandbox: Sandbox, people: People
) -> None:
    sandbox.settings.default_language = Language.BILINGUAL
    channel = _open_welsh_case(sandbox, people)
    first = meeting(sandbox, MeetingKind.CORE_GROUP)
    assert first.id is not None
    answer = set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-03")
    assert answer["response_action"] == "update", answer
    inspector = sandbox.emulator.inspector
    shared = sandbox.wait_for(
        lambda: next(
            (f for f in inspector.files_seen_by(people.school) if f.name.endswith(".ics")), None
        )
    )
    assert shared.title.startswith("oak-family cyfarfod grŵp craidd / oak-family ")
    (event,) = icalendar.Calendar.from_ical(shared.data).events
    assert str(event["SUMMARY"]) == shared.title
    assert event["SUMMARY"].params["LANGUAGE"] == "cy"
