"""Who sees what: everything each person could see in Slack, checked for professional content.

A partial matrix (issue 13, Build 7): the social worker, the chair, a professional, a cover, a
representative, a family member, the family's supporter and an outsider, against professional-only
text, kept sections, the child's words when kept, and harm detail. What each could see is
gathered from the emulator: every message and every version of it, direct messages, ephemerals,
every modal opened for them (with its pre-filled values), the Home tab and file contents.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import ActionId, MeetingField, UpdateField
from bot.rules.vocabulary import Role
from storage.models import Member

from .conftest import People, open_case
from .test_conference import conference_case, give
from .test_core_group import say
from .test_meetings import dm_invitation
from .test_plan import top_view
from .test_representatives import family_asks_to_bring
from .test_stand_ins import APPROVAL, audit_actions, click_latest
from .test_update_cycle import at, received

PROFESSIONAL_ONLY = "Intelligence-7c1 about the lodger"
KEPT_WORRY = "Worry-5d2 kept from the family"
KEPT_CHILD = "Child-9e4 said he hit her"
HARM_DETAIL = "Harm-3b8 bruise on Monday"
SECRETS = (PROFESSIONAL_ONLY, KEPT_WORRY, KEPT_CHILD, HARM_DETAIL)


def everything_seen(sandbox: Sandbox, user: str) -> str:
    """All a person could see: messages (every version), DMs, ephemerals, modals, Home, files."""
    emu = sandbox.emulator
    inspector = emu.inspector
    parts: list[Any] = [(s.text, s.blocks) for s in inspector.seen_by(user)]
    visible = {c for c, conv in emu.workspace.conversations.items() if user in conv.members}
    for method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        for call in emu.calls_to(method):
            channel = call.args.get("channel")
            user_arg = call.args.get("user")
            if (
                channel in visible
                or channel == user
                or (method.endswith("Ephemeral") and user_arg == user)
            ):
                parts.append(call.args)
    with emu.workspace.lock:
        parts += [v.payload for v in emu.workspace.views.values() if v.user == user]
        parts += [v.state_values for v in emu.workspace.views.values() if v.user == user]
    parts += [f.data.decode("utf-8", "replace") for f in inspector.files_seen_by(user)]
    parts.append(inspector.home(user))
    return str(parts)


def test_no_path_takes_professional_only_content_to_a_family_side_person_or_an_outsider(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = conference_case(sandbox, people)
    sandbox.clock.set(at("2027-02-02"))
    sandbox.sweep()  # invitations to the review conference
    # The family brings a supporter; the social worker agrees.
    aunt = emu.add_user("Auntie Jo")
    family_asks_to_bring(sandbox, people.mum, aunt, "relative")
    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.APPROVE_REQUEST)
    sandbox.wait_for(lambda: aunt in emu.inspector.channel(channel).members)
    # A representative of the health visitor's agency, and a cover for the school from it.
    deputy = emu.add_user("Kim Deputy HV")
    dm = dm_invitation(sandbox, people.health_visitor)
    f = MeetingField
    emu.click(people.health_visitor, dm.channel, dm.ts, ActionId.RSVP_REPRESENTATIVE)
    emu.submit_view(
        people.health_visitor,
        top_view(sandbox, people.health_visitor)["id"],
        {(f.REPRESENTATIVE, f.REPRESENTATIVE): deputy, (f.SAME_AGENCY, f.SAME_AGENCY): "yes"},
    )
    sandbox.wait_for(lambda: deputy in emu.inspector.channel(channel).members)
    say(sandbox, people.school, channel, f"away until 2027-02-20 <@{people.health_visitor}>")
    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.APPROVE_REQUEST)
    sandbox.wait_for(
        lambda: received(sandbox, people.school, "An answer about your request in oak-family")
    )

    # The school's update: everything that can be kept from the family is kept.
    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    u = UpdateField
    give(
        sandbox,
        people.school,
        {
            (u.PROFESSIONAL_ONLY, u.PROFESSIONAL_ONLY): PROFESSIONAL_ONLY,
            (u.WORRIES, u.WORRIES): KEPT_WORRY,
            (u.CHILD_VIEWS, u.CHILD_VIEWS): KEPT_CHILD,
            (u.NEW_HARM, u.NEW_HARM): "yes",
            (u.NEW_HARM_DETAIL, u.NEW_HARM_DETAIL): HARM_DETAIL,
            (u.PROFESSIONAL_ONLY_SECTIONS, u.PROFESSIONAL_ONLY_SECTIONS): [
                "worries",
                "child_views",
                "new_harm",
            ],
        },
    )
    give(sandbox, people.mum, {(u.GOING_WELL, u.GOING_WELL): "Calmer home"})
    alert = sandbox.wait_for(
        lambda: received(sandbox, people.social_worker, "New harm reported in oak-family")
    )
    emu.click(people.social_worker, alert[-1].channel, alert[-1].ts, ActionId.OPEN_UPDATE)
    # The chair's digest, and everyone's Home tab.
    sandbox.clock.set(at("2027-02-11"))
    sandbox.sweep()
    for person in (people.social_worker, people.chair, aunt, people.mum, people.outsider, deputy):
        emu.open_home(person)
    emu.deliver_pending_events()

    # The summary, drafted and released: the family's copy in the channel, professionals theirs.
    sandbox.clock.set(at("2027-02-15"))
    say(sandbox, people.social_worker, channel, "summary")
    drafts = [s for s in emu.inspector.seen_by(people.chair) if ActionId.RELEASE_SUMMARY in str(s)]
    emu.click(people.chair, drafts[-1].channel, drafts[-1].ts, ActionId.RELEASE_SUMMARY)
    sandbox.wait_for(
        lambda: any(
            f.name.endswith("-professional.html")
            for f in emu.inspector.files_seen_by(people.school)
        )
    )
    sandbox.wait_for(lambda: "Released" in str(emu.inspector.seen_by(people.chair)))

    with Session(sandbox.engine) as session:
        roles = {m.slack_user_id: m.role for m in session.exec(select(Member))}
    assert roles[aunt] is Role.FAMILY_SUPPORTER and roles[deputy] is Role.PROFESSIONAL

    # Family-side people and outsiders: none of it, by any path.
    for person in (people.mum, aunt, people.outsider):
        seen = everything_seen(sandbox, person)
        for secret in SECRETS:
            assert secret not in seen, (person, secret)
        assert "Calmer home" in seen or person == people.outsider
    # The social worker and chair: all of it (the alert's update, the professional copy).
    for person in (people.social_worker, people.chair):
        seen = everything_seen(sandbox, person)
        for secret in SECRETS:
            assert secret in seen, (person, secret)
    # Professionals, the cover and the representative: the professional copy.
    for person in (people.school, people.health_visitor, deputy):
        seen = everything_seen(sandbox, person)
        assert PROFESSIONAL_ONLY in seen and KEPT_CHILD in seen, person
    # The harm alert's notification names only the case reference.
    assert {s.text for s in alert} == {"New harm reported in oak-family"}


# Issue 13, Build 7: the whole matrix, with the family served separately.
MUM_WORDS = "Mum-6f1 words for the conference"
DAD_WORDS = "Dad-2a7 words for the conference"
CONTENT = {
    "professional-only text": PROFESSIONAL_ONLY,
    "a kept section": KEPT_WORRY,
    "the child's words, kept": KEPT_CHILD,
    "harm detail": HARM_DETAIL,
    "mum's words, served separately": MUM_WORDS,
    "dad's words, served separately": DAD_WORDS,
}
EVERYTHING = frozenset(CONTENT)
NOTHING: frozenset[str] = frozenset()
# What each role sees. Professional-only content is for every professional of the case (the
# cover and the representative are professionals: they read the professional copy); a family
# member reads their own words, and another's only once the social worker shares them.
MATRIX: dict[str, frozenset[str]] = {
    "social worker": EVERYTHING,
    "chair": EVERYTHING,
    "professional (the author)": EVERYTHING,
    "cover": EVERYTHING,
    "representative": EVERYTHING,
    "family member (mum)": frozenset({"mum's words, served separately"}),
    "family member (dad)": frozenset({"dad's words, served separately"}),
    # Mum's supporter, to whom the social worker released mum's words.
    "family supporter": frozenset({"mum's words, served separately"}),
    "outsider": NOTHING,
    "member of another case": NOTHING,
}


def test_the_matrix_of_who_sees_what_with_the_family_served_separately(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = conference_case(sandbox, people)
    # Another case in the same workspace, with its own people.
    elsewhere = People(
        social_worker=emu.add_user("Ola Other SW"),
        chair=emu.add_user("Chair Elsewhere"),
        school=emu.add_user("Teacher Elsewhere"),
        health_visitor=emu.add_user("Nurse Elsewhere"),
        mum=emu.add_user("Mum Elsewhere", is_ultra_restricted=True),
        outsider=people.outsider,
        lobby=people.lobby,
    )
    emu.join_channel(elsewhere.social_worker, people.lobby)
    open_case(sandbox, elsewhere, "elm-family")
    dad = emu.add_user("Dan")
    assert "Added" in say(sandbox, people.social_worker, channel, f"add <@{dad}> family")
    assert dad in emu.inspector.channel(channel).members

    # The social worker turns the safety setting on: the family leave the channel, told why.
    answer = say(sandbox, people.social_worker, channel, "separate on")
    assert "served separately" in answer
    members = emu.inspector.channel(channel).members
    assert people.mum not in members and dad not in members
    for person in (people.mum, dad):
        [note] = received(sandbox, person, "About the core group for oak-family")
        assert "Nothing is wrong" in str(note.blocks)
    assert AuditAction.FAMILY_SEPARATE in audit_actions(sandbox)
    # Each has the plan in a direct message of their own.
    for person in (people.mum, dad):
        assert received(sandbox, person, "The plan for oak-family") or any(
            "Jo goes to school every day" in str(s.blocks) and s.channel.startswith("D")
            for s in emu.inspector.seen_by(person)
        )

    sandbox.clock.set(at("2027-02-02"))
    sandbox.sweep()  # invitations to the review conference, by direct message to the family
    aunt = emu.add_user("Auntie Jo")
    family_asks_to_bring(sandbox, people.mum, aunt, "relative")
    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.APPROVE_REQUEST)
    sandbox.wait_for(lambda: received(sandbox, aunt, "About the core group for oak-family"))
    assert aunt not in emu.inspector.channel(channel).members
    deputy = emu.add_user("Kim Deputy HV")
    dm = dm_invitation(sandbox, people.health_visitor)
    f = MeetingField
    emu.click(people.health_visitor, dm.channel, dm.ts, ActionId.RSVP_REPRESENTATIVE)
    emu.submit_view(
        people.health_visitor,
        top_view(sandbox, people.health_visitor)["id"],
        {(f.REPRESENTATIVE, f.REPRESENTATIVE): deputy, (f.SAME_AGENCY, f.SAME_AGENCY): "yes"},
    )
    sandbox.wait_for(lambda: deputy in emu.inspector.channel(channel).members)
    say(sandbox, people.school, channel, f"away until 2027-02-20 <@{people.health_visitor}>")
    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.APPROVE_REQUEST)
    sandbox.wait_for(
        lambda: received(sandbox, people.school, "An answer about your request in oak-family")
    )
    # Mum's words may reach her supporter; nobody else on the family's side.
    shared = say(sandbox, people.social_worker, channel, f"share <@{people.mum}> <@{aunt}>")
    assert "may now read" in shared, shared

    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    u = UpdateField
    give(
        sandbox,
        people.school,
        {
            (u.PROFESSIONAL_ONLY, u.PROFESSIONAL_ONLY): PROFESSIONAL_ONLY,
            (u.WORRIES, u.WORRIES): KEPT_WORRY,
            (u.CHILD_VIEWS, u.CHILD_VIEWS): KEPT_CHILD,
            (u.NEW_HARM, u.NEW_HARM): "yes",
            (u.NEW_HARM_DETAIL, u.NEW_HARM_DETAIL): HARM_DETAIL,
            (u.PROFESSIONAL_ONLY_SECTIONS, u.PROFESSIONAL_ONLY_SECTIONS): [
                "worries",
                "child_views",
                "new_harm",
            ],
        },
    )
    give(sandbox, people.mum, {(u.GOING_WELL, u.GOING_WELL): MUM_WORDS})
    give(sandbox, dad, {(u.GOING_WELL, u.GOING_WELL): DAD_WORDS})
    alert = sandbox.wait_for(
        lambda: received(sandbox, people.social_worker, "New harm reported in oak-family")
    )
    emu.click(people.social_worker, alert[-1].channel, alert[-1].ts, ActionId.OPEN_UPDATE)
    sandbox.clock.set(at("2027-02-11"))
    sandbox.sweep()  # the chair's digest
    viewers = {
        "social worker": people.social_worker,
        "chair": people.chair,
        "professional (the author)": people.school,
        "cover": people.health_visitor,
        "representative": deputy,
        "family member (mum)": people.mum,
        "family member (dad)": dad,
        "family supporter": aunt,
        "outsider": people.outsider,
        "member of another case": elsewhere.school,
    }
    for person in viewers.values():
        emu.open_home(person)
    emu.deliver_pending_events()

    # The summary: the professionals' copies, the channel's family copy, and each family-side
    # member's own copy by direct message.
    sandbox.clock.set(at("2027-02-15"))
    say(sandbox, people.social_worker, channel, "summary")
    drafts = [s for s in emu.inspector.seen_by(people.chair) if ActionId.RELEASE_SUMMARY in str(s)]
    emu.click(people.chair, drafts[-1].channel, drafts[-1].ts, ActionId.RELEASE_SUMMARY)
    sandbox.wait_for(
        lambda: (
            any(f.name.endswith(".md") for f in emu.inspector.files_seen_by(dad))
            and any(
                f.name.endswith("-professional.html")
                for f in emu.inspector.files_seen_by(people.school)
            )
        )
    )
    sandbox.wait_for(lambda: "Released" in str(emu.inspector.seen_by(people.chair)))

    with Session(sandbox.engine) as session:
        roles = {m.slack_user_id: m.role for m in session.exec(select(Member))}
    assert roles[aunt] is Role.FAMILY_SUPPORTER and roles[deputy] is Role.PROFESSIONAL
    assert roles[dad] is Role.FAMILY

    seen_matrix = {
        role: frozenset(
            kind for kind, secret in CONTENT.items() if secret in everything_seen(sandbox, user)
        )
        for role, user in viewers.items()
    }
    assert seen_matrix == MATRIX
    # The family's own copies reached them (each with their own words, and the documents).
    for person in (people.mum, dad):
        names = {f.name for f in emu.inspector.files_seen_by(person)}
        assert any(n.endswith(".html") and "professional" not in n for n in names), names
