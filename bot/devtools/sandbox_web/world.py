"""The sandbox's world: made-up people in one case, the real bot and the emulator, and the
simulated clock, driven one person's action at a time.

Everything goes through the emulator as Slack would send it (signed HTTP to the real bot); the
page only decides who acts and what they clicked or typed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func
from sqlmodel import Session, select

from bot.devtools.emulator import SlackEmulator
from bot.devtools.emulator.errors import EmulatorUsageError
from bot.devtools.sandbox import Sandbox
from bot.rules.ids import MeetingField, NewCaseField
from bot.rules.vocabulary import Nation, OutboxState
from bot.summary.printable import pdf_from_html
from bot.ui.common import PROFESSIONAL_AGENCIES
from storage.models import OutboxMessage

LONDON = ZoneInfo("Europe/London")
BOT_NAME = "Core Group"
# Travelling a long way stops after this many due moments, so a runaway plan cannot hang the page.
MAX_STOPS = 400
REQUIRED = "Please complete this required field."
BURST = timedelta(minutes=5)


class CaseFileError(ValueError):
    """A case file that cannot be read; the message says what to change."""


@dataclass(frozen=True)
class MeetingPlan:
    """A meeting to arrange when the sandbox starts: "Core group" or "Review"."""

    kind: str
    day: date
    at: str
    place: str


@dataclass(frozen=True)
class CaseFile:
    """The case the sandbox starts with, and the made-up people in the workspace."""

    reference: str
    nation: str
    icpc: date
    start: datetime
    social_worker: str
    chair: str
    professionals: tuple[tuple[str, str], ...]  # (name, agency)
    family_on_slack: tuple[str, ...] = ()
    family_offline: tuple[str, ...] = ()
    others: tuple[str, ...] = ()  # in the workspace, not (yet) in the case
    meetings: tuple[MeetingPlan, ...] = ()
    lobby: str = "safeguarding-team"


# The demo's cast (bot/devtools/demo.py), with their review conference arranged.
DEMO_CASE = CaseFile(
    reference="oak-family",
    nation="ENG",
    icpc=date(2026, 11, 20),
    start=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
    social_worker="Priya Shah",
    chair="Tom Okafor",
    professionals=(("Ms Reed", "school"), ("Jan Kowalski", "health_visitor")),
    family_on_slack=("Sam",),
    family_offline=("Dan (dad)", "Nana Rose"),
    others=("PC Lewis", "Kim Adeyemi"),
    meetings=(MeetingPlan("Review", date(2027, 1, 14), "14:00", "Civic Centre, meeting room 4"),),
)


def load_case_file(path: Path) -> CaseFile:
    """Read a case from a small YAML file (see README, Sandbox)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CaseFileError(f"{path}: {error}") from error
    if not isinstance(raw, dict):
        raise CaseFileError(f"{path}: expected a mapping of fields at the top")
    return case_from_mapping(raw, str(path))


def case_from_mapping(raw: dict[str, Any], where: str = "case file") -> CaseFile:
    """A case from already-parsed YAML."""
    known = {
        "reference", "nation", "icpc", "start", "social_worker", "chair", "professionals",
        "family_on_slack", "family_offline", "others", "meetings", "lobby",
    }  # fmt: skip
    unknown = sorted(set(raw) - known)
    if unknown:
        raise CaseFileError(f"{where}: unknown fields {unknown}; known are {sorted(known)}")

    def need(name: str) -> Any:
        if raw.get(name) in (None, ""):
            raise CaseFileError(f"{where}: `{name}` is required")
        return raw[name]

    def names(name: str) -> tuple[str, ...]:
        value = raw.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CaseFileError(f"{where}: `{name}` is a list of names")
        return tuple(value)

    def day(value: Any, name: str) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as error:
            raise CaseFileError(f"{where}: `{name}` is a date like 2026-11-20") from error

    nation = str(raw.get("nation", "ENG"))
    if nation not in {n.value for n in Nation}:
        raise CaseFileError(f"{where}: `nation` is one of {[n.value for n in Nation]}")
    professionals = []
    agencies = {a.value for a in PROFESSIONAL_AGENCIES}
    for entry in raw.get("professionals") or []:
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("agency"):
            raise CaseFileError(f"{where}: each professional has a `name` and an `agency`")
        if str(entry["agency"]) not in agencies:
            raise CaseFileError(
                f"{where}: agency {entry['agency']!r} is not one of {sorted(agencies)}"
            )
        professionals.append((str(entry["name"]), str(entry["agency"])))
    meetings = []
    for entry in raw.get("meetings") or []:
        if not isinstance(entry, dict) or entry.get("kind") not in ("Core group", "Review"):
            raise CaseFileError(f"{where}: each meeting's `kind` is `Core group` or `Review`")
        meetings.append(
            MeetingPlan(
                str(entry["kind"]),
                day(entry.get("date"), "meetings.date"),
                str(entry.get("time", "10:00")),
                str(entry.get("place", "To be confirmed")),
            )
        )
    icpc = day(need("icpc"), "icpc")
    start_raw = raw.get("start")
    if start_raw is None:
        start = datetime.combine(icpc + timedelta(days=3), time(9, 30), tzinfo=LONDON)
    elif isinstance(start_raw, datetime):
        start = start_raw if start_raw.tzinfo else start_raw.replace(tzinfo=LONDON)
    else:
        try:
            parsed = datetime.fromisoformat(str(start_raw))
        except ValueError as error:
            raise CaseFileError(f"{where}: `start` is like 2026-11-23T09:30") from error
        start = parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON)
    return CaseFile(
        reference=str(need("reference")),
        nation=nation,
        icpc=icpc,
        start=start.astimezone(UTC),
        social_worker=str(need("social_worker")),
        chair=str(need("chair")),
        professionals=tuple(professionals),
        family_on_slack=names("family_on_slack"),
        family_offline=names("family_offline"),
        others=names("others"),
        meetings=tuple(meetings),
        lobby=str(raw.get("lobby") or "safeguarding-team"),
    )


