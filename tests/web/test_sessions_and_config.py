"""Chat session tokens and the gateway's settings."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError
from bot.web.config import GatewaySettings, RateLimit
from bot.web.sessions import CONVERSATION_ID, issue_session, verify_session

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
