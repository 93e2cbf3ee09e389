"""FAULT INJECTION ONLY: a tiny real HTTP server on 127.0.0.1 that imitates Rasa's REST channel.

The tests that need a working assistant use the real Rasa stack; this server
exists to make Rasa fail on purpose (empty reply, 500, slow or hung turns)
and to count how often the gateway calls it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Mode = Literal["ok", "empty", "error", "garbage"]


@dataclass
class FakeRasaState:
    """What the fake does next, and what it has seen."""

    mode: Mode = "ok"
    #: Seconds to wait before answering (longer than the gateway's timeout = a hung Rasa).
    delay_s: float = 0.0
    calls: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: FakeRasaState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def _json(self, status: int, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._json(200, {"status": "ok"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = json.loads(self.rfile.read(length) or b"{}")
            with state.lock:
                state.calls.append(request)
                mode, delay = state.mode, state.delay_s
            if delay:
                time.sleep(delay)
            if mode == "empty":
                self._json(200, [])
            elif mode == "error":
                self._json(500, {"error": "boom"})
            elif mode == "garbage":
                self._json(200, {"not": "a list"})
            else:
                self._json(
                    200,
                    [
                        {
                            "recipient_id": request.get("sender"),
                            "text": f"You said: {request.get('message')}",
                        },
                        {
                            "recipient_id": request.get("sender"),
                            "text": "Is that OK?",
                            "buttons": [
                                {"title": "Yes", "payload": "/affirm"},
                                {"title": "No", "payload": "/deny"},
                            ],
                        },
                    ],
                )

    return Handler


class FakeRasa:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` is its base URL."""

    def __init__(self) -> None:
        self.state = FakeRasaState()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the fake."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every webhook request received so far."""
        with self.state.lock:
            return list(self.state.calls)

    def set_mode(self, mode: Mode, *, delay_s: float = 0.0) -> None:
        """Choose how (and how late) the next calls are answered."""
        with self.state.lock:
            self.state.mode = mode
            self.state.delay_s = delay_s

    def start(self) -> FakeRasa:
        """Serve in a background thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (bounded)."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
