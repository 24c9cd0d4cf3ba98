"""The bot's words in the reader's language: gettext catalogs managed by Babel, and dates by Babel.

Every string a person reads goes through `gettext` (`_`), `ngettext`, `pgettext` or `npgettext`
here. They translate into the language of the rendering under way, set with `speaking(locale)` (a
context variable: each request, each outbox row and each thread has its own), English by default,
so code that sets nothing says exactly what it always said.

The Welsh catalog is `bot/locale/cy/LC_MESSAGES/messages.po`, shipped as package data and compiled
in memory with Babel's API the first time Welsh is needed: nothing is compiled by hand, and no
network is used (a pure rule: it reads a file of this package, once). English needs no catalog:
the message ids are the English words.

Bilingual ("Welsh first, then English, in one message") is a matter of whole messages, not of
strings: a message is rendered once in each of `locales(language)` and the two are put together
by whoever sends it (`bot.delivery.content`).
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.rules.vocabulary import Language

ENGLISH = "en"
WELSH = "cy"
# The locales a message can be rendered in; bilingual is two renderings, Welsh first.
LOCALES = (ENGLISH, WELSH)
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"

K = TypeVar("K")

_speaking: ContextVar[str] = ContextVar("coregroup_locale", default=ENGLISH)


def catalog_path(locale: str) -> Path:
    """Where the catalog of a locale lives (its .po file, the one source of truth)."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    """The compiled catalog of a locale (English: none, its ids are its words)."""
    if locale == ENGLISH:
        return _gettext.NullTranslations()
    with catalog_path(locale).open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def locales(language: Language) -> tuple[str, ...]:
    """The renderings a language needs, in the order they are shown: Welsh first."""
    if language is Language.BILINGUAL:
        return (WELSH, ENGLISH)
    if language is Language.WELSH:
        return (WELSH,)
    return (ENGLISH,)


def locale_of(language: Language) -> str:
    """The one locale of a surface that cannot hold two renderings (a form's title, a button):
    Welsh for Welsh and bilingual readers."""
    return locales(language)[0]


def current() -> str:
    """The locale being rendered now."""
    return _speaking.get()


@contextmanager
def speaking(locale: str) -> Iterator[None]:
    """Render in `locale` for the duration of the block."""
    if locale not in LOCALES:
        raise ValueError(f"no catalog for locale {locale!r}")
    token = _speaking.set(locale)
    try:
        yield
    finally:
        _speaking.reset(token)


def speak(locale: str) -> None:
    """Render in `locale` from now on in this context (a request sets it first thing, every time,
    so no request inherits another's)."""
    if locale not in LOCALES:
        raise ValueError(f"no catalog for locale {locale!r}")
    _speaking.set(locale)


def gettext(message: str) -> str:
    """The message in the current locale."""
    return translations(_speaking.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for `n` (Welsh has six plural forms)."""
    return translations(_speaking.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """The message in the current locale, where one English word needs two Welsh ones."""
    return translations(_speaking.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """`ngettext` with a context."""
    return translations(_speaking.get()).npgettext(context, singular, plural, n)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 (the conventional name the extractor looks for)
    """Marks a string for the catalog where it is defined; translate it where it is used."""
    return message


def format_date(day: date, pattern: str) -> str:
    """A date in the current locale's words (CLDR pattern, e.g. "EEEE d MMMM y")."""
    return _formatted_date(_speaking.get(), day, pattern)


def format_datetime(instant: datetime, pattern: str) -> str:
    """A local date and time in the current locale's words (CLDR pattern)."""
    # Equal instants in two zones are equal datetimes: the zone and its offset are in the key.
    zone = (str(instant.tzinfo), instant.utcoffset())
    return _formatted_datetime(_speaking.get(), instant, zone, pattern)


# A case's few dates are written again in every answer, and Babel reads the locale's data each
# time it is given a locale's name: the words for a date are kept once made.
@lru_cache(maxsize=4096)
def _formatted_date(locale: str, day: date, pattern: str) -> str:
    return _babel_format_date(day, pattern, locale=_babel_locale(locale))


@lru_cache(maxsize=4096)
def _formatted_datetime(locale: str, instant: datetime, zone: object, pattern: str) -> str:
    return _babel_format_datetime(
        instant, pattern, tzinfo=instant.tzinfo, locale=_babel_locale(locale)
    )


@cache
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


def language_from_slack_locale(locale: str | None) -> Language | None:
    """What a Slack locale says about a person's language: Welsh for "cy" or "cy-GB"; nothing
    for any other (most Welsh speakers' Slack is in English, which says nothing of their choice,
    so the area's default stands)."""
    if locale is None:
        return None
    return Language.WELSH if locale.lower().split("-")[0].split("_")[0] == "cy" else None


def language_named(word: str) -> Language | None:
    """The language a person typed: cymraeg / welsh / cy, english / saesneg / en, bilingual /
    dwyieithog; None for anything else."""
    return _NAMES.get(word.strip().lower())


_NAMES = {
    "cymraeg": Language.WELSH,
    "welsh": Language.WELSH,
    "cy": Language.WELSH,
    "english": Language.ENGLISH,
    "saesneg": Language.ENGLISH,
    "en": Language.ENGLISH,
    "bilingual": Language.BILINGUAL,
    "dwyieithog": Language.BILINGUAL,
}


class Translated(Mapping[K, str]):
    """A map of words marked with `N_`, read in the current locale whenever it is read."""

    def __init__(self, words: Mapping[K, str]) -> None:
        self._words = dict(words)

    def __getitem__(self, key: K) -> str:
        return gettext(self._words[key])

    def __iter__(self) -> Iterator[K]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


def html_lang() -> str:
    """The `lang` of a page in the current locale (a reader's screen reader speaks by it)."""
    return "cy" if _speaking.get() == WELSH else "en-GB"
