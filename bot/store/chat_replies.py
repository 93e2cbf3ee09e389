"""The web gateway's idempotency records: one row per (conversation, client message id).

A patient message is *claimed* before it goes to Rasa: a ``pending`` row is
inserted under the table's UNIQUE constraint, so of two concurrent requests
with the same client message id exactly one wins the insert and sends the
message; the other finds the row and waits for it to become ``done``. A turn
that fails is *released* (its row deleted), so the client may retry it.

Rasa's tracker store (table ``events``, same database) is the second line of
defence: the gateway tags each message with ``metadata.client_message_id``,
and :func:`replies_from_tracker` finds a turn Rasa completed although its
reply never reached the gateway (e.g. the gateway restarted mid-turn), so a
retry returns those replies instead of becoming a second turn.

Like the rest of the store, these functions take a Session and never commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.columns import utcnow
from bot.store.models import ChatReply
from bot.store.transcripts import RASA_EVENTS

__all__ = [
    "ChatClaim",
    "claim_message",
    "finish_message",
    "get_message",
    "release_message",
    "replies_from_tracker",
    "take_over_message",
]

ClaimState = Literal["claimed", "pending", "done", "conflict"]


@dataclass(frozen=True)
class ChatClaim:
    """The outcome of :func:`claim_message` (or the current state of a row).

    ``claimed``: this caller inserted the row and must run the turn.
    ``pending``: another request is running it (since ``created_at``).
    ``done``: the turn is finished; ``replies`` holds what the bot said.
    ``conflict``: the id was used before for a different text.
    """

    state: ClaimState
    created_at: datetime
    replies: list[dict[str, Any]] | None = None


def _row(session: Session, conversation_id: str, client_message_id: str) -> ChatReply | None:
    return session.scalars(
        select(ChatReply).where(
            ChatReply.conversation_id == conversation_id,
            ChatReply.client_message_id == client_message_id,
        )
    ).one_or_none()


def _state(row: ChatReply) -> ChatClaim:
    if row.status == "done":
        return ChatClaim("done", row.created_at, list(row.replies or []))
    return ChatClaim("pending", row.created_at)


def get_message(
    session: Session, *, conversation_id: str, client_message_id: str
) -> ChatClaim | None:
    """Return the state of a message's row, or None when there is none."""
    row = _row(session, conversation_id, client_message_id)
    return None if row is None else _state(row)


def _known(row: ChatReply, text_digest: str | None) -> ChatClaim:
    if text_digest and row.text_digest and row.text_digest != text_digest:
        return ChatClaim("conflict", row.created_at)
    return _state(row)


def claim_message(
    session: Session,
    *,
    conversation_id: str,
    client_message_id: str,
    text_digest: str | None = None,
) -> ChatClaim:
    """Insert a ``pending`` row for the message, or report the existing row.

    Commit right after a ``claimed`` result: the row is what makes a
    concurrent retry wait instead of sending the message a second time.
    ``text_digest`` (a keyed hash of the text, never the text) tells a retry of the
    same message from a reused id with new text (``conflict``).
    """
    row = _row(session, conversation_id, client_message_id)
    if row is not None:
        return _known(row, text_digest)
    now = utcnow()
    try:
        with session.begin_nested():
            session.add(
                ChatReply(
                    conversation_id=conversation_id,
                    client_message_id=client_message_id,
                    status="pending",
                    created_at=now,
                    text_digest=text_digest,
                )
            )
    except IntegrityError:  # a concurrent request inserted it first
        row = _row(session, conversation_id, client_message_id)
        if row is None:  # pragma: no cover - the conflict was not on our key
            raise
        return _known(row, text_digest)
    return ChatClaim("claimed", now)


def finish_message(
    session: Session,
    *,
    conversation_id: str,
    client_message_id: str,
    replies: list[dict[str, Any]],
) -> None:
    """Mark the message ``done`` with the bot's replies (a done row is never changed)."""
    session.execute(
        update(ChatReply)
        .where(
            ChatReply.conversation_id == conversation_id,
            ChatReply.client_message_id == client_message_id,
            ChatReply.status == "pending",
        )
        .values(status="done", replies=replies)
    )
    if _row(session, conversation_id, client_message_id) is None:
        # Released meanwhile (cannot happen while we hold the claim): store it anyway.
        session.add(
            ChatReply(
                conversation_id=conversation_id,
                client_message_id=client_message_id,
                status="done",
                replies=replies,
            )
        )


def release_message(session: Session, *, conversation_id: str, client_message_id: str) -> None:
    """Delete the message's ``pending`` row after a failed turn, so it can be retried."""
    session.execute(
        delete(ChatReply).where(
            ChatReply.conversation_id == conversation_id,
            ChatReply.client_message_id == client_message_id,
            ChatReply.status == "pending",
        )
    )


def take_over_message(
    session: Session, *, conversation_id: str, client_message_id: str, seen_at: datetime
) -> bool:
    """Take over a stale ``pending`` row whose request is gone (crash, timeout).

    Compare-and-set on ``created_at``: of several requests that saw the same
    stale row (``seen_at`` is the ``created_at`` they saw), exactly one gets
    True and runs the turn; the row's clock restarts for the others.
    """
    result = session.execute(
        update(ChatReply)
        .where(
            ChatReply.conversation_id == conversation_id,
            ChatReply.client_message_id == client_message_id,
            ChatReply.status == "pending",
            ChatReply.created_at == seen_at,
        )
        .values(created_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def _payload(data: str | None) -> dict[str, Any]:
    try:
        payload = json.loads(data) if data else None
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _bot_reply(payload: dict[str, Any]) -> dict[str, Any] | None:
    reply: dict[str, Any] = {}
    text = payload.get("text")
    if isinstance(text, str) and text:
        reply["text"] = text
    data = payload.get("data")
    buttons = data.get("buttons") if isinstance(data, dict) else None
    if isinstance(buttons, list) and buttons:
        reply["buttons"] = buttons
    return reply or None


def replies_from_tracker(
    session: Session, *, conversation_id: str, client_message_id: str
) -> list[dict[str, Any]] | None:
    """The bot's replies to a message Rasa has already processed, from its tracker store.

    Looks for the user event tagged ``metadata.client_message_id`` and
    collects the bot messages after it up to the next ``action_listen``.
    Returns None when Rasa has no such (complete) turn. The caller checks
    that Rasa's ``events`` table exists in this database.
    """
    events = RASA_EVENTS.c
    marker = f'"client_message_id": {json.dumps(client_message_id)}'
    candidates = session.execute(
        select(events.id, events.data)
        .where(
            events.sender_id == conversation_id,
            events.type_name == "user",
            events.data.contains(marker, autoescape=True),
        )
        .order_by(events.id)
    ).all()
    start: int | None = None
    for event_id, data in candidates:
        metadata = _payload(data).get("metadata")
        if isinstance(metadata, dict) and metadata.get("client_message_id") == client_message_id:
            start = int(event_id)
            break
    if start is None:
        return None
    following = session.execute(
        select(events.type_name, events.action_name, events.data)
        .where(events.sender_id == conversation_id, events.id > start)
        .order_by(events.id)
    )
    replies: list[dict[str, Any]] = []
    for type_name, action_name, data in following:
        if type_name == "bot":
            reply = _bot_reply(_payload(data))
            if reply is not None:
                replies.append(reply)
        elif type_name == "action" and action_name == "action_listen":
            return replies
        elif type_name == "user":
            break
    return None
