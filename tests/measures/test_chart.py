"""The measures chart: the same figures give the same bytes, run after run and process after
process, and a long team name is laid out inside the image."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from bot.rules.measures import TeamMeasures
from bot.services.measures import Period, measure
from bot.ui.measures import chart
from storage.db import make_engine, upgrade
from tests.measures.test_known_world import build
from tests.test_cli import run

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))


def _figures(url: str) -> list[TeamMeasures]:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        build(session)
        session.commit()
        teams = measure(session, period=PERIOD, now=datetime(2026, 3, 10, tzinfo=UTC))
    engine.dispose()
    return teams


def test_the_same_figures_give_the_same_bytes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    teams = _figures(url)
    png, svg = chart(teams, "png"), chart(teams, "svg")
    assert png.startswith(b"\x89PNG") and b"<svg" in svg
    assert chart(teams, "png") == png and chart(teams, "svg") == svg
    # Another process draws the same SVG (its ids are hashed with a fixed salt, no date in it).
    env = {"DATABASE_URL": url}
    period = ("--from", "2026-01-01", "--to", "2026-03-31", "--format", "html")
    first, second = run("measures", *period, env=env), run("measures", *period, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and "<svg" in first.stdout


def test_a_long_team_name_is_drawn_whole(tmp_path: Path) -> None:
    teams = _figures(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    long_name = "Children's Safeguarding and Family Support Team (North and West)"
    svg = chart([replace(teams[0], team=long_name)]).decode()
    # The name is drawn as text (a comment carries it), and the panels start right of it.
    assert long_name.replace("'", "&#x27;") in svg or long_name in svg
    short = chart([teams[0]]).decode()
    assert _left_of_panels(svg) > _left_of_panels(short)


def _left_of_panels(svg: str) -> float:
    """Where the first panel's frame starts (its path begins `M x y`)."""
    patch = svg[svg.index('<g id="patch_2">') :]
    move = patch[patch.index(' d="M ') + 6 :]
    return float(move.split()[0])
