"""When an update raises new harm at once with the social worker and chair (no I/O)."""

from __future__ import annotations

from bot.rules.update_form import UpdateDraft


def raises_new_harm(previous: UpdateDraft | None, draft: UpdateDraft) -> bool:
    """Whether this version flags new harm that the previous one did not already report.

    A first flag raises it, and so does changed detail (more has happened, or more is known);
    a later version repeating the same report does not raise it a second time.
    """
    if not draft.new_harm:
        return False
    if previous is None or not previous.new_harm:
        return True
    return (draft.new_harm_detail or "") != (previous.new_harm_detail or "")
