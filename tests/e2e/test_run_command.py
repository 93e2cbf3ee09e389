"""The run command (``python -m bot.run``, behind ``make run``) as a person uses it.

It starts the action server, Rasa and the gateway, prints a status line per
process and the URL to open, stops everything on Ctrl-C, and exits non-zero
when one of its processes dies.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.paths import APP_PYTHON, REPO_ROOT
from tests.e2e.conftest import free_port
from tests.e2e.conftest import test_config as config_under_test

pytestmark = pytest.mark.slow

START_TIMEOUT_S = 240.0


@dataclass
class RunCommand:
    """A running ``python -m bot.run --no-chat`` and what it has printed so far."""

    process: subprocess.Popen[str]
    gateway_port: int
    lines: list[str] = field(default_factory=list)
    _queue: queue.Queue[str] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout_s: float) -> str:
        """The first printed line containing ``text`` (fails after ``timeout_s``)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.lines.append(line)
            if text in line:
                return line
        pytest.fail(f"never printed {text!r}; printed:\n" + "\n".join(self.lines))

    def children(self) -> dict[str, int]:
        """The service processes it started, by name (actions, rasa, gateway)."""
        found: dict[str, int] = {}
        pid = self.process.pid
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            for name, marker in (
                ("actions", "bot.action_server"),
                ("rasa", "rasa run"),
                ("gateway", "bot.web"),
            ):
                if marker in command:
                    found[name] = int(child)
        return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def run_command(tmp_path: Path, trained_model: Path) -> Iterator[RunCommand]:
    """``python -m bot.run --no-chat`` on free ports with a scratch database.

    ``trained_model`` first, so the command finds its model current and starts at once.
    """
    gateway_port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'intake.db'}",
        "REDIS_URL": "",
        "RASA_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [
            str(APP_PYTHON),
            "-m",
            "bot.run",
            "--no-chat",
            "--config",
            str(config_under_test()),
            "--rasa-port",
            str(free_port()),
            "--action-port",
            str(free_port()),
            "--gateway-port",
            str(gateway_port),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    command = RunCommand(process, gateway_port)
    try:
        yield command
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def test_run_starts_everything_prints_the_url_and_stops_on_ctrl_c(
    run_command: RunCommand,
) -> None:
    url_line = run_command.wait_for("Open http://", START_TIMEOUT_S)
    url = f"http://127.0.0.1:{run_command.gateway_port}/"
    assert url in url_line
    printed = "\n".join(run_command.lines)
    for service in ("actions", "rasa", "gateway"):
        assert f"[{service:>7}] ready" in printed, printed
    with urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200 and "/widget.js" in page.read().decode()
    children = run_command.children()
    assert set(children) == {"actions", "rasa", "gateway"}

    run_command.process.send_signal(signal.SIGINT)  # what Ctrl-C sends...
    time.sleep(0.3)
    run_command.process.send_signal(signal.SIGINT)  # ...and an impatient second one
    assert run_command.process.wait(timeout=60) == 0
    run_command.wait_for("stopping", 5)
    assert not any(_alive(pid) for pid in children.values()), "a process outlived Ctrl-C"


def test_run_exits_non_zero_and_says_which_process_died(run_command: RunCommand) -> None:
    run_command.wait_for("Open http://", START_TIMEOUT_S)
    children = run_command.children()
    os.kill(children["actions"], signal.SIGKILL)
    assert run_command.process.wait(timeout=60) == 1
    line = run_command.wait_for("exited", 5)
    assert "[actions] exited" in line and "actions.log" in line
    assert not any(_alive(pid) for pid in children.values()), "a process outlived the failure"
