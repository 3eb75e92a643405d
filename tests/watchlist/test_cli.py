"""The watchlist commands in process: what the analyst reads, and what is refused."""

from __future__ import annotations

from pathlib import Path

from tests.triage.support import OUTSIDER
from tests.watchlist.support import audit_actions

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "watchlist-uk-2025-11.yaml"


async def test_list_show_retire_and_export_round_trip(wl, tmp_path: Path):
    assert (await wl("import", str(EXAMPLE)))[0] == 0
    _, listed, _ = await wl("list")
    assert "Amanda Qiu (BR-YR Executive Search)" in listed and "Shirly Shen (Internship Union)" in listed

    _, shown, _ = await wl("show", "2")
    assert "Organisations: Internship Union, InternshipUnion" in shown
    assert "MI5 espionage alert to Parliament, 18 November 2025 (2025-11-18)" in shown

    code, out, _ = await wl("retire", "2")
    assert code == 0 and "Entry #2 retired" in out
    assert "Shirly Shen" not in (await wl("list"))[1]
    assert "retired" in (await wl("list", "--all"))[1]

    for fmt in ("yaml", "csv"):
        _, exported, _ = await wl("export", "--format", fmt)
        path = tmp_path / f"exported.{fmt}"
        path.write_text(exported)
        code, out, err = await wl("import", str(path))
        assert (code, err) == (0, "")
        assert "0 added, 2 already on the watchlist" in out


async def test_every_mistake_in_a_yaml_file_is_named_by_line_and_field(wl, tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "entries:\n"
        "  - names: [Amanda Qiu]\n"
        "    source: An alert\n"
        "  - names: [Someone]\n"
        "    emails: [not-an-address]\n"
        "    source: An alert\n"
        "  - source: An alert with nothing in it\n"
        "  - names: [X Y]\n"
        "    colour: blue\n"
        "    source: An alert\n"
        "  - email_domains: [gmail.com]\n"
        "    source: An alert\n"
    )
    code, out, err = await wl("import", str(path))
    assert code == 1 and out == ""
    assert "line 5: entry 2: field emails: 'not-an-address' is not an email address" in err
    assert "line 7: entry 3: an entry needs at least one indicator" in err
    assert "line 9: entry 4: field colour: unknown field" in err
    assert "line 11: entry 5: field email_domains: 'gmail.com' is a free-mail domain" in err
    assert "The watchlist is empty" in (await wl("list"))[1], "all or nothing: the good entry was not added"


async def test_a_csv_mistake_names_its_line(wl, tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "names,organisations,phones,source\n"
        "Amanda Qiu,BR-YR Executive Search,,An alert\n"
        'Shirly Shen,"Internship Union;InternshipUnion",,\n'
    )
    code, _, err = await wl("import", str(path))
    assert code == 1 and "line 3: entry 2: field source: missing" in err


async def test_broken_yaml_and_a_missing_file_are_one_clear_line(wl, tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("entries:\n  - names: [unclosed\n    source: x\n")
    code, _, err = await wl("import", str(path))
    assert code == 1 and "not valid YAML" in err and "line " in err
    code, _, err = await wl("import", str(tmp_path / "absent.yaml"))
    assert code == 1 and "cannot read the file" in err


async def test_add_refuses_an_entry_with_no_indicator_and_audits_the_one_it_adds(wl, engine):
    code, _, err = await wl("add", "--source", "An alert")
    assert code == 1 and "at least one indicator" in err and "Nothing was added." in err
    code, out, _ = await wl("add", "--profile", "linkedin.com/in/amanda-qiu-123", "--source", "An alert")
    assert code == 0 and "Added entry #1" in out and "No earlier report matches." in out
    code, out, _ = await wl(
        "add", "--profile", "https://uk.linkedin.com/in/Amanda-Qiu-123/", "--source", "An alert"
    )
    assert "already on the watchlist" in out
    assert "watchlist.added" in await audit_actions(engine)


async def test_an_outsider_is_refused_and_the_attempt_recorded(wl, engine, tmp_path: Path):
    code, out, err = await wl("import", str(EXAMPLE), actor=OUTSIDER)
    assert code == 1 and out == "" and "not a member of the security team" in err
    assert "triage.refused" in await audit_actions(engine)
