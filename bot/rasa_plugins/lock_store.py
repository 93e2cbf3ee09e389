"""A Redis lock store that really keeps two Rasa workers off one conversation.

Rasa 3.6's ``RedisLockStore`` reads a conversation's ticket lock, changes it in
Python and writes it back. Two workers doing that at the same moment both get
ticket 0 and answer two messages of one conversation at once; the SQL tracker
store then saves "the events after the stored count", so one message's events
are silently dropped (seen in ``tests/e2e/test_storage.py``; Rasa issue #9213).
Its clean-up also deletes a lock that another worker has just queued on.

Here every read-modify-write of a lock runs as one Redis transaction
(``WATCH``/``MULTI``/``EXEC``, retried when another worker got there first), and
the key expires on its own if a worker dies holding it.

Configured in ``bot/endpoints.yml``
(``type: bot.rasa_plugins.lock_store.AtomicRedisLockStore``, set by ``bot.stack``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds a lock key outlives its last change (a dead worker's lock goes away).
KEY_GRACE_S = 60
#: How often a queued message checks whether its turn has come (Rasa polls every 1 s).
POLL_S = 0.05
#: What a change does with the stored lock besides saving a new one.
DELETE = object()
KEEP = object()


class AtomicRedisLockStore(RedisLockStore):
    """Ticket locks in Redis, changed only inside Redis transactions."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            settings = dict(endpoint_config.kwargs)
            settings.setdefault("host", endpoint_config.url or "localhost")
            settings.pop("type", None)
            settings.pop("url", None)
            kwargs = {**settings, **kwargs}
        for unset in [k for k in ("db", "password") if kwargs.get(k) in ("", None)]:
            kwargs.pop(unset, None)
        super().__init__(**kwargs)

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], tuple[Any, T]]
    ) -> T:
        """Apply ``change`` to the stored lock atomically; return its value.

        ``change`` gets the current lock (or None) and returns what to store (a
        ``TicketLock``, :data:`DELETE` or :data:`KEEP`) and the value to return.
        It runs again if another worker changed the lock meanwhile, so it must
        depend only on the lock it is given.
        """
        key = self.key_prefix + conversation_id
        outcome: list[T] = []

        def transaction(pipe: Any) -> None:
            outcome.clear()
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            state, value = change(lock)
            outcome.append(value)
            pipe.multi()
            if isinstance(state, TicketLock):
                pipe.set(key, state.dumps(), ex=int(LOCK_LIFETIME) + KEY_GRACE_S)
            elif state is DELETE:
                pipe.delete(key)

        self.red.transaction(transaction, key)
        return outcome[0]

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Wait for the ticket's turn, polling faster than Rasa's default second."""
        return await super()._acquire_lock(
            conversation_id, ticket, min(wait_time_in_seconds, POLL_S)
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Queue a new ticket on the conversation's lock (created if missing)."""
        logger.debug("Issuing ticket for conversation '%s'.", conversation_id)

        def issue(lock: TicketLock | None) -> tuple[Any, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # the same contract as Rasa's base class
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets from the conversation's lock."""

        def expire(lock: TicketLock | None) -> tuple[Any, None]:
            if lock is None:
                return KEEP, None
            lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove a finished ticket from the conversation's lock."""

        def finish(lock: TicketLock | None) -> tuple[Any, None]:
            if lock is None:
                return KEEP, None
            lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove a finished ticket; delete the lock in the same step if nobody waits."""

        def clean(lock: TicketLock | None) -> tuple[Any, None]:
            if lock is None:
                return KEEP, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else DELETE), None

        self._change(conversation_id, clean)
