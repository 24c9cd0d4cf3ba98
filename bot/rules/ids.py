"""Every Slack-facing identifier the bot uses: commands, action, block and view callback ids."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    """Slash commands declared in app_manifest.yml."""

    COREGROUP = "/coregroup"


class Event(StrEnum):
    """Events API event types the bot subscribes to (app_manifest.yml bot_events)."""

    APP_HOME_OPENED = "app_home_opened"
    MEMBER_JOINED_CHANNEL = "member_joined_channel"
    MEMBER_LEFT_CHANNEL = "member_left_channel"


class ViewId(StrEnum):
    """Modal callback ids."""

    NEW_CASE = "new_case"
    OUTCOME = "plan_outcome"
    ACTION = "plan_action"
    SCHEDULE = "meeting_schedule"
    REPRESENTATIVE = "meeting_representative"
    BRING_SOMEONE = "meeting_bring_someone"
    ATTENDANCE = "meeting_attendance"
    UPDATE = "update_submit"
    DECISION = "conference_decision"
    NOT_HELD = "meeting_not_held"
    AGENDA = "conference_agenda"


class ActionId(StrEnum):
    """Buttons and menus in the bot's messages; the value carries the record's id."""

    EDIT_OUTCOME = "plan_edit_outcome"
    EDIT_ACTION = "plan_edit_action"
    COMPLETE_ACTION = "plan_complete_action"
    RSVP_ATTENDING = "rsvp_attending"
    RSVP_REPRESENTATIVE = "rsvp_representative"
    RSVP_APOLOGIES = "rsvp_apologies"
    BRING_SOMEONE = "rsvp_bring_someone"
    RECORD_ATTENDANCE = "meeting_record_attendance"
    GIVE_UPDATE = "update_give"
    RELEASE_SUMMARY = "summary_release"
    OPEN_UPDATE = "update_open"
    ARCHIVE_CHANNEL = "case_archive_channel"
    APPROVE_REQUEST = "approval_approve"
    DECLINE_REQUEST = "approval_decline"
    EXPORT_RECORD = "case_export_record"
    # The answer to "was it held?" about a meeting whose date passed without attendance.
    MEETING_WAS_HELD = "meeting_was_held"
    MEETING_NOT_HELD = "meeting_not_held"
    # The menu on a person's Home tab that chooses the language the bot speaks to them.
    CHOOSE_LANGUAGE = "home_choose_language"


class DecisionField(StrEnum):
    """Block ids (and action ids) of the conference decision modal."""

    DECISION = "decision_what"
    CATEGORY = "decision_category"
    DISSENT = "decision_dissent"
    PLAN_CHANGES = "decision_plan_changes"


class AgendaField(StrEnum):
    """Block ids (and action ids) of the agenda modal the social worker fills in with the family."""

    CHILD_NAME = "agenda_child_name"  # numbered: agenda_child_name_1 ...
    CHILD_AGE = "agenda_child_age"  # numbered, paired with the name of the same number
    UNBORN_DUE = "agenda_unborn_due"
    FAMILY_WORDS = "agenda_family_words"
    CATEGORY = "agenda_category"
    HARM = "agenda_harm"
    IMPACT = "agenda_impact"
    ADVOCATE = "agenda_advocate"
    LANGUAGE = "agenda_language"
    INTERPRETER = "agenda_interpreter"

    def numbered(self, number: int) -> str:
        """The id of the n-th row of a repeated field."""
        return f"{self.value}_{number}"


class MeetingField(StrEnum):
    """Block ids (and action ids) of the scheduling, representative and attendance modals."""

    MEETING = "meeting_which"
    DATE = "meeting_date"
    TIME = "meeting_time"
    PLACE = "meeting_place"
    REPRESENTATIVE = "meeting_representative"
    SAME_AGENCY = "meeting_same_agency"
    SUPPORTER = "meeting_supporter"
    SUPPORTER_KIND = "meeting_supporter_kind"
    NOT_HELD_REASON = "meeting_not_held_reason"
    ATTENDANCE = "meeting_attendance"  # numbered per invitation: meeting_attendance_12

    def numbered(self, number: int) -> str:
        """The id of the row for one record."""
        return f"{self.value}_{number}"


class PlanField(StrEnum):
    """Block ids (and action ids) of the outcome and action modals."""

    WORDING = "plan_wording"
    DESCRIPTION = "plan_description"
    OWNER = "plan_owner"
    DUE = "plan_due"
    FOR_OUTCOME = "plan_for_outcome"
    STATUS = "plan_status"


class NewCaseField(StrEnum):
    """Block ids (and action ids: each input block holds one element) of the new-case modal."""

    REFERENCE = "case_reference"
    NATION = "case_nation"
    ICPC = "case_icpc"
    CHAIR = "case_chair"
    SOCIAL_WORKER = "case_social_worker"
    PROFESSIONAL = "case_professional"  # numbered: case_professional_1 ...
    AGENCY = "case_agency"  # numbered, paired with the professional of the same number
    FAMILY_ON_SLACK = "case_family_slack"
    FAMILY_OFFLINE = "case_family_offline"
    FAMILY_SEPARATE = "case_family_separate"
    PRE_BIRTH = "case_pre_birth"
    BIRTH = "case_birth"

    def numbered(self, number: int) -> str:
        """The id of the n-th row of a repeated field."""
        return f"{self.value}_{number}"


class JobId(StrEnum):
    """Stable job ids, so that re-adding a job replaces it instead of running it twice."""

    OUTBOX_DISPATCH = "outbox-dispatch"
    DAILY_PLANNING = "daily-planning"


class UpdateField(StrEnum):
    """Block ids (and action ids: each input block holds one element) of the update modal."""

    RAG = "update_rag"  # numbered by outcome id: update_rag_12 ...
    NOTE = "update_note"  # numbered by outcome id, paired with the rating of that outcome
    GOING_WELL = "update_going_well"
    WORRIES = "update_worries"
    NEW_HARM = "update_new_harm"
    NEW_HARM_DETAIL = "update_new_harm_detail"
    CHILD_LAST_SEEN = "update_child_last_seen"
    CHILD_SEEN_ALONE = "update_child_seen_alone"
    CHILD_VIEWS = "update_child_views"
    NEXT_STEPS = "update_next_steps"
    HELP_NEEDED = "update_help_needed"
    PROFESSIONAL_ONLY = "update_professional_only"
    PROFESSIONAL_ONLY_SECTIONS = "update_professional_only_sections"
    WORRY_ABOUT_SAFETY = "update_worry_about_safety"  # the family's form: a worry about safety

    def numbered(self, number: int) -> str:
        """The id of this field for one outcome (by the outcome's id)."""
        return f"{self.value}_{number}"
