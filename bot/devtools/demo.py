"""`coregroup demo`: a scripted case run end to end against the emulator, in simulated time.

Every step goes through the real handlers over signed HTTP, exactly as in Slack; afterwards each
person's view of it is written out as text and as one HTML page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.devtools.emulator.inspector import Seen as EmulatorSeen
from bot.devtools.emulator.state import ViewEvent
from bot.devtools.sandbox import Sandbox
from bot.devtools.transcript import PersonTranscript, Seen, Transcript, render_html, render_text
from bot.devtools.transcript.model import SharedFile
from bot.rules.i18n import ENGLISH, gettext, locale_of, speaking
from bot.rules.ids import (
    ActionId,
    AgendaField,
    DecisionField,
    MeetingField,
    NewCaseField,
    PlanField,
    UpdateField,
)
from bot.rules.vocabulary import AreaRole, Language, MeetingKind, Nation
from bot.services.export import export_case
from bot.services.managers import grant, rename_area
from bot.ui.labels import meeting_words

BOT_NAME = "Core Group"
# Where the files people were sent are written, beside the transcript.
FILES_DIR = "files"
# When the script starts: Monday 23 November 2026, 09:30 in London (GMT).
DEMO_START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
# The team the demo's area serves, as its administrator names it (the measures show the name).
DEMO_TEAM = "Safeguarding Team North"


@dataclass
class Person:
    """Someone in the demo, and what they have seen so far."""

    user_id: str
    name: str
    role: str
    seen: list[Seen] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)  # ts -> what it said when last seen
    views_read: int = 0  # how many of their modal events are in `seen`
    last_home: str | None = None


class Recorder:
    """Collects, step by step, what each person sees, the way their Slack client would show it."""

    def __init__(self, sandbox: Sandbox, files_dir: Path | None = None) -> None:
        self.sandbox = sandbox
        self.people: list[Person] = []
        # Each file is written once, under its own name (numbered if two differ), in files_dir.
        self.files_dir = files_dir
        self._written: dict[str, str] = {}  # file id -> its path relative to the transcript
        self._contents: dict[str, bytes] = {}  # that path -> the bytes written there

    def add(self, name: str, role: str, *, guest: bool = False) -> str:
        """Create a workspace user (a single-channel guest if `guest`) who takes part."""
        user_id = self.sandbox.emulator.add_user(name, is_ultra_restricted=guest)
        self.people.append(Person(user_id, name, role))
        return user_id

    def names(self) -> dict[str, str]:
        """Display names behind user ids, the bot included."""
        users = self.sandbox.emulator.workspace.users
        names = {uid: user.real_name for uid, user in users.items()}
        names[self.sandbox.emulator.bot_user_id] = BOT_NAME
        return names

    def channel_names(self) -> dict[str, str]:
        """Channels' names behind their ids (not DMs, which have none)."""
        with self.sandbox.emulator.workspace.lock:
            conversations = self.sandbox.emulator.workspace.conversations.values()
            return {c.id: c.name for c in conversations if not c.is_im}

    def capture(self) -> None:
        """Note what is new for everyone: messages (with their files), ephemerals, every modal
        they were shown or sent, their Home tab; in the order it happened."""
        # What the bot does after answering lands at its own pace: wait for it, so the same
        # script always shows the same thing (over HTTP and Socket Mode alike), and an edit is
        # stamped with the simulated moment of the step that caused it.
        self.sandbox.settle()
        inspector = self.sandbox.emulator.inspector
        names = self.names()
        now = self.sandbox.clock.now()
        for person in self.people:
            # What is new, in order of the moment it happened; within one simulated moment the
            # forms come first (what the person did), then the bot's private answer to it, then
            # people joining or leaving channels, then the bot's posts in the order they were
            # posted, then the Home tab. The bot's answer and its work after the answer race
            # each other within a moment, so ordering them by the emulator's sequence alone
            # would differ from run to run.
            new: list[tuple[datetime, int, float, Seen]] = []
            for item in inspector.seen_by(person.user_id):
                content = f"{item.text}{item.blocks}{item.files}"
                if person.known.get(item.ts) == content:
                    continue
                edited = item.ts in person.known
                person.known[item.ts] = content
                seen = self._message(item, names)
                # An update in place shows again, marked edited, at the moment it was edited.
                if edited:
                    edit_ts = self._edit_ts(item)
                    seen = replace(seen, at=_ts_instant(edit_ts) if edit_ts else now, edited=True)
                new.append((seen.at, self._rank(item), float(item.ts), seen))
            events = inspector.views_seen_by(person.user_id)
            new += [
                (seen.at, 0, order, seen) for order, seen in _forms(events[person.views_read :])
            ]
            person.views_read = len(events)
            home = inspector.home(person.user_id)
            home_key = f"{home.get('id')}:{home.get('hash')}" if home else None
            if home and home_key != person.last_home:
                published = str(home["hash"])  # a ts: when it was last published
                seen = _view_seen(home, "home", "Home tab", _ts_instant(published))
                new.append((seen.at, 4, float(published), seen))
            person.last_home = home_key
            person.seen += [entry[-1] for entry in sorted(new, key=lambda entry: entry[:3])]

    def _rank(self, item: EmulatorSeen) -> int:
        """Where a message goes among the things seen at one simulated moment (see `capture`)."""
        if item.kind == "ephemeral":
            return 1
        return 3 if item.author == self.sandbox.emulator.bot_user_id else 2

    def _edit_ts(self, item: EmulatorSeen) -> str | None:
        """The ts of the message's last edit, by the emulator's (simulated) clock."""
        workspace = self.sandbox.emulator.workspace
        with workspace.lock:
            conversation = workspace.conversations.get(item.channel)
            message = conversation.find(item.ts) if conversation else None
            edited = message.edited if message else None
        return str(edited["ts"]) if edited else None

    def _files(self, item: EmulatorSeen) -> tuple[SharedFile, ...]:
        """The files shared with a message, each written (once) beside the transcript."""
        workspace = self.sandbox.emulator.workspace
        with workspace.lock:
            found = [workspace.files[f] for f in item.files if f in workspace.files]
            files = [(f.id, f.name, f.title, f.data or b"") for f in found]
        return tuple(
            SharedFile(name, title, data, self._write(file_id, name, data))
            for file_id, name, title, data in files
        )

    def _write(self, file_id: str, name: str, data: bytes) -> str:
        """Where the file is written, relative to the transcript: under its own name, numbered
        when another file of that name said something else; the same bytes are written once."""
        if self.files_dir is None:
            return ""
        if file_id not in self._written:
            stem, dot, suffix = Path(name).name.rpartition(".")
            stem, suffix = (stem, f".{suffix}") if dot and stem else (Path(name).name, "")
            number = 1
            relative = f"{FILES_DIR}/{stem}{suffix}"
            while relative in self._contents and self._contents[relative] != data:
                number += 1
                relative = f"{FILES_DIR}/{stem}-{number}{suffix}"
            if relative not in self._contents:
                self.files_dir.mkdir(parents=True, exist_ok=True)
                (self.files_dir / Path(relative).name).write_bytes(data)
                self._contents[relative] = data
            self._written[file_id] = relative
        return self._written[file_id]

    def _message(self, item: EmulatorSeen, names: dict[str, str]) -> Seen:
        if item.channel.startswith("D"):
            where = f"Direct message with {BOT_NAME}"
        else:
            where = f"#{item.channel_name}"
            if self.sandbox.emulator.inspector.channel(item.channel).is_private:
                where += " (private channel)"
        return Seen(
            at=item.at,
            where=where,
            kind="ephemeral" if item.kind == "ephemeral" else "message",
            author=names.get(item.author, item.author),
            text=item.text,
            blocks=tuple(item.blocks or ()),
            files=self._files(item),
        )

    def transcript(self, title: str) -> Transcript:
        """Everything recorded, person by person."""
        return Transcript(
            title=title,
            people=tuple(
                PersonTranscript(p.user_id, p.name, p.role, tuple(p.seen)) for p in self.people
            ),
            user_names=self.names(),
            channel_names=self.channel_names(),
        )


