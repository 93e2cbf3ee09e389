"""End-to-end fixtures: a trained model, the real action server and a real Rasa server.

CI trains with ``tests/config/config.ci.yml`` (fewer epochs); elsewhere the
shipped ``config.yml`` is used. ``INTAKE_TEST_CONFIG`` overrides both.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.bench.scripts import QuestionStreak
from bot.chat_cli import send
from bot.paths import CI_CONFIG, CONFIG, REPO_ROOT
from bot.stack import Stack
from bot.train import ensure_model
from tests.conftest import IN_CI


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_config() -> Path:
    """The Rasa config the tests train with."""
    override = os.environ.get("INTAKE_TEST_CONFIG")
    if override:
        return Path(override)
    return CI_CONFIG if IN_CI else CONFIG


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the test config (trained once, reused while inputs are unchanged)."""
    model, _ = ensure_model(test_config(), log=REPO_ROOT / "var" / "log" / "train-tests.log")
    return model


@pytest.fixture(scope="session")
def bot_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server + Rasa server on free loopback ports for the whole session."""
    logs = tmp_path_factory.mktemp("logs")
    stack = Stack(
        model=trained_model,
        rasa_port=free_port(),
        action_port=free_port(),
        log_dir=logs,
    )
    stack.start()
    yield stack
    stack.stop()


#: A question asked this many times in a row is a dead end (the form allows two).
NO_DEAD_END_LIMIT = 3


@dataclass
class Patient:
    """One patient talking to the bot through Rasa's REST channel."""

    stack: Stack
    sender: str = field(default_factory=lambda: "test-" + secrets.token_hex(6))
    transcript: list[tuple[str, str]] = field(default_factory=list)
    #: The no-dead-ends record: runs of one question asked with nothing learnt between.
    streak: QuestionStreak = field(default_factory=QuestionStreak)

    def say(self, text: str) -> list[dict[str, Any]]:
        """Send ``text``; return the bot's replies (and keep a transcript for failures).

        Every scripted conversation checks the no-dead-ends property as it goes:
        no question is open after three patient messages in a row.
        """
        replies = send(self.stack.rasa_url, self.sender, text)
        self.transcript.append(("patient", text[:200]))
        self.transcript.extend(("bot", str(r.get("text"))) for r in replies)
        tracker = self.tracker()
        loop = (tracker.get("active_loop") or {}).get("name")
        slots = tracker["slots"]
        run = self.streak.update(str(slots.get("requested_slot") or "") if loop else "", slots)
        assert run < NO_DEAD_END_LIMIT, (
            f"{self.streak.slot!r} asked {run} times in a row:\n{self.history()}"
        )
        return replies

    def says(self, text: str) -> str:
        """Send ``text``; return the bot's reply texts joined by newlines."""
        return "\n".join(str(r.get("text") or "") for r in self.say(text))

    def tracker(self) -> dict[str, Any]:
        """The conversation's tracker from Rasa's HTTP API."""
        url = (
            f"{self.stack.rasa_url}/conversations/{self.sender}/tracker"
            f"?token={self.stack.rasa_token}"
        )
        with urllib.request.urlopen(url, timeout=10) as reply:
            return dict(json.loads(reply.read()))

    def slot(self, name: str) -> Any:
        """One slot's current value."""
        return self.tracker()["slots"].get(name)

    def history(self) -> str:
        """The conversation so far, for assertion messages."""
        return "\n".join(f"{who}: {text}" for who, text in self.transcript)


@pytest.fixture
def patient(bot_stack: Stack) -> Patient:
    """A new patient (new conversation id) for each test."""
    return Patient(bot_stack)


__all__ = ["REPO_ROOT", "Patient"]
