"""The family's copy never holds professional-only content, in any output (Sussex 7.12.5)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bot.rules.escape import escape_mrkdwn
from bot.summary import (
    Audience,
    SummaryInput,
    UpdateSection,
    for_audience,
    summary_blocks,
    summary_html,
    summary_markdown,
)
from tests.summary.support import (
    PROFESSIONAL_ONLY_WORDS,
    messages_text,
    oak_family,
    parse_page,
    update,
)


def as_markdown(summary: SummaryInput, audience: Audience) -> str:
    return summary_markdown(summary, audience)


def as_html_text(summary: SummaryInput, audience: Audience) -> str:
    return parse_page(summary_html(summary, audience)).text


def as_blocks_text(summary: SummaryInput, audience: Audience) -> str:
    return messages_text(summary_blocks(summary, audience))


OUTPUTS: list[Callable[[SummaryInput, Audience], str]] = [as_markdown, as_html_text, as_blocks_text]


def test_the_professional_copy_is_the_summary_unchanged() -> None:
    summary = oak_family()

    assert for_audience(summary, Audience.PROFESSIONAL) is summary


def test_the_family_copy_drops_professional_only_text_and_marked_sections_only() -> None:
    marked = update(
        going_well="Shared strengths.",
        worries="Third-party worry.",
        next_steps="Shared next steps.",
        help_needed="Third-party help.",
        professional_only="Police intelligence.",
        professional_only_sections=frozenset({UpdateSection.WORRIES, UpdateSection.HELP_NEEDED}),
    )

    (family,) = for_audience(oak_family(updates=(marked,)), Audience.FAMILY).updates

    assert (family.going_well, family.next_steps) == ("Shared strengths.", "Shared next steps.")
    assert (family.worries, family.help_needed, family.professional_only) == (None, None, None)
    assert family.professional_only_sections == frozenset()


def test_a_professional_only_new_harm_drops_its_flag_with_its_detail() -> None:
    marked = update(
        new_harm=True,
        new_harm_detail="Reported by a neighbour.",
        professional_only_sections=frozenset({UpdateSection.NEW_HARM, UpdateSection.CHILD_SEEN}),
        child_last_seen=oak_family().conference.day,
        child_seen_alone=True,
    )

    (family,) = for_audience(oak_family(updates=(marked,)), Audience.FAMILY).updates

    assert (family.new_harm, family.new_harm_detail) == (False, None)
    assert (family.child_last_seen, family.child_seen_alone) == (None, None)


@pytest.mark.parametrize("output", OUTPUTS)
def test_professional_only_words_never_reach_the_family_copy(
    output: Callable[[SummaryInput, Audience], str],
) -> None:
    summary = oak_family(
        updates=(
            *oak_family().updates,
            update(
                name="PC Grant",
                agency="Police",
                new_harm=True,
                new_harm_detail="Harm known only from police intelligence.",
                professional_only_sections=frozenset(UpdateSection),
                going_well="Strength known only to police.",
                child_last_seen=oak_family().conference.day,
            ),
        )
    )
    hidden = [*PROFESSIONAL_ONLY_WORDS, "police intelligence", "Strength known only to police"]

    family = output(summary, Audience.FAMILY)
    professional = output(summary, Audience.PROFESSIONAL)

    for words in hidden:
        assert words in professional or escape_mrkdwn(words) in professional
        assert words not in family
    assert "professionals only" not in family
    assert "New harm reported by PC Grant" not in family


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_professional_copy_labels_what_is_for_professionals_only(
    output: Callable[[SummaryInput, Audience], str],
) -> None:
    text = output(oak_family(), Audience.PROFESSIONAL)

    assert "This is the professionals' copy" in text
    # The police worry, the police further information and the housing help needed.
    assert text.count("professionals only") >= 3


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_family_copy_says_whose_copy_it_is(
    output: Callable[[SummaryInput, Audience], str],
) -> None:
    assert "This is the family's copy" in output(oak_family(), Audience.FAMILY)


def test_the_blocks_carry_no_professional_only_words_anywhere_in_their_json() -> None:
    dumped = json.dumps(summary_blocks(oak_family(), Audience.FAMILY), ensure_ascii=False)

    for words in PROFESSIONAL_ONLY_WORDS:
        assert words not in dumped


@pytest.mark.parametrize("render", [as_markdown, as_html_text, as_blocks_text])
def test_worries_kept_from_the_family_are_said_to_be_kept_never_that_there_were_none(
    render: Callable[[SummaryInput, Audience], str],
) -> None:
    kept = update(
        worries="Mornings are hard",
        professional_only_sections=frozenset({UpdateSection.WORRIES}),
    )
    summary = oak_family(updates=(kept,))
    family = render(summary, Audience.FAMILY)
    assert "kept from the family's copy" in family
    assert "No worries were written down" not in family
    assert "Mornings are hard" in render(summary, Audience.PROFESSIONAL)
    assert "No worries were written down" in render(oak_family(updates=()), Audience.FAMILY)


@pytest.mark.parametrize("render", [as_markdown, as_html_text, as_blocks_text])
def test_a_baby_is_the_baby_in_every_copy(
    render: Callable[[SummaryInput, Audience], str],
) -> None:
    summary = oak_family(
        children="the baby", family_description=None, child_views=(), harm_to_address="Harm"
    )
    # Each copy has its own headings (the family's speak to the family); both name the baby.
    headings = {
        Audience.PROFESSIONAL: ("The baby, as the family describe them", "The baby's views"),
        Audience.FAMILY: ("The baby, in the family's own words", "The baby's own views"),
    }
    for audience in Audience:
        shown = render(summary, audience)
        for heading in headings[audience]:
            assert heading in shown
        assert "The children, as" not in shown and "The children's views" not in shown
        assert "The children, in" not in shown and "The children's own" not in shown