def _ts_instant(ts: str) -> datetime:
    # A ts is the clock's instant plus a microsecond per message sent while it stood still.
    return datetime.fromtimestamp(int(float(ts)), UTC)


def _forms(events: list[ViewEvent]) -> list[tuple[float, Seen]]:
    """Every modal the person was shown, and every form they sent with what they entered.

    A form sent just as it was opened is drawn once, as sent (noting when it was opened); a
    dialog the app replaced, or that is still open, is drawn as the person saw it."""
    drawn: list[tuple[float, Seen]] = []
    showing: dict[str, ViewEvent] = {}  # view id -> its latest version not yet drawn

    def draw(event: ViewEvent) -> None:
        drawn.append((float(event.ts), _view_seen(event.view, "modal", "Modal", event.at)))

    for event in events:
        before = showing.pop(event.view_id, None)
        if event.action in ("opened", "pushed", "updated"):
            if before is not None:
                draw(before)
            showing[event.view_id] = event
        elif event.action == "submitted":
            unchanged = before is not None and before.view.get("hash") == event.view.get("hash")
            if before is not None and not unchanged:
                draw(before)
            sent = _view_seen(event.view, "form", "Modal", event.at)
            entries = event.view.get("state", {}).get("values", {})
            opened = before.at if unchanged and before is not None else None
            drawn.append((float(event.ts), replace(sent, entries=entries, opened=opened)))
        elif before is not None:  # closed
            draw(before)
    drawn += [
        (float(event.ts), _view_seen(event.view, "modal", "Modal", event.at))
        for event in showing.values()
    ]
    return drawn


