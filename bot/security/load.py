"""Loading at start-up: the file named by SECURITY_CONFIG, or else the environment's default."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from bot.security.build import build
from bot.security.environment import ENV_ONLY, from_environment
from bot.security.errors import EXAMPLE_FILE, Problem, SecurityConfigError, explain
from bot.security.model import SecurityConfig
from bot.security.schema import RawConfig
from bot.security.yaml_loading import parse_yaml
from bot.settings import Settings


def load_security_config(env: Mapping[str, str], settings: Settings, base_dir: Path) -> SecurityConfig:
    """The file named by SECURITY_CONFIG (relative to `base_dir`), else the embedded default.

    Raises SecurityConfigError (one line) on any problem.
    """
    named = env.get("SECURITY_CONFIG", "").strip()
    if not named:
        return from_environment(env, settings)
    clash = [name for name in ENV_ONLY if env.get(name, "").strip()]
    if clash:
        raise SecurityConfigError(
            f"{', '.join(clash)} and SECURITY_CONFIG are both set; with a config file everything "
            f"about the security team is in the file: move {'them' if len(clash) > 1 else 'it'} "
            f"there (see {EXAMPLE_FILE}) and unset {'them' if len(clash) > 1 else 'it'}"
        )
    path = Path(named).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    return load_security_file(path, env, shown=named)


def load_security_file(path: Path, env: Mapping[str, str], shown: str | None = None) -> SecurityConfig:
    """Load and check one file. `shown` is how to name the file in messages (as the user wrote it)."""
    where = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SecurityConfigError(
            f"SECURITY_CONFIG: no file at {path}; fix the path, or unset SECURITY_CONFIG to use "
            "the settings from the environment"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SecurityConfigError(
            f"SECURITY_CONFIG: cannot read {path} ({type(exc).__name__}); "
            "check that it is a readable UTF-8 text file"
        ) from None
    data = parse_yaml(text, where)
    try:
        raw = RawConfig.model_validate(data)
    except ValidationError as exc:
        raise SecurityConfigError(f"{where}: {explain(exc)}") from None
    try:
        return build(raw, env, path.parent, where)
    except Problem as problem:
        raise SecurityConfigError(f"{where}: {problem.place}: {problem.message}") from None
