"""Who reads the bot in which language.

A person reads direct messages, forms and the Home tab in their own language: the one they chose
(`/coregroup language`), else the one their Slack locale says (Welsh), else their area's default.
A case's channel posts and documents are in the case's language (the area's default when the case
opened). Changing the area's default (its admins: `/coregroup language area ...`) never changes a
person's choice, which is its own row, nor the language of a case already open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Executable, bindparam, func, type_coerce
from sqlmodel import Session, col, select

from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import _, language_from_slack_locale, locale_of, locales, speaking
from bot.rules.messages import is_user_id
from bot.rules.vocabulary import Language
from bot.rules.work import Work
from bot.services import audit, jobs
from bot.services.managers import find_area, is_admin
from bot.ui.bilingual import Render, rendered
from bot.ui.labels import LANGUAGE_NAMES
from storage.models import Area, Case, Member, PersonLanguage
from storage.types import EnumText

if TYPE_CHECKING:
    from bot.deps import Dependencies


def _language_of_request() -> Executable:
    """A person's language as one statement (it runs before every listener): their own, else
    their workspace's area's, else that of the latest case they are in."""
    own = select(PersonLanguage.language).where(
        col(PersonLanguage.slack_user_id) == bindparam("user")
    )
    of_team = select(Area.language).where(col(Area.slack_team_id) == bindparam("team")).limit(1)
    of_case = (
        select(Area.language)
        .join(Case, col(Case.area_id) == col(Area.id))
        .join(Member, col(Member.case_id) == col(Case.id))
        .where(col(Member.slack_user_id) == bindparam("user"))
        .order_by(col(Member.id).desc())
        .limit(1)
    )
    found = func.coalesce(
        own.scalar_subquery(), of_team.scalar_subquery(), of_case.scalar_subquery()
    )
    return select(type_coerce(found, EnumText(Language)))


LANGUAGE_OF_REQUEST = _language_of_request()


def area_of_team(session: Session, team_id: str | None) -> Area | None:
    """The area of a Slack workspace, if the bot has one for it."""
    if not team_id:
        return None
    return session.exec(select(Area).where(col(Area.slack_team_id) == team_id)).first()


def person_language(
    session: Session,
    user_id: str,
    *,
    area: Area | None = None,
    team_id: str | None = None,
    default: Language = Language.ENGLISH,
) -> Language:
    """The language a person reads the bot in: their own, else their `area`'s; not given one,
    their workspace's area's, else that of the latest case they are in (`default`: before the bot
    knows their area, the language a new area would have)."""
    if area is not None:
        row = session.get(PersonLanguage, user_id)
        return row.language if row is not None else area.language
    found = session.execute(LANGUAGE_OF_REQUEST, {"user": user_id, "team": team_id}).scalar()
    return found if found is not None else default


def recipient_language(session: Session, recipient: str, *, case_id: int | None = None) -> Language:
    """The language of an outbox row's recipient: a person's own, or a channel's case's."""
    case = session.get(Case, case_id) if case_id is not None else None
    if is_user_id(recipient):
        area = session.get(Area, case.area_id) if case is not None else None
        return person_language(session, recipient, area=area)
    by_channel = session.exec(select(Case).where(col(Case.slack_channel_id) == recipient)).first()
    found = by_channel or case
    return found.bot_language if found is not None else Language.ENGLISH


def note_slack_locale(session: Session, user_id: str, locale: str | None, now: datetime) -> None:
    """Take a person's first language from their Slack locale, never over their own choice."""
    said = language_from_slack_locale(locale)
    if said is None:
        return
    row = session.get(PersonLanguage, user_id)
    if row is None:
        session.add(
            PersonLanguage(slack_user_id=user_id, language=said, chosen=False, changed_at=now)
        )
    elif not row.chosen and row.language != said:
        row.language = said
        row.changed_at = now
        session.add(row)


