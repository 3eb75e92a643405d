"""Run the real `app.py` as a subprocess, the way a person or a script would."""

from __future__ import annotations

import json
import os
import pwd
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"
PROMPT = "\n> "


def app_env(workdir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "INBOX_", "DELIVERY_", "SECURITY_", "ACK_", "FEEDBACK_"))
    }
    # The scripted reports answer every question in turn; the tests of the confirm step turn it on.
    env["UNDERSTAND_ANSWERS"] = "off"
    env.update(
        DATABASE_URL=database_url,
        INBOX_FILE=str(workdir / "inbox.jsonl"),
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
        SECURITY_TEAM=f"cli:{pwd.getpwuid(os.geteuid()).pw_name}",
        **extra,
    )
    return env


def run_app(
    workdir: Path, env: dict[str, str], *args: str, stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(APP), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=workdir,
        env=env,
        timeout=timeout,
        check=False,
    )


def inbox_lines(workdir: Path) -> list[dict]:
    path = workdir / "inbox.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def read_a_little_then_hang_up(workdir: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    """Like `app.py ... | head -c 10`: the reader closes the pipe while the app is still writing."""
    process = subprocess.Popen(
        [sys.executable, str(APP), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=workdir,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    return process.wait(timeout=30), err


class ConsoleSession:
    """An interactive chat: send a line, wait for the next prompt, read what the bot said."""

    def __init__(self, workdir: Path, env: dict[str, str], user: str = "alice") -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(APP), "chat", "--user", user],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=workdir,
            env=env,
        )
        self._chunks: queue.Queue[bytes] = queue.Queue()
        self._buffer = ""
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        while chunk := os.read(self.process.stdout.fileno(), 4096):
            self._chunks.put(chunk)

    def read_until_prompt(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while not self._buffer.endswith(PROMPT):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no prompt; got so far: {self._buffer[-500:]!r}")
            try:
                self._buffer += self._chunks.get(timeout=remaining).decode()
            except queue.Empty:
                continue
        said, self._buffer = self._buffer, ""
        return said

    def send(self, line: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write((line + "\n").encode())
        self.process.stdin.flush()
        return self.read_until_prompt()

    def finish(self, line: str, timeout: float = 30) -> str:
        """Send the last answer and wait for the chat to end by itself."""
        assert self.process.stdin is not None
        self.process.stdin.write((line + "\n").encode())
        self.process.stdin.flush()
        assert self.process.wait(timeout=timeout) == 0
        time.sleep(0.1)  # let the reader thread drain the pipe
        while not self._chunks.empty():
            self._buffer += self._chunks.get().decode()
        self.kill()
        return self._buffer

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no clean-up, no flush, no goodbye
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