def _view_seen(view: dict[str, Any], kind: str, where: str, at: datetime) -> Seen:
    title = (view.get("title") or {}).get("text")
    return Seen(
        at=at,
        where=where,
        kind="home" if kind == "home" else "form" if kind == "form" else "modal",
        author=BOT_NAME,
        text=title or where,
        blocks=tuple(view.get("blocks") or ()),
        title=title,
        submit=(view.get("submit") or {}).get("text"),
        close=(view.get("close") or {}).get("text"),
    )


@dataclass(frozen=True)
class DemoResult:
    """Where the demo wrote its output."""

    html: Path
    texts: tuple[Path, ...]
    database: Path
    # The PDFs to print for the family: the summary shared in the case channel, and the family
    # copy and decision notice the social worker hands to family members who are not on Slack.
    printables: tuple[Path, ...] = ()
    # Every file people were sent (calendar entries, summaries, notices), linked from the pages.
    files: Path | None = None
    # What everyone saw, as the pages and texts were rendered from it.
    transcript: Transcript | None = None
    # The manager's measures chart, as they were sent it (the README shows it).
    charts: tuple[Path, ...] = ()


def run_demo(
    out_dir: Path,
    *,
    socket_mode: bool = False,
    language: Language = Language.ENGLISH,
    observe: Callable[[Sandbox], None] | None = None,
) -> DemoResult:
    """Run the scripted case and write what everyone saw into `out_dir` (over Socket Mode
    instead of HTTP with `socket_mode`: the transcript is the same either way), in an area whose
    default `language` is English, Welsh, or bilingual (Welsh first). `observe` is shown the
    sandbox once the script has run, before it closes (the emulator's own record of the run)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    database = out_dir / "demo.sqlite3"
    for stale in out_dir.glob("demo.sqlite3*"):
        stale.unlink()
    # Files from an earlier run would be taken for this one's.
    for stale in (out_dir / FILES_DIR).glob("*"):
        if stale.is_file():
            stale.unlink()
    with Sandbox(f"sqlite:///{database}", socket_mode=socket_mode) as sandbox:
        # The area is made when the first case opens, with this default: the case and everyone
        # in it (nobody has chosen) read the bot in it.
        sandbox.settings.default_language = language
        _reading[0] = locale_of(language)
        sandbox.clock.set(DEMO_START)
        recorder = Recorder(sandbox, out_dir / FILES_DIR)
        transcript = play_script(sandbox, recorder)
        printables, charts = _write_printables(sandbox, recorder, out_dir)
        # What would go to the authority's case record system at the end.
        with Session(sandbox.engine) as session:
            export_case(session, "oak-family", out_dir / "case-record")
        if observe is not None:
            observe(sandbox)
    html = out_dir / "transcript.html"
    html.write_text(render_html(transcript), encoding="utf-8")
    texts = []
    for person in transcript.people:
        path = out_dir / f"{person.name.lower().replace(' ', '-')}.txt"
        path.write_text(render_text(person, transcript.names), encoding="utf-8")
        texts.append(path)
    files = out_dir / FILES_DIR
    return DemoResult(
        html,
        tuple(texts),
        database,
        printables,
        files if files.is_dir() else None,
        transcript,
        charts,
    )


def _write_printables(
    sandbox: Sandbox, recorder: Recorder, out_dir: Path
) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """The PDFs people were given (the summary, the family copy, the decision notice), as they
    would print, and apart from them the manager's measures chart (the README shows it)."""
    written: dict[str, Path] = {}
    for person in recorder.people:
        for shared in sandbox.emulator.inspector.files_seen_by(person.user_id):
            if shared.name.endswith((".pdf", ".png")) and shared.name not in written:
                path = out_dir / shared.name
                path.write_bytes(shared.data)
                written[shared.name] = path
    paths = sorted(written.values())
    return (
        tuple(p for p in paths if p.suffix == ".pdf"),
        tuple(p for p in paths if p.suffix == ".png"),
    )


