"""The `coregroup` command: the one place where settings, clock, engine and app are composed."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.rules.timeline import plan_timeline, rules_for_nation
from bot.rules.vocabulary import Nation
from bot.rules.working_days import WorkingCalendar
from bot.settings import ConfigError, load_settings
from bot.ui.texts import timeline_text
from storage.db import SchemaNotCurrentError, current_revision, head_revision, make_engine, upgrade

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.deps import Dependencies


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


def _parse_date(value: str, flag: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} must be a date like 2026-11-23, not {value!r}.") from None


def _parse_nation(value: str) -> Nation:
    try:
        return Nation(value.upper())
    except ValueError:
        choices = ", ".join(nation.value for nation in Nation)
        raise UsageError(f"--nation must be one of {choices}, not {value!r}.") from None


_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def cmd_timeline(args: argparse.Namespace) -> int:
    """Print the timeline a social worker would plan by, from an initial conference date."""
    icpc = _parse_date(args.icpc, "--icpc")
    nation = _parse_nation(args.nation)
    birth = _parse_date(args.birth, "--birth") if args.birth else None
    calendar = WorkingCalendar(nation)
    if not calendar.is_working_day(icpc):
        # It happens (an urgent conference): accepted, and the timeline is computed as usual.
        what = calendar.holiday_name(icpc) or _WEEKDAY_NAMES[icpc.weekday()]
        print(f"coregroup: warning: --icpc {icpc} is not a working day ({what}).", file=sys.stderr)
    rules = rules_for_nation(nation)
    timeline = plan_timeline(icpc, calendar, rules, birth_date=birth)
    if args.format == "json":
        print(json.dumps(timeline.as_json(), indent=2))
    else:
        print(timeline_text(timeline))
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply the database migrations."""
    engine = make_engine(load_settings().resolved_database_url())
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    print(f"Database at revision {after}" + ("" if before == after else f" (was {before})."))
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    """Say which migration the database is at, and whether it is the newest."""
    engine = make_engine(load_settings().resolved_database_url())
    current, head = current_revision(engine), head_revision()
    print(f"Database at revision {current}; the code needs {head}.")
    return 0 if current == head else 1


def _dependencies(clock: Clock) -> Dependencies:
    """Settings, a migrated database and the Slack client, composed once."""
    from bot.deps import Dependencies
    from bot.slack.client import make_web_client
    from storage.db import UnitOfWork, ensure_schema_current

    settings = load_settings()
    client = make_web_client(settings.require("slack_bot_token"), settings.slack_api_url)
    engine = make_engine(settings.resolved_database_url())
    ensure_schema_current(engine)
    return Dependencies(settings, UnitOfWork(engine), clock, client)


def _clock() -> Clock:
    """The system clock, or the simulated one a rehearsal shares through CLOCK_FILE."""
    from bot.clock import FileClock, SystemClock

    path = load_settings().clock_file
    if path is None:
        return SystemClock()
    clock = FileClock(path)
    try:
        clock.now()
    except (OSError, ValueError) as error:
        raise ConfigError(f"CLOCK_FILE {path} does not hold an instant: {error}.") from None
    logging.getLogger(__name__).warning(
        "simulated time from CLOCK_FILE %s: for rehearsals and tests only", path
    )
    return clock


