"""Work after the answer survives a SIGKILL (issue #19).

A real `coregroup serve` process is killed at seeded random moments 0 to 300 ms after it has
answered Slack (the HTTP response to a new-case form, an RSVP click or a summary release), and
started again. Once it is quiet, every request ended as it should: each new case is complete
(its one channel, everyone invited, the welcome and the case card posted once) or cleanly
refused with the social worker told; each RSVP shows in the channel's invitation; each
released summary was posted once, with its documents, in the channel and to each professional.
Nothing was done twice: no message metadata key twice in Slack, no second channel.

The work after the answer is a durable job, written with the change that caused it, so the
restarted process (its own worker, once the dead one's claims lapse) finishes it.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.rules.ids import ActionId, NewCaseField, ViewId
from bot.rules.messages import MessageKind
from bot.rules.vocabulary import OutboxState, Role
from bot.summary.render import summary_notification_text
from bot.ui.texts import case_card_text, welcome_text
from storage.models import Case, Invitation, Member, OutboxMessage
from tests.replicas.conftest import SIGNING_SECRET, Replica, World, WorldFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]

START = datetime(2027, 3, 15, 6, 0, tzinfo=UTC)
LEASE = timedelta(minutes=6)  # real minutes pass before a restart: claims by the dead process lapse
QUIET_SECONDS = 1.5  # no Slack call for this long (real time): the replica has finished
KINDS = ("new", "rsvp", "release")


@dataclass(frozen=True)
class Kills:
    """How much one run does: `kills` requests, each followed by a kill, in a seeded order."""

    kills: int
    seed: int

    @property
    def releases(self) -> int:
        return -(-self.kills // len(KINDS))  # at most this many of each kind


@dataclass
class Asked:
    """What was asked of the bot before each kill, to check against what Slack shows."""

    new_cases: dict[str, dict[str, str]] = field(default_factory=dict)  # reference -> people
    # (channel, invitation ts) -> {user: "attending" | "apologies"}
    rsvps: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    releases: list[str] = field(default_factory=list)  # case references
    kills: list[str] = field(default_factory=list)  # what each kill came after, and when


class LostOrRepeatedError(AssertionError):
    """Work after an answer lost or done twice (told apart from a harness that cannot start)."""


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(Kills(kills=3, seed=19), id="short"),
        pytest.param(Kills(kills=21, seed=1919), id="full", marks=pytest.mark.full_length),
    ],
)
def test_work_after_the_answer_is_done_once_however_the_process_is_killed(
    world_factory: WorldFactory, run: Kills
) -> None:
    world = world_factory(run.releases, START, icpc_spread=4)
    replica = world.add_replica()
    world.emulator.connect_app(f"{replica.url}/slack/events", SIGNING_SECRET)
    # A few days into the update cycle: the first core groups' invitations are in the channels.
    for moment in world.days(START.date(), 3):
        world.clock.set(moment)
        world.wait_until_quiet()
    drafts = draft_summaries(world)  # one summary waiting for its chair's release per case
    invitations = channel_invitations(world)
    assert drafts and invitations
    lobby = world.emulator.create_channel_as_user(world.emulator.bot_user_id, "team-lobby")

    chance = random.Random(run.seed)
    kinds = [KINDS[n % len(KINDS)] for n in range(run.kills)]
    chance.shuffle(kinds)
    asked = Asked()
    for number, kind in enumerate(kinds, start=1):
        if kind == "new":
            open_new_case(world, lobby, f"kill-{number:02d}", asked)
        elif kind == "rsvp":
            reply_to_an_invitation(world, invitations, chance, asked)
        else:
            reference, (chair, channel, ts) = drafts.pop(0)
            answer = world.emulator.click(chair, channel, ts, ActionId.RELEASE_SUMMARY)
            assert answer.status == 200, answer
            asked.releases.append(reference)
        delay = chance.uniform(0.0, 0.3)  # into the work that follows the answer
        time.sleep(delay)
        kill_and_restart(world, replica)
        asked.kills.append(f"{number}: {kind}, killed {delay * 1000:.0f} ms after the answer")

    assert replica.starts == 1 + run.kills
    failures = (
        check_new_cases(world, asked) + check_rsvps(world, asked) + check_releases(world, asked)
    )
    failures += check_nothing_twice(world)
    if failures:
        raise LostOrRepeatedError("\n".join([*failures, "after:", *asked.kills]))


# --- the requests ---------------------------------------------------------------------------


def open_new_case(world: World, lobby: str, reference: str, asked: Asked) -> None:
    """A social worker fills in the new-case form for a core group of five, all on Slack."""
    emulator = world.emulator
    people = {
        role: emulator.add_user(f"{role} of {reference}")
        for role in ("social_worker", "chair", "school", "health", "parent")
    }
    for user in people.values():
        emulator.join_channel(user, lobby)
    social_worker = people["social_worker"]
    answer = emulator.slash_command(social_worker, lobby, "/coregroup", "new")
    assert answer.status == 200, answer
    stack = emulator.inspector.modal_stack(social_worker)
    assert stack and stack[-1]["callback_id"] == ViewId.NEW_CASE, stack
    f = NewCaseField
    values: dict[tuple[str, str], Any] = {
        (f.REFERENCE, f.REFERENCE): reference,
        (f.NATION, f.NATION): "ENG",
        (f.ICPC, f.ICPC): last_working_day(world.clock.now().date()).isoformat(),
        (f.CHAIR, f.CHAIR): people["chair"],
        (f.SOCIAL_WORKER, f.SOCIAL_WORKER): social_worker,
        (f.PROFESSIONAL.numbered(1), f.PROFESSIONAL.numbered(1)): people["school"],
        (f.AGENCY.numbered(1), f.AGENCY.numbered(1)): "school",
        (f.PROFESSIONAL.numbered(2), f.PROFESSIONAL.numbered(2)): people["health"],
        (f.AGENCY.numbered(2), f.AGENCY.numbered(2)): "health_visitor",
        (f.FAMILY_ON_SLACK, f.FAMILY_ON_SLACK): [people["parent"]],
    }
    answer = emulator.submit_view(social_worker, str(stack[-1]["id"]), values)
    assert answer.status == 200, answer
    assert answer.json().get("response_action") == "update", answer.body
    asked.new_cases[reference] = people


def reply_to_an_invitation(
    world: World,
    invitations: dict[tuple[str, str], list[str]],
    chance: random.Random,
    asked: Asked,
) -> None:
    """Someone invited who has not replied yet clicks coming or apologies in the channel."""
    open_to_reply = [
        (where, user)
        for where, invited in sorted(invitations.items())
        for user in invited
        if user not in asked.rsvps.get(where, {})
    ]
    (channel, ts), user = chance.choice(open_to_reply)
    action = chance.choice([ActionId.RSVP_ATTENDING, ActionId.RSVP_APOLOGIES])
    answer = world.emulator.click(user, channel, ts, action)
    assert answer.status == 200, answer
    rsvp = "attending" if action == ActionId.RSVP_ATTENDING else "apologies"
    asked.rsvps.setdefault((channel, ts), {})[user] = rsvp


def kill_and_restart(world: World, replica: Replica) -> None:
    world.kill(replica)
    # Real minutes pass before anyone notices and starts it again: claims the dead process held
    # have lapsed by then (and none of the new process's lapses under it while it works).
    world.clock.set(world.clock.now() + LEASE)
    world.start(replica)
    world.wait_until_quiet()
    world.wait_for_slack_quiet(QUIET_SECONDS)


def last_working_day(today: date) -> date:
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


# --- the world before the kills -------------------------------------------------------------


def draft_summaries(world: World) -> list[tuple[str, tuple[str, str, str]]]:
    """Each case's social worker drafts the review summary; each chair then holds a draft with
    its release button: (reference, (chair, DM, ts)), in reference order."""
    emulator = world.emulator
    with Session(world.engine) as session:
        cases = session.exec(select(Case).order_by(col(Case.reference))).all()
        holders = {
            (m.case_id, m.role): m.slack_user_id or ""
            for m in session.exec(select(Member))
            if m.role in (Role.SOCIAL_WORKER, Role.CHAIR)
        }
    drafts = []
    for case in cases:
        chair = holders[(case.id, Role.CHAIR)]
        social_worker = holders[(case.id, Role.SOCIAL_WORKER)]
        channel = case.slack_channel_id or ""
        answer = emulator.slash_command(social_worker, channel, "/coregroup", "summary")
        assert answer.status == 200, answer
        text = summary_notification_text(case.reference)

        def draft(chair: str = chair, text: str = text) -> Any:
            return next(
                (
                    s
                    for s in emulator.inspector.seen_by(chair)
                    if s.text == text and ActionId.RELEASE_SUMMARY in str(s.blocks)
                ),
                None,
            )

        found = wait_until(draft, f"the draft summary of {case.reference}")
        drafts.append((case.reference, (chair, found.channel, found.ts)))
    world.wait_for_slack_quiet(QUIET_SECONDS)
    return drafts


def channel_invitations(world: World) -> dict[tuple[str, str], list[str]]:
    """The invitations posted in case channels, each with the professionals it invites."""
    with Session(world.engine) as session:
        channels = {c.id: c.slack_channel_id for c in session.exec(select(Case))}
        professionals: dict[int, list[str]] = {}
        for member in session.exec(select(Member).order_by(col(Member.id))):
            # The core group's professionals: a conference chair is not listed at core groups.
            if member.role in (Role.SOCIAL_WORKER, Role.PROFESSIONAL) and member.slack_user_id:
                professionals.setdefault(member.case_id, []).append(member.slack_user_id)
        rows = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == MessageKind.INVITATION,
                OutboxMessage.state == OutboxState.SENT,
            )
        ).all()
    return {
        (row.slack_channel or "", row.slack_ts or ""): professionals[row.case_id]
        for row in rows
        if row.case_id is not None and row.recipient == channels[row.case_id] and row.slack_ts
    }


# --- waiting --------------------------------------------------------------------------------


def wait_until(condition: Any, what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.02)


# --- the checks: each returns what went wrong, so one run reports every loss ---------------


def bot_messages(world: World, channel: str) -> list[Any]:
    ws = world.emulator.workspace
    with ws.lock:
        return [
            m
            for m in ws.conversations[channel].messages
            if m.user == ws.bot_user_id and m.subtype is None
        ]


def told(world: World, user: str, reference: str) -> bool:
    """Whether the person was told, in their modal or by the bot in writing, that the case was
    not opened."""
    stack = world.emulator.inspector.modal_stack(user)
    if stack and str(stack[-1]["title"]["text"]) == "Case not opened":
        return True
    if stack and "already exists" in json.dumps(stack[-1]["blocks"]):
        return True
    return any(
        reference in s.text or reference in json.dumps(s.blocks or [])
        for s in world.emulator.inspector.seen_by(user)
        if s.author == world.emulator.bot_user_id and (s.kind == "ephemeral" or s.channel[0] == "D")
    )


def check_new_cases(world: World, asked: Asked) -> list[str]:
    failures = []
    ws = world.emulator.workspace
    for reference, people in asked.new_cases.items():
        with ws.lock:
            channels = [c for c in ws.conversations.values() if c.name == reference and not c.is_im]
        with Session(world.engine) as session:
            case = session.exec(select(Case).where(Case.reference == reference)).first()
        live = [c for c in channels if not c.is_archived]
        if case is None:
            # Cleanly refused: no case, no channel left open, and the social worker told.
            if live:
                failures.append(f"{reference}: no case, but its channel {live[0].id} is open")
            if not told(world, people["social_worker"], reference):
                failures.append(f"{reference}: no case, and the social worker was never told")
            continue
        if [c.id for c in live] != [case.slack_channel_id]:
            failures.append(f"{reference}: channels {[c.id for c in channels]} for one case")
            continue
        channel = live[0]
        missing = set(people.values()) - set(channel.members)
        if missing:
            failures.append(f"{reference}: {len(missing)} of the core group never invited")
        texts = Counter(m.text for m in bot_messages(world, channel.id))
        for wanted in (welcome_text(reference), case_card_text(reference)):
            if texts[wanted] != 1:
                failures.append(f"{reference}: {wanted!r} posted {texts[wanted]} times")
        if len(channel.pins) != 1:
            failures.append(f"{reference}: {len(channel.pins)} pinned case cards")
    return failures


def check_rsvps(world: World, asked: Asked) -> list[str]:
    """The channel's invitation lists each reply under what the person chose."""
    failures = []
    with Session(world.engine) as session:
        names = {m.slack_user_id: m.display_name for m in session.exec(select(Member))}
        stored = {
            (meeting, user): rsvp.value
            for meeting, user, rsvp in session.exec(
                select(Invitation.meeting_id, Member.slack_user_id, Invitation.rsvp).where(
                    Invitation.member_id == Member.id
                )
            )
        }
    ws = world.emulator.workspace
    for (channel, ts), replies in asked.rsvps.items():
        with ws.lock:
            message = ws.conversations[channel].find(ts)
            shown = json.dumps(message.blocks if message else [])
        meeting = int(re.findall(r'"block_id": "rsvp_(\d+)"', shown)[0])
        for user, rsvp in replies.items():
            if stored.get((meeting, user)) != rsvp:
                failures.append(f"meeting {meeting}: {names[user]}'s reply {rsvp} is not stored")
        for rsvp, label in (("attending", "Coming"), ("apologies", "Apologies")):
            wanted = Counter(names[user] for user, chose in replies.items() if chose == rsvp)
            line = re.search(rf"\*{label}:\* ([^\\]*)", shown)
            listed = line.group(1) if line else ""
            got = Counter() if listed == "nobody yet" else Counter(listed.split(", "))
            if got != wanted:
                failures.append(
                    f"invitation {channel}/{ts}: {label} shows {dict(got)}, "
                    f"replies were {dict(wanted)} (told {answers(world, replies)})"
                )
    return failures