def play_script(sandbox: Sandbox, recorder: Recorder) -> Transcript:
    """The demo's case, step by step, from DEMO_START; what everyone saw, as `recorder` noted."""
    emu = sandbox.emulator
    social_worker = recorder.add("Priya Shah", "Social worker")
    chair = recorder.add("Tom Okafor", "Conference chair")
    school = recorder.add("Ms Reed", "School")
    health_visitor = recorder.add("Jan Kowalski", "Health visitor")
    mum = recorder.add("Sam", "Family", guest=True)
    police = recorder.add("PC Lewis", "Police")
    deputy = recorder.add("Kim Adeyemi", "Health visiting (deputy)")
    lobby = emu.create_channel_as_user(social_worker, "safeguarding-team")
    for person in (chair, school, health_visitor, police):
        emu.join_channel(person, lobby)

    def step(minutes: int = 1) -> None:
        recorder.capture()
        sandbox.clock.advance(timedelta(minutes=minutes))

    def travel(instant: datetime) -> None:
        recorder.capture()
        sandbox.clock.set(instant)
        sandbox.sweep()
        recorder.capture()

    def submit(user: str, values: dict[tuple[str, str], Any]) -> None:
        view_id = str(emu.inspector.modal_stack(user)[-1]["id"])
        emu.submit_view(user, view_id, values)

    def field(name: str, value: Any) -> dict[tuple[str, str], Any]:
        return {(name, name): value}

    # After the initial conference, the social worker opens the case with the family's reference.
    emu.slash_command(social_worker, lobby, "/coregroup", "new")
    step()
    f = NewCaseField
    submit(
        social_worker,
        {
            **field(f.REFERENCE, "oak-family"),
            **field(f.NATION, "ENG"),
            **field(f.ICPC, "2026-11-20"),
            **field(f.CHAIR, chair),
            **field(f.SOCIAL_WORKER, social_worker),
            **field(f.PROFESSIONAL.numbered(1), school),
            **field(f.AGENCY.numbered(1), "school"),
            **field(f.PROFESSIONAL.numbered(2), health_visitor),
            **field(f.AGENCY.numbered(2), "health_visitor"),
            **field(f.FAMILY_ON_SLACK, [mum]),
            **field(f.FAMILY_OFFLINE, "Dan (dad)\nNana Rose"),
        },
    )
    opened = _said("Case opened")
    sandbox.wait_for(lambda: _top_title(sandbox, social_worker) == opened)
    emu.deliver_pending_events()
    step(5)
    channel = emu.inspector.channel_named("oak-family").id

    # The family asked for the police officer who knows them to join the core group.
    emu.slash_command(social_worker, channel, "/coregroup", f"add <@{police}|pc.lewis> police")
    added = _said("Added {person} to the core group ({agency}).")
    sandbox.wait_for(lambda: _last_ephemeral(sandbox, social_worker).startswith(added))
    emu.deliver_pending_events()
    step(10)

    # The social worker fills in the conference agenda with the family (seed 003's order).
    emu.slash_command(social_worker, channel, "/coregroup", "agenda")
    a = AgendaField
    submit(
        social_worker,
        {
            **field(a.CHILD_NAME.numbered(1), "Jo"),
            **field(a.CHILD_AGE.numbered(1), "7"),
            **field(a.CHILD_NAME.numbered(2), "Lily"),
            **field(a.CHILD_AGE.numbered(2), "4"),
            **field(
                a.FAMILY_WORDS,
                "Jo is kind and loves building things. Lily sings all day and loves the swings.",
            ),
            **field(a.CATEGORY, "neglect"),
            **field(
                a.HARM,
                "Jo and Lily often missed school, and there was not always food in the house.",
            ),
            **field(
                a.IMPACT,
                "Jo is behind with reading and worries about his mum. Lily is often tired.",
            ),
            **field(a.ADVOCATE, "Mo, from the children's advocacy service"),
            **field(a.LANGUAGE, "English"),
        },
    )
    sandbox.wait_for(lambda: not emu.inspector.modal_stack(social_worker))
    step(5)

    # The plan, in the family's own words.
    for wording in (
        "Jo and Lily get to school every day, on time",
        "Sam feels safe at home and knows who to call",
    ):
        emu.slash_command(social_worker, channel, "/coregroup", "outcome")
        submit(social_worker, field(PlanField.WORDING, wording))
        sandbox.wait_for(lambda w=wording: w in str(_plan(sandbox, channel)))  # type: ignore[misc]
        step()
    emu.slash_command(social_worker, channel, "/coregroup", "action")
    view = emu.inspector.modal_stack(social_worker)[-1]
    owner = _option(view, PlanField.OWNER, "Ms Reed")
    goal = _option(view, PlanField.FOR_OUTCOME, "Jo and Lily")
    submit(
        social_worker,
        {
            **field(PlanField.DESCRIPTION, "Meet Jo and Lily at the school gate each morning"),
            **field(PlanField.OWNER, owner),
            **field(PlanField.DUE, "2026-12-18"),
            **field(PlanField.FOR_OUTCOME, goal),
        },
    )
    sandbox.wait_for(lambda: "school gate" in str(_plan(sandbox, channel)))
    step(20)

    # The first core group, and the review conference (only the chair sets that one).
    emu.slash_command(social_worker, channel, "/coregroup", "schedule")
    view = emu.inspector.modal_stack(social_worker)[-1]
    submit(
        social_worker,
        {
            **field(
                MeetingField.MEETING,
                _option(view, MeetingField.MEETING, _kind(False, capital=True)),
            ),
            **field(MeetingField.DATE, "2026-12-03"),
            **field(MeetingField.TIME, "10:00"),
            **field(MeetingField.PLACE, "Oak Primary School, family room"),
        },
    )
    sandbox.wait_for(lambda: len(emu.inspector.files_seen_by(school)) == 1)
    step()
    emu.slash_command(chair, channel, "/coregroup", "schedule")
    view = emu.inspector.modal_stack(chair)[-1]
    submit(
        chair,
        {
            **field(
                MeetingField.MEETING,
                _option(view, MeetingField.MEETING, _kind(True, capital=True)),
            ),
            **field(MeetingField.DATE, "2027-02-16"),
            **field(MeetingField.TIME, "14:00"),
            **field(MeetingField.PLACE, "Civic Centre, meeting room 4"),
        },
    )
    sandbox.wait_for(lambda: len(emu.inspector.files_seen_by(school)) == 2)
    step(30)

    # Invitations go out (they are due 10 working days before: already), and people reply.
    sandbox.sweep()
    step()
    _reply(sandbox, school, ActionId.RSVP_ATTENDING)
    _reply(sandbox, mum, ActionId.RSVP_APOLOGIES)
    _reply(sandbox, health_visitor, ActionId.RSVP_REPRESENTATIVE)
    submit(health_visitor, field(MeetingField.REPRESENTATIVE, deputy))
    sent = _said("{representative} for {name}", representative="Kim Adeyemi")
    sandbox.wait_for(lambda: sent in str(_invitation(sandbox, channel).blocks))
    emu.deliver_pending_events()
    step(60)

    emu.slash_command(school, channel, "/coregroup", "status")
    step()
    emu.slash_command(chair, channel, "/coregroup", "history")
    step()
    emu.slash_command(mum, channel, "/coregroup", "history")  # the family may not; told kindly
    step()
    emu.open_home(school)
    emu.deliver_pending_events()
    step()

    # The update cycle for the core group on Thu 3 Dec (reports due Tue 1 Dec). PC Lewis is on
    # leave until Fri 4 Dec and Ms Reed covers: she is of another agency, so the social worker
    # agrees first, by the button she is sent. Kim's account is closed when she leaves her job.
    emu.slash_command(police, channel, "/coregroup", f"away until 2026-12-04 <@{school}>")
    asked = sandbox.wait_for(
        lambda: [
            s
            for s in emu.inspector.seen_by(social_worker)
            if ActionId.APPROVE_REQUEST in str(s.blocks)
        ]
    )
    emu.click(social_worker, asked[-1].channel, asked[-1].ts, ActionId.APPROVE_REQUEST)
    agreed = _said(
        "The social worker agreed: {person} covers for you until {day}, and gets your reminders "
        "instead."
    )
    sandbox.wait_for(lambda: [s for s in emu.inspector.seen_by(police) if agreed in str(s)])
    step()
    travel(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))  # prompts: 5 working days before
    emu.deactivate_user(deputy)
    emu.deliver_pending_events()
    step()
    sandbox.clock.set(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    _give_update(sandbox, school, "Jo was in school every day this week and ate breakfast.")
    step()
    sandbox.clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=UTC))
    _give_update(sandbox, health_visitor, "Lily's weight is back on track; Sam is more confident.")
    step()
    sandbox.clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
    _give_update(sandbox, school, "Jo was in school every day, on time, and joined the choir.")
    _give_update(sandbox, social_worker, "Dan says things feel calmer at home.", match="Dan (dad)")
    step()
    travel(datetime(2026, 11, 30, 9, 30, tzinfo=UTC))  # reminders (a working day before)
    _give_update(
        sandbox,
        social_worker,
        "Family time went well; the safety plan is written.",
        match=_said(PLEASE_SEND),
    )
    travel(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))  # due today
    sandbox.clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # a little late, before 09:30
    _give_update(sandbox, mum, "Mornings are easier. I'd like help with the housing forms.")
    step()
    travel(datetime(2026, 12, 2, 9, 30, tzinfo=UTC))  # overdue: the social worker is told
    travel(datetime(2026, 12, 3, 9, 30, tzinfo=UTC))  # still missing: the chair is told

    # After the core group (Thu 3 Dec, 11:45), the social worker records who came.
    travel(datetime(2026, 12, 3, 11, 45, tzinfo=UTC))
    invitation = _invitation(sandbox, channel)
    emu.click(social_worker, channel, invitation.ts, ActionId.RECORD_ATTENDANCE)
    submit(social_worker, {})
    sandbox.wait_for(
        lambda: ActionId.RSVP_ATTENDING not in str(_invitation(sandbox, channel).blocks)
    )
    step()

    # The conference's invitations (Tue 2 Feb 2027) and, three working days before it, a
    # quorum check that finds too few agencies confirmed, until they reply.
    travel(datetime(2027, 2, 2, 9, 30, tzinfo=UTC))
    # Updates for the review: reports are due Fri 12 Feb; prompts go out Fri 5 Feb.
    travel(datetime(2027, 2, 5, 9, 30, tzinfo=UTC))
    sandbox.clock.set(datetime(2027, 2, 8, 15, 0, tzinfo=UTC))
    _give_update(
        sandbox,
        school,
        "Jo has been in school every day since December, and smiles more.",
        professional_only="A neighbour told the school about shouting late at night.",
    )
    _give_update(sandbox, health_visitor, "Lily is meeting her milestones.")
    _give_update(
        sandbox, mum, "Mornings are calmer and we have a routine. Help with housing still."
    )
    _give_update(
        sandbox,
        social_worker,
        "Family time with Dan is going well.",
        match=_said(PLEASE_SEND),
    )
    step()
    # The chair's digest, and the quorum check, three working days before (Thu 11 Feb).
    travel(datetime(2027, 2, 11, 9, 30, tzinfo=UTC))
    for person in (social_worker, school, police):
        _reply(sandbox, person, ActionId.RSVP_ATTENDING, conference=True)
    quorate = _said(
        "Good news: the conference on {when} is now expected to be quorate.", after="{when}"
    )
    sandbox.wait_for(lambda: quorate in str(_warnings(sandbox, chair)))
    step()
    # The same morning the social worker is reminded to prepare the family with their copy.
    travel(datetime(2027, 2, 11, 9, 45, tzinfo=UTC))
    travel(datetime(2027, 2, 11, 10, 0, tzinfo=UTC))

    # The summary: drafted for the social worker and chair, released by the chair.
    sandbox.clock.set(datetime(2027, 2, 15, 10, 0, tzinfo=UTC))
    emu.slash_command(social_worker, channel, "/coregroup", "summary")
    drafted = _said(
        "The draft summary is in your direct messages (and the chair's), ready to release."
    )
    sandbox.wait_for(lambda: drafted in _last_ephemeral(sandbox, social_worker))
    step()
    draft = next(
        s for s in emu.inspector.seen_by(chair) if ActionId.RELEASE_SUMMARY in str(s.blocks)
    )
    emu.click(chair, draft.channel, draft.ts, ActionId.RELEASE_SUMMARY)
    released = _said("Released: the core group has the summary, and professionals their copy.")
    sandbox.wait_for(lambda: released in _last_ephemeral(sandbox, chair))
    step()

    # The conference (Tue 16 Feb) continues the plan; Dan's disagreement is recorded.
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    emu.slash_command(chair, channel, "/coregroup", "decision")
    decided = _said("The {review}'s decision for {reference}", review=_kind(True))
    submit(
        chair,
        {
            **field(DecisionField.DECISION, "continue"),
            **field(DecisionField.CATEGORY, "neglect"),
            **field(DecisionField.DISSENT, "Dan disagreed: he feels the children are safe now."),
            **field(
                DecisionField.PLAN_CHANGES,
                "Nana Rose now takes Jo and Lily to school on Mondays and Tuesdays.",
            ),
        },
    )
    sandbox.wait_for(lambda: any(s.text.startswith(decided) for s in emu.inspector.seen_by(school)))
    # Dan and Nana Rose are not on Slack: the social worker gets the notice to print.
    sandbox.wait_for(
        lambda: any(
            f.name.endswith("decision-notice.pdf")
            for f in emu.inspector.files_seen_by(social_worker)
        )
    )
    step()

    # The chair records who came to the conference, from the replies they gave.
    conference = _invitation(sandbox, channel, conference=True)
    emu.click(chair, channel, conference.ts, ActionId.RECORD_ATTENDANCE)
    view = emu.inspector.modal_stack(chair)[-1]
    came = {
        (str(block["block_id"]), str(block["block_id"])): block["element"]["initial_option"][
            "value"
        ]
        for block in view["blocks"]
        if (block.get("element") or {}).get("initial_option")
    }
    submit(chair, came)
    sandbox.wait_for(lambda: not emu.inspector.modal_stack(chair))
    step()

    # The next morning the team manager looks at the period's measures: figures across cases,
    # never case content. The administrator named the area (`coregroup area rename`: until then
    # it is its workspace id) and made the service manager its admin (with `coregroup managers
    # add --admin`), who makes the team manager a manager in Slack.
    sandbox.clock.set(datetime(2027, 2, 17, 9, 0, tzinfo=UTC))
    service_manager = recorder.add("Grace Mensah", "Service manager (area admin)")
    team_manager = recorder.add("Ruth Ellis", "Team manager")
    assert sandbox.deps is not None
    with sandbox.deps.unit_of_work() as session:
        rename_area(
            session, team=emu.team_id, name=DEMO_TEAM, actor="cli:admin", now=sandbox.clock.now()
        )
        grant(
            session,
            team=emu.team_id,
            user_id=service_manager,
            actor="cli:admin",
            now=sandbox.clock.now(),
            role=AreaRole.ADMIN,
        )
    for person in (service_manager, team_manager):
        emu.join_channel(person, lobby)
    emu.slash_command(
        service_manager, lobby, "/coregroup", f"managers add <@{team_manager}|ruth.ellis>"
    )
    made = _said(
        "{person} is now manager of {area}: they see its measures, never a case.",
        after="{person}",
    )
    sandbox.wait_for(lambda: made in _last_ephemeral(sandbox, service_manager))
    step()
    emu.slash_command(team_manager, lobby, "/coregroup", "measures 2026-11-20 2027-02-16")
    sandbox.wait_for(
        lambda: any(f.name.endswith(".png") for f in emu.inspector.files_seen_by(team_manager))
    )
    step()
    return recorder.transcript(
        "Demo case oak-family: from the initial conference to the first review"
    )


