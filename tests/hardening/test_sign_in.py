"""Signing in and resetting a password under attack: the lockout counts every spelling of
an e-mail as one, believes a proxy's X-Forwarded-For only when told how many proxies there
are, pauses an account briefly (never for good); a password reset answers the same for any
address, is sent by a background task and is limited per e-mail and per client address."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
import yaml
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interim import lockout
from tests.queued_tasks import drop_queued_tasks, run_queued_tasks

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
RESET = "/accounts/password_reset/"
STRANGER, OWNER, PROXY = "203.0.113.5", "198.51.100.7", "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    drop_queued_tasks()
    yield
    cache.clear()


def sign_in(client, email, password, **meta):
    return client.post(LOGIN, {"username": email, "password": password}, **meta)


def signed_in(client):
    return "_auth_user_id" in client.session


def fail(client, email, times, **meta):
    """Sign in wrongly `times` times (the last may already answer the lockout page)."""
    for _ in range(times):
        sign_in(client, email, "wrong guess", **meta)


# --- One count of failures per e-mail, whatever its spelling ----------------------------


def test_another_spelling_of_a_paused_email_is_paused_too(client, director, settings):
    fail(client, director.email, settings.AXES_FAILURE_LIMIT)
    response = sign_in(client, director.email.upper(), "pw")
    assert response.status_code == 429
    assert not signed_in(client)


def test_failures_in_different_spellings_add_up(client, director, settings):
    spellings = [director.email, director.email.upper(), f"  {director.email.title()} "]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, spellings[attempt % len(spellings)], "wrong guess")
    assert sign_in(client, director.email, "pw").status_code == 429


def test_the_username_axes_counts_is_the_email_as_looked_up():
    assert (
        lockout.client_username(None, {"username": "  SomeOne@Demo.TEST "}) == "someone@demo.test"
    )
    assert lockout.client_username(None, {"username": "   "}) is None
    assert lockout.client_username(None, {"username": ["a@b.test"]}) is None


# --- The client's address behind a proxy ----------------------------------------------------


def address(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return lockout.client_ip_address(RequestFactory().get("/", **meta))


def test_forwarded_for_is_ignored_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address(PROXY, STRANGER) == PROXY


def test_with_trusted_proxies_the_address_is_counted_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Whatever the client writes is on the left; the proxy appends the address it saw.
    assert address(PROXY, f"1.2.3.4, {STRANGER}") == STRANGER
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(PROXY, f"1.2.3.4, {OWNER}, 10.0.0.9") == OWNER


def test_a_request_that_skipped_the_proxies_or_sent_garbage_counts_as_its_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(PROXY, STRANGER) == PROXY
    assert address(PROXY) == PROXY
    settings.TRUSTED_PROXY_COUNT = 1
    assert address(PROXY, "not-an-address") == PROXY
    assert address(PROXY, "1.2.3.4, ") == "1.2.3.4"


def test_behind_a_trusted_proxy_a_stranger_does_not_pause_the_owner(client, director, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    behind_proxy = {"REMOTE_ADDR": PROXY}
    fail(
        client,
        director.email,
        settings.AXES_FAILURE_LIMIT,
        HTTP_X_FORWARDED_FOR=STRANGER,
        **behind_proxy,
    )
    assert (
        sign_in(
            client, director.email, "pw", HTTP_X_FORWARDED_FOR=STRANGER, **behind_proxy
        ).status_code
        == 429
    )
    response = sign_in(client, director.email, "pw", HTTP_X_FORWARDED_FOR=OWNER, **behind_proxy)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_stranger_writing_forwarded_for_is_still_counted_by_their_address(
    client, director, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        forged = f"192.0.2.{attempt}, {STRANGER}"
        sign_in(
            client, director.email, "wrong guess", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged
        )
    forged = f"192.0.2.99, {STRANGER}"
    response = sign_in(
        client, director.email, "pw", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged
    )
    assert response.status_code == 429


def test_guesses_spread_over_many_addresses_pause_the_account(client, director, settings):
    per_address = settings.AXES_FAILURE_LIMIT - 1
    addresses = -(-settings.LOGIN_ACCOUNT_FAILURE_LIMIT // per_address)
    for n in range(addresses):
        fail(client, director.email, per_address, REMOTE_ADDR=f"192.0.2.{n + 1}")
    response = sign_in(client, director.email, "pw", REMOTE_ADDR=OWNER)
    assert response.status_code == 429
    assert not signed_in(client)
    assert "Signing in with this e-mail address is paused" in response.content.decode()


def test_below_the_account_limit_other_addresses_sign_in(client, director, settings):
    fail(client, director.email, settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=STRANGER)
    assert sign_in(client, director.email, "pw", REMOTE_ADDR=OWNER).status_code == 302


def test_tries_during_a_pause_do_not_make_it_longer(client, director, settings):
    start = timezone.now()
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    with time_machine.travel(start, tick=False) as clock:
        fail(client, director.email, settings.AXES_FAILURE_LIMIT)
        # The stranger keeps trying, all through the pause.
        for _ in range(5):
            clock.shift(cool_off / 6)
            assert sign_in(client, director.email, "wrong guess").status_code == 429
        clock.shift(cool_off / 6 + timedelta(seconds=1))
        assert sign_in(client, director.email, "pw").status_code == 302
    assert signed_in(client)


def test_the_lockout_page_names_the_end_of_the_pause_not_a_new_one(client, director, settings):
    start = timezone.now().replace(microsecond=0)
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    with time_machine.travel(start, tick=False) as clock:
        fail(client, director.email, settings.AXES_FAILURE_LIMIT)
        clock.shift(cool_off / 3)
        response = sign_in(client, director.email, "pw")
    retry_at = timezone.localtime(start + cool_off)
    page = response.content.decode()
    minutes = round((cool_off - cool_off / 3).total_seconds() / 60)
    assert (
        f'<strong data-testid="retry-at">{retry_at:%H:%M}</strong>, in {minutes}\xa0minutes.'
        in page
    )


def test_the_cool_off_is_short(settings):
    assert timedelta(hours=settings.AXES_COOLOFF_TIME) <= timedelta(minutes=15)
    assert settings.AXES_FAILURE_LIMIT < settings.LOGIN_ACCOUNT_FAILURE_LIMIT


def production_setting(name, **environ):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "INTERIM_"))}
    env.update(DJANGO_SECRET_KEY="x" * 50, **environ)
    done = subprocess.run(
        [sys.executable, "-c", f"import interim.settings.production as s; print(s.{name})"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_x_forwarded_proto_is_believed_only_behind_trusted_proxies():
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "None"
    header = production_setting("SECURE_PROXY_SSL_HEADER", INTERIM_TRUSTED_PROXIES="1")
    assert header == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_the_compose_file_publishes_the_app_on_this_machine_only():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    (published,) = compose["services"]["web"]["ports"]
    assert published == "${INTERIM_WEB_BIND:-127.0.0.1}:8000:8000"


# --- Password reset ------------------------------------------------------------------------


def ask_reset(client, email, remote=OWNER):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=remote)


def test_known_and_unknown_addresses_get_the_same_answer_for_the_same_work(client, director):
    answers = []
    for email in (director.email, "nobody@example.test"):
        with CaptureQueriesContext(connection) as queries:
            response = ask_reset(client, email)
        answers.append((response.status_code, response["Location"], len(queries)))
        assert not [q for q in queries if "partners_user" in q["sql"]]
    assert answers[0] == answers[1] == (302, "/accounts/password_reset/done/", 0)
    page = client.get("/accounts/password_reset/done/").content.decode()
    assert "If an account uses that address" in page


def test_the_reset_email_is_sent_by_the_background_task(client, director):
    ask_reset(client, director.email)
    assert not mail.outbox
    assert run_queued_tasks() == ["partners.tasks.send_password_reset"]
    (message,) = mail.outbox
    assert message.to == [director.email]
    assert "http://testserver/accounts/reset/" in message.body


def test_the_task_sends_nothing_for_an_unknown_address(client, director):
    ask_reset(client, "nobody@example.test")
    assert run_queued_tasks() == ["partners.tasks.send_password_reset"]
    assert not mail.outbox


def test_the_fourth_reset_of_an_address_within_the_hour_sends_nothing(client, director):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        spellings = [
            director.email,
            director.email.upper(),
            director.email,
            director.email.title(),
        ]
        for n, email in enumerate(spellings):
            response = ask_reset(client, email, remote=f"192.0.2.{n + 1}")
            assert response.status_code == 302
            assert response["Location"] == "/accounts/password_reset/done/"
        run_queued_tasks()
        assert len(mail.outbox) == 3
        clock.shift(timedelta(hours=1, seconds=1))
        ask_reset(client, director.email)
        run_queued_tasks()
    assert len(mail.outbox) == 4


def test_one_client_address_asks_at_most_ten_resets_an_hour(client, director, settings):
    for n in range(settings.PASSWORD_RESETS_PER_ADDRESS):
        ask_reset(client, f"someone{n}@example.test", remote=STRANGER)
    assert ask_reset(client, director.email, remote=STRANGER).status_code == 302
    run_queued_tasks()
    assert not mail.outbox
    ask_reset(client, director.email, remote=OWNER)
    run_queued_tasks()
    assert len(mail.outbox) == 1


def test_a_malformed_address_is_a_form_error_and_queues_nothing(client, director):
    response = ask_reset(client, "not an address")
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert run_queued_tasks() == []
