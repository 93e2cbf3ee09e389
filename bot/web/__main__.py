"""Run the gateway with uvicorn: ``python -m bot.web [--host 127.0.0.1] [--port 8000]``.

Binds loopback unless told otherwise (``GATEWAY_HOST`` / ``--host``); see
:mod:`bot.web.config` for the other settings.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn

from bot.settings import SettingsError
from bot.web.app import create_app
from bot.web.config import GatewaySettings
from bot.web.logs import configure_logging


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
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        log_level=settings.log_level,
        access_log=False,
        server_header=False,
        ws="none",  # no websockets (and the pinned websockets library is too old for uvicorn's)
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=10,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
