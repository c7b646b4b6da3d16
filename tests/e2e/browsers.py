"""What the browser tests share: Debian's Chromium driven by Playwright, the app served on a
free port, pages that record Content-Security-Policy violations, and signing in by the form.

tests/e2e/conftest.py makes the fixtures (``chromium``, ``server``) available to every e2e
test. Screenshots go to ``SHOTS`` (tests/e2e/screenshots/) for a person to look at.
"""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).parent / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

@pytest.fixture
def server(web_app):
    """The app served on a free local port for the browser."""
    http = make_server("127.0.0.1", 0, web_app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""
CONSOLE: dict[int, list[str]] = {}


def new_page(chromium, viewport: dict):
    """A page that records its console messages and Content-Security-Policy violations."""
    page = chromium.new_page(viewport=viewport)
    messages = CONSOLE.setdefault(id(page), [])
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(str(error)))
    page.add_init_script(CSP_WATCH)
    return page


def assert_no_csp_violation(page) -> None:
    """Nothing on the page was blocked by the policy (console and violation events alike)."""
    blocked = [m for m in CONSOLE.pop(id(page), []) if "Content Security Policy" in m]
    assert blocked == [] and page.evaluate("window.__csp") == []


def sign_in(page, server: str, username: str) -> None:
    """Sign in through the form, as a person would."""
    from tests.e2e.conftest import PASSWORD  # (conftest imports this module's fixtures)

    page.goto(server + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
               && !e.closest('.table-scroll, .scroll-x, pre'))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


def phone_screenshot(page, path) -> None:
    """The page as a phone shows it (390×844), screenshot to ``path``; the page itself never
    scrolls sideways (a wide table scrolls inside its own container). The viewport is put
    back afterwards."""
    before = page.viewport_size
    page.set_viewport_size(VIEWPORTS["phone"])
    page.screenshot(path=str(path), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(WIDER_THAN_SCREEN)
    if before:
        page.set_viewport_size(before)
    assert overflow <= 1, f"the page is {overflow}px wider than a phone: {wide}"
