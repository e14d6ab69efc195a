"""Production is secure by default: the deployment checklist, the response headers, a
Content Security Policy the pages keep to, a quiet gunicorn, /healthz that tells details
only to those who run the installation, and admin access by permission."""

import http.client
import importlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.test import override_settings

from assignments import access
from assignments.selectors import sees_flags_somewhere
from partners.services import may_manage_clients
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
# What the README says production needs, and nothing else.
DOCUMENTED = {
    "DJANGO_SETTINGS_MODULE": "interim.settings.production",
    "DJANGO_SECRET_KEY": "test-only-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP",
    "DJANGO_ALLOWED_HOSTS": "interim.example.com",
    "DATABASE_URL": "postgres://interim:interim@db.example.com:5432/interim",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
}
PRODUCTION_ONLY = (
    "DJANGO_SSL_REDIRECT",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_HSTS_PRELOAD",
    "DJANGO_SECURE_COOKIES",
)
E_MAILS = {"notifications/email.html", "notifications/digest.html"}


def clean_environment(**extra):
    """This process's environment without any of the settings' variables, plus `extra`."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "INTERIM_", "CELERY_", "DATABASE_"))
    }
    return {**kept, **extra}


def production(monkeypatch, **variables):
    """The production settings module as the environment would make it."""
    for name in PRODUCTION_ONLY:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", DOCUMENTED["DJANGO_SECRET_KEY"])
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    # A fresh module: reloading would keep the names an earlier environment defined.
    sys.modules.pop("interim.settings.production", None)
    return importlib.import_module("interim.settings.production")


def security_settings(module):
    names = [n for n in dir(module) if n.startswith("SECURE_")]
    names += ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY"]
    return {name: getattr(module, name) for name in names}


def directives(header):
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


# --- The deployment checklist ----------------------------------------------------------------


def test_check_deploy_passes_with_only_the_documented_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(**DOCUMENTED),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_make_test_runs_the_deployment_checklist():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:.*\bcheck-deploy\b", makefile, re.M)
    assert re.search(r"^check-deploy:", makefile, re.M)
    assert "check --deploy --fail-level WARNING" in makefile


def test_production_defaults_are_https_only(monkeypatch):
    settings = production(monkeypatch)
    assert settings.SECURE_SSL_REDIRECT is True
    assert settings.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert settings.SECURE_HSTS_PRELOAD is False
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.CSRF_COOKIE_HTTPONLY is True


def test_a_proxy_that_redirects_itself_can_turn_the_redirect_off(monkeypatch):
    assert production(monkeypatch, DJANGO_SSL_REDIRECT="false").SECURE_SSL_REDIRECT is False


def test_hsts_preload_is_a_setting(monkeypatch):
    settings = production(monkeypatch, DJANGO_HSTS_PRELOAD="true")
    assert settings.SECURE_HSTS_PRELOAD is True
    assert "security.W021" not in getattr(settings, "SILENCED_SYSTEM_CHECKS", [])


# --- The response headers -------------------------------------------------------------------


def test_a_page_under_production_settings_carries_the_security_headers(client, db, monkeypatch):
    with override_settings(**security_settings(production(monkeypatch))):
        response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"]


def test_the_content_security_policy_allows_no_inline_code(client, db):
    policy = directives(client.get("/accounts/login/")["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    for kind in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy.get(kind, policy["default-src"])
        assert "'unsafe-eval'" not in policy.get(kind, policy["default-src"])


def test_plain_http_is_redirected_except_the_healthcheck(client, db, monkeypatch):
    with override_settings(**security_settings(production(monkeypatch))):
        page = client.get("/accounts/login/")
        health = client.get("/healthz")
    assert page.status_code == 301
    assert page["Location"] == "https://testserver/accounts/login/"
    assert health.status_code == 200


# --- Templates keep to the policy ---------------------------------------------------------


def test_no_template_has_inline_script_or_style():
    offending = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        if name in E_MAILS:
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son\w+="):
            offending += [f"{name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offending == []


def test_htmx_is_told_not_to_write_its_indicator_styles(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in html
    assert ".htmx-indicator" in (ROOT / "static" / "css" / "interim.css").read_text()


# --- gunicorn ---------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_names_no_server(tmp_path):
    port = free_port()
    environment = clean_environment(
        **{
            **DOCUMENTED,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "CELERY_BROKER_URL": "memory://",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                break
            except ConnectionRefusedError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        headers = {name.lower() for name, _ in response.getheaders()}
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert response.status in (200, 503)
    assert "server" not in headers
    assert "content-security-policy" in headers


def test_the_compose_file_and_the_readme_start_gunicorn_with_its_config():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "gunicorn -c gunicorn.conf.py" in compose["services"]["web"]["command"]
    assert "gunicorn -c gunicorn.conf.py" in (ROOT / "README.md").read_text()


# --- /healthz ---------------------------------------------------------------------------------

MANIFEST = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}


@pytest.fixture
def uncollected(tmp_path, settings):
    """Production's hashed static files, before `collectstatic` has written the manifest."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST}
    settings.STATIC_ROOT = tmp_path
    return tmp_path


