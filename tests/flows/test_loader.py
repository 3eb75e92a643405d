"""A broken flow file is refused when it is loaded, with every problem named."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bot.flow_files import default_flow_path, default_guidance_path, load_flow
from flows.loader import FlowError, build_flow


@pytest.fixture
def raw():
    return yaml.safe_load(default_flow_path().read_text()), yaml.safe_load(
        default_guidance_path().read_text()
    )


def step(raw_flow, step_id):
    return next(s for s in raw_flow["steps"] if s["id"] == step_id)


def problems(raw_flow, raw_guidance) -> list[str]:
    with pytest.raises(FlowError) as caught:
        build_flow(raw_flow, raw_guidance)
    return caught.value.problems


def test_the_shipped_flow_loads_with_guidance_beside_it():
    flow = load_flow()
    assert flow.start == "what_happened"
    assert {"right_now", "travel", "payment", "red_flags", "shared_something"} <= {
        g.id for g in flow.guidance
    }


def test_a_duplicate_step_id_is_refused(raw):
    flow, guidance = raw
    flow["steps"].append(copy.deepcopy(step(flow, "who")))
    assert "step id 'who' is used twice" in problems(flow, guidance)


def test_a_branch_to_a_missing_step_is_refused(raw):
    flow, guidance = raw
    step(flow, "who")["next"] = "wher_it_happened"
    assert any("goes to 'wher_it_happened', which does not exist" in p for p in problems(flow, guidance))


def test_an_unreachable_step_is_refused(raw):
    flow, guidance = raw
    flow["steps"].append({"id": "orphan", "kind": "text", "prompt": "Nobody asks me", "next": "summary"})
    assert "step 'orphan' cannot be reached from 'what_happened'" in problems(flow, guidance)


def test_a_dead_end_is_refused(raw):
    flow, guidance = raw
    del step(flow, "role")["next"]
    assert "step 'role' is a dead end: it has no next step" in problems(flow, guidance)


def test_branches_without_a_default_are_a_dead_end(raw):
    flow, guidance = raw
    step(flow, "shared")["next"] = [{"when": {"answer": "shared", "is": "yes"}, "goto": "shared_detail"}]
    assert any("dead end when no branch matches" in p for p in problems(flow, guidance))


def test_a_loop_is_refused(raw):
    flow, guidance = raw
    step(flow, "role")["next"] = "evidence"
    assert any("loop back" in p for p in problems(flow, guidance))


def test_a_condition_on_an_unknown_option_is_refused(raw):
    flow, guidance = raw
    step(flow, "shared")["next"][0]["when"] = {"answer": "shared", "in": ["yes", "maybe"]}
    assert any("maybe, not an option of step 'shared'" in p for p in problems(flow, guidance))


def test_guidance_about_an_unknown_step_is_refused(raw):
    flow, guidance = raw
    guidance["items"][1]["when"] = {"answer": "offerd", "includes": "travel"}
    assert any("guidance 'travel' refers to step 'offerd'" in p for p in problems(flow, guidance))


def test_a_typo_in_a_field_name_is_refused_with_its_location(raw):
    flow, guidance = raw
    step(flow, "who")["promt"] = "typo"
    assert any("promt" in p and "Extra inputs" in p for p in problems(flow, guidance))


def test_every_problem_is_reported_at_once(raw):
    flow, guidance = raw
    step(flow, "who")["next"] = "nowhere"
    flow["steps"].append(copy.deepcopy(step(flow, "role")))
    found = problems(flow, guidance)
    assert len(found) >= 2


def test_a_missing_file_names_the_path(tmp_path: Path):
    with pytest.raises(FlowError, match="cannot read the file"):
        load_flow(tmp_path / "nope.yaml", default_guidance_path())
