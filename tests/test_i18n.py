"""The Welsh catalog is complete and sound, and the bot speaks Welsh and bilingually without
English leaking in, within Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from slack_sdk.models.blocks import Block

from bot.rules.agenda import Agenda
from bot.rules.family import FamilyHelp
from bot.rules.i18n import (
    WELSH,
    Translated,
    _,
    catalog_path,
    language_from_slack_locale,
    language_named,
    ngettext,
    speaking,
    translations,
)
from bot.rules.ids import ViewId
from bot.rules.permissions import Permission
from bot.rules.quorum import Invitee, QuorumForecast
from bot.rules.timeline import ChaseStep, format_day
from bot.rules.update_form import UpdateDraft
from bot.rules.vocabulary import (
    ActionStatus,
    Agency,
    Category,
    Decision,
    Language,
    MeetingKind,
    Nation,
    Role,
    Rsvp,
)
from bot.services.access import (
    NOT_A_CASE_CHANNEL,
    NOT_A_MEMBER,
    OPENING_NEEDS_FULL_MEMBER,
    refusal,
)
from bot.services.plan import Plan
from bot.summary.notice import DecisionNotice, notice_blocks, notice_html, notice_text
from bot.ui.agenda import agenda_modal
from bot.ui.arranging import (
    arrange_reminder_blocks,
    arrange_reminder_text,
    held_answer_blocks,
    held_check_blocks,
    held_check_text,
    not_held_modal,
)
from bot.ui.bilingual import MAX_BLOCKS, MAX_SECTION_TEXT, bilingual, rendered
from bot.ui.common import message_modal, new_case_modal, opening_progress_modal, section
from bot.ui.family import (
    family_copy_prompt_blocks,
    family_copy_prompt_text,
    family_invitation_blocks,
)
from bot.ui.harm import UpdateReading, new_harm_blocks, new_harm_text, update_reading_modal
from bot.ui.labels import AGENCY_NAMES, meeting_words
from bot.ui.meetings import (
    MeetingCard,
    Reply,
    attendance_modal,
    bring_someone_modal,
    decision_modal,
    invitation_blocks,
    invitation_text,
    quorum_warning_blocks,
    quorum_warning_text,
    representative_modal,
    schedule_modal,
)
from bot.ui.plan import (
    action_modal,
    action_reminder_blocks,
    action_reminder_text,
    outcome_modal,
    plan_message,
    plan_message_text,
    plan_text,
)
from bot.ui.separation import (
    rejoined_notice,
    released_notice,
    separate_notice_text,
    separated_notice,
)
from bot.ui.texts import (
    case_card,
    case_card_text,
    help_text,
    joined_text,
    left_text,
    unknown_command_text,
    welcome_blocks,
    welcome_text,
)
from bot.ui.update_texts import (
    CHASE_WORDS,
    chase_blocks,
    chase_text,
    check_in_notice,
    check_in_text,
    escalation_notice,
    family_prompt,
    family_reminder_blocks,
    overdue_notice,
    overdue_notice_text,
    professional_prompt,
    progress_blocks,
    progress_text,
    prompt_text,
    with_family_prompt,
)
from bot.ui.updates import (
    DEFAULT_URGENT_CONTACT,
    not_a_referral,
    update_modal,
    update_receipt_blocks,
    update_receipt_text,
)
from bot.ui.who_reads import WHO_READS, who_reads
from storage.models import URGENT_CONTACT, Case, Meeting, Member, Outcome, PlanAction
from tests.readability import block_texts, plain

ROOT = Path(__file__).resolve().parents[1]
# As babel.cfg and the README's `pybabel extract` say.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
METHODS = [
    ("bot/devtools/**", "ignore"),
    ("bot/**.py", "python"),
    ("handlers/**.py", "python"),
    ("bot/summary/templates/**.j2", "jinja2"),
]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def welsh_catalog() -> Catalog:
    with catalog_path(WELSH).open("rb") as po:
        return read_po(po, locale=WELSH)


def extracted() -> set[tuple[str | tuple[str, ...], str | None]]:
    """Every message the code and templates say today, as `pybabel extract` finds it."""
    found: set[tuple[str | tuple[str, ...], str | None]] = set()
    options = {"bot/summary/templates/**.j2": {"extensions": "jinja2.ext.i18n"}}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), METHODS, options, keywords=KEYWORDS
    ):
        found.add((message, context))
    return found


def test_every_message_is_in_the_welsh_catalog_translated_and_not_fuzzy() -> None:
    catalog = welsh_catalog()
    in_catalog = {(m.id, m.context): m for m in catalog if m.id}
    said = extracted()
    missing = [key for key in said if key not in in_catalog]
    assert not missing, f"run pybabel extract and update, then translate: {missing[:5]}"
    stale = [key for key in in_catalog if key not in said]
    assert not stale, f"no longer said anywhere (run pybabel update): {stale[:5]}"
    assert not catalog.obsolete, list(catalog.obsolete)[:5]
    for message in in_catalog.values():
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"untranslated: {message.id!r}"


def test_babels_checkers_find_nothing_and_welsh_has_six_plural_forms() -> None:
    catalog = welsh_catalog()
    assert catalog.num_plurals == 6
    assert not catalog.fuzzy  # the header itself
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, problems


def test_every_translation_fills_exactly_the_placeholders_of_its_english() -> None:
    for message in welsh_catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for said in strings:
            assert set(PLACEHOLDER.findall(said)) == wanted, (message.id, said)


def test_welsh_plural_forms_follow_the_count() -> None:
    # Six forms: 0, 1, 2, 3, 6 and the rest each choose their own (the catalog's header).
    chooser = translations(WELSH).plural  # type: ignore[attr-defined]
    assert [chooser(n) for n in (0, 1, 2, 3, 4, 6, 7, 11)] == [0, 1, 2, 3, 5, 4, 5, 5]
    with speaking(WELSH):  # a message not in the catalog falls back to the English forms
        assert ngettext("one day", "{n} days", 2) == "{n} days"


def test_dates_are_in_the_readers_language_and_english_is_unchanged() -> None:
    tuesday = date(2027, 1, 5)
    assert format_day(tuesday) == "Tue  5 Jan 2027"
    with speaking(WELSH):
        assert format_day(tuesday) == "Maw  5 Ion 2027"
        assert format_day(date(2027, 9, 7)) == "Maw  7 Medi 2027"


def test_a_language_is_named_in_welsh_or_english_and_taken_from_a_welsh_slack_locale() -> None:
    assert language_named("Cymraeg") is Language.WELSH
    assert language_named("english") is Language.ENGLISH
    assert language_named("dwyieithog") is Language.BILINGUAL
    assert language_named("klingon") is None
    assert language_from_slack_locale("cy-GB") is Language.WELSH
    # English Slack says nothing about a person's choice: the area's default stands.
    assert language_from_slack_locale("en-GB") is None
    assert language_from_slack_locale(None) is None


def _case() -> tuple[Case, list[Member], list[Meeting]]:
    case = Case(
        id=1,
        area_id=1,
        reference="oak-family",
        nation=Nation.WLS,
        icpc_date=date(2026, 11, 16),
        timezone="Europe/London",
    )
    members = [
        Member(
            case_id=1,
            slack_user_id="U1",
            display_name="Priya",
            role=Role.SOCIAL_WORKER,
            agency=Agency.CHILDRENS_SOCIAL_CARE,
        ),
        Member(
            case_id=1,
            slack_user_id="U2",
            display_name="Ms Reed",
            role=Role.PROFESSIONAL,
            agency=Agency.SCHOOL,
        ),
    ]
    meetings = [
        Meeting(
            case_id=1,
            kind=MeetingKind.CORE_GROUP,
            sequence=1,
            due_by=date(2026, 11, 30),
            starts_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        ),
        Meeting(case_id=1, kind=MeetingKind.RCPC, sequence=1, due_by=date(2027, 2, 16)),
    ]
    return case, members, meetings


def _everything_said() -> list[str]:
    """Every message kind wrapped so far, rendered in the current locale, as plain text."""
    case, members, meetings = _case()
    said = [
        help_text(),
        unknown_command_text("dance"),
        welcome_text(case.reference),
        case_card_text(case.reference),
        joined_text("U9"),
        left_text("U9"),
    ]
    ref, deadline = case.reference, format_day(date(2026, 12, 4))
    outcomes = (Outcome(id=1, case_id=1, position=1, wording="Jo yn yr ysgol bob dydd"),)
    actions = (
        PlanAction(
            id=1,
            case_id=1,
            outcome_id=1,
            owner_member_id=5,
            description="Galw",
            due_date=date(2026, 12, 1),
        ),
        PlanAction(
            id=2, case_id=1, outcome_id=None, description="Trefnu", status=ActionStatus.DONE
        ),
    )
    plan = Plan(case, outcomes, actions, {5: "Ms Reed"})
    card = MeetingCard(7, ref, MeetingKind.RCPC, datetime(2027, 2, 9, 10, 0), None, Nation.WLS)
    replies = [
        Reply("Ms Reed", Rsvp.ATTENDING),
        Reply("Jan", Rsvp.REPRESENTATIVE, "Kim"),
        Reply("PC Lewis", Rsvp.APOLOGIES),
        Reply("Sam", Rsvp.NONE),
    ]
    asked = Invitee(3, "PC Lewis", Agency.POLICE, True, Rsvp.APOLOGIES)
    short = QuorumForecast(
        quorate=False,
        confirmed_agencies=frozenset(),
        needed_other_agencies=2,
        short_by=2,
        could_still_be_quorate=True,
        not_replied=(replace(asked, rsvp=Rsvp.NONE),),
        social_care_confirmed=True,
        sent_apologies=(asked,),
    )
    meeting = meeting_words(MeetingKind.CORE_GROUP, Nation.WLS)
    said += [prompt_text(ref), chase_text(ref), check_in_text(ref), overdue_notice_text(ref)]
    said += [progress_text(ref)]
    block_lists = [
        welcome_blocks(ref, Nation.WLS),
        case_card(case, members, meetings),
        professional_prompt(ref, meeting, deadline, 1),
        professional_prompt(ref, meeting, deadline, 1, children=_("the baby")),
        family_prompt(ref, meeting, deadline, 1),
        with_family_prompt(ref, "Sam", meeting, deadline, 1),
        *(chase_blocks(step, ref, meeting, deadline, 1) for step in CHASE_WORDS),
        chase_blocks(ChaseStep.OVERDUE, ref, meeting, deadline, 1, covering_for="Ms Reed"),
        chase_blocks(ChaseStep.REMINDER, ref, meeting, deadline, 1, with_family="Sam"),
        family_reminder_blocks(ref, meeting, deadline, 1, with_family=None),
        family_reminder_blocks(ref, meeting, deadline, 1, with_family="Sam"),
        check_in_notice(ref, "Sam", meeting),
        overdue_notice(ref, "Ms Reed", AGENCY_NAMES[Agency.SCHOOL], meeting, deadline),
        overdue_notice(ref, "Ms Reed", "School", meeting, deadline, reminded=False),
        escalation_notice(ref, "Ms Reed", "School", meeting, deadline, in_digest=True),
        progress_blocks(2, 3, meeting, deadline),
        invitation_blocks(card, replies),
        invitation_blocks(card, replies, family=True, in_channel=False),
        quorum_warning_blocks(card, short),
        quorum_warning_blocks(card, replace(short, not_replied=(), sent_apologies=())),
        quorum_warning_blocks(card, replace(short, quorate=True)),
        arrange_reminder_blocks(ref, _("within {n} working days of the {initial}"), deadline),
        held_check_blocks(ref, meeting, 7),
        held_answer_blocks(ref, meeting, held=True),
        held_answer_blocks(ref, meeting, held=False),
        *_family_texts(card),
        family_copy_prompt_blocks(ref, deadline, meeting_words(MeetingKind.RCPC, Nation.WLS)),
        new_harm_blocks(ref, "Ms Reed (Ysgol)", meeting, 3),
        plan_message(plan),
        plan_message(Plan(case, (), (), {})),
        action_reminder_blocks(ref, actions[0]),
        action_reminder_blocks(ref, actions[1]),
    ]
    said += [plan_text(plan), plan_text(Plan(case, (), (), {})), action_reminder_text(ref)]
    said += [plan_message_text(ref)]
    draft = UpdateDraft(going_well="Da", ratings=((1, "green", "iawn"),))
    for audience, previous in (("professional", None), ("family", draft), ("professional", draft)):
        form = update_modal(
            request_id=1,
            case_reference=ref,
            meeting_label=meeting,
            deadline_text=deadline,
            outcomes=[(1, "Jo yn yr ysgol")] * 9,
            rag_meanings=("Ar y trywydd", "Peth cynnydd", "Dim cynnydd"),
            audience=audience,  # type: ignore[arg-type]
            on_behalf_of="Sam" if previous else None,
            previous=previous,
            previous_sent="3 Rhag" if audience == "family" else None,
            children=("Jo", "Ali") if previous else ("Jo",),
            past_deadline=previous is not None,
            urgent_contact="y tîm dyletswydd brys",
        )
        said.append(str(form.to_dict()))
    for late, past, cover in ((False, False, False), (True, True, True), (False, True, False)):
        receipt = update_receipt_blocks(
            case_reference=ref,
            meeting_label=meeting,
            deadline_text=deadline,
            on_behalf_of="Sam" if late or past else None,
            version=2,
            late=late,
            past_deadline=past,
            as_cover=cover,
        )
        said.extend(str(b.to_dict()) for b in receipt)
    said.append(update_receipt_text(ref))
    for form in (
        schedule_modal(1, [(7, meeting)], today=date(2026, 11, 23)),
        bring_someone_modal(1, 7),
        representative_modal(1, 7),
        representative_modal(1, 7, AGENCY_NAMES[Agency.SCHOOL]),
        attendance_modal(1, 7, [(1, "Ms Reed", None)]),
        decision_modal(1, 7, meeting),
        agenda_modal(1, ref, Agenda()),
    ):
        said.append(str(form.to_dict()))
    for decision, dissent in ((Decision.CONTINUE, "Nid wyf yn cytuno"), (Decision.END, None)):
        notice = DecisionNotice(
            reference=ref,
            decision=decision,
            category=Category.NEGLECT,
            plan_changes=None,
            next_core_group=_("{day} at {time}").format(day=deadline, time="10:00"),
            next_review=deadline,
            dissent=dissent,
            help=FamilyHelp(complaints_url="https://x.invalid"),
            review=meeting_words(MeetingKind.RCPC, Nation.WLS),
        )
        said += [str(notice_blocks(notice)), notice_html(notice), notice_text(ref)]
    for form in (
        outcome_modal(1),
        outcome_modal(1, outcomes[0]),
        action_modal(1, outcomes, members),
        action_modal(1, outcomes, members, actions[0]),
    ):
        said.append(str(form.to_dict()))
    said += [new_harm_text(ref), separate_notice_text(ref), family_copy_prompt_text(ref)]
    reading = UpdateReading(ref, "Ms Reed", "3 Rhag", [("Beth sy'n mynd yn dda", "Popeth")])
    said.append(str(update_reading_modal(reading).to_dict()))
    said += [arrange_reminder_text(ref), held_check_text(ref)]
    said.append(str(not_held_modal(1, 7, meeting).to_dict()))
    said += [invitation_text(ref, MeetingKind.RCPC, Nation.WLS), quorum_warning_text(ref)]
    for blocks in block_lists:
        said.extend(str(b.to_dict()) for b in blocks)
    # Forms: slack_sdk checks their limits (a title's 24 characters...) as they are built.
    forms = [
        new_case_modal(today=date(2026, 11, 23), nation=Nation.WLS, social_worker=None),
        opening_progress_modal(ref),
        message_modal(_("Open a case"), _(OPENING_NEEDS_FULL_MEMBER)),
    ]
    said.extend(str(form.to_dict()) for form in forms)
    said.extend(str(who_reads(view).to_dict()) for view in WHO_READS)
    said.append(str(who_reads(ViewId.UPDATE, family=True).to_dict()))
    said += [_(NOT_A_MEMBER), _(NOT_A_CASE_CHANNEL), refusal(Permission.RECORD_DECISION)]
    return said


def _family_texts(card: MeetingCard) -> list[list[Block]]:
    """What a parent reads from the bot (their invitation, prompts, the safety notices)."""
    help = FamilyHelp(help_contact="Tîm Teuluoedd, 01234 567890", leaflet_url="https://x.invalid")
    core_group = replace(card, kind=MeetingKind.CORE_GROUP)
    meeting = meeting_words(MeetingKind.CORE_GROUP, Nation.WLS)
    deadline = format_day(date(2026, 12, 4))
    return [
        family_invitation_blocks(card, social_worker="Priya", help=help),
        family_invitation_blocks(core_group, social_worker=None, help=help, pre_birth=True),
        family_prompt("oak-family", meeting, deadline, 1),
        family_reminder_blocks("oak-family", meeting, deadline, 1, with_family=None),
        [section(separated_notice("oak-family"))],
        [section(rejoined_notice("oak-family"))],
        [section(released_notice("oak-family"))],
    ]


def _english_fragments() -> list[str]:
    """Runs of three or more English words from the catalog's ids, whose Welsh differs."""
    fragments = []
    for message in welsh_catalog():
        if not message.id or message.id == message.string:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        for piece in PLACEHOLDER.split(english):
            words = re.findall(r"[A-Za-z']+", piece)
            if len(words) >= 3:
                fragments.append(" ".join(words))
    return fragments


