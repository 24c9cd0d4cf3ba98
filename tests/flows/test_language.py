"""Who reads which language, through the real bot: a person's choice (by command or on their Home
tab; stored, audited, surviving a restart, never changed by the area's default), the area's default
(its admins alone change it), their Welsh Slack locale, and a case's language in its channel."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import ActionId
from bot.rules.vocabulary import AreaRole, Language, MeetingKind
from bot.services.languages import person_language
from bot.services.managers import grant
from storage.models import Area, AuditEvent, Case, PersonLanguage
from tests.flows.conftest import (
    People,
    modal_title,
    new_case_values,
    open_case,
    open_new_case_modal,
)
from tests.flows.test_meetings import meeting, scheduled_core_group, set_meeting
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


def _home(sandbox: Sandbox, user: str) -> dict[str, Any]:
    """The person opens the bot's Home tab and sees what the bot published."""
    emu = sandbox.emulator
    emu.open_home(user)
    emu.deliver_pending_events()
    home = emu.inspector.home(user)
    assert home is not None
    return home


def _language_menu(home: dict[str, Any]) -> dict[str, Any]:
    (block,) = [b for b in home["blocks"] if b.get("block_id") == ActionId.CHOOSE_LANGUAGE]
    return dict(block)


def test_a_person_chooses_welsh_on_their_home_tab_and_it_is_shown_again_in_welsh(
    tmp_path: Path, sandbox: Sandbox, people: People
) -> None:
    open_case(sandbox, people)
    emu = sandbox.emulator
    home = _home(sandbox, people.school)
    menu = _language_menu(home)
    assert menu["text"]["text"].startswith("*The language I speak to you in:* English")
    assert menu["accessory"]["initial_option"]["value"] == "en"
    # Each language is offered in its own words, Welsh first.
    offered = [o["text"]["text"] for o in menu["accessory"]["options"]]
    assert offered[:2] == ["Cymraeg", "English"] and offered[2].startswith("Dwyieithog")

    response = emu.click_in_view(people.school, home["id"], ActionId.CHOOSE_LANGUAGE, "cy")
    assert response.status == 200, response.body
    sandbox.settle()

    welsh = emu.inspector.home(people.school)
    assert welsh is not None and welsh["id"] == home["id"]  # the same tab, published again
    menu = _language_menu(welsh)
    assert menu["text"]["text"].startswith("*Yr iaith rwy'n siarad â chi ynddi:* Cymraeg")
    assert menu["accessory"]["initial_option"]["value"] == "cy"
    assert "Eich grwpiau craidd" in str(welsh) and "Your core groups" not in str(welsh)
    # The choice is the person's everywhere, not only on the Home tab.
    assert _answer(sandbox, people.school, people.lobby, "help").startswith("*Bot y Grŵp Craidd*")
    assert _answer(sandbox, people.chair, people.lobby, "help").startswith("*Core Group bot*")
    with Session(sandbox.engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.LANGUAGE_CHOSEN.value)
        ).all()
        assert [(e.actor, e.detail) for e in events] == [
            (people.school, {"before": "en", "after": "cy"})
        ]

    url = f"sqlite:///{tmp_path / 'flows.sqlite3'}"
    sandbox.stop()
    clock = ManualClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    with Sandbox(url, clock=clock) as restarted, Session(restarted.engine) as session:
        assert person_language(session, people.school) is Language.WELSH
        row = session.get(PersonLanguage, people.school)
        assert row is not None and row.chosen


def test_the_home_tab_menu_changes_only_the_language_of_whoever_uses_it(
    sandbox: Sandbox, people: People
) -> None:
    open_case(sandbox, people)
    home = _home(sandbox, people.health_visitor)
    _home(sandbox, people.school)
    emu = sandbox.emulator
    response = emu.click_in_view(
        people.health_visitor, home["id"], ActionId.CHOOSE_LANGUAGE, "bilingual"
    )
    assert response.status == 200, response.body
    sandbox.settle()
    with Session(sandbox.engine) as session:
        assert person_language(session, people.health_visitor) is Language.BILINGUAL
        assert session.get(PersonLanguage, people.school) is None
    # A bilingual reader's Home tab has room for one language: Welsh, the first of the two.
    theirs = emu.inspector.home(people.health_visitor)
    assert theirs is not None
    assert _language_menu(theirs)["accessory"]["initial_option"]["value"] == "bilingual"
    assert "Eich grwpiau craidd" in str(theirs)
    school = emu.inspector.home(people.school)
    assert school is not None and "Your core groups" in str(school)


def _make_admin(sandbox: Sandbox, user: str) -> None:
    """What `coregroup managers add --admin` does, on the bot's own database."""
    with Session(sandbox.engine) as session:
        area = session.exec(select(Area)).one()
        now = sandbox.clock.now()
        grant(session, team=area.name, user_id=user, actor="cli:test", now=now, role=AreaRole.ADMIN)
        session.commit()


