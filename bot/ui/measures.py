"""The managers' measures as text, JSON, CSV, a printable HTML report and charts (figures only:
no case, child or family member is ever named)."""

from __future__ import annotations

import csv
import io
from datetime import date
from html import escape
from typing import Any

from bot.rules.i18n import _, format_date, html_lang, ngettext
from bot.rules.measures import (
    QUORUM_NOTICE_DAYS,
    Measure,
    QuorumNotice,
    Ratio,
    TeamMeasures,
    title,
)
from bot.ui.labels import AGENCY_NAMES


def _percent(ratio: Ratio) -> str:
    return "–" if ratio.percent is None else f"{ratio.percent:.0f}%"


def notice_title() -> str:
    """The quorum-notice measure's title, in the language being rendered."""
    return _("How far ahead the replies made quorum known")


def period_words(start: date, end: date) -> str:
    """A period of the measures in the reader's words ("1 Oct 2026 to 31 Dec 2026")."""
    return _("{start} to {end}").format(
        start=format_date(start, "d MMM y"), end=format_date(end, "d MMM y")
    )


def month_words(start: date) -> str:
    """A month of the measures in the reader's words ("October 2026", "Hydref 2026")."""
    return format_date(start, "LLLL y")


def _of(r: Ratio) -> str:
    return _("{numerator} of {denominator}").format(
        numerator=r.numerator, denominator=r.denominator
    )


def _median(notice: QuorumNotice) -> str:
    days = notice.median_days
    if days is None:
        return "–"
    return ngettext(
        "{days} working day", "{days} working days", 1 if days == 1 else max(int(days), 2)
    ).format(days=f"{days:g}")


def notice_figures(notice: QuorumNotice) -> list[tuple[str, str, int]]:
    """The quorum-notice measure as (name, words, conferences), each of the quorate ones (the
    name is the CSV's, kept in English; the words are the reader's)."""
    return [
        *(
            (
                f"quorum_known_{days}_working_day{'s' if days > 1 else ''}_ahead",
                ngettext(
                    "at least {days} working day ahead", "at least {days} working days ahead", days
                ).format(days=days),
                notice.at_least(days),
            )
            for days in QUORUM_NOTICE_DAYS
        ),
        ("quorum_known_on_the_day", _("only on the day"), notice.on_the_day),
        ("quorum_never_forecast", _("never forecast"), notice.never),
    ]


def _notice_line(notice: QuorumNotice) -> str:
    figures = "; ".join(f"{words}: {n}" for _name, words, n in notice_figures(notice))
    return ngettext(
        "{title}, of {n} quorate conference: median {median}; {figures}",
        "{title}, of {n} quorate conferences: median {median}; {figures}",
        notice.quorate,
    ).format(title=notice_title(), n=notice.quorate, median=_median(notice), figures=figures)


def _agency(team: TeamMeasures, agency: Any) -> str:
    return str(AGENCY_NAMES.get(agency, agency))


def as_text(teams: list[TeamMeasures], period: str) -> str:
    """Plain text: each team's ratios with numerator and denominator, then by agency."""
    lines = [measures_title(period)]
    for team in teams:
        lines += ["", team.team, "=" * len(team.team)]
        for m in Measure:
            r = team.ratio(m)
            lines.append(f"{title(m)}: {_of(r)} ({_percent(r)})")
        if team.harm.mean_hours is not None:
            lines.append(
                _("Mean time to open new harm: {hours} hours").format(
                    hours=f"{team.harm.mean_hours:.1f}"
                )
            )
        lines.append(_notice_line(team.quorum_notice))
        lines.append(_("Updates by the deadline (on time / late / missing):"))
        for u in team.updates:
            said = (
                _("{on_time} on time, {late} late, {missing} not given (of {due})")
                if u.family
                else _("{on_time} on time, {late} late, {missing} missing (of {due})")
            )
            figures = said.format(on_time=u.on_time, late=u.late, missing=u.missing, due=u.due)
            lines.append(f"  {_agency(team, u.agency)}: {figures}")
        lines.append(
            _("Attendance (came / sent someone / apologies / did not come / not recorded):")
        )
        for a in team.attendance:
            lines.append(
                f"  {_agency(team, a.agency)}: {a.came} / {a.sent_someone} / {a.apologies} / "
                f"{a.did_not_come} / {a.not_recorded} "
                + _("(of {invited})").format(invited=a.invited)
            )
    return "\n".join(lines) + "\n"


