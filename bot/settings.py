"""Settings from the environment (app.py loads a .env file into it first).

Every problem stops start-up with one line naming the setting and how to fix it;
nothing has a default secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import phonenumbers

from bot.durations import ACCEPTED_FORMS, parse_duration
from bot.statistics.schedule import DEFAULT as DEFAULT_DIGEST
from bot.statistics.schedule import DEFAULT_SCHEDULE, DigestSchedule, parse_schedule

KNOWN_DESTINATIONS = ("file",)


class SettingsError(ValueError):
    """One line: which setting is wrong and how to fix it."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    inbox_file: Path
    inbox_destinations: tuple[str, ...]
    delivery_max_attempts: int
    delivery_backoff_seconds: float
    delivery_backoff_max_seconds: float
    draft_keep_days: int
    phone_region: str
    understand_answers: bool  # note answers from the reporter's words and offer them to confirm
    flow_file: Path | None
    guidance_file: Path | None
    log_level: str
    shutdown_grace_seconds: float = 10.0  # SHUTDOWN_GRACE: how long a stop may take
    delivery_lease_seconds: float = 30.0  # DELIVERY_LEASE: how soon a dead worker's delivery is retried
    # RETENTION_CLOSED: how long a closed report is kept before it is purged; None: "never".
    retention_closed: timedelta | None = timedelta(days=400)
    # STATS_DIGEST: when the weekly statistics go to the Slack and Teams security channels (None: off)
    stats_digest: DigestSchedule | None = DEFAULT_SCHEDULE
    # CAMPAIGN_ALERT_AT: a notice in the security channels when a campaign reaches this many reports
    campaign_alert_at: int = 3
    # Encryption at rest (storage.protection.keys reads these; docs/data-protection.md).
    data_key: str | None = field(default=None, repr=False)  # TIPLINE_DATA_KEY
    data_keys: str | None = field(default=None, repr=False)  # TIPLINE_DATA_KEYS: old ones first, newest last
    key_file: Path | None = None  # KEY_FILE
    generated_key_file: Path | None = None  # the embedded default's own key, made on first run


def load_settings(env: Mapping[str, str], base_dir: Path) -> Settings:
    var = base_dir / "var"
    settings = Settings(
        database_url=_str(env, "DATABASE_URL", f"sqlite+aiosqlite:///{var / 'tipline.db'}"),
        inbox_file=_path(env, "INBOX_FILE", base_dir) or var / "inbox.jsonl",
        inbox_destinations=_names(env, "INBOX_DESTINATIONS", "file"),
        delivery_max_attempts=_int(env, "DELIVERY_MAX_ATTEMPTS", 8, minimum=1),
        delivery_backoff_seconds=_float(env, "DELIVERY_BACKOFF_SECONDS", 2.0),
        delivery_backoff_max_seconds=_float(env, "DELIVERY_BACKOFF_MAX_SECONDS", 900.0),
        draft_keep_days=_int(env, "DRAFT_KEEP_DAYS", 30, minimum=1),
        phone_region=_str(env, "PHONE_REGION", "GB").upper(),
        understand_answers=_on_off(env, "UNDERSTAND_ANSWERS", True),
        flow_file=_path(env, "FLOW_FILE", base_dir),
        guidance_file=_path(env, "GUIDANCE_FILE", base_dir),
        log_level=_str(env, "LOG_LEVEL", "INFO").upper(),
        shutdown_grace_seconds=_float(env, "SHUTDOWN_GRACE", 10.0),
        delivery_lease_seconds=_float(env, "DELIVERY_LEASE", 30.0),
        retention_closed=_retention(env, "RETENTION_CLOSED", timedelta(days=400)),
        stats_digest=_digest(env, "STATS_DIGEST"),
        campaign_alert_at=_alert_at(env, "CAMPAIGN_ALERT_AT", 3),
        data_key=env.get("TIPLINE_DATA_KEY", "").strip() or None,
        data_keys=env.get("TIPLINE_DATA_KEYS", "").strip() or None,
        key_file=_path(env, "KEY_FILE", base_dir),
        generated_key_file=var / "tipline.key",
    )
    _check(settings)
    return settings


def _check(s: Settings) -> None:
    scheme = s.database_url.split(":", 1)[0].lower()
    if scheme not in ("sqlite", "sqlite+aiosqlite", "postgresql", "postgres", "postgresql+asyncpg"):
        raise SettingsError(
            f"DATABASE_URL: '{scheme}' databases are not supported; use sqlite+aiosqlite:///path/to/file.db "
            "or postgresql+asyncpg://user@host/dbname"
        )
    for name in s.inbox_destinations:
        if name not in KNOWN_DESTINATIONS:
            raise SettingsError(
                f"INBOX_DESTINATIONS: unknown destination '{name}'; "
                f"choose from {', '.join(KNOWN_DESTINATIONS)}"
            )
    if s.delivery_backoff_seconds > s.delivery_backoff_max_seconds:
        raise SettingsError(
            "DELIVERY_BACKOFF_SECONDS is larger than DELIVERY_BACKOFF_MAX_SECONDS; "
            "make the first retry delay no longer than the longest one"
        )
    if s.phone_region not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingsError(
            f"PHONE_REGION: '{s.phone_region}' is not a two-letter country code such as GB, US or DE"
        )
    if s.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("LOG_LEVEL: use one of DEBUG, INFO, WARNING, ERROR")
    for name, path in (("FLOW_FILE", s.flow_file), ("GUIDANCE_FILE", s.guidance_file)):
        if path is not None and not path.is_file():
            raise SettingsError(
                f"{name}: no file at {path}; fix the path or remove the setting to use the default"
            )


def _on_off(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("on", "true", "yes", "1"):
        return True
    if raw in ("off", "false", "no", "0"):
        return False
    usual = "on" if default else "off"
    raise SettingsError(f"{name}: '{raw}' is not on or off; use on or off ({usual} is the default)")


def _retention(env: Mapping[str, str], name: str, default: timedelta) -> timedelta | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() == "never":
        return None
    try:
        value = parse_duration(raw)
    except ValueError:
        raise SettingsError(
            f"{name}: '{raw}' is not a length of time; write {ACCEPTED_FORMS}, e.g. 400d, or never"
        ) from None
    if value < timedelta(days=1):
        raise SettingsError(f"{name}: '{raw}' is less than a day; keep closed reports for 1d or more")
    return value


def _digest(env: Mapping[str, str], name: str) -> DigestSchedule | None:
    try:
        return parse_schedule(_str(env, name, DEFAULT_DIGEST))
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc} (the default is {DEFAULT_DIGEST!r})") from None


def _str(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip()
    return value or default


def _path(env: Mapping[str, str], name: str, base_dir: Path) -> Path | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else base_dir / path


def _names(env: Mapping[str, str], name: str, default: str) -> tuple[str, ...]:
    names = tuple(n.strip().lower() for n in _str(env, name, default).split(",") if n.strip())
    if not names:
        raise SettingsError(f"{name}: name at least one destination, for example: file")
    return names


def _alert_at(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if raw and not (raw.isdigit() and int(raw) >= 2):
        raise SettingsError(
            f"{name}: '{raw}' is not a number of reports of 2 or more (a campaign holds at least two); "
            f"the default is {default}"
        )
    return int(raw) if raw else default


def _int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}: '{raw}' is not a whole number") from None
    if value < minimum:
        raise SettingsError(f"{name}: must be at least {minimum}, not {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}: '{raw}' is not a number of seconds") from None
    if value <= 0:
        raise SettingsError(f"{name}: must be more than 0 seconds")
    return value
