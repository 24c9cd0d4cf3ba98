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
from bot.rules.ids import ActionId, MeetingField, UpdateField
from bot.rules.vocabulary import Role
from storage.models import Member

from .conftest import People
from .test_conference import conference_case, give
from .test_core_group import say
from .test_meetings import dm_invitation
from .test_plan import top_view
from .test_stand_ins import APPROVAL, click_latest
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
    dm = dm_invitation(sandbox, people.mum)
    emu.click(people.mum, dm.channel, dm.ts, ActionId.BRING_SOMEONE)
    f = MeetingField
    emu.submit_view(
        people.mum,
        top_view(sandbox, people.mum)["id"],
        {(f.SUPPORTER, f.SUPPORTER): aunt, (f.SUPPORTER_KIND, f.SUPPORTER_KIND): "relative"},
    )
    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.APPROVE_REQUEST)
    sandbox.wait_for(lambda: aunt in emu.inspector.channel(channel).members)
    # A representative of the health visitor's agency, and a cover for the school from it.
    deputy = emu.add_user("Kim Deputy HV")
    dm = dm_invitation(sandbox, people.health_visitor)
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
