"""Worlds for the engine: running assignments with their meetings, audits and commitments,
and a clock to move (time-machine)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from assignments.models import Flag, Notification, ProgressMeeting
from assignments.tasks import send_pending_emails
from tests.factories import AssignmentFactory, ManagerFactory, Walker


def at(day, hour=12):
    """Travel to `day` (a date) at `hour`, local time; the clock stands still."""
    moment = datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return time_machine.travel(moment, tick=False)


def today():
    return timezone.localdate()


def with_emails(task, *args):
    """Run `task` in the process, then the e-mail task it hands its notifications to (the
    worker runs it once the commit has published it)."""
    return {**task(*args), **send_pending_emails()}


def counts():
    return Flag.objects.count(), Notification.objects.count()


@pytest.fixture
def running(walker):
    """An assignment in progress, with its first review scheduled and a client commitment."""
    return walker.walk_to("in_progress")


@pytest.fixture
def meeting(running):
    return running.meetings.get(status=ProgressMeeting.Status.SCHEDULED)


@pytest.fixture
def auditing(walker):
    """An assignment in audit: the manager's report is due in AUDIT_DURATION_DAYS."""
    return walker.walk_to("audit")


@pytest.fixture
def make_running(firm):
    """More running assignments, each with its own director, manager and client."""

    def make():
        manager = ManagerFactory(firms=[firm]).user
        a = AssignmentFactory(firm=firm)
        return Walker(a, manager).walk_to("in_progress")

    return make


def later(days):
    return today() + timedelta(days=days)
