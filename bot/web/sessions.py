"""Patient chat sessions: gateway-chosen conversation ids and the tokens bound to them.

Nothing is stored: the token is ``<issued>.<mac>`` where ``mac`` is
HMAC-SHA256(``INTAKE_SECRET_KEY``, conversation id + issue time). A token
proves the gateway issued *this* conversation id, so a patient can neither
pick an id nor use one conversation's token for another; it expires after
``GATEWAY_SESSION_TTL_HOURS``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time

__all__ = ["CONVERSATION_ID", "issue_session", "new_conversation_id", "verify_session"]

_PREFIX = "web-"
#: What a gateway-issued conversation id looks like (checked before any work).
CONVERSATION_ID = re.compile(r"web-[A-Za-z0-9_-]{24}")
_TOKEN = re.compile(r"([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})")


def new_conversation_id() -> str:
    """A random, unguessable conversation id (144 bits), e.g. ``web-3q2…``."""
    return _PREFIX + secrets.token_urlsafe(18)


def _mac(secret: str, conversation_id: str, issued: str) -> str:
    digest = hmac.new(
        secret.encode("utf-8"),
        f"chat-session|{conversation_id}|{issued}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def issue_session(secret: str, *, now: float | None = None) -> tuple[str, str]:
    """Create a conversation id and its token: ``(conversation_id, token)``."""
    conversation_id = new_conversation_id()
    issued = _base36(int(time.time() if now is None else now))
    return conversation_id, f"{issued}.{_mac(secret, conversation_id, issued)}"


def verify_session(
    secret: str, conversation_id: str, token: str, *, ttl_s: float, now: float | None = None
) -> bool:
    """True when ``token`` was issued for ``conversation_id`` and has not expired."""
    if not CONVERSATION_ID.fullmatch(conversation_id):
        return False
    match = _TOKEN.fullmatch(token)
    if match is None:
        return False
    issued, mac = match.groups()
    expected = _mac(secret, conversation_id, issued)
    if not hmac.compare_digest(mac, expected):
        return False
    age = (time.time() if now is None else now) - int(issued, 36)
    return -60 <= age <= ttl_s
