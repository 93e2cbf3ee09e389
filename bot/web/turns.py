"""One patient turn, exactly once per (conversation id, client message id).

The flow (see :mod:`bot.store.chat_replies` for the rows):

1. *claim* the message: insert a ``pending`` row (UNIQUE per conversation
   and client message id) and commit;
2. the winner looks for the turn in Rasa's tracker store (a previous attempt
   Rasa finished but whose reply was lost) in the same transaction; if absent
   it sends the message to Rasa, answers, and stores the replies as ``done``
   right after (off the response path: until then a retry simply waits; if the
   write fails, the tracker still has the turn for the retry that takes the
   stale row over). On failure the row is released (deleted) so the client
   may retry, except after a timeout: Rasa may still finish that turn, so the
   row stays ``pending`` until it is stale and the retry that takes it over
   checks the tracker first;
3. a request that finds the row ``pending`` waits (bounded, polling) for
   ``done`` and returns the same replies; ``done`` rows are returned at once.

The turn runs in its own task, shielded from client disconnects, so a
dropped connection never leaves a half-recorded turn.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.store.chat_replies import (
    ChatClaim,
    claim_message,
    finish_message,
    get_message,
    release_message,
    replies_from_tracker,
    take_over_message,
)
from bot.store.columns import utcnow
from bot.store.engine import session_scope
from bot.store.transcripts import rasa_events_exist
from bot.web.rasa import RasaClient, RasaTimeout, Reply

__all__ = ["TurnBusy", "TurnResult", "TurnService"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Claim rounds before giving up (a row can vanish and reappear a few times at most).
MAX_ROUNDS = 5
_POLL_FIRST_S = 0.02
_POLL_MAX_S = 0.25
#: How long "Rasa's events table is not in this database" is believed before re-checking.
_TRACKER_RECHECK_S = 30.0


class TurnBusy(Exception):
    """The same message is still being answered by another request; retry shortly."""


class TurnConflict(Exception):
    """The client message id was used before for a different text."""


@dataclass(frozen=True)
class TurnResult:
    """The bot's replies and whether they were replayed from an earlier request."""

    replies: list[Reply]
    replayed: bool


