"""The Teams app package is one Teams will accept: the right files at the zip's root, a manifest
with every required field inside the schema's limits, icons of the right size and kind, and a
one-line refusal for each value Teams would reject later and less clearly.

The PNGs are decoded here with zlib alone, so the checks don't trust the encoder under test.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adapters.cli.parser import build_parser
from adapters.teams.package import (
    SCHEMA_URL,
    UPLOAD_STEP,
    PackageDetails,
    PackageError,
    manifest,
    run_package_command,
    validate,
    write_package,
)
from bot.reporter_data import is_my_data
from bot.reporter_desk import is_my_reports

APP_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
DETAILS = PackageDetails(
    app_id=APP_ID,
    developer_name="Example Ltd Security",
    website_url="https://security.example.com/tipline",
    privacy_url="https://security.example.com/privacy",
    terms_url="https://security.example.com/terms",
)
ENV = {
    "MICROSOFT_APP_ID": APP_ID,
    "TEAMS_DEVELOPER_NAME": "Example Ltd Security",
    "TEAMS_WEBSITE_URL": "https://security.example.com/tipline",
    "TEAMS_PRIVACY_URL": "https://security.example.com/privacy",
    "TEAMS_TERMS_URL": "https://security.example.com/terms",
}


# ---- a PNG reader, independent of the writer ---------------------------------------------------


def _png(data: bytes) -> tuple[int, int, int, list[tuple[int, ...]]]:
    """(width, height, colour type, pixels) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        offset += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and interlace == 0 and colour_type in (2, 6)
    channels = 4 if colour_type == 6 else 3
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * channels
    assert len(raw) == height * (stride + 1)
    previous = bytearray(stride)
    pixels: list[tuple[int, ...]] = []
    for y in range(height):
        start = y * (stride + 1)
        filter_type, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 0xFF
            else:
                assert filter_type == 0
        pixels.extend(tuple(line[i : i + channels]) for i in range(0, stride, channels))
        previous = line
    return width, height, colour_type, pixels


def _package(tmp_path: Path, details: PackageDetails = DETAILS) -> zipfile.ZipFile:
    path = write_package(details, tmp_path / "out" / "tipline-teams.zip")
    return zipfile.ZipFile(io.BytesIO(path.read_bytes()))


