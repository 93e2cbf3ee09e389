"""Rasa's SQL tracker store, made to survive a database restart.

Rasa 3.6 wraps tracker stores in a fail-safe that, when a read fails, starts a
*fresh* conversation: after a PostgreSQL restart the first message would find a
stale pooled connection, fail, and the patient's intake would start over. Here
every connection is checked before use (``pool_pre_ping``), and a failed read or
write is retried a few times with a short back-off before giving up.

When the action server sets :data:`FORGET_SLOT` (the patient said no to consent),
``save`` deletes every stored event of the conversation, and the gateway's stored
replies to its earlier messages, instead of saving: nothing the patient typed is kept.

Configured in ``bot/endpoints.yml`` (``type: bot.rasa_plugins.tracker_store.<class>``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from bot.rasa_plugins import FORGET_SLOT

logger = logging.getLogger(__name__)

ATTEMPTS = 4
FIRST_DELAY_S = 0.5


class ResilientSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore with pre-ping connections and bounded retries."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _with_retries(self, what: str, call: Any, *args: Any) -> Any:
        delay = FIRST_DELAY_S
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await call(*args)
            except (OperationalError, DBAPIError) as error:
                if attempt == ATTEMPTS:
                    raise
                logger.warning(
                    "tracker store %s failed (%s), retry %d of %d",
                    what,
                    type(error).__name__,
                    attempt,
                    ATTEMPTS - 1,
                )
                await asyncio.sleep(delay)
                delay *= 2
        return None  # pragma: no cover - the loop returns or raises

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """Read a conversation, retrying while the database comes back."""
        return await self._with_retries("read", super().retrieve, sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        """Read a whole conversation (all sessions), retrying while the database comes back."""
        return await self._with_retries("full read", super().retrieve_full_tracker, sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append new events (or forget the conversation), retrying while the database is back."""
        if tracker.get_slot(FORGET_SLOT):
            await self._with_retries("forget", self.forget, tracker.sender_id)
            return
        await self._with_retries("write", super().save, tracker)

    async def forget(self, sender_id: str) -> None:
        """Delete every event of one conversation, and the gateway's replies to it.

        The gateway's record of the message being answered now (status ``pending``)
        stays: it holds only the bot's reply, and lets a retry get the same answer.
        """
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(
                synchronize_session=False
            )
            session.commit()
        with self.session_scope() as session:
            try:
                session.execute(
                    sa.text(
                        "DELETE FROM chat_replies WHERE conversation_id = :c AND status = 'done'"
                    ),
                    {"c": sender_id},
                )
                session.commit()
            except SQLAlchemyError:  # no gateway table (Rasa used on its own)
                session.rollback()
        logger.info("conversation forgotten after consent was declined")
