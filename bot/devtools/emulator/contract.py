"""The Web API methods the emulator serves, per Slack's reference: verb, args, scopes, tier."""

from __future__ import annotations

from dataclasses import dataclass, field

# Errors any method can answer: they come from Slack's request layer, not from the method itself.
GENERIC_ERRORS: frozenset[str] = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "missing_scope",
        "invalid_arguments",
        "missing_argument",
        "unknown_method",
        "ratelimited",
        "internal_error",
        "invalid_form_data",
        "invalid_json",
        "request_timeout",
        "fatal_error",
    }
)


@dataclass(frozen=True)
class MethodContract:
    """One Web API method as the emulator serves it (checked against Slack's reference by tests)."""

    name: str
    http_method: str
    json_input: bool
    required: tuple[str, ...]
    bot_scopes: tuple[str, ...]
    tier: str
    errors: frozenset[str]
    # Slack answers some missing arguments with a method-specific error (`no_user` for `users`).
    missing_errors: dict[str, str] = field(default_factory=dict)

    def missing_error(self, argument: str) -> str:
        """The error Slack gives when `argument` is absent or empty."""
        if argument in self.missing_errors:
            return self.missing_errors[argument]
        return "missing_argument" if "missing_argument" in self.errors else "invalid_arguments"


def _m(
    name: str,
    http_method: str,
    json_input: bool,
    required: tuple[str, ...],
    bot_scopes: tuple[str, ...],
    tier: str,
    errors: set[str],
    missing_errors: dict[str, str] | None = None,
) -> MethodContract:
    return MethodContract(
        name,
        http_method,
        json_input,
        required,
        bot_scopes,
        tier,
        frozenset(errors),
        missing_errors or {},
    )


_CONVERSATION_WRITE = (
    "groups:write",
    "im:write",
    "mpim:write",
    "channels:write",
    "channels:manage",
)
_CONVERSATION_READ = ("groups:read", "im:read", "mpim:read", "channels:read")
_CONVERSATION_HISTORY = ("groups:history", "im:history", "mpim:history", "channels:history")

