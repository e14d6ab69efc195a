"""Browser tests: Debian's Chromium driven by pytest-playwright against a live server."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.conftest import IN_CI

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the tests
# themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots")).absolute()
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# A loaded two-core CI machine serves some pages slowly: wait longer than the default 5 s.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nScreenshots are saved in {SCREENSHOTS}")
    return SCREENSHOTS


class Party:
    """One person signed in in their own browser context; records every request made."""

    def __init__(self, browser, base_url, email, password, outside):
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 900}
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.outside = outside

        def guard(route):
            host = urlparse(route.request.url).hostname
            if host not in LOCAL_HOSTS:
                self.outside.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        self.context.route("**/*", guard)
        self.page.goto("/accounts/login/")
        self.page.fill("#id_username", email)
        self.page.fill("#id_password", password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(f"{base_url}/")

    def close(self):
        self.context.close()


@pytest.fixture
def sign_in(browser, live_server):
    opened, outside = [], []

    def open_as(user, password="pw"):
        party = Party(browser, live_server.url, user.email, password, outside)
        opened.append(party)
        return party.page

    open_as.outside = outside
    yield open_as
    for party in opened:
        party.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
