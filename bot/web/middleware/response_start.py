"""What the middlewares share: knowing whether, and with which status, a response started."""

from __future__ import annotations

from starlette.types import Message, Send

__all__ = ["ResponseStart"]


class ResponseStart:
    """An ASGI ``send`` that remembers the response's status once it has started.

    A middleware may only answer on its own (413, 500) while nothing was sent,
    and the access log wants the status the app chose.
    """

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status: int | None = None

    @property
    def started(self) -> bool:
        """True once the app has sent the response's start (status and headers)."""
        return self.status is not None

    async def __call__(self, message: Message) -> None:
        """Pass the message on, noting the status of ``http.response.start``."""
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
        await self._send(message)
