"""The edges of the site: its icon, a POST-only address opened as a page, the lockout page,
e-mails on a developer's console, and how a 403 is logged."""

import io
import logging
import os
import runpy
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse
from django.utils import timezone

from assignments.models import Notification
from assignments.services.notifications import notification_email

ROOT = Path(__file__).resolve().parent.parent.parent


def text(response):
    return response.content.decode()


# --- The icon ---------------------------------------------------------------------------


def test_every_page_names_the_site_icon(client):
    page = text(client.get(reverse("login")))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    icon = finders.find("favicon.svg")
    assert icon
    assert Path(icon).read_text().lstrip().startswith("<svg")


# --- A POST-only address opened as a page -------------------------------------------------


def test_opening_a_post_only_address_says_it_takes_a_form(client, director):
    client.force_login(director)
    response = client.get(reverse("notifications:read_all"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = text(response)
    assert "This address only accepts a form submission" in page
    assert "Go back" in page
    assert 'id="nav-notifications"' in page  # the site's own layout, signed in


def test_opening_a_post_only_assignment_address_changes_nothing(client, director, assignment):
    client.force_login(director)
    response = client.get(reverse("assignments:audit_start", args=[assignment.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "only accepts a form submission" in text(response)
    assert not assignment.audit_reports.exists()


def test_a_405_page_leads_back_where_the_person_came_from(client, director):
    client.force_login(director)
    response = client.get(
        reverse("notifications:read_all"), HTTP_REFERER="http://testserver/notifications/"
    )
    assert 'href="http://testserver/notifications/"' in text(response)


# --- The lockout page -------------------------------------------------------------------


def lock_out(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.email, "password": "guess"})
    return client.post("/accounts/login/", {"username": user.email, "password": "pw"})


def test_the_lockout_page_says_when_signing_in_is_possible_again(client, director, settings):
    response = lock_out(client, director, settings)
    assert response.status_code == 429
    attempt = AccessAttempt.objects.get(username=director.email)
    retry_at = timezone.localtime(attempt.attempt_time + timedelta(hours=0.25))
    page = text(response)
    assert f'<strong data-testid="retry-at">{retry_at:%H:%M}</strong>, in 15\xa0minutes.' in page
    assert "for a while" not in page


def test_a_lockout_of_days_names_the_day(client, director, settings):
    settings.AXES_COOLOFF_TIME = 48
    response = lock_out(client, director, settings)
    attempt = AccessAttempt.objects.get(username=director.email)
    retry_at = timezone.localtime(attempt.attempt_time + timedelta(hours=48))
    expected = f"{retry_at.day} {retry_at:%B}, {retry_at:%H:%M}</strong>, in 2\xa0days."
    assert expected in text(response)


def test_a_lockout_without_cool_off_says_an_administrator_lifts_it(client, director, settings):
    settings.AXES_COOLOFF_TIME = None
    response = lock_out(client, director, settings)
    assert response.status_code == 429
    assert "until an administrator lifts the pause" in text(response)


# --- E-mails on a developer's console ------------------------------------------------------


def console(**kwargs):
    stream = io.StringIO()
    return get_connection("interim.mail.EmailBackend", stream=stream, **kwargs), stream


def test_the_local_console_prints_one_line_per_email(settings, director, assignment):
    settings.SITE_URL = "http://127.0.0.1:9001"
    note = Notification.objects.create(
        recipient=director,
        assignment=assignment,
        key="edge:1",
        subject="Review due",
        body="The review is due.",
        url=assignment.get_absolute_url(),
    )
    connection, stream = console()
    connection.send_messages([notification_email(note), notification_email(note)])
    line = (
        f"E-mail to {director.email}: [Interim] Review due "
        f"http://127.0.0.1:9001{assignment.get_absolute_url()}\n"
    )
    assert stream.getvalue() == line * 2


def test_an_email_without_a_link_is_one_line_too():
    connection, stream = console()
    connection.send_messages([EmailMultiAlternatives("Hello", "No link here.", to=["a@x.test"])])
    assert stream.getvalue() == "E-mail to a@x.test: Hello\n"


def test_the_whole_email_is_printed_when_asked(settings):
    settings.EMAIL_CONSOLE_FULL = True
    connection, stream = console()
    connection.send_messages([EmailMultiAlternatives("Hello", "Body text.", to=["a@x.test"])])
    assert "Subject: Hello" in stream.getvalue()
    assert "Body text." in stream.getvalue()


def test_password_reset_mail_is_one_line_with_its_link(client, director, settings, capsys):
    from tests.queued_tasks import drop_queued_tasks, run_queued_tasks

    settings.EMAIL_BACKEND = "interim.mail.EmailBackend"
    drop_queued_tasks()
    client.post(reverse("password_reset"), {"email": director.email})
    run_queued_tasks()  # the worker's part: the e-mail is sent in the background
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"E-mail to {director.email}: ")
    assert " http://testserver/accounts/reset/" in line
    assert not mail.outbox


def settings_value(module, name, **environ):
    """A setting as a fresh process reads it from the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "INTERIM_"))}
    code = f"import {module} as s; print(s.{name})"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_local_settings_print_emails_one_line_each():
    assert settings_value("interim.settings.local", "EMAIL_BACKEND") == "interim.mail.EmailBackend"
    assert settings_value("interim.settings.local", "EMAIL_CONSOLE_FULL") == "False"
    full = settings_value(
        "interim.settings.local", "EMAIL_CONSOLE_FULL", INTERIM_EMAIL_CONSOLE_FULL="true"
    )
    assert full == "True"


def test_make_run_links_emails_to_the_address_it_serves(tmp_path):
    """`make run` with a stand-in interpreter that reports what each step was given."""
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\necho "$INTERIM_SITE_URL $*"\n')
    python.chmod(0o755)
    (tmp_path / "stamp").touch()
    env = {k: v for k, v in os.environ.items() if k != "INTERIM_SITE_URL"}
    done = subprocess.run(
        ["make", "-s", "run", f"BIN={tmp_path}", f"STAMP={tmp_path / 'stamp'}", "PORT=9001"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert "http://127.0.0.1:9001 manage.py run_sweeps" in lines
    assert "http://127.0.0.1:9001 bin/run 127.0.0.1:9001" in lines


@pytest.mark.parametrize(
    ("address", "site_url"),
    [("0.0.0.0:9001", "http://0.0.0.0:9001"), ("9002", "http://127.0.0.1:9002")],
)
def test_bin_run_links_emails_to_the_address_it_serves(address, site_url, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["bin/run", address])
    assert runpy.run_path(str(ROOT / "bin" / "run"), run_name="bin_run")["SITE_URL"] == site_url


# --- A 403 in the console ---------------------------------------------------------------------


def test_a_403_is_logged_as_one_record_with_its_reason(client, manager, caplog):
    client.force_login(manager)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("assignments:create"))
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None
    assert record.getMessage().startswith("Forbidden (Permission denied): /assignments/new/")
    assert "\n" not in record.getMessage()


def test_a_403_prints_one_line_on_the_console_in_debug():
    """With the local settings (DEBUG on), the 403 Django reports reaches stderr once."""
    code = textwrap.dedent(
        """
        import django
        django.setup()
        from django.contrib.auth.models import AnonymousUser
        from django.core.exceptions import PermissionDenied
        from django.core.handlers.exception import response_for_exception
        from django.test import RequestFactory

        request = RequestFactory().get("/somewhere/")
        request.user = AnonymousUser()
        response = response_for_exception(request, PermissionDenied("Only a director may."))
        assert response.status_code == 403
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "INTERIM_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="interim.settings.local",
        DATABASE_URL="sqlite://:memory:",
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr.splitlines() == [
        "Forbidden (Permission denied): /somewhere/ (Only a director may.)"
    ]
