"""A busy person's Home tab, through the real bot: Slack refuses a view of more than 100 blocks,
so a social worker in many core groups still gets their tab, with what did not fit counted and
where to find it said."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId
from storage.models import Case, Member
from tests.flows.conftest import People, open_case

CASES = 60  # two blocks each: far more than a Home tab holds


def _copies_of_the_case(sandbox: Sandbox, user: str, count: int) -> None:
    """`count` more open cases with `user` in each, as rows (opening sixty through the form would
    test the form, not the tab)."""
    with Session(sandbox.engine) as session:
        case = session.exec(select(Case)).one()
        member = session.exec(select(Member).where(col(Member.slack_user_id) == user)).one()
        for n in range(count):
            copy = Case.model_validate(
                case.model_dump(exclude={"id", "slack_channel_id", "card_ts", "plan_ts"})
                | {"reference": f"case-{n:03d}", "slack_channel_id": f"CCOPY{n:05d}"}
            )
            session.add(copy)
            session.flush()
            session.add(
                Member.model_validate(
                    member.model_dump(exclude={"id", "case_id", "cover_member_id"})
                    | {"case_id": copy.id}
                )
            )
        session.commit()


def test_a_social_worker_in_sixty_core_groups_gets_a_home_tab_slack_accepts(
    sandbox: Sandbox, people: People
) -> None:
    open_case(sandbox, people)
    _copies_of_the_case(sandbox, people.social_worker, CASES - 1)
    emu = sandbox.emulator
    emu.open_home(people.social_worker)
    emu.deliver_pending_events()
    sandbox.settle()

    home = emu.inspector.home(people.social_worker)
    assert home is not None, "Slack refused the Home tab"
    blocks = home["blocks"]
    assert len(blocks) <= 100
    # The language menu still comes first, and the updates section still has its place.
    assert blocks[0]["block_id"] == ActionId.CHOOSE_LANGUAGE
    assert "Updates you owe" in str(blocks)
    listed = [b for b in blocks if b["type"] == "section" and "you are:" in str(b)]
    (more,) = [b for b in blocks if "more core groups" in str(b)]
    left_out = CASES - len(listed)
    assert left_out > 0
    assert more["elements"][0]["text"] == (
        f"…and {left_out} more core groups: their channels are in your Slack sidebar."
    )
    # The first ones, in order of reference, are the ones shown.
    assert "*case-000*" in str(listed[0])


def test_a_person_in_one_core_group_sees_it_and_no_count_of_more(
    sandbox: Sandbox, people: People
) -> None:
    open_case(sandbox, people)
    emu = sandbox.emulator
    emu.open_home(people.school)
    emu.deliver_pending_events()
    sandbox.settle()
    home = emu.inspector.home(people.school)
    assert home is not None
    assert "*oak-family*" in str(home["blocks"])
    assert "more core group" not in str(home["blocks"])
