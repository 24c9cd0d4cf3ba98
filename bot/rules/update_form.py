"""A member's update for a meeting: its field ids, its limits and the parsing of it, no I/O."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from bot.rules.i18n import N_, _
from bot.rules.ids import UpdateField
from bot.rules.vocabulary import Rag

Audience = Literal["professional", "family"]
AUDIENCES: tuple[Audience, ...] = ("professional", "family")

# The modal holds 3 blocks per outcome and at most 21 others, so 25 outcomes always fit in Slack's
# 100 blocks. The modal and the parser both take the first 25, so a hidden outcome is never
# demanded. Plans rarely have more than 8.
MAX_OUTCOMES = 25

YES = "yes"
NO = "no"
SAFETY = "safety"  # the value of the family's "this worry is about someone's safety" box


# The most each text field may hold: the modal sets these as max_length, and the parser checks them
# again because a crafted payload skips Slack's client.
NOTE_LIMIT = 300
TEXT_LIMIT = 3000
TEXT_LIMITS: Mapping[UpdateField, int] = {
    UpdateField.NOTE: NOTE_LIMIT,
    UpdateField.GOING_WELL: TEXT_LIMIT,
    UpdateField.WORRIES: TEXT_LIMIT,
    UpdateField.NEW_HARM_DETAIL: TEXT_LIMIT,
    UpdateField.CHILD_VIEWS: TEXT_LIMIT,
    UpdateField.NEXT_STEPS: TEXT_LIMIT,
    UpdateField.HELP_NEEDED: TEXT_LIMIT,
    UpdateField.PROFESSIONAL_ONLY: TEXT_LIMIT,
}

# Parts of a professional's update they can keep from family members (Sussex 7.12.5). The values
# are those of the summary's UpdateSection, so a stored mark means the same thing there.
MARKABLE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("going_well", N_("What is going well")),
    ("worries", N_("What worries you")),
    ("new_harm", N_("New harm")),
    ("child_seen", N_("When the child was last seen")),
    ("child_views", N_("What the child has told us")),
    ("next_steps", N_("What you will do next")),
)

_UNREADABLE = N_("Sorry, this answer didn't come through. Please give it again.")


@dataclass(frozen=True)
class UpdateDraft:
    """One version of a member's update, as they wrote it; ratings are (outcome id, rag, note)."""

    ratings: tuple[tuple[int, Rag, str | None], ...] = ()
    going_well: str | None = None
    worries: str | None = None
    new_harm: bool = False
    new_harm_detail: str | None = None
    child_last_seen: date | None = None
    child_seen_alone: bool | None = None
    child_views: str | None = None
    next_steps: str | None = None  # for the family: "what would make things better"
    help_needed: str | None = None
    professional_only: str | None = None
    professional_only_sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateMetadata:
    """What the update modal carries in private_metadata."""

    request_id: int
    audience: Audience
    on_behalf: bool


def update_metadata(request_id: int, audience: Audience, *, on_behalf: bool) -> str:
    """The modal's private_metadata: which update request, for whom, and filled in with them."""
    return json.dumps(
        {"request": request_id, "audience": audience, "on_behalf": on_behalf},
        separators=(",", ":"),
    )


def parse_metadata(private_metadata: object) -> UpdateMetadata | None:
    """Read the modal's private_metadata back; None if it is not what the modal wrote."""
    try:
        raw = json.loads(private_metadata) if isinstance(private_metadata, str) else None
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    request, audience, on_behalf = raw.get("request"), raw.get("audience"), raw.get("on_behalf")
    if type(request) is not int or not isinstance(on_behalf, bool):
        return None
    for known in AUDIENCES:
        if audience == known:
            return UpdateMetadata(request_id=request, audience=known, on_behalf=on_behalf)
    return None


