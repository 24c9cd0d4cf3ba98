"""The `coregroup` command: the one place where settings, clock, engine and app are composed."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from bot.rules.timeline import plan_timeline, rules_for_nation
from bot.rules.vocabulary import Language, Nation
from bot.rules.working_days import WorkingCalendar
from bot.settings import ConfigError, load_settings
from storage.db import (
    SchemaNotCurrentError,
    current_revision,
    head_revision,
    make_engine,
    sqlite_file,
    sqlite_synchronous,
    upgrade,
)

if TYPE_CHECKING:
    from slack_bolt import App
    from sqlalchemy import Engine
    from sqlmodel import Session

    from bot.clock import Clock
    from bot.deps import Dependencies
    from bot.settings import Settings

log = logging.getLogger("coregroup")


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


class UnreachableError(Exception):
    """Something the command needs cannot be reached (a database, Slack, a port): one line,
    exit status 1."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr (and exit status 2), not the usage block."""

    def error(self, message: str) -> NoReturn:
        """Say what was wrong and where to look, in one line."""
        print(f"coregroup: {message} (see `{self.prog} --help`).", file=sys.stderr)
        sys.exit(2)


def _first_line(error: BaseException) -> str:
    """An error's own words, first line only, without a trailing full stop."""
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__).rstrip(".")


