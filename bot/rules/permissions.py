"""Everything a person can ask the bot to do on a case, named once (the access rules decide who)."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """Everything a person can ask the bot to do on a case."""

    VIEW_STATUS = "view_status"
    VIEW_HISTORY = "view_history"
    MANAGE_MEMBERS = "manage_members"
    CHANGE_ROLES = "change_roles"
    EDIT_PLAN = "edit_plan"
    COMPLETE_OWN_ACTION = "complete_own_action"
    SCHEDULE_MEETINGS = "schedule_meetings"
    SCHEDULE_CORE_GROUP = "schedule_core_group"
    MOVE_CONFERENCE = "move_conference"
    RECORD_DECISION = "record_decision"
    RECORD_ATTENDANCE = "record_attendance"
    REPLY_TO_INVITATION = "reply_to_invitation"
    GIVE_UPDATE = "give_update"
    UPDATE_WITH_FAMILY = "update_with_family"
    SET_AWAY = "set_away"
    PREPARE_SUMMARY = "prepare_summary"
    RELEASE_SUMMARY = "release_summary"
    ARCHIVE_CASE = "archive_case"
    VIEW_PROFESSIONAL_ONLY = "view_professional_only"
    EXPORT_CASE = "export_case"
    READ_UPDATES = "read_updates"
    RECORD_AGENDA = "record_agenda"
