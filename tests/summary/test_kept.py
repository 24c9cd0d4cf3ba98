"""The child's words can be kept from family members; the chair sees that, never what."""

from __future__ import annotations

from datetime import date

from bot.summary import (
    Audience,
    ChildView,
    UpdateSection,
    digest_blocks,
    digest_markdown,
    kept_from_family,
    summary_blocks,
    summary_html,
    summary_markdown,
)
from tests.summary.support import (
    block_texts,
    messages_text,
    oak_digest,
    oak_family,
    update,
)

KEPT_WORDS = "Dad's friend hurt me when Mum was out"
KEPT = ChildView("Ms Hughes", KEPT_WORDS, date(2026, 3, 9), professional_only=True)
SHARED = ChildView("Jack, through his advocate Mo", "I like school", date(2026, 3, 9))
HUGHES = update(name="Ms Hughes", worries="A worry", professional_only_sections=frozenset())


def summary():  # type: ignore[no-untyped-def]
    return oak_family(child_views=(SHARED, KEPT), updates=(HUGHES,))


def renderings(audience: Audience) -> list[str]:
    doc = summary()
    return [
        summary_markdown(doc, audience),
        summary_html(doc, audience),
        messages_text(summary_blocks(doc, audience)),
    ]


def test_the_family_copy_never_holds_a_childs_words_kept_from_family_members() -> None:
    for text in renderings(Audience.FAMILY):
        assert "I like school" in text
        assert "hurt me" not in text


def test_the_professional_copy_holds_them_marked_professionals_only() -> None:
    for text in renderings(Audience.PROFESSIONAL):
        assert "hurt me" in text
    markdown = summary_markdown(summary(), Audience.PROFESSIONAL)
    line = next(x for x in markdown.splitlines() if x.startswith("**Ms Hughes**"))
    assert "professionals only" in line


def test_the_digest_tells_the_chair_what_was_kept_by_whom_never_what_it_says() -> None:
    kept = kept_from_family(summary())
    assert [(k.by, k.sections) for k in kept] == [("Ms Hughes", (UpdateSection.CHILD_VIEWS,))]
    digest = oak_digest(kept=kept)
    for text in (digest_markdown(digest), " ".join(block_texts(digest_blocks(digest)))):
        assert "Kept from family members" in text
        assert "Ms Hughes (School): the child's words" in text
        assert "hurt me" not in text


def test_further_information_and_kept_sections_are_listed_too() -> None:
    police = update(
        name="PC Lewis",
        agency="Police",
        worries="Intelligence",
        professional_only="A third party says",
        professional_only_sections=frozenset({UpdateSection.WORRIES}),
    )
    (kept,) = kept_from_family(oak_family(child_views=(), updates=(police,)))
    assert kept.sections == (UpdateSection.WORRIES,) and kept.further_information
    assert "their worries, further information for professionals" in digest_markdown(
        oak_digest(kept=(kept,))
    )


def test_a_digest_with_nothing_kept_says_nothing_about_it() -> None:
    assert "Kept from family members" not in digest_markdown(oak_digest())
