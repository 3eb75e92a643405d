"""Reading the flow and guidance files: the I/O half of loading a flow (flows/ stays pure)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from flows.loader import FlowError, build_flow
from flows.model import Flow


def default_flow_path() -> Path:
    return Path(str(resources.files("flows") / "data" / "report.yaml"))


def default_guidance_path() -> Path:
    return Path(str(resources.files("flows") / "data" / "guidance.yaml"))


def default_understanding_path() -> Path:
    return Path(str(resources.files("flows") / "data" / "understanding.yaml"))


def load_flow(
    flow_path: Path | None = None, guidance_path: Path | None = None, understanding_path: Path | None = None
) -> Flow:
    """The flow with its guidance and, when there is one beside it, what to note from free text."""
    flow_path = flow_path or default_flow_path()
    guidance_path = guidance_path or default_guidance_path()
    understanding_path = understanding_path or flow_path.with_name("understanding.yaml")
    understanding = _read_yaml(understanding_path) if understanding_path.exists() else None
    return build_flow(
        _read_yaml(flow_path),
        _read_yaml(guidance_path),
        source=f"{flow_path} + {guidance_path.name}",
        raw_understanding=understanding,
    )


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FlowError(str(path), [f"cannot read the file ({exc.strerror})"]) from exc
    except yaml.YAMLError as exc:
        raise FlowError(str(path), [f"not valid YAML ({exc})"]) from exc
