"""Reading the config file's YAML: safe, and a key given twice is an error, not the last one."""

from __future__ import annotations

from typing import Any

import yaml

from bot.security.errors import EXAMPLE_FILE, SecurityConfigError, kind_of


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load, but a key given twice in one mapping is an error rather than silently the last."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the constructor reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, where: str) -> Any:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = (exc.problem or "not valid YAML").strip()
        if problem.startswith("found duplicate key"):
            fix = "each name may appear only once in a section; remove or rename one"
        else:
            fix = "check the indentation there, and quote values that contain ':' or '#'"
        raise SecurityConfigError(f"{where}{at}: {problem}; {fix}") from None
    except yaml.YAMLError as exc:
        raise SecurityConfigError(
            f"{where}: not valid YAML ({type(exc).__name__}); see {EXAMPLE_FILE}"
        ) from None
    if data is None:
        raise SecurityConfigError(f"{where}: the file is empty; start from {EXAMPLE_FILE}")
    if not isinstance(data, dict):
        raise SecurityConfigError(
            f"{where}: expected sections (team:, destinations:, routes: ...) at the top level, "
            f"found {kind_of(data)}; start from {EXAMPLE_FILE}"
        )
    return data
