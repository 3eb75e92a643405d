"""docs/sharing.md shows the bundle the code writes today, and it is valid."""

import stix2validator

from tests.sharing.example import documented_bundle, example_bundle


def test_the_documented_example_is_what_the_code_writes():
    assert documented_bundle() == example_bundle() + "\n", "run: .venv/bin/python -m tests.sharing.example"


def test_the_documented_example_is_valid_stix():
    result = stix2validator.validate_string(documented_bundle())
    assert result.is_valid and result.errors == []
