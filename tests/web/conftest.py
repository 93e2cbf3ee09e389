"""Fixtures of the gateway tests.

- ``make_gateway(...)``: the app in this process (httpx over ASGI, lifespan run)
  on a fresh SQLite database, by default talking to a FAULT-INJECTION fake Rasa
  (:mod:`tests.web.fake_rasa`), used only to make Rasa fail on purpose;
- ``real_gateway``: the same app talking to the real Rasa + action server stack
  (``bot_stack`` from the end-to-end fixtures), sharing its database;
- ``staff_token``: an API token of a staff user in a gateway's database.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from bot.settings import Settings
from bot.stack import Stack
from bot.store import create_api_token, create_user, session_scope
from bot.store.migrate import upgrade_database
from bot.web import GatewaySettings, create_app
from bot.web.config import RateLimit
from tests.e2e.conftest import bot_stack, free_port, trained_model  # noqa: F401
from tests.web.fake_rasa import FakeRasa

TEST_SECRET = "test-secret-key-for-the-gateway-tests"
GENEROUS = RateLimit(6000, 1000)


@dataclass
class Gateway:
    """An app under test: its HTTP client, settings and database engine."""

    client: httpx.AsyncClient
    settings: GatewaySettings
    engine: Engine
    app: FastAPI

    async def session(self) -> tuple[str, str]:
        """Create a chat session; return (conversation_id, token)."""
        response = await self.client.post("/chat/sessions")
        assert response.status_code == 201, response.text
        data = response.json()
        return data["conversation_id"], data["token"]

    async def say(
        self, conversation_id: str, token: str, text: Any, client_message_id: Any = None
    ) -> httpx.Response:
        """Post one message (``client_message_id`` defaults to a fresh one)."""
        body = {"text": text, "client_message_id": client_message_id or uuid.uuid4().hex}
        return await self.client.post(
            f"/chat/sessions/{conversation_id}/messages",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )


def gateway_settings(database_url: str, rasa_url: str, **overrides: Any) -> GatewaySettings:
    """Test settings: short timeouts, generous rate limits unless a test lowers them."""
    values: dict[str, Any] = {
        "base": Settings(database_url=database_url, secret_key=TEST_SECRET),
        "rasa_url": rasa_url,
        "rasa_timeout_s": 5.0,
        "reply_wait_s": 8.0,
        "stale_after_s": 20.0,
        "rate_sessions": GENEROUS,
        "rate_client": GENEROUS,
        "rate_conversation": GENEROUS,
        # The in-process client's base URL, plus the loopback names real servers use.
        "allowed_hosts": ("gateway.test", "127.0.0.1", "localhost"),
    }
    values.update(overrides)
    return GatewaySettings(**values)


@contextlib.asynccontextmanager
async def running(settings: GatewaySettings) -> AsyncIterator[Gateway]:
    """Run the app's lifespan and give an httpx client bound to it (client 127.0.0.1)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway.test", timeout=30
        ) as client:
            yield Gateway(client, settings, app.state.services.engine, app)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite intake database, migrated."""
    url = f"sqlite:///{tmp_path / 'var' / 'intake.db'}"
    upgrade_database(url)
    return url


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    """FAULT INJECTION: a fake Rasa server on 127.0.0.1 (see tests/web/fake_rasa.py)."""
    server = FakeRasa().start()
    yield server
    server.stop()


GatewayFactory = Callable[..., contextlib.AbstractAsyncContextManager[Gateway]]


@pytest.fixture
def make_gateway(db_url: str, fake_rasa: FakeRasa) -> GatewayFactory:
    """``async with make_gateway(**settings_overrides) as gw:`` an app on the fake Rasa."""

    def factory(**overrides: Any) -> contextlib.AbstractAsyncContextManager[Gateway]:
        overrides.setdefault("rasa_url", fake_rasa.url)
        return running(gateway_settings(db_url, **overrides))

    return factory


@pytest.fixture
async def gateway(make_gateway: GatewayFactory) -> AsyncIterator[Gateway]:
    """The app on the fake Rasa with default test settings."""
    async with make_gateway() as gw:
        yield gw


def new_staff_token(engine: Engine, username: str = "therapist1") -> str:
    """Create a staff user (if needed) and return a new API token for them."""
    from bot.store import get_user

    with session_scope(engine) as session:
        if get_user(session, username=username) is None:
            create_user(session, username=username, role="therapist", password="long-password-1")
        return create_api_token(session, username=username)


@pytest.fixture
def staff_token(gateway: Gateway) -> str:
    """An API token valid in ``gateway``'s database."""
    return new_staff_token(gateway.engine)


def stack_database_url(stack: Stack) -> str:
    """The database the stack's Rasa (tracker store) and actions use."""
    return stack.environment()["DATABASE_URL"]


@pytest.fixture
async def real_gateway(bot_stack: Stack) -> AsyncIterator[Gateway]:  # noqa: F811
    """The app in this process on the real Rasa stack and its database."""
    settings = gateway_settings(
        stack_database_url(bot_stack),
        bot_stack.rasa_url,
        rasa_token=bot_stack.rasa_token,
        rasa_timeout_s=60.0,
        reply_wait_s=70.0,
        stale_after_s=90.0,
    )
    async with running(settings) as gw:
        yield gw
