"""The widget in headless Chromium, served by the real gateway process on the real stack.

Opens the demo clinic page, starts the intake from the chat bubble, answers by
quick reply and by typing, reloads mid-intake (history restored from
sessionStorage), continues, checks keyboard and mobile behaviour, and saves a
screenshot.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest

from actions.intake.messages import question
from bot.stack import Service, Stack
from tests.conftest import require_service
from tests.e2e.test_conversation import ANSWERS
from tests.web.conftest import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_S = 60.0
T = TypeVar("T")


CLINIC_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Another clinic</title></head><body><h1>Another clinic's own site</h1>
<script src="{gateway}/widget.js" defer></script></body></html>"""


@pytest.fixture(scope="module")
def clinic_port() -> int:
    """The port of a clinic website on another origin (allowed to embed the widget)."""
    return free_port()


@pytest.fixture(scope="module")
def gateway_process(
    bot_stack: Stack, tmp_path_factory: pytest.TempPathFactory, clinic_port: int
) -> Iterator[str]:
    """``python -m bot.web`` on a free loopback port in front of the real stack; its URL."""
    stack = dataclasses.replace(
        bot_stack,
        gateway_port=free_port(),
        services=[],
        log_dir=tmp_path_factory.mktemp("gateway-logs"),
    )
    service: Service = stack.gateway_service()
    service.env["GATEWAY_ALLOWED_ORIGINS"] = f"http://127.0.0.1:{clinic_port}"
    service.start(stack.environment())
    deadline = time.monotonic() + WAIT_S
    while not service.healthy():
        if service.exit_code() is not None or time.monotonic() > deadline:
            service.stop()
            pytest.fail(f"gateway did not start; see {service.log_path}")
        time.sleep(0.3)
    yield stack.gateway_url
    service.stop()


