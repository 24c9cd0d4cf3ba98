"""The sub-commands of /coregroup, each declared once: who may use it, whether it is slow, its help.

The access table, the dispatch table and the `help` text are all derived from `SUB_COMMANDS`, so
adding a sub-command is one declaration here plus its handler in `handlers.commands`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.rules.i18n import N_
from bot.rules.ids import Command
from bot.rules.permissions import Permission


class SubCommand(StrEnum):
    """The first word after /coregroup."""

    HELP = "help"
    NEW = "new"
    STATUS = "status"
    ADD = "add"
    REMOVE = "remove"
    HISTORY = "history"
    ROLE = "role"
    PLAN = "plan"
    OUTCOME = "outcome"
    ACTION = "action"
    FAMILY_PLAN = "family-plan"
    SEPARATE = "separate"
    SHARE = "share"
    AWAY = "away"
    BACK = "back"
    SUMMARY = "summary"
    AGENDA = "agenda"
    DECISION = "decision"
    SCHEDULE = "schedule"
    MEASURES = "measures"
    MANAGERS = "managers"
    LANGUAGE = "language"


@dataclass(frozen=True)
class Declared:
    """One sub-command as people and the access module see it."""

    name: SubCommand
    # What it needs on the channel's case; None: it works anywhere and touches no existing case.
    permission: Permission | None
    # Slow: it calls Slack on its way, so the person hears "On it…" and the answer follows.
    slow: bool
    usage: str  # how to type it, after `/coregroup`
    help: str  # one line for `/coregroup help`


# In the order `help` lists them.
SUB_COMMANDS: tuple[Declared, ...] = (
    Declared(SubCommand.HELP, None, False, "help", N_("this message")),
    Declared(
        SubCommand.NEW,
        None,
        False,
        "new",
        N_("open a case and its private core group channel (social workers)"),
    ),
    Declared(
        SubCommand.STATUS,
        Permission.VIEW_STATUS,
        False,
        "status",
        N_("the next meeting, deadlines and who has replied"),
    ),
    Declared(
        SubCommand.ADD,
        Permission.MANAGE_MEMBERS,
        True,
        "add @person agency",
        N_("add someone to the core group (social workers)"),
    ),
    Declared(
        SubCommand.REMOVE,
        Permission.MANAGE_MEMBERS,
        True,
        "remove @person",
        N_("take someone out of the core group and its channel (social workers)"),
    ),
    Declared(
        SubCommand.HISTORY,
        Permission.VIEW_HISTORY,
        False,
        "history",
        N_("recent changes to the case (social worker and chair)"),
    ),
    Declared(
        SubCommand.ROLE,
        Permission.CHANGE_ROLES,
        False,
        "role @person role",
        N_("change someone's role (social workers)"),
    ),
    Declared(SubCommand.PLAN, Permission.VIEW_STATUS, False, "plan", N_("the plan in full")),
    Declared(
        SubCommand.OUTCOME,
        Permission.EDIT_PLAN,
        False,
        "outcome",
        N_("add an outcome to the plan, in the family's words"),
    ),
    Declared(
        SubCommand.ACTION,
        Permission.EDIT_PLAN,
        False,
        "action",
        N_("add an action to the plan: who will do what, by when"),
    ),
    Declared(
        SubCommand.FAMILY_PLAN,
        Permission.MANAGE_MEMBERS,
        False,
        "family-plan on|off",
        N_("let the family edit the plan with you (social workers)"),
    ),
    Declared(
        SubCommand.SEPARATE,
        Permission.MANAGE_MEMBERS,
        True,
        "separate on|off",
        N_(
            "family members must not see each other's words: each is kept in touch by direct "
            "message, not in the channel (social workers)"
        ),
    ),
    Declared(
        SubCommand.SHARE,
        Permission.MANAGE_MEMBERS,
        True,
        "share @author @reader",
        N_(
            "with the family served separately, let one family member read what another writes "
            "(social workers)"
        ),
    ),
    Declared(
        SubCommand.AWAY,
        Permission.SET_AWAY,
        False,
        "away until YYYY-MM-DD @cover",
        N_("pause your reminders while you're away; your cover gets them instead"),
    ),
    Declared(
        SubCommand.BACK,
        Permission.SET_AWAY,
        False,
        "back",
        N_("you're back: your reminders come to you again"),
    ),
    Declared(
        SubCommand.SUMMARY,
        Permission.PREPARE_SUMMARY,
        True,
        "summary",
        N_("draft the review conference summary for the chair to release (social worker, chair)"),
    ),
    Declared(
        SubCommand.AGENDA,
        Permission.RECORD_AGENDA,
        False,
        "agenda",
        N_(
            "record the conference agenda with the family: the children, the harm and its impact, "
            "the family's own words, the child's advocate, language (social worker)"
        ),
    ),
    Declared(
        SubCommand.DECISION,
        Permission.RECORD_DECISION,
        False,
        "decision",
        N_("record what the review conference decided (chair)"),
    ),
    Declared(
        SubCommand.SCHEDULE,
        Permission.SCHEDULE_MEETINGS,
        False,
        "schedule",
        N_(
            "set the date, time and place of a core group (social worker) or move a review "
            "conference (chair)"
        ),
    ),
    # Area-level: they touch no case, and check the area's roles themselves.
    Declared(
        SubCommand.MEASURES,
        None,
        # It sends its figures after the answer itself (an area-level command, not a case's).
        False,
        "measures [quarter|month|year|YYYY-MM-DD YYYY-MM-DD]",
        N_("timeliness, quorum and attendance across the area, sent to you privately (managers)"),
    ),
    Declared(
        SubCommand.MANAGERS,
        None,
        False,
        "managers add|remove @person",
        N_("give or take away the manager role: measures, never case content (area admins)"),
    ),
    # Personal: the language the bot speaks to the person typing it, anywhere; with `area`, the
    # area's default, which its admins alone may change (checked by the languages service).
    Declared(
        SubCommand.LANGUAGE,
        None,
        False,
        "language [area] cymraeg|english|bilingual",
        N_(
            "the language I speak to you in: Welsh, English, or both with Welsh first; "
            "with `area`, the area's default (area admins)"
        ),
    ),
)

DECLARED: dict[SubCommand, Declared] = {declared.name: declared for declared in SUB_COMMANDS}


def find(word: str) -> Declared | None:
    """The declaration a typed word names, if any (case as typed is ignored)."""
    try:
        return DECLARED[SubCommand(word.lower())]
    except ValueError:
        return None


def usage(name: SubCommand) -> str:
    """How to type a sub-command, as Slack shows code: `/coregroup add @person agency`."""
    return f"`{Command.COREGROUP} {DECLARED[name].usage}`"