METHODS: dict[str, MethodContract] = {
    m.name: m
    for m in (
        _m("auth.test", "POST", True, (), (), "t5", set()),
        # Takes an app-level token, not the bot's: served by the Socket Mode hub.
        _m(
            "apps.connections.open",
            "POST",
            True,
            (),
            (),
            "t3",
            {
                "invalid_auth",
                "missing_args",
                "forbidden_team",
                "insecure_request",
                "internal_error",
            },
        ),
        _m(
            "conversations.create",
            "POST",
            True,
            ("name",),
            _CONVERSATION_WRITE,
            "t2",
            {
                "invalid_name_specials",
                "invalid_name_maxlength",
                "invalid_name_required",
                "name_taken",
                "missing_argument",
                "missing_scope",
            },
        ),
        _m(
            "conversations.invite",
            "POST",
            True,
            ("channel", "users"),
            (
                "channels:write.invites",
                "groups:write.invites",
                "channels:manage",
                "groups:write",
                "im:write",
                "mpim:write",
            ),
            "t3",
            {
                "already_in_channel",
                "cant_invite",
                "cant_invite_self",
                "channel_not_found",
                "is_archived",
                "method_not_supported_for_channel_type",
                "no_user",
                "not_in_channel",
                "ura_max_channels",
                "user_not_found",
                "missing_scope",
            },
            {"users": "no_user"},
        ),
        _m(
            "conversations.kick",
            "POST",
            True,
            ("channel",),
            ("groups:write", "channels:manage"),
            "t3",
            {
                "cant_kick_self",
                "channel_not_found",
                "method_not_supported_for_channel_type",
                "not_in_channel",
                "user_not_found",
                "missing_scope",
            },
        ),
        _m(
            "conversations.setTopic",
            "POST",
            True,
            ("channel", "topic"),
            (
                "channels:write.topic",
                "groups:write.topic",
                "mpim:write.topic",
                "im:write.topic",
                "channels:manage",
                "groups:write",
                "im:write",
                "mpim:write",
            ),
            "t2",
            {
                "channel_not_found",
                "is_archived",
                "not_in_channel",
                "too_long",
                "missing_scope",
                "method_not_supported_for_channel_type",
            },
        ),
        _m(
            "conversations.info",
            "GET",
            False,
            ("channel",),
            _CONVERSATION_READ,
            "t3",
            {"channel_not_found", "missing_scope"},
        ),
        _m(
            "users.conversations",
            "GET",
            False,
            (),
            _CONVERSATION_READ,
            "t3",
            {"invalid_cursor", "invalid_limit", "invalid_types", "missing_scope"},
        ),
        _m(
            "conversations.members",
            "GET",
            False,
            ("channel",),
            _CONVERSATION_READ,
            "t4",
            {
                "channel_not_found",
                "invalid_cursor",
                "invalid_limit",
                "missing_scope",
                "method_not_supported_for_channel_type",
            },
        ),
        _m(
            "conversations.archive",
            "POST",
            True,
            ("channel",),
            _CONVERSATION_WRITE,
            "t2",
            {
                "already_archived",
                "channel_not_found",
                "method_not_supported_for_channel_type",
                "not_in_channel",
                "missing_scope",
            },
        ),
        _m(
            "conversations.unarchive",
            "POST",
            True,
            ("channel",),
            _CONVERSATION_WRITE,
            "t2",
            {
                "channel_not_found",
                "method_not_supported_for_channel_type",
                "not_archived",
                "missing_scope",
            },
        ),
        _m(
            "conversations.history",
            "GET",
            True,
            ("channel",),
            _CONVERSATION_HISTORY,
            "t3",
            {
                "channel_not_found",
                "invalid_cursor",
                "invalid_ts_latest",
                "invalid_ts_oldest",
                "not_in_channel",
            },
        ),
        _m(
            "conversations.replies",
            "GET",
            False,
            ("channel", "ts"),
            _CONVERSATION_HISTORY,
            "t3",
            {
                "channel_not_found",
                "invalid_cursor",
                "invalid_ts_latest",
                "invalid_ts_oldest",
                "thread_not_found",
                "missing_scope",
            },
        ),
        _m(
            "conversations.open",
            "POST",
            True,
            (),
            ("channels:manage", "groups:write", "im:write", "mpim:write"),
            "t3",
            {
                "channel_not_found",
                "missing_scope",
                "user_disabled",
                "user_not_found",
                "users_list_not_supplied",
                "method_not_supported_for_channel_type",
            },
        ),
        _m(
            "chat.postMessage",
            "POST",
            True,
            ("channel",),
            ("chat:write",),
            "t5",
            {
                "channel_not_found",
                "invalid_blocks",
                "invalid_blocks_format",
                "invalid_metadata_format",
                "invalid_metadata_schema",
                "is_archived",
                "no_text",
                "not_in_channel",
                "metadata_too_large",
            },
            {"channel": "channel_not_found"},
        ),
        _m(
            "chat.postEphemeral",
            "POST",
            True,
            ("user", "channel"),
            ("chat:write",),
            "t4",
            {
                "channel_not_found",
                "invalid_blocks",
                "invalid_blocks_format",
                "is_archived",
                "msg_too_long",
                "no_text",
                "user_not_in_channel",
                "not_in_channel",
            },
        ),
        _m(
            "chat.update",
            "POST",
            True,
            ("ts", "channel"),
            ("chat:write",),
            "t3",
            {
                "cant_update_message",
                "channel_not_found",
                "invalid_blocks",
                "invalid_blocks_format",
                "invalid_metadata_format",
                "invalid_metadata_schema",
                "message_not_found",
                "msg_too_long",
                "no_text",
                "metadata_too_large",
            },
        ),
        _m(
            "chat.delete",
            "POST",
            True,
            ("ts", "channel"),
            ("chat:write",),
            "t3",
            {"cant_delete_message", "channel_not_found", "message_not_found"},
        ),
        _m(
            "pins.add",
            "POST",
            True,
            ("channel",),
            ("pins:write",),
            "t2",
            {
                "already_pinned",
                "bad_timestamp",
                "channel_not_found",
                "message_not_found",
                "no_item_specified",
                "not_in_channel",
            },
        ),
        _m(
            "views.open",
            "POST",
            True,
            ("view",),
            (),
            "t4",
            {
                "duplicate_external_id",
                "exchanged_trigger_id",
                "expired_trigger_id",
                "invalid_trigger_id",
                "view_too_large",
            },
        ),
        _m(
            "views.push",
            "POST",
            True,
            ("view",),
            (),
            "t4",
            {
                "duplicate_external_id",
                "exchanged_trigger_id",
                "expired_trigger_id",
                "invalid_trigger_id",
                "not_found",
                "push_limit_reached",
                "view_too_large",
            },
        ),
        _m(
            "views.update",
            "POST",
            True,
            ("view",),
            (),
            "t4",
            {"duplicate_external_id", "hash_conflict", "not_found", "view_too_large"},
        ),
        _m(
            "views.publish",
            "POST",
            True,
            ("user_id", "view"),
            (),
            "t4",
            {"duplicate_external_id", "hash_conflict", "view_too_large"},
        ),
        _m(
            "files.getUploadURLExternal",
            "POST",
            False,
            ("length", "filename"),
            ("files:write",),
            "t4",
            {"missing_argument"},
        ),
        _m(
            "files.completeUploadExternal",
            "POST",
            True,
            ("files",),
            ("files:write",),
            "t4",
            {
                "channel_not_found",
                "file_not_found",
                "invalid_blocks",
                "not_in_channel",
                "posting_to_channel_denied",
                "invalid_channel",
            },
        ),
        _m(
            "files.delete",
            "POST",
            True,
            ("file",),
            ("files:write",),
            "t3",
            {"cant_delete_file", "file_deleted", "file_not_found"},
        ),
        _m("users.info", "GET", False, ("user",), ("users:read",), "t4", {"user_not_found"}),
        _m(
            "users.lookupByEmail",
            "GET",
            False,
            ("email",),
            ("users:read.email",),
            "t3",
            {"users_not_found"},
        ),
    )
}

# Requests per minute per method per workspace for each tier (Slack: "t2 20+/min" etc.).
TIER_PER_MINUTE: dict[str, int] = {"t1": 1, "t2": 20, "t3": 50, "t4": 100}


def may_answer(method: str, error: str) -> bool:
    """Whether the emulator is allowed to answer `error` for `method` (declared or generic)."""
    contract = METHODS.get(method)
    return error in GENERIC_ERRORS or (contract is not None and error in contract.errors)
