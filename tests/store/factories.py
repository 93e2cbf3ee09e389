"""Hand-built test data: referral summaries and a simulated Rasa tracker store."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, insert


def summary_for(
    conversation_id: str,
    *,
    name: str = "Jane Roe",
    complaint: str = "Sharp pain in my lower back after deadlifts",
    triage: str = "routine",
    condition: str | None = "low_back_pain",
) -> dict[str, Any]:
    """A referral summary shaped like section 3 of the intake contract."""
    return {
        "schema_version": "1",
        "conversation_id": conversation_id,
        "patient": {"name": name, "age": 42, "contact": "jane@example.org"},
        "complaint": {
            "text": complaint,
            "body_regions": [{"region": "lower_back", "side": "left"}],
            "symptoms": ["pain"],
            "pain_level": 6,
        },
        "history": {"diagnosis": "none", "physician_referral": False, "medications": []},
        "goals": ["pain_relief"],
        "pressure_preference": "medium",
        "insurance": {"provider": "self_pay", "self_pay": True},
        "triage": {"level": triage, "red_flags": []},
        "suggested_conditions": (
            [{"id": condition, "name": condition, "icd10": "M54.50", "score": 0.8}]
            if condition
            else []
        ),
        "suggested_techniques": [],
    }


RASA_METADATA = MetaData()
#: The same columns as Rasa 3.6's SQLTrackerStore table, to simulate Rasa.
RASA_EVENTS_TABLE = Table(
    "events",
    RASA_METADATA,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def add_event(
    engine: Engine,
    conversation_id: str,
    type_name: str,
    timestamp: float,
    text: str | None = None,
    **data: Any,
) -> None:
    """Insert one event the way Rasa's SQLTrackerStore stores it (``data`` is JSON text)."""
    payload: dict[str, Any] = {"event": type_name, "timestamp": timestamp, **data}
    if text is not None or type_name in ("user", "bot"):
        payload["text"] = text
    with engine.begin() as connection:
        connection.execute(
            insert(RASA_EVENTS_TABLE).values(
                sender_id=conversation_id,
                type_name=type_name,
                timestamp=timestamp,
                intent_name=data.get("intent_name"),
                action_name=data.get("name"),
                data=json.dumps(payload),
            )
        )
