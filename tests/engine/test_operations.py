"""Operations: /healthz, run_sweeps, the beat schedule, the compose file and .env.example."""

import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from zeal import zeal_ignore

from assignments import tasks
from assignments.models import Flag, Notification

from .conftest import at

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")


def settings_variables():
    """The environment variables the settings modules read (all but the test ones)."""
    names = set()
    for name in ("base.py", "local.py", "production.py"):
        text = (ROOT / "interim" / "settings" / name).read_text()
        names |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
    return names


# --- /healthz ---------------------------------------------------------------------------


# The details are for staff (and a monitor's token): tests/hardening/test_production.py.
def test_healthz_says_ok_when_database_and_broker_answer(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "static": "ok"}


def test_healthz_says_503_when_the_broker_is_down(client, admin_user):
    from tests.engine.test_worker import CLOSED_PORT_URL, broker

    client.force_login(admin_user)
    with broker(CLOSED_PORT_URL):
        response = client.get("/healthz")
        public = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"
    assert public.status_code == 503 and public.json() == {"status": "error"}


# --- run_sweeps -------------------------------------------------------------------------


def test_run_sweeps_runs_every_periodic_task_and_is_idempotent(meeting):
    with at(meeting.scheduled_for):
        out = StringIO()
        call_command("run_sweeps", stdout=out)
        first = (Flag.objects.count(), Notification.objects.count())
        call_command("run_sweeps", stdout=StringIO())
    assert first == (Flag.objects.count(), Notification.objects.count())
    assert first[1] >= 3
    for task in tasks.PERIODIC:
        assert task.name.rsplit(".", 1)[-1] + ":" in out.getvalue()


# --- The schedule ---------------------------------------------------------------------


def test_every_design_task_is_registered_under_its_stable_name():
    from interim.celery import app

    for name in (
        "assignments.tasks.send_review_reminders",
        "assignments.tasks.send_audit_reminders",
        "assignments.tasks.sweep_commitments",
        "assignments.tasks.flag_gap_drift",
    ):
        assert name in app.tasks


def test_every_periodic_task_is_on_the_beat_schedule_and_run_by_run_sweeps():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {task.name for task in tasks.PERIODIC}


def test_the_worker_settings_lose_nothing():
    from interim.celery import app

    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_serializer == "json" and app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0


@pytest.mark.django_db
def test_beat_seeds_missing_entries_and_keeps_an_admins_change(monkeypatch):
    from django_celery_beat import schedulers
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    # The scheduler closes stale connections, which would end the test's transaction.
    monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)

    from interim.beat import SeededDatabaseScheduler
    from interim.celery import app

    # django-celery-beat seeds and reads its entries one by one, once when beat starts.
    with zeal_ignore([{"model": "django_celery_beat.*"}]):
        SeededDatabaseScheduler(app=app, lazy=True).setup_schedule()
        assert set(PeriodicTask.objects.values_list("name", flat=True)) >= set(
            settings.CELERY_BEAT_SCHEDULE
        )
        entry = PeriodicTask.objects.get(name="send-review-reminders")
        entry.interval = IntervalSchedule.objects.create(every=6, period="hours")
        entry.enabled = False
        entry.save()
        PeriodicTask.objects.filter(name="sweep-commitments").delete()
        SeededDatabaseScheduler(app=app, lazy=True).setup_schedule()
        entry.refresh_from_db()
        assert entry.interval.every == 6 and not entry.enabled
        assert PeriodicTask.objects.filter(name="sweep-commitments").exists()


# --- docker-compose.yml and .env.example --------------------------------------------------


def test_the_compose_file_parses_and_names_every_service():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert set(compose["services"]) == {"postgres", "redis", *APP_SERVICES}
    assert "healthcheck" in compose["services"]["postgres"]
    assert "pgdata" in compose["volumes"]
    assert "gunicorn" in compose["services"]["web"]["command"]
    assert "migrate" in compose["services"]["web"]["command"]
    assert "worker" in compose["services"]["worker"]["command"]
    assert "beat" in compose["services"]["beat"]["command"]


def test_the_compose_file_passes_every_variable_the_settings_read():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in APP_SERVICES:
        environment = compose["services"][service]["environment"]
        missing = settings_variables() - set(environment)
        assert not missing, f"{service} does not pass {sorted(missing)}"


def test_env_example_documents_every_variable():
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert not settings_variables() - documented
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SECRET_KEY"} <= documented