def test_healthz_tells_the_public_only_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_tells_staff_each_check(client, db):
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "static": "ok"}


@override_settings(HEALTH_TOKEN="monitor-token-0123")
def test_healthz_tells_a_monitor_with_the_token_each_check(client, db):
    response = client.get("/healthz", headers={"Authorization": "Bearer monitor-token-0123"})
    assert response.json()["database"] == "ok"
    wrong = client.get("/healthz", headers={"Authorization": "Bearer monitor-token-0124"})
    assert wrong.json() == {"status": "ok"}


def test_no_token_is_accepted_when_none_is_set(client, db, settings):
    settings.HEALTH_TOKEN = ""
    response = client.get("/healthz", headers={"Authorization": "Bearer "})
    assert response.json() == {"status": "ok"}


def test_healthz_fails_when_static_files_are_not_collected(client, db, uncollected):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    client.force_login(UserFactory(is_staff=True))
    static = client.get("/healthz").json()["static"]
    assert static.startswith("error") and "collectstatic" in static


def test_healthz_is_ok_once_static_files_are_collected(client, db, uncollected):
    (uncollected / "staticfiles.json").write_text(
        '{"version": "1.1", "hash": "0", "paths": {"css/interim.css": "css/interim.0.css"}}'
    )
    assert client.get("/healthz").status_code == 200


# --- Admin access follows a permission -------------------------------------------------------


def grant_everything(user):
    user.user_permissions.add(Permission.objects.get(codename="view_everything"))
    return type(user).objects.get(pk=user.pk)  # permissions are cached on the instance


def test_staff_status_alone_does_not_open_the_app(client, assignment, firm):
    staff = UserFactory(is_staff=True)
    assert not access.is_admin(staff)
    assert not may_manage_clients(staff, firm)
    assert "admin" not in staff.roles and not sees_flags_somewhere(staff)
    client.force_login(staff)
    assert client.get(f"/assignments/{assignment.pk}/").status_code == 404


def test_staff_with_the_permission_is_an_admin(client, assignment, firm):
    staff = grant_everything(UserFactory(is_staff=True))
    assert access.is_admin(staff)
    assert "admin" in staff.roles and sees_flags_somewhere(staff)
    assert may_manage_clients(staff, firm)
    client.force_login(staff)
    assert client.get(f"/assignments/{assignment.pk}/").status_code == 200


def test_the_permission_without_staff_status_is_not_enough(db):
    assert not access.is_admin(grant_everything(UserFactory()))


def test_a_superuser_is_an_admin(admin_user):
    assert access.is_admin(admin_user)


def test_the_demo_admin_is_an_admin(db):
    from assignments.demo.people import demo_people
    from partners.models import User

    demo_people()
    assert access.is_admin(User.objects.get(email="admin@demo.test"))
