"""Configuration, read once from the environment (and a `.env` file if present)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.rules.vocabulary import Language, Nation


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming the variable."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment. Names are the upper-case variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    database_url: str | None = None
    default_nation: Nation = Nation.ENG
    default_timezone: str = "Europe/London"
    # The language of a new area (and so of its new cases and of people who have not chosen).
    default_language: Language = Language.ENGLISH
    # How often, in seconds, the scheduler sends what is due and checks whether to plan.
    dispatch_every_seconds: float = Field(default=60.0, gt=0)
    # Where a purge writes the case's export when its area asks for one (the folder the
    # authority's record system collects from); a purge that needs it waits until it is set.
    export_dir: Path | None = None
    # Seconds before the first retry of a 5xx answer or a dropped connection (doubling after);
    # unset, the Slack SDK's waits. Against the emulator, whose failures are over at once.
    slack_first_retry_wait: float | None = Field(default=None, gt=0)
    # Rehearsals and tests only: a file holding the simulated instant all replicas share.
    clock_file: Path | None = None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError(
                "a bot token starts with xoxb- (OAuth & Permissions in the app's page)"
            )
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty value means "not set": HTTP mode.
        if value is not None and value.get_secret_value() == "":
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError(
                "an app-level token starts with xapp- (Basic Information, App-Level Tokens)"
            )
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    def resolved_database_url(self) -> str:
        """The database to use: DATABASE_URL, or a SQLite file in the user's data directory
        (named only: `coregroup init` is what creates it)."""
        if self.database_url:
            return self.database_url
        data_dir = Path(platformdirs.user_data_dir("coregroup", appauthor=False))
        return f"sqlite:///{data_dir / 'coregroup.sqlite3'}"

    def require(self, name: str) -> str:
        """The value of a secret or setting the caller cannot work without, or a ConfigError."""
        value = getattr(self, name)
        if value is None or value == "":
            raise ConfigError(f"{name.upper()} is not set: export it or put it in a .env file.")
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        return str(value)


def load_settings() -> Settings:
    """Read the settings, turning validation failures into one clear ConfigError line."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{variable} is not valid: {reason}.") from None