def english_leaks(texts: Iterable[str]) -> list[str]:
    """The catalog's English sentences (runs of three or more words) found in what was said."""
    said = " ".join(" ".join(re.findall(r"[A-Za-z']+", text)) for text in texts)
    return [fragment for fragment in _english_fragments() if fragment in said]


def test_nothing_in_welsh_leaks_an_english_sentence_of_the_catalog() -> None:
    with speaking(WELSH):
        said = " ".join(" ".join(re.findall(r"[A-Za-z']+", text)) for text in _everything_said())
    leaks = [fragment for fragment in _english_fragments() if fragment in said]
    assert not leaks, leaks[:5]
    # The same check finds the English where English is meant: it can see a leak.
    english = " ".join(" ".join(re.findall(r"[A-Za-z']+", text)) for text in _everything_said())
    assert len([f for f in _english_fragments() if f in english]) > 40
    assert "grŵp craidd" in " ".join(_everything_said_in(WELSH))


def _everything_said_in(locale: str) -> list[str]:
    with speaking(locale):
        return _everything_said()


def test_english_is_what_it_always_was() -> None:
    assert welcome_text("oak-family") == "Welcome to the core group for oak-family"
    assert AGENCY_NAMES[Agency.SCHOOL] == "School"
    assert _("Core group") == "Core group"
    with speaking(WELSH):
        assert AGENCY_NAMES[Agency.SCHOOL] == "Ysgol"
        assert isinstance(AGENCY_NAMES, Translated)