class _Reader:
    """Reads one submitted modal's values, collecting inline errors instead of raising."""

    def __init__(self, values: object) -> None:
        self.values: Mapping[Any, Any] = values if isinstance(values, Mapping) else {}
        self.errors: dict[str, str] = {}

    def _element(self, block_id: str) -> Mapping[Any, Any]:
        block = self.values.get(block_id)
        element = block.get(block_id) if isinstance(block, Mapping) else None
        return element if isinstance(element, Mapping) else {}

    def text(self, field: UpdateField, block_id: str | None = None) -> str | None:
        """A text answer, stripped; None if empty; an error if unreadable or too long."""
        block_id = block_id or field.value
        value = self._element(block_id).get("value")
        if value is None:
            return None
        if not isinstance(value, str):
            self.errors[block_id] = _(_UNREADABLE)
            return None
        # PostgreSQL cannot store NUL in text, and no keyboard types it.
        value = value.replace("\x00", "").strip()
        limit = TEXT_LIMITS[field]
        if len(value) > limit:
            self.errors[block_id] = _(
                "Please keep this to {limit} characters or fewer: it is {length} now."
            ).format(limit=f"{limit:,}", length=f"{len(value):,}")
            return None
        return value or None

    def choice(self, block_id: str, allowed: Sequence[str]) -> str | None:
        """The value of the chosen radio button; None if none; an error if not one of `allowed`."""
        option = self._element(block_id).get("selected_option")
        if option is None:
            return None
        value = option.get("value") if isinstance(option, Mapping) else None
        if value not in allowed:
            self.errors[block_id] = _("Please choose one of the options.")
            return None
        return str(value)

    def day(self, block_id: str) -> date | None:
        """The date picked; None if none; an error if it is not a date."""
        value = self._element(block_id).get("selected_date")
        if value is None:
            return None
        try:
            if isinstance(value, str):
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.errors[block_id] = _("Please choose a date from the calendar.")
        return None

    def ticked(self, block_id: str) -> list[str]:
        """The values of the ticked checkboxes; an error if they cannot be read."""
        options = self._element(block_id).get("selected_options")
        if options is None:
            return []
        if not isinstance(options, list):
            self.errors[block_id] = _(_UNREADABLE)
            return []
        values = [o.get("value") for o in options if isinstance(o, Mapping)]
        return [v for v in values if isinstance(v, str)]


def _yes_no(value: str | None) -> bool | None:
    return None if value is None else value == YES


def parse_update(
    values: Mapping[str, Mapping[str, Any]],
    *,
    outcome_ids: Sequence[int],
    audience: Audience,
    today: date,
) -> tuple[UpdateDraft | None, dict[str, str]]:
    """Read the submitted update: an UpdateDraft, or errors keyed by block id to show inline."""
    f = UpdateField
    read = _Reader(values)
    family = audience == "family"
    rags = [r.value for r in Rag]

    ratings: list[tuple[int, Rag, str | None]] = []
    for outcome_id in outcome_ids[:MAX_OUTCOMES]:
        rag_block = f.RAG.numbered(outcome_id)
        rag = read.choice(rag_block, rags)
        note = read.text(f.NOTE, f.NOTE.numbered(outcome_id))
        if rag is not None:
            ratings.append((outcome_id, Rag(rag), note))
        elif rag_block in read.errors:
            continue
        elif not family:
            read.errors[rag_block] = _("Please choose Green, Amber or Red for this outcome.")
        elif note:
            # The family may leave an outcome unrated, but a note needs a rating to hang on.
            read.errors[rag_block] = _(
                "Please choose how this is going, so your words stay with it."
            )

    draft = UpdateDraft(
        ratings=tuple(ratings),
        going_well=read.text(f.GOING_WELL),
        worries=read.text(f.WORRIES),
        child_views=read.text(f.CHILD_VIEWS),
        next_steps=read.text(f.NEXT_STEPS),
    )
    if family:
        # The family's version has no professional-only part: whatever a crafted payload puts
        # there is never read, so it can never be stored. A worry marked as about safety is
        # their way of flagging new harm, and is raised at once like a professional's.
        safety = SAFETY in read.ticked(f.WORRY_ABOUT_SAFETY)
        draft = replace(draft, help_needed=read.text(f.HELP_NEEDED), new_harm=safety)
    else:
        draft = _professional_parts(read, draft, today)

    if read.errors:
        return None, read.errors
    return draft, {}


def _professional_parts(read: _Reader, draft: UpdateDraft, today: date) -> UpdateDraft:
    f = UpdateField
    new_harm = read.choice(f.NEW_HARM, (YES, NO))
    detail = read.text(f.NEW_HARM_DETAIL)
    if new_harm is None and f.NEW_HARM not in read.errors:
        read.errors[f.NEW_HARM] = _("Please say whether there has been any new incident of harm.")
    if new_harm == YES and detail is None and f.NEW_HARM_DETAIL not in read.errors:
        read.errors[f.NEW_HARM_DETAIL] = _("Please say what happened, and when.")
    last_seen = read.day(f.CHILD_LAST_SEEN)
    if last_seen is not None and last_seen > today:
        read.errors[f.CHILD_LAST_SEEN] = _(
            "This date is after today: please choose the day they were seen."
        )
    ticked = set(read.ticked(f.PROFESSIONAL_ONLY_SECTIONS))
    return replace(
        draft,
        new_harm=new_harm == YES,
        # Kept even beside "No": words about harm are never dropped.
        new_harm_detail=detail,
        child_last_seen=last_seen,
        child_seen_alone=_yes_no(read.choice(f.CHILD_SEEN_ALONE, (YES, NO))),
        professional_only=read.text(f.PROFESSIONAL_ONLY),
        # Unknown marks mean nothing and are dropped; known ones keep a stable order.
        professional_only_sections=tuple(v for v, _ in MARKABLE_SECTIONS if v in ticked),
    )
