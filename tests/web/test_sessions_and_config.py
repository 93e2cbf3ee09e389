"""Chat session tokens and the gateway's settings."""

from __future__ import annotations

import httpx
import pytest

from bot.settings import SettingsError
from bot.web.config import GatewaySettings, RateLimit
from bot.web.sessions import CONVERSATION_ID, issue_session, verify_session
from tests.web.conftest import free_port, gateway_settings
from tests.web.fake_rasa import FakeRasa

SECRET = "unit-test-secret"


def test_token_is_bound_to_id_secret_and_lifetime() -> None:
    conversation, token = issue_session(SECRET, now=1_000_000)
    assert CONVERSATION_ID.fullmatch(conversation)
    assert verify_session(SECRET, conversation, token, ttl_s=3600, now=1_000_100)
    assert not verify_session("other-secret", conversation, token, ttl_s=3600, now=1_000_100)
    assert not verify_session(SECRET, conversation, token, ttl_s=3600, now=1_003_601)
    other, _ = issue_session(SECRET, now=1_000_000)
    assert not verify_session(SECRET, other, token, ttl_s=3600, now=1_000_100)
    assert not verify_session(SECRET, "chosen-by-client", token, ttl_s=3600, now=1_000_100)
    issued, mac = token.split(".")
    forged = f"{int(issued, 36) + 10_000:x}.{mac}"  # moving the issue time breaks the MAC
    assert not verify_session(SECRET, conversation, forged, ttl_s=3600, now=1_000_100)


@pytest.mark.parametrize("token", ["", ".", "abc", "1.short", "x" * 200])
def test_malformed_tokens_are_refused(token: str) -> None:
    conversation, _ = issue_session(SECRET)
    assert not verify_session(SECRET, conversation, token, ttl_s=3600)


def test_settings_from_env_defaults_and_overrides() -> None:
    defaults = GatewaySettings.from_env({})
    assert (defaults.host, defaults.port) == ("127.0.0.1", 8000)
    assert defaults.rasa_url == "http://127.0.0.1:5005"
    assert defaults.allowed_origins == ()
    assert defaults.max_message_chars == 2000
    assert defaults.rate_conversation == RateLimit(30, 10)
    custom = GatewaySettings.from_env(
        {
            "GATEWAY_PORT": "9000",
            "RASA_URL": "http://10.0.0.5:5005/",
            "GATEWAY_ALLOWED_ORIGINS": "https://a.example, https://b.example:8443/",
            "GATEWAY_MAX_MESSAGE_CHARS": "500",
            "GATEWAY_RATE_CONVERSATION_PER_MIN": "0",
            "RASA_TIMEOUT_S": "10",
        }
    )
    assert custom.port == 9000
    assert custom.rasa_url == "http://10.0.0.5:5005"
    assert custom.allowed_origins == ("https://a.example", "https://b.example:8443")
    assert custom.max_message_chars == 500
    assert not custom.rate_conversation.enabled
    assert (custom.reply_wait_s, custom.stale_after_s) == (15.0, 40.0)


@pytest.mark.parametrize(
    "environ",
    [
        {"GATEWAY_ALLOWED_ORIGINS": "example.com"},
        {"GATEWAY_ALLOWED_ORIGINS": "https://example.com/path"},
        {"GATEWAY_PORT": "eighty"},
        {"GATEWAY_PORT": "70000"},
        {"RASA_URL": "ftp://rasa"},
        {"INTAKE_ENV": "production"},  # no secret key
    ],
)
def test_bad_settings_are_refused(environ: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        GatewaySettings.from_env(environ)


async def _served_sessions(settings: GatewaySettings, forwarded: list[str]) -> list[int]:
    """Serve the app with the real uvicorn options; POST /chat/sessions per XFF value."""
    import asyncio

    import uvicorn

    from bot.web.__main__ import server_options
    from bot.web.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, **server_options(settings)
        )
    )
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):  # bounded: up to 10 s
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", trust_env=False
        ) as client:
            return [
                (await client.post("/chat/sessions", headers={"X-Forwarded-For": ip})).status_code
                for ip in forwarded
            ]
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)


async def test_x_forwarded_for_from_loopback_cannot_dodge_the_rate_limit(
    db_url: str, fake_rasa: FakeRasa
) -> None:
    settings = gateway_settings(db_url, fake_rasa.url, rate_sessions=RateLimit(60, 2))
    rotating = [f"203.0.113.{n}" for n in range(1, 6)]
    statuses = await _served_sessions(settings, rotating)
    assert statuses[:2] == [201, 201]
    assert 429 in statuses[2:], statuses  # one client, one bucket, whatever it claims


async def test_x_forwarded_for_counts_from_a_configured_proxy(
    db_url: str, fake_rasa: FakeRasa
) -> None:
    settings = gateway_settings(
        db_url, fake_rasa.url, rate_sessions=RateLimit(60, 2), forwarded_allow_ips="127.0.0.1"
    )
    statuses = await _served_sessions(settings, [f"203.0.113.{n}" for n in range(1, 6)])
    assert statuses == [201] * 5  # the proxy's clients each get their own bucket
