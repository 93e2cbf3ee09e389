"""The gateway's client of Rasa's private HTTP interface.

Rasa 3.6's REST channel answers internal errors with ``200 []``, so an empty
reply list is an error here, never a successful turn. Failures are raised as
:class:`RasaError` subclasses with a stable ``code``; nothing here logs a URL
(``/status`` takes Rasa's API token in its query string).
"""

from __future__ import annotations

import logging
from typing import Any, TypedDict

import httpx

__all__ = [
    "Button",
    "RasaClient",
    "RasaEmptyReply",
    "RasaError",
    "RasaTimeout",
    "RasaUnavailable",
    "Reply",
    "clean_replies",
]

log = logging.getLogger(__name__)


class Button(TypedDict):
    """A quick reply: what the patient sees (``title``) and what is sent (``payload``)."""

    title: str
    payload: str


class Reply(TypedDict, total=False):
    """One bot message as the chat API returns it."""

    text: str
    buttons: list[Button]


class RasaError(Exception):
    """Rasa did not produce a usable reply (HTTP 502 unless a subclass says otherwise)."""

    code = "assistant_error"


class RasaUnavailable(RasaError):
    """Rasa could not be reached (connection refused, DNS, reset)."""

    code = "assistant_unavailable"


class RasaTimeout(RasaError):
    """Rasa did not answer within ``RASA_TIMEOUT_S``; it may still finish the turn."""

    code = "assistant_timeout"


class RasaEmptyReply(RasaError):
    """Rasa answered 200 with no messages (how its REST channel reports internal errors)."""

    code = "assistant_error"


def _buttons(raw: Any) -> list[Button]:
    buttons: list[Button] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("title"), str):
            payload = item.get("payload")
            buttons.append(
                Button(title=item["title"], payload=payload if isinstance(payload, str) else "")
            )
    return buttons


def clean_replies(raw: Any) -> list[Reply]:
    """Keep text and buttons of Rasa's REST replies (drops ``recipient_id`` and the rest)."""
    replies: list[Reply] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        reply = Reply()
        if isinstance(item.get("text"), str) and item["text"]:
            reply["text"] = item["text"]
        buttons = _buttons(item.get("buttons"))
        if buttons:
            reply["buttons"] = buttons
        if reply:
            replies.append(reply)
    return replies


class RasaClient:
    """Async calls to one Rasa server: the REST webhook and the status check."""

    def __init__(self, base_url: str, *, token: str = "", timeout_s: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=5.0),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            trust_env=False,
        )

    async def send(self, conversation_id: str, text: str, *, client_message_id: str) -> list[Reply]:
        """Send one patient message; return the bot's replies (never an empty list).

        The message carries ``metadata.client_message_id``, which Rasa keeps on
        the user event in its tracker store (used to find a turn again).
        """
        body = {
            "sender": conversation_id,
            "message": text,
            "metadata": {"client_message_id": client_message_id},
        }
        try:
            response = await self._client.post(f"{self.base_url}/webhooks/rest/webhook", json=body)
        except httpx.TimeoutException as exc:
            raise RasaTimeout from exc
        except httpx.TransportError as exc:
            raise RasaUnavailable from exc
        if response.status_code >= 500:
            log.warning(
                "rasa answered %d for conversation %s", response.status_code, conversation_id
            )
            raise RasaUnavailable if response.status_code in (502, 503, 504) else RasaError
        if response.status_code != 200:
            log.warning(
                "rasa answered %d for conversation %s", response.status_code, conversation_id
            )
            raise RasaError
        try:
            raw = response.json()
        except ValueError as exc:
            raise RasaError from exc
        replies = clean_replies(raw)
        if not replies:
            log.warning("rasa gave an empty reply for conversation %s", conversation_id)
            raise RasaEmptyReply
        return replies

    async def healthy(self) -> bool:
        """True when Rasa answers its status (with the API token) or root endpoint."""
        try:
            if self._token:
                response = await self._client.get(
                    f"{self.base_url}/status", params={"token": self._token}, timeout=3.0
                )
            else:
                response = await self._client.get(f"{self.base_url}/", timeout=3.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