@pytest.fixture(scope="module")
def clinic_site(gateway_process: str, clinic_port: int) -> Iterator[str]:
    """A clinic's own website (another origin) with the widget's one script tag; its URL."""
    page = CLINIC_PAGE.format(gateway=gateway_process).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = page if self.path == "/" else b""
            self.send_response(200 if body else 204)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", clinic_port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{clinic_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium through chromedriver (fails under CI=true when not installed)."""
    require_service(
        CHROMIUM.exists() and CHROMEDRIVER.exists(),
        "Chromium is not installed (apt-get install chromium chromium-driver)",
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1200,900",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=DriverService(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


def wait_for(
    condition: Callable[[], T | None],
    what: str,
    timeout: float = WAIT_S,
    detail: Callable[[], object] | None = None,
) -> T:
    """Poll ``condition`` until it returns something truthy (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # the element may be re-rendered between lookups
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}" + (f": {detail()}" if detail else ""))


def widget(driver: Any) -> Any:
    """The widget's shadow root."""
    from selenium.webdriver.common.by import By

    return wait_for(lambda: driver.find_element(By.ID, "mmi-chat-widget").shadow_root, "the widget")


def quick_reply(root: Any, title: str) -> Any:
    """The quick-reply button with ``title``, once it is shown."""
    from selenium.webdriver.common.by import By

    return wait_for(
        lambda: next(
            (b for b in root.find_elements(By.CSS_SELECTOR, ".quick button") if b.text == title),
            None,
        ),
        f"the {title!r} quick reply",
    )


def bubbles(root: Any, who: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in root.find_elements(By.CSS_SELECTOR, f".msg.{who}")]


def test_intake_in_the_widget_survives_a_reload(
    browser: Any, gateway_process: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    consent, _ = question("consent")
    name_question, _ = question("patient_name")
    age_question, _ = question("age")
    contact_question, _ = question("contact")

    browser.get(gateway_process + "/")
    assert "Riverside Medical Massage" in browser.title
    root = widget(browser)
    launcher = root.find_element(By.CSS_SELECTOR, "button.launcher")
    assert launcher.get_attribute("aria-label").startswith("Open chat")
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()

    dialog = root.find_element(By.CSS_SELECTOR, "[role=dialog]")
    assert dialog.is_displayed()
    assert dialog.get_attribute("aria-modal") == "true"
    assert root.find_element(By.CSS_SELECTOR, "[role=log]").get_attribute("aria-live") == "polite"
    assert launcher.get_attribute("aria-expanded") == "true"
    wait_for(lambda: any(consent in t for t in bubbles(root, "bot")), "the consent question")

    quick_reply(root, "Yes, that's OK").click()
    wait_for(lambda: any(name_question in t for t in bubbles(root, "bot")), "the name question")
    assert "Yes, that's OK" in bubbles(root, "patient")  # the title shows, not "/affirm"

    # Markup typed by a patient is shown as text, never as HTML (the bot may re-ask).
    before = len(bubbles(root, "bot"))
    root.find_element(By.CSS_SELECTOR, "textarea").send_keys("<b>Maria</b>", Keys.ENTER)
    wait_for(lambda: len(bubbles(root, "bot")) > before, "a reply to the markup")
    assert "<b>Maria</b>" in bubbles(root, "patient")
    assert not root.find_elements(By.CSS_SELECTOR, ".log b")
    if not any(age_question in t for t in bubbles(root, "bot")):
        root.find_element(By.CSS_SELECTOR, "textarea").send_keys("Maria Lopez", Keys.ENTER)
    wait_for(
        lambda: any(age_question in t for t in bubbles(root, "bot")),
        "the age question",
        detail=lambda: bubbles(root, "bot")[-3:],
    )

    browser.refresh()  # mid-intake: the history comes back from sessionStorage
    root = widget(browser)
    wait_for(lambda: any(age_question in t for t in bubbles(root, "bot")), "restored history")
    assert root.find_element(By.CSS_SELECTOR, "[role=dialog]").is_displayed()
    assert "<b>Maria</b>" in bubbles(root, "patient")
    assert any(consent in t for t in bubbles(root, "bot"))

    root.find_element(By.CSS_SELECTOR, "textarea").send_keys("42", Keys.ENTER)
    wait_for(
        lambda: any(contact_question in t for t in bubbles(root, "bot")), "the contact question"
    )

    screenshot = tmp_path / "widget.png"
    browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 1000
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Esc closes the dialog and gives focus back to the bubble.
    root.find_element(By.CSS_SELECTOR, "textarea").send_keys(Keys.ESCAPE)
    wait_for(
        lambda: not root.find_element(By.CSS_SELECTOR, "[role=dialog]").is_displayed(), "close"
    )
    focused = browser.execute_script(
        "return document.getElementById('mmi-chat-widget').shadowRoot.activeElement.className"
    )
    assert focused == "launcher"

    # Small screens: the open dialog fills the viewport.
    browser.set_window_size(400, 800)
    root.find_element(By.CSS_SELECTOR, "button.launcher").click()
    dialog = root.find_element(By.CSS_SELECTOR, "[role=dialog]")
    box, viewport = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "const d = document.documentElement;"
        "return [[r.width, r.height], [d.clientWidth, d.clientHeight]]",
        dialog,
    )
    assert abs(box[0] - viewport[0]) <= 1 and abs(box[1] - viewport[1]) <= 1
    browser.save_screenshot(str(tmp_path / "widget-mobile.png"))

    problems = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]
    assert problems == []


def test_offline_send_fails_gracefully_and_the_retry_is_one_turn(
    browser: Any, gateway_process: str, bot_stack: Stack
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    consent, _ = question("consent")
    name_question, _ = question("patient_name")
    browser.get(gateway_process + "/")
    root = widget(browser)
    root.find_element(By.CSS_SELECTOR, "button.launcher").click()
    wait_for(lambda: any(consent in t for t in bubbles(root, "bot")), "the consent question")

    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    root.find_element(By.CSS_SELECTOR, "textarea").send_keys("yes", Keys.ENTER)
    retry = wait_for(
        lambda: root.find_element(By.CSS_SELECTOR, ".failed button.retry"),
        "the couldn't-send notice",
        timeout=30,  # five attempts with exponential backoff, about 10 s
    )
    assert "Couldn" in root.find_element(By.CSS_SELECTOR, ".failed").text

    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {**offline, "offline": False})
    retry.click()
    wait_for(lambda: any(name_question in t for t in bubbles(root, "bot")), "the name question")
    assert not root.find_elements(By.CSS_SELECTOR, ".failed")

    stored = session_state(browser, gateway_process)
    url = (
        f"{bot_stack.rasa_url}/conversations/{stored['conversationId']}/tracker"
        f"?token={bot_stack.rasa_token}"
    )
    with urllib.request.urlopen(url, timeout=30) as reply:
        events = json.loads(reply.read())["events"]
    said = [e.get("text") for e in events if e.get("event") == "user"]
    assert said == ["/greet", "yes"]  # every attempt reused one client_message_id


