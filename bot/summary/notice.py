"""The written notice of a review conference's decision, for everyone and as a printable page.

It says what was decided and under which category, what changed in the plan, when the core group
next meets, any disagreement in the person's own words, and how to disagree or complain. When a
plan ends, it thanks the family for their work first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.rules.escape import escape_mrkdwn
from bot.rules.family import FamilyHelp, children_words
from bot.rules.i18n import _, gettext, html_lang, ngettext, npgettext, pgettext
from bot.rules.vocabulary import Category, Decision
from bot.ui.labels import CATEGORY_WORDS


@dataclass(frozen=True)
class DecisionNotice:
    """Everything the notice says, as plain values."""

    reference: str
    decision: Decision
    category: Category | None
    plan_changes: str | None
    next_core_group: str | None  # e.g. "Thu 4 Mar 2027 at 10:00", or "due by Thu 4 Mar 2027"
    next_review: str | None
    dissent: str | None
    help: FamilyHelp
    pre_birth: bool = False
    # The review in the case's nation's words, mid-sentence: "review conference", "review CPPM".
    review: str = "review conference"


@dataclass(frozen=True)
class Part:
    """One heading of the notice and its paragraphs; `quoted` paragraphs are people's words."""

    heading: str
    paragraphs: tuple[str, ...]
    quoted: tuple[str, ...] = ()
    link: tuple[str, str] | None = None  # (address, words)


def notice_text(reference: str, review: str = "review conference") -> str:
    """The notice's notification text: the case reference and nothing else (`review`: the
    review in the case's nation's words)."""
    return _("The {review}'s decision for {reference}").format(review=review, reference=reference)


def notice_parts(notice: DecisionNotice) -> list[Part]:
    """The notice's parts in order; every renderer (Slack, HTML) lays out these."""
    children = _(children_words(notice.pre_birth))
    parts: list[Part] = []
    if notice.decision != Decision.CONTINUE:
        parts.append(
            Part(
                _("Thank you"),
                (
                    _(
                        "Thank you to your family for all the work you have done for {children}. "
                        "The changes you made are why the plan can end."
                    ).format(children=children),
                ),
            )
        )
    parts.append(Part(_("What was decided"), (_decided(notice),)))
    changed = _("What changed in the plan")
    if notice.plan_changes:
        parts.append(Part(changed, (), quoted=(notice.plan_changes,)))
    else:
        parts.append(Part(changed, (_("The chair did not record any changes to the plan."),)))
    parts.append(Part(_("What happens next"), _next(notice)))
    if notice.dissent:
        parts.append(
            Part(
                _("Not everyone agreed"),
                (_("The chair wrote down what was said, in the person's own words:"),),
                quoted=(notice.dissent,),
            )
        )
    parts.append(_disagree(notice.help))
    return parts


def _decided(notice: DecisionNotice) -> str:
    if notice.decision == Decision.CONTINUE:
        category = CATEGORY_WORDS[notice.category] if notice.category else _("not recorded")
        return _(
            "The {review} decided to continue the child protection plan. Its category is "
            "{category}."
        ).format(review=notice.review, category=category)
    if notice.decision == Decision.STEP_DOWN:
        return _(
            "The {review} decided to end the child protection plan. Your family carries on with "
            "a child in need plan, with help from the people who know you."
        ).format(review=notice.review)
    return _("The {review} decided to end the child protection plan, with no further plan.").format(
        review=notice.review
    )


def _next(notice: DecisionNotice) -> tuple[str, ...]:
    if notice.decision != Decision.CONTINUE:
        return (
            _("Your social worker will explain what happens next. No more reminders are sent."),
        )
    lines = []
    if notice.next_core_group:
        lines.append(_("The core group next meets: {when}.").format(when=notice.next_core_group))
    if notice.next_review:
        lines.append(
            _("The next {review} is due by {day}.").format(
                review=notice.review, day=notice.next_review
            )
        )
    lines.append(_("Updates carry on as before."))
    return tuple(lines)


def _disagree(help: FamilyHelp) -> Part:
    said = help.complaints_text or _(
        "Please tell your social worker or the chair. They will explain how to disagree with "
        "the decision or make a complaint."
    )
    link = (help.complaints_url, _("How to disagree or complain")) if help.complaints_url else None
    return Part(_("If you disagree"), (said,), link=link)


def notice_blocks(notice: DecisionNotice) -> list[dict[str, Any]]:
    """The notice as one Slack message's blocks; people's words escaped and quoted."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": _("Decision: {reference}").format(reference=notice.reference)[:150],
            },
        }
    ]
    for part in notice_parts(notice):
        lines = [f"*{part.heading}*", *(escape_mrkdwn(p) for p in part.paragraphs)]
        lines += [
            "\n".join(f"> {line}" for line in escape_mrkdwn(q).split("\n")) for q in part.quoted
        ]
        if part.link:
            lines.append(f"<{escape_mrkdwn(part.link[0])}|{part.link[1]}>")
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}}
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": _("This is the written notice of the decision.")}
            ],
        }
    )
    return blocks


def _quoted(words: str) -> str:
    return "\n".join(f"> {line}" for line in escape_mrkdwn(words).split("\n"))


def notice_html(notice: DecisionNotice) -> str:
    """The notice as one printable HTML page (autoescaped)."""
    return (
        _html()
        .get_template("notice.html.j2")
        .render(notice=notice, parts=notice_parts(notice), lang=html_lang())
    )


@cache
def _html() -> Environment:
    environment = Environment(
        loader=PackageLoader("bot.summary", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Templates speak the language of the rendering under way (bot.rules.i18n.speaking).
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    return environment
