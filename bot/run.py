"""Run the assistant: the action server and Rasa together, with a terminal chat.

One status line per process; Ctrl-C stops everything cleanly; exits non-zero if
a process dies. With a terminal attached you can chat straight away;
``--no-chat`` (or no terminal) just keeps the servers up for the REST channel.

    python -m bot.run [--no-chat] [--rasa-port 5005] [--action-port 5055]
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
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
    args = parser.parse_args(argv)

    model, _ = ensure_model(CONFIG)
    stack = Stack(model=model, rasa_port=args.rasa_port, action_port=args.action_port)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        stack.start(on_status=_status)
        print(f"\nREST channel: POST {stack.rasa_url}/webhooks/rest/webhook  (Ctrl-C to stop)\n")
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
        _status("all", "stopping", "")
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