def answers(world: World, replies: dict[str, str]) -> list[str]:
    """What the bot told the people who replied, privately."""
    return [
        s.text
        for user in replies
        for s in world.emulator.inspector.seen_by(user)
        if s.kind == "ephemeral"
    ]


def check_releases(world: World, asked: Asked) -> list[str]:
    """Each released summary: its headline once in the channel with the family's documents in
    its thread, and each professional's copy once in their direct messages."""
    failures = []
    ws = world.emulator.workspace
    with Session(world.engine) as session:
        cases = {c.reference: c for c in session.exec(select(Case))}
        professionals = {
            (m.case_id, m.slack_user_id)
            for m in session.exec(select(Member))
            if m.role != Role.FAMILY and m.slack_user_id
        }
    for reference in asked.releases:
        case = cases[reference]
        channel = case.slack_channel_id or ""
        headline = summary_notification_text(reference)
        posted = [m for m in bot_messages(world, channel) if m.text == headline and not m.thread_ts]
        if len(posted) != 1:
            failures.append(f"{reference}: the summary posted {len(posted)} times in the channel")
        with ws.lock:
            shared = Counter(
                (where, f.name)
                for f in ws.files.values()
                if f.name.startswith(f"{reference}-review-")
                for where, _ in f.shares
            )
            dms = {c.im_user: c.id for c in ws.conversations.values() if c.is_im and c.im_user}
        twice = sorted(where_name for where_name, n in shared.items() if n > 1)
        if twice:
            failures.append(f"{reference}: documents shared twice: {twice}")
        family = sorted(name for where, name in shared if where == channel)
        if len(family) != 3:  # the page, the text, and the copy to print
            failures.append(f"{reference}: the family's documents in the channel: {family}")
        for case_id, user in sorted(professionals):
            if case_id != case.id:
                continue
            dm = dms.get(user, "")
            theirs = [n for where, n in shared if where == dm and "-professional." in n]
            if len(theirs) != 2:  # their page and their text
                failures.append(f"{reference}: {user} has the professional copy {theirs}")
    return failures


def check_nothing_twice(world: World) -> list[str]:
    """No metadata key on two messages, and no channel created twice for one name."""
    keys: Counter[str] = Counter()
    for message in world.emulator.inspector.all_messages():
        metadata = message.metadata or {}
        payload = metadata.get("event_payload") or {}
        if payload:
            keys[f"{metadata.get('event_type')}:{payload.get('key', json.dumps(payload))}"] += 1
    failures = [f"message {key} in Slack {n} times" for key, n in keys.items() if n > 1]
    made = Counter(
        str(call.args.get("name"))
        for call in world.emulator.calls_to("conversations.create")
        if call.ok
    )
    failures += [f"channel {name} created {n} times" for name, n in made.items() if n > 1]
    return failures