# The words the demo waits for, as the bot says them in the demo's language (`run_demo` sets it):
# what people read first (Welsh, for Welsh and bilingual areas).
_reading = [ENGLISH]
PLEASE_SEND = (
    "Please send your update for *{reference}*'s {meeting} by *{deadline}*: how each part of the "
    "plan is going (Green, Amber or Red), what is going well, what worries you, any new harm, "
    "when you last saw {seen}, and what you'll do next."
)


def _said(message: str, *, after: str | None = None, **values: str) -> str:
    """The fixed words of a catalog message in the demo's language, up to its first open slot
    (or, with `after`, from that slot to the next)."""
    with speaking(_reading[0]):
        text = gettext(message)
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    if after is not None:
        text = text.split(after, 1)[1]
    return text.split("{")[0]


def _kind(conference: bool, *, capital: bool = False) -> str:
    """A meeting as the bot names it, in the demo's language (the demo's nation is England)."""
    kind = MeetingKind.RCPC if conference else MeetingKind.CORE_GROUP
    with speaking(_reading[0]):
        return meeting_words(kind, Nation.ENG, capital=capital)


def _option(view: dict[str, Any], block_id: str, starts: str) -> str:
    """The value of the first option in a modal's select whose label starts with `starts`."""
    for block in view["blocks"]:
        if block.get("block_id") == block_id:
            for option in block["element"]["options"]:
                if option["text"]["text"].startswith(starts):
                    return str(option["value"])
    raise LookupError(f"no option starting {starts!r} in {block_id}")