def as_rows(teams: list[TeamMeasures]) -> list[dict[str, Any]]:
    """One row per figure: team, measure, agency, numerator, denominator (CSV and JSON)."""
    rows: list[dict[str, Any]] = []
    for team in teams:
        for m in Measure:
            r = team.ratio(m)
            rows.append(_row(team.team, m.value, "", r.numerator, r.denominator))
        notice = team.quorum_notice
        for name, _words, n in notice_figures(notice):
            rows.append(_row(team.team, name, "", n, notice.quorate))
        # The median over the conferences whose quorum was known at all (the denominator).
        median = notice.median_days
        rows.append(
            _row(
                team.team,
                "quorum_known_median_working_days",
                "",
                "" if median is None else median,
                notice.quorate - notice.never,
            )
        )
        for u in team.updates:
            for what, n in (("on_time", u.on_time), ("late", u.late), ("missing", u.missing)):
                name = "not_given" if u.family and what == "missing" else what
                rows.append(_row(team.team, f"updates_{name}", u.agency.value, n, u.due))
        for a in team.attendance:
            for what, n in (
                ("came", a.came),
                ("sent_someone", a.sent_someone),
                ("apologies", a.apologies),
                ("did_not_come", a.did_not_come),
                ("not_recorded", a.not_recorded),
            ):
                rows.append(_row(team.team, f"attendance_{what}", a.agency.value, n, a.invited))
    return rows


def _row(
    team: str, measure: str, agency: str, numerator: float | str, denominator: int
) -> dict[str, Any]:
    return {
        "team": team,
        "measure": measure,
        "agency": agency,
        "numerator": numerator,
        "denominator": denominator,
    }


def as_csv(teams: list[TeamMeasures]) -> str:
    """The figures as CSV, one row per figure."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=["team", "measure", "agency", "numerator", "denominator"]
    )
    writer.writeheader()
    writer.writerows(as_rows(teams))
    return out.getvalue()


def chart(teams: list[TeamMeasures], image_format: str = "svg") -> bytes:
    """A bar chart of each team's ratio measures (percent), as SVG or PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")  # no display: the chart is only ever written out
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 6.5), dpi=100)
    axes, notice_axes = figure.subplots(2, 1, height_ratios=(3, 1.1))
    measures = list(Measure)
    width = 0.8 / max(len(teams), 1)
    for index, team in enumerate(teams):
        ratios = [team.ratio(m) for m in measures]
        values = [r.percent or 0.0 for r in ratios]
        positions = [m + index * width for m in range(len(measures))]
        axes.barh(positions, values, height=width, label=team.team)
        # Each bar says what it counts: a percentage of nothing is not a failure.
        for position, value, r in zip(positions, values, ratios, strict=True):
            said = f"{r.numerator}/{r.denominator}" if r.denominator else _("none")
            axes.text(value + 1, position, said, va="center", fontsize=7)
    axes.set_yticks([m + 0.4 - width / 2 for m in range(len(measures))])
    axes.set_yticklabels([title(m).split(" (")[0] for m in measures], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 112)
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel(_("percent"))
    axes.legend(fontsize=8, loc="lower right")
    _notice_chart(notice_axes, teams)
    _fit(figure, [*axes.get_yticklabels(), *notice_axes.get_yticklabels()])
    out = io.BytesIO()
    # The same figures give the same bytes: no date or version stamped in, and the SVG's ids
    # hashed with a fixed salt (not a random one per process).
    with matplotlib.rc_context({"svg.hashsalt": "coregroup-measures"}):
        figure.savefig(
            out,
            format=image_format,
            metadata={"Date": None, "Creator": None}
            if image_format == "svg"
            else {"Software": None},
        )
    return out.getvalue()