def _manifest(tmp_path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(_package(tmp_path).read("manifest.json"))
    return document


# ---- the zip -----------------------------------------------------------------------------------


def test_the_zip_holds_the_manifest_and_both_icons_at_its_root(tmp_path: Path) -> None:
    archive = _package(tmp_path)

    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    assert archive.testzip() is None
    assert list((tmp_path / "out").iterdir()) == [tmp_path / "out" / "tipline-teams.zip"]  # no temp file


def test_the_same_details_make_the_same_bytes(tmp_path: Path) -> None:
    first = write_package(DETAILS, tmp_path / "a.zip").read_bytes()
    second = write_package(DETAILS, tmp_path / "b.zip").read_bytes()

    assert first == second


# ---- the manifest ------------------------------------------------------------------------------


def test_the_manifest_has_every_required_field(tmp_path: Path) -> None:
    document = _manifest(tmp_path)

    assert document["$schema"] == SCHEMA_URL
    assert document["manifestVersion"] == "1.17"
    assert document["version"] == "1.0.0"
    assert document["id"] == APP_ID
    assert document["developer"] == {
        "name": "Example Ltd Security",
        "websiteUrl": "https://security.example.com/tipline",
        "privacyUrl": "https://security.example.com/privacy",
        "termsOfUseUrl": "https://security.example.com/terms",
    }
    assert document["name"]["short"] == "Tipline"
    assert 0 < len(document["name"]["full"]) <= 100
    assert document["name"]["full"] != document["name"]["short"]
    assert 0 < len(document["description"]["short"]) <= 80
    assert 0 < len(document["description"]["full"]) <= 4000
    assert document["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert document["accentColor"].startswith("#") and len(document["accentColor"]) == 7
    assert document["permissions"] == ["identity", "messageTeamMembers"]
    assert document["validDomains"] == []
    assert "webApplicationInfo" not in document


def test_the_descriptions_say_what_to_report_and_why(tmp_path: Path) -> None:
    full = _manifest(tmp_path)["description"]["full"]

    for words in ("headhunter", '"insight"', "trip", "money", "protects you", "Nothing is too small"):
        assert words in full


def test_the_bot_is_in_personal_and_team_scope_with_its_commands(tmp_path: Path) -> None:
    (bot,) = _manifest(tmp_path)["bots"]

    assert bot["botId"] == APP_ID
    assert bot["scopes"] == ["personal", "team"]
    assert bot["supportsFiles"] is True
    assert bot["isNotificationOnly"] is False
    personal, team = bot["commandLists"]
    assert personal["scopes"] == ["personal"]
    assert [c["title"] for c in personal["commands"]] == ["report", "my reports", "my data", "check", "help"]
    assert team["scopes"] == ["team"]
    assert [c["title"] for c in team["commands"]] == [
        "use this as the security inbox",
        "add to the watchlist",
    ]
    for command in personal["commands"] + team["commands"]:
        assert 0 < len(command["title"]) <= 32
        assert 0 < len(command["description"]) <= 128


def test_the_menu_commands_are_phrases_the_bot_understands() -> None:
    document = manifest(DETAILS)
    personal, team = document["bots"][0]["commandLists"]

    assert is_my_reports(personal["commands"][1]["title"])
    assert is_my_data(personal["commands"][2]["title"])
    channel = pytest.importorskip("adapters.teams.channel", reason="the Teams channel handler")
    assert channel.is_inbox_request(team["commands"][0]["title"])


def test_a_new_name_and_version_reach_the_manifest() -> None:
    document = manifest(replace(DETAILS, short_name="Acme Tipline", version="2.3.4"))

    assert document["name"] == {"short": "Acme Tipline", "full": "Acme Tipline: report a suspicious approach"}
    assert document["version"] == "2.3.4"
    assert "@Acme Tipline use this channel" in document["description"]["full"]


# ---- the icons ---------------------------------------------------------------------------------


def test_the_colour_icon_is_192_square_and_opaque_in_the_accent_colour(tmp_path: Path) -> None:
    width, height, colour_type, pixels = _png(_package(tmp_path).read("color.png"))

    assert (width, height) == (192, 192)
    accent = bytes.fromhex(manifest(DETAILS)["accentColor"][1:])
    assert pixels[0][:3] == tuple(accent)  # the background
    assert (255, 255, 255) in {p[:3] for p in pixels}  # the glyph
    if colour_type == 6:
        assert all(p[3] == 255 for p in pixels)


def test_the_outline_icon_is_32_square_white_on_transparent(tmp_path: Path) -> None:
    width, height, colour_type, pixels = _png(_package(tmp_path).read("outline.png"))

    assert (width, height) == (32, 32)
    assert colour_type == 6  # RGBA: it has an alpha channel
    assert all(p == (255, 255, 255, 255) or p[3] == 0 for p in pixels)
    drawn = sum(1 for p in pixels if p[3] == 255)
    assert 50 < drawn < 32 * 32 // 2  # a glyph, not an empty or a filled square
    assert pixels[0][3] == 0


def test_another_accent_colour_changes_the_colour_icon(tmp_path: Path) -> None:
    archive = _package(tmp_path, replace(DETAILS, accent_color="#8A2E2E"))

    _, _, _, pixels = _png(archive.read("color.png"))
    assert pixels[0][:3] == (0x8A, 0x2E, 0x2E)


# ---- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"app_id": "tipline-bot"}, "id", "not a GUID"),
        ({"app_id": "1b4e28ba2fa111d2883f0016d3cca427"}, "id", "not a GUID"),
        ({"website_url": "http://security.example.com"}, "developer.websiteUrl", "https"),
        ({"privacy_url": "security.example.com/privacy"}, "developer.privacyUrl", "https"),
        ({"terms_url": "https://"}, "developer.termsOfUseUrl", "https"),
        ({"developer_name": ""}, "developer.name", "missing"),
        ({"developer_name": "x" * 33}, "developer.name", "at most 32"),
        ({"short_name": "x" * 31}, "name.short", "at most 30"),
        ({"version": "1.0"}, "version", "1.0.0"),
        ({"accent_color": "blue"}, "accentColor", "#"),
        ({"valid_domains": ("https://tipline.example.com",)}, "validDomains", "the name only"),
    ],
)
def test_a_value_teams_would_refuse_is_refused_in_one_line(
    tmp_path: Path, change: dict[str, Any], field: str, words: str
) -> None:
    target = tmp_path / "tipline-teams.zip"
    with pytest.raises(PackageError) as refused:
        write_package(replace(DETAILS, **change), target)

    assert refused.value.field == field
    assert words in str(refused.value)
    assert str(refused.value).startswith(f"{field}: ")
    assert "\n" not in str(refused.value)
    assert isinstance(refused.value, ValueError)
    assert not target.exists()


def test_a_command_title_over_the_limit_is_refused() -> None:
    document = manifest(DETAILS)
    document["bots"][0]["commandLists"][1]["commands"][0]["title"] = "use this channel as the security inbox"

    with pytest.raises(PackageError, match=r"commandLists\[1\]\.commands\[0\]\.title: is 38 characters"):
        validate(document)


def test_the_message_actions_are_on_every_message_s_menu(tmp_path: Path) -> None:
    [extension] = _manifest(tmp_path)["composeExtensions"]
    assert extension["botId"] == APP_ID
    assert [(c["id"], c["title"], c["context"], c["fetchTask"]) for c in extension["commands"]] == [
        ("reportMessage", "Report this message", ["message"], True),
        ("checkContact", "Check this contact", ["message"], True),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c.update(title="Report this message to the security team now"), "commands[0].title"),
        (lambda c: c.update(id="checkContact"), "commands[1].id"),  # the second is the same now
        (lambda c: c.update(type="link"), "commands[0].type"),
        (lambda c: c.update(context=["message", "meeting"]), "commands[0].context"),
        (lambda c: c.pop("description"), "commands[0].description"),
    ],
)
def test_a_message_action_teams_would_refuse_is_named(change: Any, field: str) -> None:
    document = manifest(DETAILS)
    change(document["composeExtensions"][0]["commands"][0])
    with pytest.raises(PackageError) as refused:
        validate(document)
    assert refused.value.field == f"composeExtensions[0].{field}"