@dataclass(frozen=True)
class Person:
    """Someone the page can act as."""

    user_id: str
    name: str
    role: str


@dataclass
class Outcome:
    """What an action led to, for the page: inline errors, or a line to show."""

    errors: dict[str, str] = field(default_factory=dict)
    notice: str = ""


class World:
    """The running sandbox: start it, act in it as anyone, move its clock."""

    def __init__(self, database: Path, case: CaseFile = DEMO_CASE) -> None:
        self.case = case
        self.database = database
        self.sandbox = Sandbox(f"sqlite:///{database}")
        self.people: list[Person] = []
        self.lobby = ""
        # One action at a time: each waits for everything the bot does after answering.
        self.lock = threading.RLock()
        self.changes = 0  # bumped after every action and clock move

    # --- life -----------------------------------------------------------------------------------

    def start(self) -> World:
        """Bring up the emulator and the bot on a fresh database, with the case opened."""
        for stale in self.database.parent.glob(self.database.name + "*"):
            stale.unlink()
        self.sandbox.start()
        # A person trying the bot waits for each click's whole effect (the page is drawn when the
        # bot has finished), so Slack's pacing of posts (one a second per channel) would only add
        # seconds of waiting to a summary's release. The bot's handling of rate limits is tested
        # against the emulator elsewhere; here it is switched off, and the page says so.
        self.sandbox.emulator.rate_limits_enabled = False
        self.sandbox.clock.set(self.case.start)
        self._cast()
        # The PDF renderer loads its fonts on first use: do it now, not on the first release.
        pdf_from_html("<p>Ready.</p>")
        return self

    def stop(self) -> None:
        """Tear everything down."""
        self.sandbox.stop()

    @property
    def emulator(self) -> SlackEmulator:
        """The Slack emulator behind the page."""
        return self.sandbox.emulator

    def now(self) -> datetime:
        """The simulated clock's instant."""
        return self.sandbox.clock.now()

    def person(self, user_id: str) -> Person:
        """The person with this id, or KeyError."""
        for person in self.people:
            if person.user_id == user_id:
                return person
        raise KeyError(user_id)

    def by_name(self, name: str) -> Person:
        """The person with this display name, or KeyError."""
        for person in self.people:
            if person.name == name:
                return person
        raise KeyError(name)

    def _add(self, name: str, role: str, *, guest: bool = False) -> str:
        user_id = self.sandbox.emulator.add_user(name, is_ultra_restricted=guest)
        self.people.append(Person(user_id, name, role))
        return user_id

    def _cast(self) -> None:
        case, emu = self.case, self.sandbox.emulator
        social_worker = self._add(case.social_worker, "Social worker")
        chair = self._add(case.chair, "Conference chair")
        professionals = [
            (self._add(name, agency.replace("_", " ").capitalize()), agency)
            for name, agency in case.professionals
        ]
        family = [self._add(name, "Family", guest=True) for name in case.family_on_slack]
        for name in case.others:
            self._add(name, "Not in the case")
        self.lobby = emu.create_channel_as_user(social_worker, case.lobby)
        for person in self.people:
            if person.role not in ("Family", "Social worker"):
                emu.join_channel(person.user_id, self.lobby)
        emu.slash_command(social_worker, self.lobby, "/coregroup", "new")
        self._settle()
        f = NewCaseField
        values: dict[tuple[str, str], Any] = {
            (f.REFERENCE, f.REFERENCE): case.reference,
            (f.NATION, f.NATION): case.nation,
            (f.ICPC, f.ICPC): case.icpc.isoformat(),
            (f.CHAIR, f.CHAIR): chair,
            (f.SOCIAL_WORKER, f.SOCIAL_WORKER): social_worker,
        }
        for row, (user_id, agency) in enumerate(professionals, start=1):
            values[(f.PROFESSIONAL.numbered(row), f.PROFESSIONAL.numbered(row))] = user_id
            values[(f.AGENCY.numbered(row), f.AGENCY.numbered(row))] = agency
        if family:
            values[(f.FAMILY_ON_SLACK, f.FAMILY_ON_SLACK)] = family
        if case.family_offline:
            values[(f.FAMILY_OFFLINE, f.FAMILY_OFFLINE)] = "\n".join(case.family_offline)
        view = emu.inspector.modal_stack(social_worker)[-1]
        answer = emu.submit_view(social_worker, str(view["id"]), values)
        errors = answer.json().get("errors")
        if errors:
            raise CaseFileError(f"the bot would not open the case: {errors}")
        self._settle()
        channel = emu.inspector.channel_named(case.reference).id
        for meeting in case.meetings:
            # The chair arranges reviews; the social worker core group meetings.
            by = chair if meeting.kind == "Review" else social_worker
            emu.slash_command(by, channel, "/coregroup", "schedule")
            self._settle()
            view = emu.inspector.modal_stack(by)[-1]
            answer = emu.submit_view(
                by,
                str(view["id"]),
                {
                    (MeetingField.MEETING, MeetingField.MEETING): _option(
                        view, MeetingField.MEETING, meeting.kind
                    ),
                    (MeetingField.DATE, MeetingField.DATE): meeting.day.isoformat(),
                    (MeetingField.TIME, MeetingField.TIME): meeting.at,
                    (MeetingField.PLACE, MeetingField.PLACE): meeting.place,
                },
            )
            if answer.json().get("errors"):
                raise CaseFileError(f"the bot would not arrange {meeting}: {answer.json()}")
            self._settle()
        # Whatever the setting up left open (a "Case opened" or "Meeting arranged" view) is closed.
        for person in self.people:
            while stack := emu.inspector.modal_stack(person.user_id):
                emu.close_view(person.user_id, str(stack[-1]["id"]))
        self._settle()
        # Everyone has the app's Messages tab, as in Slack, before the bot has written there.
        workspace = emu.workspace
        with workspace.lock:
            for person in self.people:
                workspace.im_with(person.user_id)
        self.sandbox.clock.advance(timedelta(minutes=1))
        self.sandbox.sweep()
        self._settle()

    def _settle(self) -> None:
        """Wait for the bot's work after answering, and deliver the events it caused."""
        self.sandbox.settle()
        if self.sandbox.emulator.deliver_pending_events():
            self.sandbox.settle()
        self.changes += 1

    # --- acting as someone ----------------------------------------------------------------------

    def command(self, user_id: str, channel: str, text: str) -> Outcome:
        """Type a slash command (`/coregroup ...`) in a channel or DM."""
        command, _, rest = text.strip().partition(" ")
        if command != "/coregroup":
            return Outcome(notice="Only /coregroup commands work here.")
        with self.lock:
            answer = self.sandbox.emulator.slash_command(user_id, channel, command, rest.strip())
            self._settle()
        return Outcome(notice="" if answer.status == 200 else f"The bot answered {answer.status}.")

    def click(
        self, user_id: str, channel: str, ts: str, action_id: str, block_id: str, value: Any
    ) -> Outcome:
        """Click a button or pick from a menu in a message."""
        with self.lock:
            self.sandbox.emulator.click(
                user_id, channel, ts, action_id, value or None, block_id=block_id
            )
            self._settle()
        return Outcome()

    def act_in_view(
        self, user_id: str, view_id: str, action_id: str, block_id: str, value: Any
    ) -> Outcome:
        """Click or pick inside a modal or the Home tab."""
        with self.lock:
            self.sandbox.emulator.click_in_view(
                user_id, view_id, action_id, value or None, block_id=block_id
            )
            self._settle()
        return Outcome()

    def submit(self, user_id: str, view_id: str, values: dict[str, Any]) -> Outcome:
        """Submit the modal on top, `values` by block id; errors come back by block id, as the
        bot's `response_action: errors` or as the Slack client's own required-field check."""
        with self.lock:
            emu = self.sandbox.emulator
            stack = emu.inspector.modal_stack(user_id)
            if not stack or stack[-1]["id"] != view_id:
                return Outcome(notice="That form is no longer open.")
            view = stack[-1]
            typed: dict[tuple[str, str], Any] = {}
            errors: dict[str, str] = {}
            for block in view.get("blocks", []):
                if block.get("type") != "input":
                    continue
                block_id = str(block["block_id"])
                element = block.get("element") or {}
                action_id = str(element.get("action_id", ""))
                value = values.get(block_id)
                empty = value in (None, "", [])
                if empty and not block.get("optional"):
                    errors[block_id] = REQUIRED
                elif not empty:
                    typed[(block_id, action_id)] = value
                elif element.get("type") in _TEXT_TYPES:
                    typed[(block_id, action_id)] = ""  # emptied by the person
                elif isinstance(value, list):
                    typed[(block_id, action_id)] = []
            if errors:
                return Outcome(errors=errors)
            try:
                answer = emu.submit_view(user_id, view_id, typed)
            except EmulatorUsageError as error:
                return Outcome(notice=str(error))
            self._settle()
        body = answer.json()
        if body.get("response_action") == "errors":
            return Outcome(errors={str(k): str(v) for k, v in body.get("errors", {}).items()})
        return Outcome()

    def close(self, user_id: str, view_id: str) -> Outcome:
        """Close the modal on top."""
        with self.lock:
            self.sandbox.emulator.close_view(user_id, view_id)
            self._settle()
        return Outcome()

    def open_home(self, user_id: str) -> None:
        """The person opens the bot's Home tab (the bot publishes it on app_home_opened)."""
        with self.lock:
            self.sandbox.emulator.open_home(user_id)
            self._settle()

    # --- the clock ------------------------------------------------------------------------------

    def next_due(self, after: datetime) -> datetime | None:
        """When the bot next has something to send, after `after` (planned as of now)."""
        with Session(self.sandbox.engine) as session:
            due = session.exec(
                select(func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.state == OutboxState.PENDING, OutboxMessage.due_at > after
                )
            ).one()
        if due is None:
            return None
        return due if due.tzinfo else due.replace(tzinfo=UTC)

    def to_next(self) -> Outcome:
        """Move the clock to the next moment the bot has something to send, and send it."""
        with self.lock:
            self.sandbox.sweep()
            self._settle()
            due = self.next_due(self.now())
            if due is None:
                return Outcome(notice="Nothing more is planned.")
            # What is due within the same few minutes (a batch that Slack's rate limits spread
            # over seconds, say) arrives together: one click, one moment.
            self._travel(due)
            for _ in range(MAX_STOPS):
                later = self.next_due(self.now())
                if later is None or later > due + BURST:
                    break
                self._travel(later)
        return Outcome()

    def by_days(self, days: int = 1) -> Outcome:
        """Move the clock on by whole days, sending everything due on the way at its moment."""
        with self.lock:
            self._travel(self.now() + timedelta(days=days))
        return Outcome()

    def to_day(self, day: date) -> Outcome:
        """Move the clock to 09:00 (London) on a later day."""
        target = datetime.combine(day, time(9, 0), tzinfo=LONDON).astimezone(UTC)
        with self.lock:
            if target <= self.now():
                return Outcome(notice="Time only moves forward: choose a later day.")
            self._travel(target)
        return Outcome()

    def _travel(self, until: datetime) -> None:
        """Stop at each due moment on the way, so things arrive when the bot planned them."""
        for _ in range(MAX_STOPS):
            self.sandbox.sweep()
            self._settle()
            due = self.next_due(self.now())
            if due is None or due > until:
                break
            self.sandbox.clock.set(due)
        self.sandbox.clock.set(until)
        self.sandbox.sweep()
        self._settle()


_TEXT_TYPES = ("plain_text_input", "number_input", "email_text_input", "url_text_input")


def _option(view: dict[str, Any], block_id: str, starts: str) -> str:
    for block in view["blocks"]:
        if block.get("block_id") == block_id:
            for option in block["element"]["options"]:
                if option["text"]["text"].startswith(starts):
                    return str(option["value"])
    raise CaseFileError(f"no option starting {starts!r} in {block_id}")
