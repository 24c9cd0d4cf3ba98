"""Every listener's access rule in one place: sub-commands (from their declarations), buttons and
modals; the check that applies a rule lives in `bot.services.admission`."""

from __future__ import annotations

from bot.rules.commands import SUB_COMMANDS, SubCommand
from bot.rules.ids import ActionId, ViewId
from bot.rules.permissions import Permission

# Sub-commands of /coregroup and the permission each needs on the channel's case, as declared in
# bot.rules.commands. None: the sub-command works anywhere and touches no existing case.
COMMAND_RULES: dict[SubCommand, Permission | None] = {
    declared.name: declared.permission for declared in SUB_COMMANDS
}

# Buttons and menus, by action id. Marking an action done is also open to its owner (see
# handlers.actions), which the access module checks against the action itself.
ACTION_RULES: dict[ActionId, Permission] = {
    ActionId.EDIT_OUTCOME: Permission.EDIT_PLAN,
    ActionId.EDIT_ACTION: Permission.EDIT_PLAN,
    ActionId.COMPLETE_ACTION: Permission.COMPLETE_OWN_ACTION,
    ActionId.RSVP_ATTENDING: Permission.REPLY_TO_INVITATION,
    ActionId.RSVP_REPRESENTATIVE: Permission.REPLY_TO_INVITATION,
    ActionId.RSVP_APOLOGIES: Permission.REPLY_TO_INVITATION,
    ActionId.BRING_SOMEONE: Permission.REPLY_TO_INVITATION,
    ActionId.RECORD_ATTENDANCE: Permission.RECORD_ATTENDANCE,
    # Giving an update is also checked against the update itself (its member, their cover, or
    # the social worker with a family member): see bot.services.access.check_give_update.
    ActionId.GIVE_UPDATE: Permission.GIVE_UPDATE,
    ActionId.RELEASE_SUMMARY: Permission.RELEASE_SUMMARY,
    ActionId.OPEN_UPDATE: Permission.READ_UPDATES,
    ActionId.ARCHIVE_CHANNEL: Permission.ARCHIVE_CASE,
    # Agreeing to a stand-in or supporter: the social worker, checked against the request itself
    # in bot.services.approvals.answer.
    ActionId.APPROVE_REQUEST: Permission.MANAGE_MEMBERS,
    ActionId.DECLINE_REQUEST: Permission.MANAGE_MEMBERS,
    # Exporting before a purge is for the same two people as archiving: the case's holders.
    ActionId.EXPORT_RECORD: Permission.ARCHIVE_CASE,
    # "Was it held?": whoever may record who came may say whether it happened.
    ActionId.MEETING_WAS_HELD: Permission.RECORD_ATTENDANCE,
    ActionId.MEETING_NOT_HELD: Permission.RECORD_ATTENDANCE,
}

# Menus about the person using them alone, never a case: anyone may use them, for themselves
# only (the language the bot speaks to them, on their own Home tab). Their listener takes the
# person from Slack's signed payload, never from the menu's value, and answers only a Home tab.
PERSONAL_ACTIONS: frozenset[ActionId] = frozenset({ActionId.CHOOSE_LANGUAGE})

# Modal submissions about an existing case, by callback id.
VIEW_RULES: dict[ViewId, Permission] = {
    ViewId.OUTCOME: Permission.EDIT_PLAN,
    ViewId.ACTION: Permission.EDIT_PLAN,
    ViewId.SCHEDULE: Permission.SCHEDULE_MEETINGS,
    ViewId.REPRESENTATIVE: Permission.REPLY_TO_INVITATION,
    ViewId.BRING_SOMEONE: Permission.REPLY_TO_INVITATION,
    ViewId.ATTENDANCE: Permission.RECORD_ATTENDANCE,
    ViewId.UPDATE: Permission.GIVE_UPDATE,
    ViewId.DECISION: Permission.RECORD_DECISION,
    ViewId.NOT_HELD: Permission.RECORD_ATTENDANCE,
    ViewId.AGENDA: Permission.RECORD_AGENDA,
}
# Modals that touch no existing case (opening one; guests are turned away when it opens).
CASELESS_VIEWS = frozenset({ViewId.NEW_CASE})
