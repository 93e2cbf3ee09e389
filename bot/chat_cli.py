"""Chat with the bot in a terminal through Rasa's REST channel.

Buttons are shown as numbered choices: type the number to press one.

    python -m bot.chat_cli [--url http://127.0.0.1:5005]
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import urllib.error
import urllib.request
from typing import Any

DEFAULT_URL = "http://127.0.0.1:5005"
#: The "Start a new chat" quick reply (actions/intake/messages.yml): handled here, not sent.
NEW_CHAT_PAYLOAD = "#new-chat"


def send(url: str, sender: str, text: str, *, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Send one message to Rasa's REST webhook and return the bot's replies."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        data = json.loads(reply.read() or b"[]")
    return data if isinstance(data, list) else []


def render(replies: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Print replies; return the buttons of the last reply that has any."""
    buttons: list[dict[str, str]] = []
    for reply in replies:
        if reply.get("text"):
            print(f"bot> {reply['text']}")
        if reply.get("buttons"):
            buttons = list(reply["buttons"])
            for number, button in enumerate(buttons, start=1):
                print(f"      [{number}] {button.get('title')}")
    if not replies:
        print("bot> (no reply: the assistant may be having trouble; please try again)")
    return buttons


def chat(url: str = DEFAULT_URL) -> int:
    """Interactive loop until end of input or /quit."""
    sender = secrets.token_hex(8)
    print("Type your messages; a number presses a button; /quit to leave.\n")
    buttons = render(send(url, sender, "/greet"))
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text in {"/quit", "/exit"}:
            return 0
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        if text == NEW_CHAT_PAYLOAD:  # the "Start a new chat" button: a new conversation
            sender = secrets.token_hex(8)
            print("(a new chat)\n")
            text = "/greet"
        try:
            buttons = render(send(url, sender, text))
        except (urllib.error.URLError, OSError) as error:
            print(f"(could not reach the assistant at {url}: {error})", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=DEFAULT_URL)
    return chat(parser.parse_args(argv).url)


if __name__ == "__main__":
    raise SystemExit(main())
