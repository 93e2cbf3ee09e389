"""Transcripts read from Rasa's own SQL tracker store (table ``events``).

Rasa 3.6 creates and writes the table itself; this module only reads it
(and the retention purge deletes from it). It is described on a separate
``MetaData`` so Alembic never creates, alters or drops it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Literal, TypedDict

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, inspect, select
from sqlalchemy.orm import Session

__all__ = ["RASA_EVENTS", "TranscriptEntry", "load_transcript", "rasa_events_exist"]

_rasa_metadata = MetaData()

#: Rasa 3.6 ``SQLTrackerStore.SQLEvent`` (read-only mirror; Rasa owns the table).
RASA_EVENTS = Table(
    "events",
    _rasa_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

_SENDERS: dict[str, Literal["patient", "bot"]] = {"user": "patient", "bot": "bot"}


class TranscriptEntry(TypedDict):
    """One message of a transcript; ``timestamp`` is ISO-8601 in UTC."""

    sender: Literal["patient", "bot"]
    text: str
    timestamp: str


def rasa_events_exist(session: Session) -> bool:
    """Return True once Rasa has created its ``events`` table in this database."""
    return inspect(session.connection()).has_table(RASA_EVENTS.name)


def _text(data: str | None) -> str | None:
    try:
        payload = json.loads(data) if data else None
    except ValueError:
        return None
    text = payload.get("text") if isinstance(payload, dict) else None
    return text if isinstance(text, str) and text.strip() else None


def load_transcript(session: Session, conversation_id: str) -> list[TranscriptEntry]:
    """Return the patient and bot messages of a conversation in order.

    Events without text (buttons only, custom payloads) are left out. Returns
    ``[]`` for an unknown conversation and when Rasa's table does not exist yet.
    """
    if not rasa_events_exist(session):
        return []
    events = RASA_EVENTS.c
    rows = session.execute(
        select(events.type_name, events.timestamp, events.data)
        .where(events.sender_id == conversation_id, events.type_name.in_(tuple(_SENDERS)))
        .order_by(events.timestamp, events.id)
    )
    transcript: list[TranscriptEntry] = []
    for type_name, timestamp, data in rows:
        text = _text(data)
        if text is None:
            continue
        when = datetime.fromtimestamp(timestamp or 0.0, tz=timezone.utc)
        transcript.append(
            TranscriptEntry(sender=_SENDERS[type_name], text=text, timestamp=when.isoformat())
        )
    return transcript