def _fit(figure: Any, labels: list[Any]) -> None:
    """Lay the two panels out with room for their longest label on the left (a team's name can be
    long): measured text by text, where a tight layout would draw the whole figure once more
    only to find the same margins (a third of the chart's time)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call]
    widest = max(
        (
            renderer.get_text_width_height_descent(
                label.get_text(), label.get_fontproperties(), ismath=False
            )[0]
            for label in labels
        ),
        default=0.0,
    )
    width = figure.get_figwidth() * figure.dpi
    # The labels' width, the tick's length and padding, a margin: then the panels, the bar
    # counts (drawn up to 112%) inside them; below, the x labels and the notice's legend.
    figure.subplots_adjust(
        left=min((widest + 24) / width, 0.6), right=0.98, top=0.98, bottom=0.12, hspace=0.35
    )


def _notice_bands(notice: QuorumNotice) -> list[tuple[str, int]]:
    """The quorate conferences in bands of how far ahead quorum was known, each counted once."""
    bands: list[tuple[str, int]] = []
    above, previous = 0, 0
    for days in QUORUM_NOTICE_DAYS:
        said = (
            _("{days} to {last} working days").format(days=days, last=previous - 1)
            if bands
            else _("{days}+ working days").format(days=days)
        )
        bands.append((said, notice.at_least(days) - above))
        above, previous = notice.at_least(days), days
    return [*bands, (_("on the day"), notice.on_the_day), (_("never forecast"), notice.never)]


def _notice_chart(axes: Any, teams: list[TeamMeasures]) -> None:
    """How far ahead each team's quorate conferences knew their quorum: one stacked bar each."""
    shades = ("#1b7837", "#7fbf7b", "#d9f0d3", "#f1a340", "#b2182b")
    names = [team.team for team in teams]
    left = [0] * len(teams)
    for index, (said, _count) in enumerate(_notice_bands(QuorumNotice())):
        counts = [_notice_bands(team.quorum_notice)[index][1] for team in teams]
        axes.barh(names, counts, left=left, color=shades[index], label=said, height=0.6)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.tick_params(labelsize=8)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_title(
        _("Quorate conferences: how far ahead the replies made quorum known"), fontsize=9
    )
    axes.legend(fontsize=7, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)


