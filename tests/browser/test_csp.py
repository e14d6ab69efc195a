"""The Content Security Policy as Chromium enforces it: the app's pages and Django admin's
load, run their scripts and draw their charts without one refusal."""

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule

from partners.models import User

ADMIN_PAGES = (
    "/admin/",
    "/admin/assignments/assignment/",
    "/admin/partners/user/",
    "/admin/partners/providerfirm/add/",
    "/admin/django_celery_beat/periodictask/",
    "/admin/django_celery_beat/periodictask/add/",
)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")
    return {u.email: u for u in User.objects.filter(email__endswith="@demo.test")}


def watch(page):
    """Every refusal Chromium reports on the console, and every script error."""
    refused = []

    def console(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: refused.append(f"{page.url}: {error}"))
    return refused


def test_the_directors_pages_break_no_rule(sign_in, demo):
    page = sign_in(demo["director@demo.test"], password="demo")
    refused = watch(page)
    page.goto("/")
    page.wait_for_selector("canvas")
    page.goto("/assignments/?state=in_progress")
    page.locator("table a[href^='/assignments/']").first.click()
    page.wait_for_load_state("load")
    page.goto("/opportunities/")
    page.locator("table a[href^='/opportunities/']").first.click()
    page.wait_for_load_state("load")
    page.goto("/notifications/")
    # htmx is loaded and at work, with its inline indicator style turned off.
    assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert refused == []


def test_django_admin_breaks_no_rule(sign_in, demo):
    page = sign_in(demo["admin@demo.test"], password="demo")
    refused = watch(page)
    for path in ADMIN_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers, path
    # Admin's own scripts run: the theme toggle and the select-all checkbox of a change list.
    page.goto("/admin/partners/user/")
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select:checked").count() > 0
    # django-celery-beat's form script, moved to static/: the crontab in words.
    CrontabSchedule.objects.create(minute="0", hour="7")
    page.goto("/admin/django_celery_beat/periodictask/add/")
    page.locator("#id_crontab").select_option(index=1)
    assert "Translation:" in page.locator(".field-crontab .help").inner_text()
    assert refused == []


def test_an_inline_script_would_be_refused(sign_in, demo):
    """The check itself: a planted inline script is reported, and does not run."""
    page = sign_in(demo["director@demo.test"], password="demo")
    refused = watch(page)
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.planted = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.planted === undefined")
    assert any("Content Security Policy" in text for text in refused)
