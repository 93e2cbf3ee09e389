"""Run rasa-sdk's action server on a private address, behind a shared token.

rasa-sdk 3.6 listens on 0.0.0.0 without authentication; we bind loopback (or
``ACTION_SERVER_HOST``) and require ``Authorization: Bearer $ACTION_SERVER_TOKEN``
on the webhook, which ``bot/endpoints.yml`` sends from Rasa.

    python -m bot.action_server [--port 5055]
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

DEFAULT_PORT = 5055


def build_app(token: str) -> Sanic:
    """The rasa-sdk app for the ``actions`` package, refusing webhook calls without ``token``."""
    app = create_app("actions", cors_origins=[])
    expected = f"Bearer {token}".encode()

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path == "/health":
            return None
        given = (request.headers.get("Authorization") or "").encode()
        if not hmac.compare_digest(given, expected):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    return app


def main(argv: list[str] | None = None) -> int:
    """Command line: serve the actions until stopped."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", DEFAULT_PORT))
    )
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    args = parser.parse_args(argv)
    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if not token:
        parser.error("ACTION_SERVER_TOKEN must be set (bot.run sets a random one)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = build_app(token)
    logger.info("action server on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
