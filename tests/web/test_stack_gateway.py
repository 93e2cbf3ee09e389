"""The gateway as the stack's optional third process (used by ``python -m bot.run``)."""

from __future__ import annotations

from pathlib import Path

from bot.paths import APP_PYTHON
from bot.stack import Stack


def test_stack_without_gateway_is_unchanged() -> None:
    stack = Stack(model=Path("model.tar.gz"), rasa_port=5105, action_port=5155)
    assert stack.gateway_port is None
    assert stack.gateway_url == ""


def test_gateway_service_runs_bot_web_on_loopback_with_rasas_token() -> None:
    stack = Stack(model=Path("model.tar.gz"), rasa_port=5105, action_port=5155, gateway_port=8123)
    service = stack.gateway_service()
    assert service.name == "gateway"
    assert service.command == [
        str(APP_PYTHON),
        "-m",
        "bot.web",
        "--host",
        "127.0.0.1",
        "--port",
        "8123",
    ]
    assert service.health_url == "http://127.0.0.1:8123/healthz"
    assert service.env == {"RASA_URL": "http://127.0.0.1:5105", "RASA_TOKEN": stack.rasa_token}
    assert stack.gateway_url == "http://127.0.0.1:8123"


def test_gateway_on_all_interfaces_is_checked_on_loopback() -> None:
    stack = Stack(model=Path("m"), gateway_port=8000, gateway_host="0.0.0.0")
    assert stack.gateway_service().command[-3] == "0.0.0.0"
    assert stack.gateway_url == "http://127.0.0.1:8000"
