"""Run the assistant: the action server, Rasa and the web gateway together.

One status line per process; Ctrl-C stops everything cleanly; exits non-zero if
a process dies. Open the printed URL (http://127.0.0.1:8000/) for the demo
clinic page with the chat widget. With a terminal attached you can also chat
in the terminal straight away; ``--no-chat`` (or no terminal) just keeps the
servers up.

    python -m bot.run [--no-chat] [--rasa-port 5005] [--action-port 5055]
                      [--gateway-port 8000] [--gateway-host 127.0.0.1] [--config config.yml]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from bot import chat_cli
from bot.paths import CONFIG
from bot.stack import Stack
from bot.train import ensure_model


def _status(service: str, state: str, detail: str) -> None:
    print(f"[{service:>7}] {state:<8} {detail}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Start the stack, then chat or wait until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-chat", action="store_true", help="don't open the terminal chat")
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--action-port", type=int, default=5055)
    parser.add_argument(
        "--gateway-port", type=int, default=int(os.environ.get("GATEWAY_PORT") or 8000)
    )
    parser.add_argument(
        "--gateway-host",
        default=os.environ.get("GATEWAY_HOST") or "127.0.0.1",
        help="address the public gateway binds (default %(default)s: this machine only)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=CONFIG,
        help="Rasa config whose model to run (trained first if stale; default config.yml)",
    )
    args = parser.parse_args(argv)

    model, _ = ensure_model(args.config)
    stack = Stack(
        model=model,
        rasa_port=args.rasa_port,
        action_port=args.action_port,
        gateway_port=args.gateway_port,
        gateway_host=args.gateway_host,
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Ctrl-C stops everything even when the parent started us with SIGINT ignored (a
    # shell's background job or nohup does that, and Python keeps the ignore).
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        stack.start(on_status=_status)
        print(f"\nOpen {stack.gateway_url}/ for the demo clinic page with the chat widget.")
        print(f"Rasa (private): {stack.rasa_url}   (Ctrl-C to stop everything)", flush=True)
        if not os.environ.get("REDIS_URL"):
            print("One Rasa worker; with REDIS_URL=redis://127.0.0.1:6379/0 it runs two.")
        print(flush=True)
        if not args.no_chat and sys.stdin.isatty():
            chat_cli.chat(stack.rasa_url)
            return 0
        while (dead := stack.dead()) is None:
            time.sleep(1)
        _status(dead.name, "exited", f"code {dead.exit_code()}; see {dead.log_path}")
        return 1
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C (or a supervisor repeating SIGTERM) must not cut the
        # clean-up short and leave Rasa or the action server running on their ports;
        # Stack.stop() is bounded (SIGKILL after a timeout) anyway.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _status("all", "stopping", "")
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