def _plan(sandbox: Sandbox, channel: str) -> list[Any]:
    return [
        m.blocks
        for m in sandbox.emulator.inspector.messages(channel)
        if m.text.startswith(_said("The plan for {reference}"))
    ]


def _invitation(sandbox: Sandbox, channel: str, *, conference: bool = False) -> EmulatorSeen:
    invitation = _said("Invitation: {meeting} for {reference}", meeting=_kind(conference))
    return [
        m for m in sandbox.emulator.inspector.messages(channel) if m.text.startswith(invitation)
    ][-1]


def _reply(sandbox: Sandbox, user: str, action: ActionId, *, conference: bool = False) -> None:
    """The person answers the invitation in their direct messages."""
    invitation = _said("Invitation: {meeting} for {reference}", meeting=_kind(conference))
    dm = [
        s
        for s in sandbox.emulator.inspector.seen_by(user)
        if s.channel.startswith("D") and s.text.startswith(invitation)
    ][-1]
    before = len(sandbox.emulator.inspector.seen_by(user))
    sandbox.emulator.click(user, dm.channel, dm.ts, action)
    if action != ActionId.RSVP_REPRESENTATIVE:
        sandbox.wait_for(lambda: len(sandbox.emulator.inspector.seen_by(user)) > before)


def _give_update(
    sandbox: Sandbox,
    user: str,
    words: str,
    *,
    match: str = "",
    professional_only: str | None = None,
) -> None:
    """The person opens the form from their latest prompt or chase and sends their update."""
    emu = sandbox.emulator
    asks = [
        s
        for s in emu.inspector.seen_by(user)
        if s.channel.startswith("D")
        and ActionId.GIVE_UPDATE in str(s.blocks)
        and match in str(s.blocks)
    ]
    emu.click(user, asks[-1].channel, asks[-1].ts, ActionId.GIVE_UPDATE)
    view = emu.inspector.modal_stack(user)[-1]
    blocks = {str(b.get("block_id")) for b in view["blocks"]}
    values: dict[tuple[str, str], Any] = {}
    for block in blocks:
        if block.startswith(UpdateField.RAG.value + "_"):
            values[(block, block)] = "green" if "choir" in words else "amber"
    for answer, value in (
        (UpdateField.GOING_WELL, words),
        (UpdateField.WORRIES, "Mornings are still rushed." if "Mornings" not in words else None),
        (UpdateField.NEW_HARM, "no"),
        (UpdateField.NEXT_STEPS, "Keep going as agreed in the plan."),
        (UpdateField.HELP_NEEDED, "Help with the housing forms." if "housing" in words else None),
        (UpdateField.PROFESSIONAL_ONLY, professional_only),
    ):
        if answer.value in blocks and value:
            values[(answer, answer)] = value
    emu.submit_view(user, str(view["id"]), values)


def _warnings(sandbox: Sandbox, user: str) -> list[Any]:
    return [
        s.blocks
        for s in sandbox.emulator.inspector.seen_by(user)
        if s.text.startswith(_said("Quorum check for {reference}'s {meeting}"))
    ]


def _top_title(sandbox: Sandbox, user: str) -> str:
    stack = sandbox.emulator.inspector.modal_stack(user)
    return str(stack[-1]["title"]["text"]) if stack else ""


def _last_ephemeral(sandbox: Sandbox, user: str) -> str:
    seen = [s for s in sandbox.emulator.inspector.seen_by(user) if s.kind == "ephemeral"]
    return seen[-1].text if seen else ""