def test_widget_on_another_origin_talks_to_the_gateway(browser: Any, clinic_site: str) -> None:
    from selenium.webdriver.common.by import By

    consent, _ = question("consent")
    browser.get(clinic_site + "/")
    root = widget(browser)
    root.find_element(By.CSS_SELECTOR, "button.launcher").click()
    # Session, preflight and message all cross origins: CORS follows GATEWAY_ALLOWED_ORIGINS.
    wait_for(lambda: any(consent in t for t in bubbles(root, "bot")), "the consent question")
    problems = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert problems == []


def test_a_full_intake_in_the_widget_then_a_new_chat(
    browser: Any, gateway_process: str, bot_stack: Stack
) -> None:
    """Typed answers through to the reference number; "start over" keeps what was sent
    and its "Start a new chat" button opens a fresh conversation."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    consent, _ = question("consent")
    browser.get(gateway_process + "/")
    root = widget(browser)
    root.find_element(By.CSS_SELECTOR, "button.launcher").click()
    wait_for(lambda: any(consent in t for t in bubbles(root, "bot")), "the consent question")

    def type_and_wait(text: str, expected: str) -> str:
        before = len(bubbles(root, "bot"))
        root.find_element(By.CSS_SELECTOR, "textarea").send_keys(text, Keys.ENTER)
        return wait_for(
            lambda: next(
                (t for t in bubbles(root, "bot")[before:] if expected in t),
                None,
            ),
            f"{expected[:40]!r} after {text!r}",
            detail=lambda: bubbles(root, "bot")[-3:],
        )

    type_and_wait("yes", question("patient_name")[0])
    for _, answer, next_slot in ANSWERS:
        type_and_wait(answer, question(next_slot)[0])
    type_and_wait("self-pay", question("summary_confirmed")[0])
    done = type_and_wait("yes", "Your reference number is MM-")
    reference = done.split("Your reference number is ", 1)[1].rstrip(".")
    first = session_state(browser, gateway_process)

    already = type_and_wait("start over", "already with the clinic")
    assert reference in already
    quick_reply(root, "Start a new chat").click()
    wait_for(
        lambda: (
            any(consent in t for t in bubbles(root, "bot"))
            and not any("already with the clinic" in t for t in bubbles(root, "bot"))
        ),
        "a fresh consent question",
        detail=lambda: bubbles(root, "bot"),
    )
    assert bubbles(root, "patient") == []  # the finished intake is gone from the screen
    second = session_state(browser, gateway_process)
    assert second["conversationId"] and second["conversationId"] != first["conversationId"]

    # The first conversation kept its answers: "start over" reset nothing there.
    url = (
        f"{bot_stack.rasa_url}/conversations/{first['conversationId']}/tracker"
        f"?token={bot_stack.rasa_token}"
    )
    with urllib.request.urlopen(url, timeout=30) as reply:
        tracker = json.loads(reply.read())
    assert tracker["slots"]["patient_name"] == "Maria Lopez"
    assert tracker["slots"]["intake_status"] == "complete"
    said = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
    assert "#new-chat" not in said  # the widget's own button never reaches the assistant


def session_state(browser: Any, gateway: str) -> dict[str, Any]:
    """The widget's saved state (conversation id, history) from sessionStorage."""
    state = browser.execute_script(
        "return JSON.parse(sessionStorage.getItem('mmi-chat:' + arguments[0]))", gateway
    )
    assert isinstance(state, dict)
    return state