def choose_language(
    deps: Dependencies,
    *,
    team_id: str,
    user_id: str,
    language: Language,
    then: Sequence[Work] = (),
) -> str:
    """`/coregroup language ...` or the Home tab's menu: store the person's choice (audited),
    with the work it leaves (`then`, say re-publishing their Home tab); the answer, in it."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        area = area_of_team(session, team_id)
        row = session.get(PersonLanguage, user_id)
        before = person_language(session, user_id, area=area)
        if row is None:
            row = PersonLanguage(slack_user_id=user_id, language=language)
        row.language = language
        row.chosen = True
        row.changed_at = now
        session.add(row)
        audit.record(
            session,
            actor=user_id,
            action=AuditAction.LANGUAGE_CHOSEN,
            at=now,
            area_id=area.id if area is not None else None,
            before=before.value,
            after=language.value,
        )
        jobs.add(session, then, now=now)
    return in_language(language, lambda: chosen_text(language))


def change_area_language(
    session: Session,
    *,
    team: str,
    actor: str,
    language: Language,
    now: datetime,
    named: str | None = None,
) -> str:
    """Set an area's default language (audited, before and after); what was done, in a sentence.

    It changes what new cases speak and what people read who have no language of their own yet
    (no choice, no Welsh Slack locale). It never touches a person's row: a choice stays theirs.
    Nor does it touch an open case's channel: a core group's posts do not switch language in the
    middle of a plan unless the case's own people decide so.
    """
    area = find_area(session, team)
    name = LANGUAGE_NAMES[language]
    called = named or area.name  # in Slack, "this area": one made there is named by its id
    if area.language is language:
        return _("The default language of {area} is already {language}.").format(
            area=called, language=name
        )
    before = area.language
    area.language = language
    session.add(area)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.AREA_LANGUAGE_CHANGED,
        at=now,
        area_id=area.id,
        before=before.value,
        after=language.value,
    )
    return _(
        "The default language of {area} is now {language}: new cases, and people who have not "
        "chosen a language of their own, are spoken to in it. Cases already open keep their "
        "language, and anyone who chose their own keeps it."
    ).format(area=called, language=name)


def area_language_in_slack(
    deps: Dependencies, *, team_id: str, actor: str, language: Language
) -> str:
    """`/coregroup language area ...`: an admin of the workspace's area alone may; the answer."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        area = area_of_team(session, team_id)
        if area is None or not is_admin(session, area_id=area.id or 0, user_id=actor):
            return _(
                "Sorry, only an admin of this area can change its default language. You can "
                "still choose your own: `/coregroup language cymraeg|english|bilingual`, or "
                "the menu on my Home tab."
            )
        return change_area_language(
            session, team=team_id, actor=actor, language=language, now=now, named=_("this area")
        )


def chosen_text(language: Language) -> str:
    """The answer to a choice of language (said in the language chosen)."""
    if language is Language.BILINGUAL:
        return _(
            "I'll speak to you in Welsh and English from now on, Welsh first: direct messages "
            "and reminders. Posts in a case's channel follow the case's language."
        )
    if language is Language.WELSH:
        return _(
            "I'll speak to you in Welsh from now on: direct messages, forms and reminders. "
            "Posts in a case's channel follow the case's language."
        )
    return _(
        "I'll speak to you in English from now on: direct messages, forms and reminders. "
        "Posts in a case's channel follow the case's language."
    )


def in_language(language: Language, words: Callable[[], str]) -> str:
    """A short text in a language: both renderings, Welsh first, for bilingual."""
    said = []
    for locale in locales(language):
        with speaking(locale):
            said.append(str(words()))
    return "\n\n".join(said)


def locale_for(deps: Dependencies, *, user_id: str | None, team_id: str | None) -> str:
    """The locale of what the bot answers a person in a request (a form has room for one)."""
    if not user_id:
        return locale_of(Language.ENGLISH)
    # One read on a pooled connection: no session, no transaction of its own to commit.
    with deps.unit_of_work.engine.connect() as connection:
        found = connection.execute(LANGUAGE_OF_REQUEST, {"user": user_id, "team": team_id})
        language = found.scalar()  # as `person_language` finds it, without a session
    return locale_of(language or deps.settings.default_language)


def tell_person(
    deps: Dependencies,
    user_id: str,
    render: Render,
    *,
    metadata: dict[str, Any] | None = None,
) -> tuple[str, str]:
    """Post a direct message in the person's own language (whoever's request it comes from);
    returns (channel, ts) as the gateway does."""
    with deps.unit_of_work() as session:
        language = person_language(session, user_id, default=deps.settings.default_language)
    said = rendered(language, render)
    return deps.gateway.post(user_id, said["text"], said["blocks"], metadata=metadata)
