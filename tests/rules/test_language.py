"""Restorative language prompts: what is offered, what is left alone, harm never softened."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.language import NSPCC, NSPCC_RESTORATIVE, SEED_003, TACT, Reframe, suggest_reframes


def found(text: str) -> list[str]:
    return [reframe.found for reframe in suggest_reframes(text)]


@pytest.mark.parametrize(
    ("text", "phrase", "suggestion_says", "source"),
    [
        pytest.param(
            "Professionals noted a lack of engagement with the parenting course.",
            "lack of engagement",
            "how you know",
            NSPCC_RESTORATIVE,
            id="lack-of-engagement",
        ),
        pytest.param(
            "Mum failed to engage with the health visitor.",
            "failed to engage",
            "how you know",
            NSPCC_RESTORATIVE,
            id="failed-to-engage",
        ),
        pytest.param(
            "Dad has been non-compliant with the safety plan.",
            "non-compliant",
            "how you know",
            NSPCC_RESTORATIVE,
            id="non-compliant",
        ),
        pytest.param(
            "The family were uncooperative at the visit.",
            "uncooperative",
            "how you know",
            NSPCC_RESTORATIVE,
            id="uncooperative",
        ),
        pytest.param(
            "There are signs of disguised compliance.",
            "disguised compliance",
            "how you know",
            NSPCC_RESTORATIVE,
            id="disguised-compliance",
        ),
        pytest.param(
            "Ava did not attend her dental appointment on 3 March.",
            "did not attend",
            "was not brought",
            NSPCC,
            id="did-not-attend-an-appointment",
        ),
        pytest.param(
            "They are a hard to reach family.",
            "hard to reach",
            "barrier to access",
            NSPCC,
            id="hard-to-reach",
        ),
        pytest.param(
            "School describe Jay as attention seeking in class.",
            "attention seeking",
            "attention needing",
            NSPCC,
            id="attention-seeking",
        ),
        pytest.param(
            "Contact with dad will stay at the weekend.",
            "Contact with dad",
            "family time",
            TACT,
            id="contact-with-dad",
        ),
        pytest.param(
            "Her placement with the foster carers is settled.",
            "placement",
            "home",
            TACT,
            id="placement",
        ),
        pytest.param(
            "Challenging behaviour at bedtime has reduced.",
            "Challenging behaviour",
            "distressed behaviour",
            TACT,
            id="challenging-behaviour",
        ),
    ],
)
def test_each_phrase_in_domain_is_offered_a_reframe_with_its_source(
    text: str, phrase: str, suggestion_says: str, source: str
) -> None:
    (reframe,) = suggest_reframes(text)
    assert reframe.found == phrase
    assert suggestion_says in reframe.suggestion
    assert reframe.why
    assert reframe.source == source


def test_seed_003_worry_is_offered_as_a_question_not_also_as_a_label() -> None:
    text = "I am worried your lack of engagement means the children will continue to be at risk"
    (reframe,) = suggest_reframes(text)
    assert reframe.found == "worried your lack of engagement"
    assert "What could you do that would reduce professionals' concerns?" in reframe.suggestion
    assert reframe.source == SEED_003


def test_matching_ignores_case_and_keeps_the_words_as_written() -> None:
    assert found("NON-COMPLIANT and Hard-To-Reach") == ["NON-COMPLIANT", "Hard-To-Reach"]


def test_reframes_come_in_the_order_the_phrases_occur() -> None:
    text = "Placement is stable, contact with mum is weekly, but there is challenging behaviour."
    assert found(text) == ["Placement", "contact with mum", "challenging behaviour"]


def test_a_phrase_used_twice_is_offered_once() -> None:
    text = "Dad failed to engage in May and failed to engage again in June."
    assert found(text) == ["failed to engage"]


def test_variants_of_one_phrase_count_as_that_phrase() -> None:
    assert found("supervised contact, then contact with his nan") == ["supervised contact"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("I contacted dad on Monday.", id="contacted"),
        pytest.param("Please update your contact details.", id="contact-details"),
        pytest.param("The school nurse is the point of contact.", id="point-of-contact"),
        pytest.param("I have been in contact with mum about the visit.", id="in-contact-with"),
        pytest.param("Police have had direct contact with the family.", id="direct-contact"),
        pytest.param("The social worker had contact with the school.", id="contact-with-agency"),
        pytest.param("Mum did not attend the core group.", id="adult-not-at-a-meeting"),
        pytest.param("Ella starts a work placement in June.", id="work-placement"),
        pytest.param("The court made a placement order.", id="placement-order"),
        pytest.param("The team is engaged and the plan is working.", id="engaged"),
    ],
)
def test_conservative_matching_leaves_other_senses_alone(text: str) -> None:
    assert suggest_reframes(text) == []


HARM_FACTS = [
    "Dad hit Sam across the face and left a bruise.",
    "The injury to her arm was not explained.",
    "Police are investigating an assault on mum.",
    "Ava disclosed sexual abuse to her teacher.",
    "The baby had a fracture; neglect is the category.",
    "He was strangled during the incident and threatened with a knife.",
    "Domestic abuse incident reported; the children were present.",
]


HARM_WORDS = ("hit", "bruise", "injury", "assault", "abuse", "fracture", "neglect", "strangled")


@pytest.mark.parametrize("text", HARM_FACTS)
def test_facts_about_harm_are_never_flagged(text: str) -> None:
    assert suggest_reframes(text) == []


def test_harm_beside_a_flagged_phrase_is_left_as_written() -> None:
    text = "Dad hit Sam during supervised contact, causing an injury."
    (reframe,) = suggest_reframes(text)
    assert reframe.found == "supervised contact"
    for harm in ("hit", "injury"):
        assert harm not in reframe.found.lower()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *HARM_FACTS,
                "lack of engagement",
                "did not attend the clinic",
                "supervised contact",
                "placement",
                "hard to reach",
                "the plan",
                "contacted",
                " ",
                ". ",
            ]
        ),
        max_size=8,
    ).map("".join)
)
def test_every_reframe_quotes_the_text_once_and_never_a_harm_word(text: str) -> None:
    reframes: list[Reframe] = suggest_reframes(text)
    words = [reframe.found.lower() for reframe in reframes]
    assert all(reframe.found in text for reframe in reframes)
    assert len(words) == len(set(words))
    assert not any(harm in word for word in words for harm in HARM_WORDS)