def test_only_an_area_admin_changes_the_areas_default_and_no_ones_own_choice(
    tmp_path: Path, sandbox: Sandbox, people: People
) -> None:
    open_case(sandbox, people)  # the area exists from here, English by default
    lobby = people.lobby
    _answer(sandbox, people.school, lobby, "language english")  # the school's own choice
    _make_admin(sandbox, people.chair)

    refused = _answer(sandbox, people.social_worker, lobby, "language area cymraeg")
    assert refused.startswith("Sorry, only an admin of this area can change its default language")
    with Session(sandbox.engine) as session:
        assert session.exec(select(Area)).one().language is Language.ENGLISH

    said = _answer(sandbox, people.chair, lobby, "language area cymraeg")
    assert said.startswith("The default language of this area is now Welsh:")
    assert "Cases already open keep" in said
    # The chair has no language of their own either: from now on they read the area's Welsh.
    assert _answer(sandbox, people.chair, lobby, "language area welsh").startswith(
        "Cymraeg yw iaith ddiofyn yr ardal hon eisoes."
    )
    # Whoever has not chosen now reads Welsh; whoever chose keeps their choice.
    assert _answer(sandbox, people.health_visitor, lobby, "help").startswith("*Bot y Grŵp Craidd*")
    assert _answer(sandbox, people.school, lobby, "help").startswith("*Core Group bot*")
    # A typo is answered with how to type it, and changes nothing.
    assert _answer(sandbox, people.chair, lobby, "language area klingon").startswith("Defnydd:")

    with Session(sandbox.engine) as session:
        area = session.exec(select(Area)).one()
        assert area.language is Language.WELSH
        # The open case's channel does not switch language in the middle of its plan.
        assert session.exec(select(Case)).one().bot_language is Language.ENGLISH
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.AREA_LANGUAGE_CHANGED.value)
        ).all()
        assert [(e.actor, e.area_id, e.detail) for e in events] == [
            (people.chair, area.id, {"before": "en", "after": "cy"})
        ]

    url = f"sqlite:///{tmp_path / 'flows.sqlite3'}"
    sandbox.stop()
    clock = ManualClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    with Sandbox(url, clock=clock) as restarted, Session(restarted.engine) as session:
        assert person_language(session, people.school) is Language.ENGLISH
        assert person_language(session, people.health_visitor) is Language.WELSH


def test_a_welsh_social_worker_hears_in_welsh_why_people_could_not_join_an_english_openers_case(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    assert _answer(sandbox, people.social_worker, people.lobby, "language cymraeg")
    emu.deactivate_user(people.health_visitor)
    # A single-channel guest who is already in another channel cannot join a second.
    other = emu.create_channel_as_user(people.outsider, "elsewhere", is_private=True)
    emu.join_channel(people.mum, other, inviter=people.outsider)
    # The chair opens the case (in English), naming the Welsh-speaking social worker.
    view_id = open_new_case_modal(sandbox, people.chair, people.lobby)
    response = emu.submit_view(people.chair, view_id, new_case_values(people))
    assert response.status == 200, response.body
    sandbox.wait_for(lambda: modal_title(sandbox, people.chair) == "Case opened")
    shown = str(emu.inspector.modal_stack(people.chair)[-1]["blocks"])
    assert "their Slack account has been deactivated" in shown

    def direct(user: str, title: str) -> str:
        return sandbox.wait_for(
            lambda: next(
                (
                    str(s.blocks)
                    for s in emu.inspector.seen_by(user)
                    if s.channel.startswith("D") and s.text == title
                ),
                None,
            )
        )

    welsh = direct(people.social_worker, "Ni allai rhai pobl ymuno â'r sianel ar gyfer oak-family")
    assert "Jan Kowalski: mae eu cyfrif Slack wedi'i ddadactifadu" in welsh
    assert "Sam: maen nhw'n westai un sianel sydd eisoes mewn sianel arall" in welsh
    assert not english_leaks([welsh]), english_leaks([welsh])
    english = direct(people.chair, "Some people could not join the channel for oak-family")
    assert "Jan Kowalski: their Slack account has been deactivated" in english


def test_a_welsh_social_worker_is_told_in_welsh_which_kind_of_message_was_not_delivered(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    scheduled_core_group(sandbox, people)
    assert _answer(sandbox, people.social_worker, people.lobby, "language cymraeg")
    emu.deactivate_user(people.health_visitor)
    sandbox.sweep()
    sandbox.sweep()  # the note about the failed delivery goes out on the next pass
    notes = [
        str(s.blocks)
        for s in emu.inspector.seen_by(people.social_worker)
        if s.text == "Ni ellid anfon neges yn oak-family"
    ]
    assert len(notes) == 1
    assert "Ni allwn anfon gwahoddiad at Jan Kowalski ar gyfer oak-family" in notes[0]
    assert "invitation" not in notes[0]


def test_a_meeting_on_a_bank_holiday_is_refused_with_its_welsh_name(
    sandbox: Sandbox, people: People
) -> None:
    sandbox.settings.default_language = Language.WELSH
    channel = _open_welsh_case(sandbox, people)
    first = meeting(sandbox, MeetingKind.CORE_GROUP)
    assert first.id is not None
    answer = set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-28")
    said = str(answer["errors"])
    assert "Nid yw Dydd Llun 28 Rhagfyr yn ddiwrnod gwaith" in said
    assert "(Gŵyl San Steffan (diwrnod yn ei le))" in said
    assert "Boxing" not in said