def _parse_instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--at must be an instant like 2027-01-11T09:30:00Z, not {value!r}."
        ) from None
    if instant.tzinfo is None:
        raise UsageError("--at needs a time zone, e.g. 2027-01-11T09:30:00Z or +01:00.")
    return instant


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run one planning and dispatch pass now, or as of --at (operators catching up; tests)."""
    from bot.clock import ManualClock
    from bot.jobs import make_dispatcher, sweep

    clock: Clock = ManualClock(_parse_instant(args.at)) if args.at else _clock()
    deps = _dependencies(clock)
    report = sweep(deps, make_dispatcher(deps))
    print(
        f"Planned {report.planning.cases} open case(s): {report.planning.inserted} message(s) "
        f"added, {report.planning.cancelled} cancelled. Sent {report.dispatch.sent}, "
        f"confirmed {report.dispatch.confirmed_from_history} from history, retrying "
        f"{report.dispatch.retried + report.dispatch.deferred}, failed {report.dispatch.failed}."
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the bot: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on --port."""
    from datetime import timedelta

    from bot.app import create_app
    from bot.jobs import daily, dispatch_due, make_dispatcher
    from bot.logs import configure_logging
    from bot.scheduler import create_scheduler

    configure_logging(args.log_level)
    clock = _clock()
    deps = _dependencies(clock)
    settings = deps.settings
    dispatcher = make_dispatcher(deps)
    # Planning runs at the first tick (a restart after the day's hour must not skip a day),
    # then each day at 05:00 UTC by the clock.
    scheduler = create_scheduler(
        clock=clock,
        dispatch=lambda: dispatch_due(dispatcher),
        plan=lambda: daily(deps),
        dispatch_every=timedelta(seconds=settings.dispatch_every_seconds),
    )
    scheduler.start()
    if settings.slack_app_token is not None:
        from bot.socket_mode import SocketModeServer

        app = create_app(deps, request_verification=False)  # Socket Mode has no HTTP signatures
        # The bot's client opens the links, so SLACK_API_URL (the emulator, say) applies too.
        token = settings.require("slack_app_token")
        SocketModeServer(app, token, web_client=deps.client).serve_forever()
        return 0
    from bot.web import serve_http

    secret = settings.require("slack_signing_secret")
    serve_http(create_app(deps), secret, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the scripted case against the emulator and write what each person saw."""
    from pathlib import Path

    from bot.devtools.demo import run_demo

    result = run_demo(Path(args.out), socket_mode=args.socket_mode)
    print(f"Demo finished. What each person saw: {result.html.resolve()}")
    for path in result.texts:
        print(f"  as text: {path.resolve()}")
    print(f"  the demo's database: {result.database.resolve()}")
    for printable in result.printables:
        print(f"  to print for the family: {printable.resolve()}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a case's record (JSON, and HTML summaries) for the authority's case record system,
    or with --person everything stored about one person (a subject access request)."""
    from pathlib import Path

    from sqlmodel import Session

    from bot.services.export import ExportError, export_case, export_person
    from storage.db import ensure_schema_current

    if (args.case is None) == (args.person is None):
        raise UsageError("export needs a case reference or --person, not both.")
    engine = make_engine(load_settings().resolved_database_url())
    ensure_schema_current(engine)
    with Session(engine) as session:
        try:
            if args.person is not None:
                written = export_person(session, args.person, Path(args.out))
            else:
                written = export_case(session, args.case, Path(args.out))
        except ExportError as error:
            raise UsageError(str(error)) from None
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """List the cases past retention (--dry-run), or purge one case early (--case, --reason)."""
    import getpass

    from bot.clock import ManualClock

    clock: Clock = ManualClock(_parse_instant(args.at)) if args.at else _clock()
    if args.dry_run:
        return _purge_dry_run(clock)
    if not (args.reason or "").strip():
        raise UsageError('--case needs --reason "why the authority deletes it early".')
    from bot.services.purge import PurgeError, find_case, purge_case
    from bot.slack.gateway import SlackError

    deps = _dependencies(clock)
    try:
        with deps.unit_of_work() as session:
            case_id = find_case(session, args.case).id
        assert case_id is not None
        report = purge_case(
            deps,
            case_id=case_id,
            requested_by=f"cli:{getpass.getuser()}"[:32],
            reason=args.reason.strip(),
            export_dir=deps.settings.export_dir,
        )
    except PurgeError as error:
        raise UsageError(str(error)) from None
    except SlackError as error:
        raise UsageError(f"Slack refused {error.method} ({error.code}); run it again.") from None
    rows = sum(report.rows.values())
    print(
        f"Purged {args.case}: {rows} row(s), {len(report.deleted)} Slack message(s) and "
        f"{report.slack_files} file(s) deleted; export {report.export_checksum or 'not asked'}."
    )
    return 0


def _purge_dry_run(clock: Clock) -> int:
    from bot.services.purge import cases_past_retention
    from storage.db import UnitOfWork, ensure_schema_current

    engine = make_engine(load_settings().resolved_database_url())
    ensure_schema_current(engine)
    with UnitOfWork(engine)() as session:
        due = cases_past_retention(session, clock.now())
    if not due:
        print(f"No case is past retention as of {clock.now().isoformat()}.")
    for case in due:
        export = "export first, then purge" if case.needs_export else "purge (no export asked)"
        print(
            f"{case.reference}: plan ended {case.plan_ended_at.date().isoformat()}, kept "
            f"{case.retention_days} days, past retention since "
            f"{case.purge_at.date().isoformat()}: {export}"
        )
    return 0


def cmd_emulator(args: argparse.Namespace) -> int:
    """Serve the Slack emulator on its own, for a local `coregroup serve` to talk to."""
    from bot.devtools.emulator import run_standalone, scopes_from_manifest

    run_standalone(args.port, args.bot_token, scopes_from_manifest())
    return 0


def cmd_measures(args: argparse.Namespace) -> int:
    """Print the managers' measures for a period: text, JSON, CSV or a printable HTML report."""
    from sqlmodel import Session

    from bot.services.measures import Period, measure
    from bot.ui import measures as shown
    from storage.db import ensure_schema_current

    period = Period(_parse_date(args.start, "--from"), _parse_date(args.end, "--to"))
    if period.end < period.start:
        raise UsageError("--to must not be before --from.")
    engine = make_engine(load_settings().resolved_database_url())
    ensure_schema_current(engine)
    with Session(engine) as session:
        teams = measure(session, period=period, now=_clock().now(), team=args.team)
    if not teams:
        raise UsageError(f"no team {args.team!r}: give its workspace id or its name.")
    said = f"{period.start:%d %b %Y} to {period.end:%d %b %Y}"
    if args.format == "json":
        print(json.dumps({"from": args.start, "to": args.end, "figures": shown.as_rows(teams)}))
    elif args.format == "csv":
        sys.stdout.write(shown.as_csv(teams))
    elif args.format == "html":
        print(shown.as_html(teams, said))
    else:
        sys.stdout.write(shown.as_text(teams, said))
    return 0


def cmd_managers(args: argparse.Namespace) -> int:
    """Grant, take away or list the area's managers (they see measures, never case content)."""
    import getpass

    from sqlmodel import Session

    from bot.rules.vocabulary import AreaRole
    from bot.services.managers import ManagerError, grant, list_managers, remove
    from storage.db import ensure_schema_current

    engine = make_engine(load_settings().resolved_database_url())
    ensure_schema_current(engine)
    actor = f"cli:{getpass.getuser()}"[:32]
    with Session(engine) as session:
        try:
            if args.managers_command == "list":
                for user in list_managers(session, team=args.team):
                    print(user)
                return 0
            if args.managers_command == "add":
                role = AreaRole.ADMIN if args.admin else AreaRole.MANAGER
                said = grant(
                    session,
                    team=args.team,
                    user_id=args.user,
                    actor=actor,
                    now=_clock().now(),
                    role=role,
                )
            else:
                said = remove(
                    session, team=args.team, user_id=args.user, actor=actor, now=_clock().now()
                )
        except ManagerError as error:
            raise UsageError(str(error)) from None
        session.commit()
    print(said)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line, one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="coregroup", description="The Core Group bot for child protection core groups."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    timeline = commands.add_parser("timeline", help="print a case's timeline from its ICPC date")
    timeline.add_argument("--icpc", required=True, help="initial conference date, YYYY-MM-DD")
    timeline.add_argument("--nation", required=True, help="ENG, WLS, SCT or NIR")
    timeline.add_argument("--birth", help="pre-birth cases: the baby's date of birth")
    timeline.add_argument("--format", choices=("text", "json"), default="text")
    timeline.set_defaults(handler=cmd_timeline)

    sweep = commands.add_parser("sweep", help="one planning and dispatch pass (catch up)")
    sweep.add_argument("--at", help="as of this instant (ISO 8601 with a zone)")
    sweep.set_defaults(handler=cmd_sweep)

    serve = commands.add_parser("serve", help="run the bot (Socket Mode or HTTP)")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to listen on")  # noqa: S104
    serve.add_argument("--port", type=int, default=3000, help="HTTP mode: port to listen on")
    serve.add_argument("--log-level", default="INFO")
    serve.set_defaults(handler=cmd_serve)

    demo = commands.add_parser("demo", help="run a whole case against the emulator, offline")
    demo.add_argument("--out", default="demo-out", help="folder for the transcripts")
    demo.add_argument(
        "--socket-mode", action="store_true", help="reach the bot over Socket Mode, not HTTP"
    )
    demo.set_defaults(handler=cmd_demo)

    export = commands.add_parser("export", help="export a case for the authority's case record")
    export.add_argument("case", nargs="?", help="the case reference, e.g. oak-family")
    export.add_argument(
        "--person", help='everything stored about one person: @U123 or "their name"'
    )
    export.add_argument("--out", required=True, help="folder to write the files into")
    export.set_defaults(handler=cmd_export)

    purge = commands.add_parser("purge", help="cases past retention, or one case's early purge")
    what = purge.add_mutually_exclusive_group(required=True)
    what.add_argument("--dry-run", action="store_true", help="list what would be purged and why")
    what.add_argument("--case", help="purge this closed case now (the authority's decision)")
    purge.add_argument("--reason", help="with --case: why, kept in the audit trail's tombstone")
    purge.add_argument("--at", help="as of this instant (ISO 8601 with a zone)")
    purge.set_defaults(handler=cmd_purge)

    emulator = commands.add_parser("emulator", help="serve the Slack emulator on its own")
    emulator.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    emulator.add_argument(
        "--bot-token", default="xoxb-emulator-bot-token", help="the bot token it accepts"
    )
    emulator.set_defaults(handler=cmd_emulator)

    measures = commands.add_parser("measures", help="the managers' measures for a period")
    measures.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    measures.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    measures.add_argument("--team", help="one team: its workspace id or its name")
    measures.add_argument("--format", choices=("text", "json", "csv", "html"), default="text")
    measures.set_defaults(handler=cmd_measures)

    managers = commands.add_parser("managers", help="the area's managers (measures only)")
    managers_commands = managers.add_subparsers(dest="managers_command", required=True)
    for name, said in (("add", "make someone a manager"), ("remove", "take the role away")):
        change = managers_commands.add_parser(name, help=said)
        change.add_argument("user", help="their Slack user id, e.g. U123")
        change.add_argument("--team", required=True, help="the workspace id or the area's name")
        change.set_defaults(handler=cmd_managers, admin=False)
        if name == "add":
            change.add_argument(
                "--admin", action="store_true", help="an area admin: may grant the manager role"
            )
    listing = managers_commands.add_parser("list", help="list the managers")
    listing.add_argument("--team", required=True, help="the workspace id or the area's name")
    listing.set_defaults(handler=cmd_managers)

    database = commands.add_parser("db", help="database migrations")
    database_commands = database.add_subparsers(dest="db_command", required=True)
    database_commands.add_parser("upgrade", help="apply migrations").set_defaults(
        handler=cmd_db_upgrade
    )
    database_commands.add_parser("current", help="show the schema revision").set_defaults(
        handler=cmd_db_current
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `coregroup` script."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (UsageError, ConfigError) as error:
        print(f"coregroup: {error}", file=sys.stderr)
        return 2
    except SchemaNotCurrentError as error:
        print(f"coregroup: {error}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
