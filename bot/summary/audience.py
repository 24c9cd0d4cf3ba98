"""The one place that decides what each audience may read: no professional-only for the family."""

from __future__ import annotations

from dataclasses import replace

from bot.summary.model import Audience, MemberUpdate, SummaryInput, UpdateSection

# What each markable section clears. The new-harm flag goes with its detail: a bare flag would
# itself disclose the withheld report.
_SECTION_FIELDS: dict[UpdateSection, dict[str, object]] = {
    UpdateSection.GOING_WELL: {"going_well": None},
    UpdateSection.WORRIES: {"worries": None},
    UpdateSection.NEW_HARM: {"new_harm": False, "new_harm_detail": None},
    UpdateSection.CHILD_SEEN: {"child_last_seen": None, "child_seen_alone": None},
    # The child's words are not part of a MemberUpdate: the summary's child views drop them.
    UpdateSection.CHILD_VIEWS: {},
    UpdateSection.NEXT_STEPS: {"next_steps": None},
    UpdateSection.HELP_NEEDED: {"help_needed": None},
}
# A section added to the vocabulary without saying what it clears would leak: fail at import.
if set(_SECTION_FIELDS) != set(UpdateSection):
    raise RuntimeError("every UpdateSection must say which fields it clears")


def for_audience(summary: SummaryInput, audience: Audience) -> SummaryInput:
    """Return the summary as `audience` may read it (Sussex 7.12.5); every renderer calls this."""
    if audience is Audience.PROFESSIONAL:
        return summary
    return replace(
        summary,
        updates=tuple(_family_copy(update) for update in summary.updates),
        child_views=tuple(view for view in summary.child_views if not view.professional_only),
    )


def _family_copy(update: MemberUpdate) -> MemberUpdate:
    cleared: dict[str, object] = {
        "professional_only": None,
        "professional_only_sections": frozenset(),
    }
    for section in update.professional_only_sections:
        cleared.update(_SECTION_FIELDS[section])
    return replace(update, **cleared)  # type: ignore[arg-type]