class TurnService:
    """Runs patient turns against Rasa with the idempotency rules above."""

    def __init__(
        self,
        engine: Engine,
        rasa: RasaClient,
        *,
        reply_wait_s: float,
        stale_after_s: float,
        digest_key: bytes,
    ) -> None:
        self.engine = engine
        self.digest_key = digest_key
        self.rasa = rasa
        self.reply_wait_s = reply_wait_s
        self.stale_after = timedelta(seconds=stale_after_s)
        self._tracker_in_db = False
        self._tracker_checked_at = -_TRACKER_RECHECK_S
        self._tasks: set[asyncio.Task[Any]] = set()

    async def _db(self, work: Callable[..., T], /, **kwargs: Any) -> T:
        def run() -> T:
            with session_scope(self.engine) as session:
                return work(session, **kwargs)

        return await anyio.to_thread.run_sync(run)

    async def reply(self, conversation_id: str, client_message_id: str, text: str) -> TurnResult:
        """Answer the message, or replay the stored answer of an earlier identical request.

        Raises :class:`~bot.web.rasa.RasaError` when Rasa fails,
        :class:`TurnBusy` when another request is still working on it, and
        :class:`TurnConflict` when the id was used before for a different text.
        """
        key = {"conversation_id": conversation_id, "client_message_id": client_message_id}
        digest = self.digest(text)
        deadline = time.monotonic() + self.reply_wait_s
        for _ in range(MAX_ROUNDS):
            claim, recovered = await self._db(self._claim, **key, text_digest=digest)
            if claim.state == "conflict":
                raise TurnConflict
            if claim.state == "done":
                return TurnResult(cast(list[Reply], claim.replies or []), replayed=True)
            if claim.state == "claimed":
                return await self._run_shielded(conversation_id, client_message_id, text, recovered)
            if self._stale(claim.created_at):
                if await self._db(self._take_over, **key, seen_at=claim.created_at):
                    log.info("conversation %s: taking over a stale message", conversation_id)
                    recovered = await self._db(self._from_tracker, **key)
                    return await self._run_shielded(
                        conversation_id, client_message_id, text, recovered
                    )
                continue
            waited = await self._wait(conversation_id, client_message_id, deadline)
            if waited is not None:
                return waited
            if time.monotonic() >= deadline:
                raise TurnBusy
        raise TurnBusy

    def _from_tracker(
        self, session: Session, *, conversation_id: str, client_message_id: str
    ) -> list[dict[str, Any]] | None:
        """A turn Rasa already recorded for this message (None when none or no tracker here)."""
        now = time.monotonic()
        if not self._tracker_in_db and now - self._tracker_checked_at >= _TRACKER_RECHECK_S:
            self._tracker_checked_at = now
            self._tracker_in_db = rasa_events_exist(session)
        if not self._tracker_in_db:
            return None
        return replies_from_tracker(
            session, conversation_id=conversation_id, client_message_id=client_message_id
        )

    def digest(self, text: str) -> str:
        """A keyed digest of a message's text: tells two texts apart, reveals neither."""
        return hmac.new(self.digest_key, text.encode("utf-8", "replace"), "sha256").hexdigest()

    def _claim(
        self,
        session: Session,
        *,
        conversation_id: str,
        client_message_id: str,
        text_digest: str,
    ) -> tuple[ChatClaim, list[dict[str, Any]] | None]:
        """Claim the message and, if this request won, look for it in the tracker."""
        claim = claim_message(
            session,
            conversation_id=conversation_id,
            client_message_id=client_message_id,
            text_digest=text_digest,
        )
        if claim.state != "claimed":
            return claim, None
        recovered = self._from_tracker(
            session, conversation_id=conversation_id, client_message_id=client_message_id
        )
        return claim, recovered

    @staticmethod
    def _take_over(
        session: Session, *, conversation_id: str, client_message_id: str, seen_at: datetime
    ) -> bool:
        return take_over_message(
            session,
            conversation_id=conversation_id,
            client_message_id=client_message_id,
            seen_at=seen_at,
        )

    def _stale(self, created_at: datetime) -> bool:
        return utcnow() - created_at > self.stale_after

    async def _wait(
        self, conversation_id: str, client_message_id: str, deadline: float
    ) -> TurnResult | None:
        """Poll until the row is done (its replies), gone or stale (None), or the deadline."""
        delay = _POLL_FIRST_S
        while time.monotonic() < deadline:
            await asyncio.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, _POLL_MAX_S)
            state: ChatClaim | None = await self._db(
                get_message, conversation_id=conversation_id, client_message_id=client_message_id
            )
            if state is None or self._stale(state.created_at):
                return None
            if state.state == "done":
                return TurnResult(cast(list[Reply], state.replies or []), replayed=True)
        return None

    def _background(self, coroutine: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run_shielded(
        self,
        conversation_id: str,
        client_message_id: str,
        text: str,
        recovered: list[dict[str, Any]] | None,
    ) -> TurnResult:
        task = self._background(self._run(conversation_id, client_message_id, text, recovered))
        return await asyncio.shield(task)

    async def _run(
        self,
        conversation_id: str,
        client_message_id: str,
        text: str,
        recovered: list[dict[str, Any]] | None,
    ) -> TurnResult:
        key = {"conversation_id": conversation_id, "client_message_id": client_message_id}
        if recovered:
            log.info("conversation %s: turn recovered from the tracker", conversation_id)
            self._background(self._finish(key, recovered))
            return TurnResult(cast(list[Reply], recovered), replayed=True)
        try:
            replies = await self.rasa.send(
                conversation_id, text, client_message_id=client_message_id
            )
        except RasaTimeout:
            # Rasa may still finish this turn: keep the row pending (a retry takes it
            # over once stale, after checking the tracker), so it is never sent twice.
            raise
        except BaseException:
            await self._db(release_message, **key)
            raise
        self._background(self._finish(key, [dict(r) for r in replies]))
        return TurnResult(replies, replayed=False)

    async def _finish(self, key: dict[str, str], replies: list[dict[str, Any]]) -> None:
        try:
            await self._db(finish_message, **key, replies=replies)
        except Exception as exc:  # the tracker still has the turn for a later retry
            log.warning(
                "conversation %s: could not store replies (%s)",
                key["conversation_id"],
                type(exc).__name__,
            )

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Wait (bounded) for running turns, at shutdown."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)