def test_bilingual_is_welsh_first_then_english_in_one_message() -> None:
    case, _members, _meetings = _case()
    message = rendered(
        Language.BILINGUAL,
        lambda: (welcome_text(case.reference), welcome_blocks(case.reference, case.nation)),
    )
    headers = [b["text"]["text"] for b in message["blocks"] if b["type"] == "header"]
    assert headers == [
        "Croeso i'r grŵp craidd ar gyfer oak-family",
        "Welcome to the core group for oak-family",
    ]
    assert message["text"].index("Croeso") < message["text"].index("Welcome")
    assert len(message["blocks"]) <= MAX_BLOCKS


def test_bilingual_keeps_one_set_of_buttons_and_condenses_english_rather_than_cut_it() -> None:
    def long(words: str, buttons: bool) -> dict[str, object]:
        blocks: list[dict[str, object]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{words} {n}"}}
            for n in range(40)
        ]
        if buttons:
            blocks.append({"type": "actions", "block_id": "b", "elements": [{"type": "button"}]})
        return {"text": words, "blocks": blocks}

    welsh = long("Diweddariad " * 30, buttons=True)
    english = long("Update " * 30, buttons=True)
    message = bilingual(welsh, english)
    blocks = message["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    assert [b["type"] for b in blocks].count("actions") == 1
    said = " ".join(str(b.get("text", {}).get("text", "")) for b in blocks)  # type: ignore[union-attr]
    for n in range(40):  # every English line is there, in full
        assert f"{'Update ' * 30} {n}" in said
    assert all(len(b["text"]["text"]) <= MAX_SECTION_TEXT for b in blocks if "text" in b)


@pytest.mark.parametrize("language", [Language.WELSH, Language.BILINGUAL])
def test_welsh_and_bilingual_messages_hold_slacks_limits(language: Language) -> None:
    case, members, meetings = _case()
    for render in (
        lambda: (welcome_text(case.reference), welcome_blocks(case.reference, case.nation)),
        lambda: (case_card_text(case.reference), case_card(case, members, meetings)),
    ):
        message = rendered(language, render)
        assert len(message["blocks"]) <= MAX_BLOCKS
        for block in message["blocks"]:
            text = block.get("text", {})
            if block["type"] == "header":
                assert len(text["text"]) <= 150
            elif isinstance(text, dict) and "text" in text:
                assert len(text["text"]) <= MAX_SECTION_TEXT


def test_welsh_form_titles_fit_slacks_24_characters() -> None:
    with speaking(WELSH):
        for title in (
            "Open a case",
            "Set a meeting",
            "Conference decision",
            "Case opened",
            "Case not opened",
            "Meeting set",
            "Update received",
            "Your update",
            "The update",
            "Not held",
            "Edit outcome",
            "Add an outcome",
            "Change an action",
            "Add an action",
            "Opening the case",
            "Bringing someone",
            "Sending someone",
            "Attendance",
            "Ask",
            "Send invitation",
            "Record decision",
            "Conference agenda",
            # Buttons of a form: the same limit.
            "Send update",
            "Save",
            "Cancel",
            "Close",
            "Not now",
            "Open case",
        ):
            message_modal(_(title), "…")  # slack_sdk refuses a title over 24 characters
            assert len(_(title)) <= 24, _(title)


# Cymraeg Clir (Canolfan Bedwyr, Bangor University), the plain-Welsh guidance: short sentences,
# about 15 to 20 words on average. What a parent reads in Welsh is held to 20.
WELSH_MAX_WORDS_PER_SENTENCE = 20


def test_what_a_parent_reads_in_welsh_is_plain_by_the_welsh_measure() -> None:
    """The family texts' Flesch-Kincaid grade (tests/readability.py, textstat) is not applied
    to Welsh: its syllable and word-length weights were fitted to English readers, and textstat
    has no Welsh model, so a Welsh score would measure nothing. The Welsh equivalent is the
    plain-Welsh guidance's sentence length."""
    case, _members, _meetings = _case()
    card = MeetingCard(7, case.reference, MeetingKind.RCPC, datetime(2027, 2, 9, 10), None)
    with speaking(WELSH):
        texts = [block_texts([b.to_dict() for b in blocks]) for blocks in _family_texts(card)]
    sentences = [
        sentence
        for sentence in re.split(r"[.?!:\n]+", plain(text for found in texts for text in found))
        if len(sentence.split()) > 1
    ]
    words = sum(len(sentence.split()) for sentence in sentences)
    assert words / len(sentences) <= WELSH_MAX_WORDS_PER_SENTENCE, words / len(sentences)
    longest = max(sentences, key=lambda sentence: len(sentence.split()))
    assert len(longest.split()) <= 2 * WELSH_MAX_WORDS_PER_SENTENCE, longest


def test_a_welsh_page_says_it_is_welsh() -> None:
    notice = DecisionNotice("oak", Decision.END, None, None, None, None, None, FamilyHelp())
    assert '<html lang="en-GB">' in notice_html(notice)
    with speaking(WELSH):
        assert '<html lang="cy">' in notice_html(notice)


def test_the_default_urgent_contact_is_said_in_the_readers_language() -> None:
    assert DEFAULT_URGENT_CONTACT == URGENT_CONTACT  # the stored default is the catalog's
    with speaking(WELSH):
        said = not_a_referral(URGENT_CONTACT)
        own = not_a_referral("Tîm Drws Ffrynt Sir Gâr, 01267 234567")
    assert not english_leaks([said]), said
    assert "999" in said
    assert "Tîm Drws Ffrynt Sir Gâr, 01267 234567" in own  # an area's own words, as written
