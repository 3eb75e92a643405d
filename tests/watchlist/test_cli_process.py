"""`app.py watchlist ...` as a real process, the way the security team runs it. Each process
costs seconds, so this is the one walk through the seams; the commands' details are in
test_cli.py, in process."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.e2e.console import app_env, run_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "watchlist-uk-2025-11.yaml"


def test_import_is_idempotent_all_or_nothing_and_for_the_security_team_only(tmp_path: Path, empty_database):
    env = app_env(tmp_path, empty_database)
    shutil.copy(EXAMPLE, tmp_path / "alert.yaml")
    first = run_app(tmp_path, env, "watchlist", "import", "alert.yaml")
    assert first.returncode == 0, first.stderr
    assert "Imported alert.yaml: 2 added, 0 already on the watchlist." in first.stdout

    again = run_app(tmp_path, env, "watchlist", "import", "alert.yaml")
    assert "Imported alert.yaml: 0 added, 2 already on the watchlist." in again.stdout

    (tmp_path / "bad.yaml").write_text(
        "entries:\n  - names: [Someone New]\n    source: An alert\n  - source: An alert with nothing in it\n"
    )
    bad = run_app(tmp_path, env, "watchlist", "import", "bad.yaml")
    assert bad.returncode == 1
    assert "line 4: entry 2: an entry needs at least one indicator" in bad.stderr
    assert "Nothing was imported" in bad.stderr

    env["SECURITY_TEAM"] = "cli:someone-else"
    refused = run_app(tmp_path, env, "watchlist", "list")
    assert refused.returncode == 1 and refused.stdout == ""
    assert "is not a member of the security team" in refused.stderr