def _database_url() -> str:
    """DATABASE_URL (or the default SQLite file), checked to be a URL the bot can use."""
    url = load_settings().resolved_database_url()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL: use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/NAME."
        ) from None
    try:
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise NoSuchModuleError(parsed.drivername)
        parsed.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        raise ConfigError(
            f"DATABASE_URL names a database the bot cannot use ({parsed.drivername}): use "
            "sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        try:
            sqlite_synchronous(url)
        except ValueError as error:
            raise ConfigError(f"DATABASE_URL: {error}") from None
    return url


def _where(url: str) -> str:
    """Where a database is, for messages: its file, or its URL without the password."""
    path = sqlite_file(url)
    return str(path) if path is not None else make_url(url).render_as_string(hide_password=True)


def _engine(url: str) -> Engine:
    """An engine that has connected once, so an unreachable database is one line, not a
    traceback halfway through a command."""
    connect_args = {"connect_timeout": 10} if url.startswith("postgresql") else {}
    engine = make_engine(url, connect_args=connect_args) if connect_args else make_engine(url)
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        engine.dispose()
        reason = _first_line(error.orig) if error.orig is not None else _first_line(error)
        raise UnreachableError(f"Cannot reach the database at {_where(url)}: {reason}.") from None
    return engine


def _existing_engine(url: str) -> Engine:
    """The engine of a database that already exists: commands other than `init` and
    `db upgrade` never create one (SQLite would make an empty file just by connecting)."""
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise UnreachableError(f"No database at {path}: `coregroup init` creates it.")
    return _engine(url)


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
    from bot.ui.texts import timeline_text  # here: it brings in the whole data model

    icpc = _parse_date(args.icpc, "--icpc")
    nation = _parse_nation(args.nation)
    birth = _parse_date(args.birth, "--birth") if args.birth else None
    calendar = WorkingCalendar(nation)
    if not calendar.is_working_day(icpc):
        # It happens (an urgent conference): accepted, and the timeline is computed as usual.
        what = calendar.holiday_name(icpc) or _WEEKDAY_NAMES[icpc.weekday()]
        print(f"coregroup: warning: --icpc {icpc} is not a working day ({what}).", file=sys.stderr)
    try:
        timeline = plan_timeline(icpc, calendar, rules_for_nation(nation), birth_date=birth)
    except ValueError as error:
        raise UsageError(f"{_first_line(error)}.") from None
    if args.format == "json":
        print(json.dumps(timeline.as_json(), indent=2))
    else:
        print(timeline_text(timeline))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Create the database (and its folder) if it is missing, and bring it to the newest
    migration; say where it is (`init` and `db upgrade` are the same command)."""
    url = _database_url()
    path = sqlite_file(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UnreachableError(f"Cannot create {path.parent}: {error.strerror}.") from None
    engine = _engine(url)
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    engine.dispose()
    where = _where(url)
    if before is None:
        print(f"Created the database at {where} (revision {after}).")
    elif before == after:
        print(f"The database at {where} is at revision {after}, the newest: nothing to do.")
    else:
        print(f"Upgraded the database at {where} from revision {before} to {after}.")
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    """Say which migration the database is at, and whether it is the newest."""
    engine = _existing_engine(_database_url())
    current, head = current_revision(engine), head_revision()
    engine.dispose()
    print(f"Database at revision {current}; the code needs {head}.")
    return 0 if current == head else 1


def _dependencies(clock: Clock) -> Dependencies:
    """Settings, a migrated database and the Slack client, composed once."""
    from bot.deps import Dependencies
    from bot.slack.client import make_web_client
    from storage.db import UnitOfWork, ensure_schema_current

    settings = load_settings()
    client = make_web_client(
        settings.require("slack_bot_token"),
        settings.slack_api_url,
        first_retry_wait=settings.slack_first_retry_wait,
    )
    engine = _existing_engine(_database_url())
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


def _authenticate(deps: Dependencies) -> str:
    """Ask Slack who the bot token belongs to (`auth.test`): who and where, or UnreachableError."""
    from slack_sdk.errors import SlackApiError

    try:
        identity = deps.client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "an error")
        raise UnreachableError(f"Slack refused SLACK_BOT_TOKEN (auth.test: {code}).") from None
    except OSError as error:
        raise UnreachableError(
            f"Cannot reach Slack at {deps.client.base_url}: {_first_line(error)}."
        ) from None
    return (
        f"@{identity.get('user')} ({identity.get('user_id')}) in the workspace "
        f"{identity.get('team')} ({identity.get('team_id')})"
    )


def _check_port_free(host: str, port: int) -> None:
    """Fail before anything starts if the HTTP port cannot be listened on."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise UnreachableError(f"Cannot listen on {host}:{port}: {error.strerror}.") from None


def _say_dispatched(report: object) -> None:
    """One log line for a dispatch pass that did something; nothing for an idle one."""
    from bot.delivery.dispatcher import DispatchReport

    if isinstance(report, DispatchReport) and report.claimed:
        log.info(
            "sent %d message(s), confirmed %d from history, retrying %d, failed %d",
            report.sent,
            report.confirmed_from_history,
            report.retried + report.deferred + report.rate_limited,
            report.failed,
        )


def _say_planned(report: object) -> None:
    """One log line for a planning pass that changed the outbox."""
    from bot.services.planning import PlanningReport

    if isinstance(report, PlanningReport) and (report.inserted or report.cancelled):
        log.info(
            "planned %d open case(s): %d message(s) added, %d cancelled",
            report.cases,
            report.inserted,
            report.cancelled,
        )


def _database_problem(deps: Dependencies) -> str | None:
    """What is wrong with the database, for /healthz: None when a query answers."""
    from sqlalchemy import text

    try:
        with deps.unit_of_work.engine.connect() as connection:
            # A table, not a bare SELECT 1: SQLite answers that without reading its file.
            connection.execute(text("SELECT version_num FROM alembic_version"))
    except Exception as error:  # any failure is the health check's answer, not a crash
        orig = getattr(error, "orig", None)
        return f"database: {_first_line(orig if orig is not None else error)}"
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the bot: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on --port.

    Everything is checked before anything starts: the settings, the database and its
    revision, the bot token (auth.test) and the port; the scheduler starts last."""
    from datetime import timedelta

    from bot.app import create_app
    from bot.jobs import daily, dispatch_due, make_dispatcher
    from bot.logs import configure_logging
    from bot.scheduler import create_scheduler

    configure_logging(args.log_level)
    settings = load_settings()
    settings.require("slack_bot_token")
    socket_mode = settings.slack_app_token is not None
    if not socket_mode:
        settings.require("slack_signing_secret")
    clock = _clock()
    deps = _dependencies(clock)
    log.info("database %s at the newest revision", _where(_database_url()))
    log.info("Slack: authenticated as %s", _authenticate(deps))
    if not socket_mode:
        _check_port_free(args.host, args.port)
    app = create_app(deps, request_verification=not socket_mode)
    dispatcher = make_dispatcher(deps)
    # Planning runs at the first tick (a restart after the day's hour must not skip a day),
    # then each day at 05:00 UTC by the clock.
    scheduler = create_scheduler(
        clock=clock,
        dispatch=lambda: _say_dispatched(dispatch_due(dispatcher)),
        plan=lambda: _say_planned(daily(deps)),
        dispatch_every=timedelta(seconds=settings.dispatch_every_seconds),
    )
    scheduler.start()
    from bot.jobs import worker_id
    from bot.worker import Worker

    # In this process by default (one command for the embedded SQLite deployment); a job a
    # stopped process left is taken up again here.
    worker = Worker(deps, name=worker_id(), threads=args.worker_threads) if args.worker else None
    if worker is not None:
        worker.start()
        log.info("running jobs in this process (%d threads)", args.worker_threads)
    try:
        return _serve(args, deps, app, settings, socket_mode)
    finally:
        if worker is not None:
            worker.stop()  # a stop asked for lets the jobs running finish (a crash: they lapse)


def _serve(
    args: argparse.Namespace, deps: Dependencies, app: App, settings: Settings, socket_mode: bool
) -> int:
    """Serve Slack's requests until told to stop."""
    if socket_mode:
        from bot.socket_mode import SocketModeServer

        log.info("listening through Socket Mode")
        # The bot's client opens the links, so SLACK_API_URL (the emulator, say) applies too.
        token = settings.require("slack_app_token")
        SocketModeServer(app, token, web_client=deps.client).serve_forever()
        return 0
    from bot.web import serve_http

    log.info("listening on http://%s:%d/slack/events", args.host, args.port)
    serve_http(
        app,
        settings.require("slack_signing_secret"),
        host=args.host,
        port=args.port,
        # Uvicorn's four start-up lines say less than the one above; its warnings still show.
        log_level="DEBUG" if args.log_level == "DEBUG" else "WARNING",
        health=lambda: _database_problem(deps),
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the workers that do the jobs people's clicks leave, as a process of their own."""
    import signal
    import threading

    from bot.jobs import worker_id
    from bot.logs import configure_logging
    from bot.worker import Worker

    configure_logging(args.log_level)
    load_settings().require("slack_bot_token")
    deps = _dependencies(_clock())
    log.info("database %s at the newest revision", _where(_database_url()))
    log.info("Slack: authenticated as %s", _authenticate(deps))
    worker = Worker(deps, name=worker_id(), threads=args.threads)
    if args.once:
        count = worker.run_due()
        print(f"ran {count} job(s)")
        return 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    worker.start()
    woken_by = (
        "LISTEN/NOTIFY" if deps.unit_of_work.engine.dialect.name == "postgresql" else "polling"
    )
    log.info("running jobs (%d threads, woken by %s)", args.threads, woken_by)
    stop.wait()
    log.info("stopping: letting running jobs finish")
    worker.stop()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the scripted case against the emulator and write what each person saw."""
    from bot.devtools.demo import FILES_DIR, run_demo

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a folder, and {out} is a file.")
    files = out / FILES_DIR
    if files.exists() and not files.is_dir():
        raise UsageError(f"The demo writes people's files into {files}, which is a file: move it.")
    result = run_demo(out, socket_mode=args.socket_mode, language=Language(args.language))
    print(f"Demo finished. What each person saw: {result.html.resolve()}")
    for path in result.texts:
        print(f"  as text: {path.resolve()}")
    if result.files is not None:
        print(f"  the files people were sent: {result.files.resolve()}")
    print(f"  the demo's database: {result.database.resolve()}")
    for printable in result.printables:
        print(f"  to print for the family: {printable.resolve()}")
    for chart in result.charts:
        print(f"  the team manager's measures chart: {chart.resolve()}")
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Serve the interactive sandbox: the real bot and the emulator behind a local web page."""
    from bot.devtools.sandbox_web.server import serve
    from bot.devtools.sandbox_web.world import DEMO_CASE, CaseFileError, load_case_file

    case = DEMO_CASE
    if args.case_file:
        try:
            case = load_case_file(Path(args.case_file))
        except CaseFileError as error:
            raise UsageError(str(error)) from error
    if args.port:
        _check_port_free("127.0.0.1", args.port)  # before a second spent starting the world
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    serve(folder / "sandbox.sqlite3", case=case, port=args.port)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write a case's record (JSON, and HTML summaries) for the authority's case record system,
    or with --person everything stored about one person (a subject access request)."""
    from sqlmodel import Session

    from bot.services.export import ExportError, export_case, export_person
    from storage.db import ensure_schema_current

    if (args.case is None) == (args.person is None):
        raise UsageError("export needs a case reference or --person, not both.")
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise UsageError(f"--out must be a folder, and {args.out} is a file.")
    engine = _existing_engine(_database_url())
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

    engine = _existing_engine(_database_url())
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

    try:
        run_standalone(
            args.port,
            args.bot_token,
            scopes_from_manifest(),
            signing_secret=args.signing_secret,
            app_url=args.app_url,
        )
    except OSError as error:
        raise UnreachableError(f"Cannot listen on port {args.port}: {error.strerror}.") from None
    return 0


def cmd_emulator_say(args: argparse.Namespace) -> int:
    """Type a slash command as a person in the running emulator, which signs it and sends it
    to the bot as Slack would; print what the person then sees."""
    import urllib.error
    import urllib.request

    from bot.devtools.emulator.server import SAY_PATH

    api_url = args.emulator or load_settings().slack_api_url
    if not api_url:
        raise ConfigError(
            "SLACK_API_URL is not set: export the line `coregroup emulator` printed, "
            "or pass --emulator."
        )
    base = api_url.rstrip("/").removesuffix("/api")
    body = json.dumps({"user": args.user, "text": args.text, "channel": args.channel}).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is the local emulator's
        f"{base}{SAY_PATH}", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            said = json.loads(answer.read())
    except urllib.error.HTTPError as error:
        try:
            reason = json.loads(error.read()).get("error", error.reason)
        except ValueError:
            reason = error.reason
        raise UsageError(f"The emulator refused: {reason}.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise UnreachableError(
            f"Cannot reach the emulator at {base}: {reason} (is `coregroup emulator` running?)."
        ) from None
    if said["status"] != 200:
        print(f"The bot answered HTTP {said['status']}.", file=sys.stderr)
        return 1
    for text in said["seen"] or ["(the bot answered, and showed nothing)"]:
        print(text)
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
    engine = _existing_engine(_database_url())
    ensure_schema_current(engine)
    with Session(engine) as session:
        teams = measure(session, period=period, now=_clock().now(), team=args.team)
        session.commit()  # the conferences' quorum counted again on the way, kept
    if not teams and args.team is None:
        print(
            "coregroup: no team has used the bot yet, so there is nothing to measure.",
            file=sys.stderr,
        )
        return 1
    if not teams:
        raise UsageError(f"no team {args.team!r}: give its workspace id or its name.")
    said = shown.period_words(period.start, period.end)
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

    engine = _existing_engine(_database_url())
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


def cmd_area_language(args: argparse.Namespace) -> int:
    """Change an area's default language (audited): new cases and people without a language of
    their own follow it; no one's own choice and no open case's language changes."""
    from bot.rules.i18n import language_named
    from bot.services.languages import change_area_language

    language = language_named(args.language)
    if language is None:
        raise UsageError(f"no language {args.language!r}: give cy, en or bilingual.")
    return _change_area(
        lambda session, actor, now: change_area_language(
            session, team=args.team, actor=actor, language=language, now=now
        )
    )


def cmd_area_rename(args: argparse.Namespace) -> int:
    """Name an area (the measures show the name for its team; until named it is its workspace
    id)."""
    from bot.services.managers import rename_area

    return _change_area(
        lambda session, actor, now: rename_area(
            session, team=args.team, name=args.name, actor=actor, now=now
        )
    )


def _change_area(change: Callable[[Session, str, datetime], str]) -> int:
    """Make one audited change to an area from the command line, as `cli:<login>`, and say it."""
    import getpass

    from sqlmodel import Session

    from bot.services.managers import ManagerError
    from storage.db import ensure_schema_current

    engine = _existing_engine(_database_url())
    ensure_schema_current(engine)
    actor = f"cli:{getpass.getuser()}"[:32]
    with Session(engine) as session:
        try:
            said = change(session, actor, _clock().now())
        except ManagerError as error:
            raise UsageError(str(error)) from None
        session.commit()
    print(said)
    return 0


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _port(value: str) -> int:
    """A TCP port number, for argparse."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a port is a number, not {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535, not {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    """The command line, one sub-command per job."""
    parser = OneLineParser(
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
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="HTTP mode: address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)",
    )
    serve.add_argument("--port", type=_port, default=3000, help="HTTP mode: port to listen on")
    serve.add_argument(
        "--log-level", type=str.upper, choices=LOG_LEVELS, default="INFO", metavar="LEVEL"
    )
    serve.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="do not run jobs in this process (a `coregroup worker` process runs them)",
    )
    serve.add_argument(
        "--worker-threads", type=int, default=2, metavar="N", help="threads running jobs"
    )
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser(
        "worker", help="run the jobs people's clicks leave, as a process of its own"
    )
    worker.add_argument("--threads", type=int, default=2, metavar="N", help="threads running jobs")
    worker.add_argument("--once", action="store_true", help="run the jobs due now, then stop")
    worker.add_argument(
        "--log-level", type=str.upper, choices=LOG_LEVELS, default="INFO", metavar="LEVEL"
    )
    worker.set_defaults(handler=cmd_worker)

    demo = commands.add_parser("demo", help="run a whole case against the emulator, offline")
    demo.add_argument("--out", default="demo-out", help="folder for the transcripts")
    demo.add_argument(
        "--socket-mode", action="store_true", help="reach the bot over Socket Mode, not HTTP"
    )
    demo.add_argument(
        "--language",
        choices=[language.value for language in Language],
        default=Language.ENGLISH.value,
        help="the area's language: en, cy (Welsh) or bilingual (Welsh first); default en",
    )
    demo.set_defaults(handler=cmd_demo)

    sandbox = commands.add_parser(
        "sandbox", help="try the bot as anyone in a browser, with made-up people, offline"
    )
    sandbox.add_argument("--port", type=_port, default=8080, help="port on 127.0.0.1 (8080)")
    sandbox.add_argument("--case-file", help="a YAML file describing the case to start with")
    sandbox.add_argument(
        "--out", default="sandbox-out", help="folder for the sandbox's fresh database"
    )
    sandbox.set_defaults(handler=cmd_sandbox)

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
    emulator.add_argument("--port", type=_port, default=0, help="port (0: any free port)")
    emulator.add_argument(
        "--bot-token", default="xoxb-emulator-bot-token", help="the bot token it accepts"
    )
    emulator.add_argument(
        "--signing-secret",
        default="emulator-signing-secret",
        help="the secret it signs requests to the bot with",
    )
    emulator.add_argument(
        "--app-url",
        default="http://127.0.0.1:3000/slack/events",
        help="where it sends slash commands, clicks and events (the bot's /slack/events)",
    )
    emulator.set_defaults(handler=cmd_emulator)
    emulator_commands = emulator.add_subparsers(dest="emulator_command", metavar="say")
    say = emulator_commands.add_parser(
        "say", help="type a slash command as a person, in the running emulator"
    )
    say.add_argument("--as", dest="user", required=True, help="the person's user id, U...")
    say.add_argument("text", help='what they type, e.g. "/coregroup help"')
    say.add_argument("--channel", help="where they type it (default: their first channel)")
    say.add_argument("--emulator", help="the emulator's SLACK_API_URL (default: $SLACK_API_URL)")
    say.set_defaults(handler=cmd_emulator_say)

    init = commands.add_parser("init", help="create the database (and its folder) and migrate it")
    init.set_defaults(handler=cmd_init)

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

    area = commands.add_parser("area", help="an area's settings")
    area_commands = area.add_subparsers(dest="area_command", required=True)
    area_language = area_commands.add_parser(
        "language",
        help="the area's default language: new cases, and people who have not chosen their own",
    )
    area_language.add_argument(
        "language", help="cy (cymraeg), en (english) or bilingual (Welsh first)"
    )
    area_language.add_argument("--team", required=True, help="the workspace id or the area's name")
    area_language.set_defaults(handler=cmd_area_language)
    rename = area_commands.add_parser(
        "rename", help="give the area the name the measures show (it starts as the workspace id)"
    )
    rename.add_argument("name", help="the team's name, e.g. 'Portsmouth North'")
    rename.add_argument("--team", required=True, help="the workspace id or the area's name")
    rename.set_defaults(handler=cmd_area_rename)

    database = commands.add_parser("db", help="database migrations")
    database_commands = database.add_subparsers(dest="db_command", required=True)
    database_commands.add_parser(
        "upgrade", help="apply migrations (creating the database if missing)"
    ).set_defaults(handler=cmd_init)
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
    except UnreachableError as error:
        print(f"coregroup: {error}", file=sys.stderr)
        return 1
    except DBAPIError as error:
        # The database went away mid-command: its own words, never the statement.
        reason = _first_line(error.orig) if error.orig is not None else _first_line(error)
        print(f"coregroup: the database failed: {reason}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