def as_html(teams: list[TeamMeasures], period: str) -> str:
    """A printable report: the chart (SVG, embedded) and each team's table of figures."""
    svg = chart(teams).decode()
    svg = svg[svg.index("<svg") :]
    parts = [
        f"<!doctype html><html lang='{html_lang()}'><head><meta charset='utf-8'>",
        f"<title>{escape(measures_title(period))}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:.2em .5em}"
        "td.n{text-align:right}svg{max-width:100%;height:auto}"
        "@media print{section{break-inside:avoid}}</style></head><body>",
        f"<h1>{escape(measures_title(period))}</h1>",
        f"<figure>{svg}<figcaption>"
        + escape(_("Each measure as a percentage, by team."))
        + "</figcaption></figure>",
    ]
    for team in teams:
        parts.append(f"<section><h2>{escape(team.team)}</h2><table>")
        parts.append(
            "<tr>"
            + "".join(f"<th>{escape(h)}</th>" for h in (_("Measure"), _("Met"), _("Of"), "%"))
            + "</tr>"
        )
        for m in Measure:
            r = team.ratio(m)
            parts.append(
                f"<tr><td>{escape(title(m))}</td><td class='n'>{r.numerator}</td>"
                f"<td class='n'>{r.denominator}</td><td class='n'>{_percent(r)}</td></tr>"
            )
        notice = team.quorum_notice
        quorate, median = escape(_("Quorate conferences")), escape(_("Median"))
        parts.append(
            f"</table><table><tr><th colspan='2'>{escape(notice_title())}</th></tr>"
            f"<tr><td>{quorate}</td><td class='n'>{notice.quorate}</td></tr>"
            f"<tr><td>{median}</td><td class='n'>{escape(_median(notice))}</td></tr>"
        )
        for _name, words, n in notice_figures(notice):
            known = _("Known {when}").format(when=words)
            parts.append(f"<tr><td>{escape(known)}</td><td class='n'>{n}</td></tr>")
        parts.append(
            _heading_row(
                _("Agency"), _("On time"), _("Late"), _("Missing (family: not given)"), _("Due")
            )
        )
        for u in team.updates:
            parts.append(
                f"<tr><td>{escape(_agency(team, u.agency))}</td><td class='n'>{u.on_time}</td>"
                f"<td class='n'>{u.late}</td><td class='n'>{u.missing}</td>"
                f"<td class='n'>{u.due}</td></tr>"
            )
        parts.append(
            _heading_row(
                _("Agency"),
                _("Came"),
                _("Sent someone"),
                _("Apologies"),
                _("Did not come"),
                _("Not recorded"),
            )
        )
        for a in team.attendance:
            parts.append(
                f"<tr><td>{escape(_agency(team, a.agency))}</td><td class='n'>{a.came}</td>"
                f"<td class='n'>{a.sent_someone}</td><td class='n'>{a.apologies}</td>"
                f"<td class='n'>{a.did_not_come}</td><td class='n'>{a.not_recorded}</td></tr>"
            )
        parts.append("</table></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _heading_row(*headings: str) -> str:
    """A new table whose first row holds these headings."""
    cells = "".join(f"<th>{escape(h)}</th>" for h in headings)
    return f"</table><table><tr>{cells}</tr>"


def measures_title(period: str) -> str:
    """The title of the measures for a period (also a message's notification text)."""
    return _("Measures for {period}").format(period=period)


def measures_blocks(
    teams: list[TeamMeasures], period: str, *, in_thread: bool = True
) -> list[dict[str, Any]]:
    """The Slack message: each team's ratios (the chart and CSV follow in its thread, or for a
    digest, `/coregroup measures` gives them)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": measures_title(period)}}
    ]
    for team in teams:
        lines = [f"*{escape(team.team, quote=False)}*"]
        for m in Measure:
            r = team.ratio(m)
            lines.append(f"• {title(m)}: *{_of(r)}* ({_percent(r)})")
        lines.append(f"• {_notice_line(team.quorum_notice)}")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}})
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": (
                        _("The chart and every figure by agency (CSV) are in the thread.")
                        if in_thread
                        else _("For the chart and every figure by agency: `/coregroup measures`.")
                    ),
                }
            ],
        }
    )
    return blocks


def home_blocks(teams: list[TeamMeasures]) -> list[dict[str, Any]]:
    """A manager's Home tab section: each managed team's headline figures this quarter."""
    blocks: list[dict[str, Any]] = []
    for team in teams:
        lines = [_("*{team}*: this quarter so far").format(team=escape(team.team, quote=False))]
        for m in (Measure.FIRST_CORE_GROUP, Measure.REVIEW_IN_TIME, Measure.QUORATE):
            r = team.ratio(m)
            lines.append(f"• {title(m)}: {_of(r)} ({_percent(r)})")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}})
    if blocks:
        blocks.insert(
            0, {"type": "header", "text": {"type": "plain_text", "text": _("Your area's measures")}}
        )
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": _("Every figure, a chart and a CSV: `/coregroup measures`."),
                    }
                ],
            }
        )
    return blocks
