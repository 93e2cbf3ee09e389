"""Run the gateway with uvicorn: ``python -m bot.web [--host 127.0.0.1] [--port 8000]``.

Binds loopback unless told otherwise (``GATEWAY_HOST`` / ``--host``); see
:mod:`bot.web.config` for the other settings.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import uvicorn

from bot.settings import SettingsError
from bot.web.app import create_app
from bot.web.config import GatewaySettings
from bot.web.logs import configure_logging


def server_options(settings: GatewaySettings) -> dict[str, Any]:
    """uvicorn's options for these settings.

    ``X-Forwarded-For`` is believed only from the proxies named in
    ``GATEWAY_FORWARDED_ALLOW_IPS``; with none named it is ignored, so no client, not
    even one on loopback, picks its own address (and rate-limit bucket).
    """
    trusted = settings.forwarded_allow_ips.strip()
    return {
        "log_config": None,
        "log_level": settings.log_level,
        "access_log": False,
        "server_header": False,
        "ws": "none",  # no websockets (and the pinned websockets library is too old for uvicorn)
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
        "timeout_graceful_shutdown": 10,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, then serve until stopped (SIGINT/SIGTERM)."""
    try:
        settings = GatewaySettings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--host", default=settings.host, help="address to bind (default %(default)s)"
    )
    parser.add_argument("--port", type=int, default=settings.port, help="default %(default)s")
    args = parser.parse_args(argv)
    configure_logging(settings.log_level)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, **server_options(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