def test_valid_domains_are_kept(tmp_path: Path) -> None:
    document = manifest(replace(DETAILS, valid_domains=("tipline.example.com", "*.example.com")))

    validate(document)
    assert document["validDomains"] == ["tipline.example.com", "*.example.com"]


# ---- the command -------------------------------------------------------------------------------


def _run(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    args = build_parser().parse_args(["teams", "package", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = run_package_command(args, env, out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_command_writes_the_package_from_the_environment(tmp_path: Path) -> None:
    target = tmp_path / "dist" / "teams.zip"

    code, out, err = _run(["--output", str(target)], ENV)

    assert (code, err) == (0, "")
    assert str(target.resolve()) in out
    assert UPLOAD_STEP in out
    document = json.loads(zipfile.ZipFile(target).read("manifest.json"))
    assert document["id"] == APP_ID
    assert document["developer"]["websiteUrl"] == ENV["TEAMS_WEBSITE_URL"]


def test_flags_win_over_the_environment(tmp_path: Path) -> None:
    target = tmp_path / "teams.zip"
    other_id = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
    argv = [
        *("--output", str(target), "--app-id", other_id, "--developer-name", "Acme"),
        *("--website-url", "https://acme.example/", "--privacy-url", "https://acme.example/p"),
        *("--terms-url", "https://acme.example/t", "--version", "1.2.0", "--name", "Acme Tipline"),
    ]

    code, _, err = _run(argv, ENV)

    assert (code, err) == (0, "")
    document = json.loads(zipfile.ZipFile(target).read("manifest.json"))
    assert document["id"] == document["bots"][0]["botId"] == other_id
    assert document["developer"]["name"] == "Acme"
    assert document["developer"]["termsOfUseUrl"] == "https://acme.example/t"
    assert document["version"] == "1.2.0"
    assert document["name"]["short"] == "Acme Tipline"


def test_the_default_output_is_under_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    code, _, _ = _run([], ENV)

    assert code == 0
    assert (tmp_path / "var" / "tipline-teams.zip").is_file()


def test_missing_values_are_named_with_their_flag_and_variable(tmp_path: Path) -> None:
    env = {"MICROSOFT_APP_ID": APP_ID, "TEAMS_DEVELOPER_NAME": "Example", "TEAMS_TERMS_URL": " "}

    code, out, err = _run(["--output", str(tmp_path / "t.zip")], env)

    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "--website-url (or set TEAMS_WEBSITE_URL)" in err
    assert "--privacy-url (or set TEAMS_PRIVACY_URL)" in err
    assert "--terms-url (or set TEAMS_TERMS_URL)" in err
    assert "--app-id" not in err
    assert not (tmp_path / "t.zip").exists()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--app-id", "my-bot"], "--app-id (or MICROSOFT_APP_ID): 'my-bot' is not a GUID"),
        (
            ["--website-url", "http://example.com"],
            "--website-url (or TEAMS_WEBSITE_URL): 'http://example.com'",
        ),
        (["--version", "v2"], "--version: 'v2' is not a version like 1.0.0"),
        (["--name", "A name far too long for the Teams app bar"], "--name: is 41 characters"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_flag(tmp_path: Path, argv: list[str], words: str) -> None:
    code, out, err = _run(["--output", str(tmp_path / "t.zip"), *argv], ENV)

    assert (code, out) == (2, "")
    assert err.startswith(f"tipline: {words}")
    assert err.count("\n") == 1


def test_an_output_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    code, _, err = _run(["--output", str(tmp_path)], ENV)

    assert code == 2
    assert err.startswith("tipline: --output:") and err.count("\n") == 1


@pytest.mark.parametrize("command", [["teams"], ["teams", "package"]])
def test_the_teams_help_pages_work(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*command, "--help"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: app.py {' '.join(command)}")


def test_app_py_writes_the_package_without_a_database(tmp_path):
    """`python app.py teams package` as a real process: settings from the environment, no database."""
    import subprocess
    import sys
    import zipfile

    from tests.e2e.console import APP

    env = {
        "PATH": "/usr/bin:/bin",
        "MICROSOFT_APP_ID": "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "TEAMS_DEVELOPER_NAME": "Security Directorate",
        "TEAMS_WEBSITE_URL": "https://intranet.example.gov.uk/tipline",
        "TEAMS_PRIVACY_URL": "https://intranet.example.gov.uk/tipline/privacy",
        "TEAMS_TERMS_URL": "https://intranet.example.gov.uk/tipline/terms",
        "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none",  # never touched
    }
    done = subprocess.run(
        [sys.executable, str(APP), "teams", "package", "--output", "out/tipline.zip"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Upload an app" in done.stdout
    with zipfile.ZipFile(tmp_path / "out" / "tipline.zip") as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert "3f2504e0-4f89-11d3-9a0c-0305e82c3301" in package.read("manifest.json").decode()
