"""Rasa's HTTP API and the action server refuse callers without their tokens."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from bot.stack import Stack

pytestmark = pytest.mark.slow


def status_of(url: str, *, body: dict[str, object] | None = None, token: str | None = None) -> int:
    """HTTP status of a GET (or a JSON POST when ``body`` is given)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_action_server_needs_its_token(bot_stack: Stack) -> None:
    call = {"next_action": "action_explain_why", "sender_id": "x", "tracker": {}, "domain": {}}
    url = f"http://127.0.0.1:{bot_stack.action_port}/webhook"
    assert status_of(url, body=call) == 401
    assert status_of(url, body=call, token="wrong") == 401
    assert status_of(f"http://127.0.0.1:{bot_stack.action_port}/health") == 200


def test_rasa_http_api_needs_its_token(bot_stack: Stack) -> None:
    url = f"{bot_stack.rasa_url}/conversations/someone/tracker"
    assert status_of(url) in (401, 403)
    assert status_of(f"{url}?token=wrong") in (401, 403)
    assert status_of(f"{url}?token={bot_stack.rasa_token}") == 200
