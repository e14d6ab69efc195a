"""Calendars: a person's private feed at a secret address, and one meeting's file.

Each feed is parsed back with icalendar and read as a calendar application would."""

import datetime
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from assignments import services
from assignments.constants import State
from assignments.models import Assignment, CalendarFeed, ProgressMeeting
from assignments.selectors.calendar import PAST_DAYS
from assignments.services.calendar import (
    calendar_feed_create,
    calendar_feed_revoke,
    calendar_feed_rotate,
)
from tests.factories import AssignmentFactory, ClientContactFactory, ManagerFactory, Walker


def feed_url(user):
    return reverse("calendar_feed", args=[calendar_feed_create(user=user).token])


def read(client, url):
    """The feed as a calendar application reads it: no session, no cookie."""
    client.logout()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    return Calendar.from_ical(response.content)


def events(cal):
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def feed_of(client, user):
    return events(read(client, feed_url(user)))


def meeting_uid(meeting):
    return f"meeting-{meeting.pk}@interim"


def audit_uid(a):
    return f"audit-due-{a.pk}-{a.audit_due_date:%Y%m%d}@interim"


@pytest.fixture
def running(walker):
    walker.to_in_progress()
    walker.a.refresh_from_db()
    return walker.a, walker.a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)


# --- Who sees what --------------------------------------------------------------------------


def test_each_party_finds_the_meeting_with_its_place_on_the_page(client, cast, running):
    a, meeting = running
    for role in ("director", "manager", "client", "admin"):
        found = feed_of(client, cast[role])
        event = found[meeting_uid(meeting)]
        assert a.title in str(event["summary"]), role
        assert event.decoded("dtstart") == meeting.scheduled_for
        assert str(event["url"]).endswith(f"/assignments/{a.pk}/#meeting-{meeting.pk}")
        assert str(event["url"]).startswith("http://testserver/")
        assert str(event["status"]) == "CONFIRMED"


def test_outsiders_feeds_lack_the_assignment(client, cast, running):
    a, meeting = running
    for role in ("other_director", "other_manager", "other_client"):
        found = feed_of(client, cast[role])
        assert meeting_uid(meeting) not in found, role
        assert a.title.encode() not in client.get(feed_url(cast[role])).content


def test_a_client_sees_only_their_organisations_assignments(client, cast, running, firm):
    _, meeting = running
    elsewhere = AssignmentFactory(
        firm=firm,
        director=cast["director"],
        client=cast["other_client"].client_profile.organisation,
        client_contact=cast["other_client"],
    )
    theirs = ProgressMeeting.objects.create(
        assignment=elsewhere, scheduled_for=timezone.localdate() + timedelta(days=3)
    )
    mine = feed_of(client, cast["client"])
    assert meeting_uid(meeting) in mine and meeting_uid(theirs) not in mine
    other = feed_of(client, cast["other_client"])
    assert meeting_uid(theirs) in other and meeting_uid(meeting) not in other
    # The director of both sees both.
    assert {meeting_uid(meeting), meeting_uid(theirs)} <= set(feed_of(client, cast["director"]))


def test_the_clients_feed_carries_nothing_provider_only(client, cast, walker, running):
    _, meeting = running
    services.meeting_record(
        meeting=meeting,
        user=walker.director,
        held_on=timezone.localdate(),
        ratings=dict.fromkeys(("objectives", "context", "skills"), 3)
        | dict.fromkeys(("resources", "expectations", "timeline"), 0),
        summary="Steady.",
        manager_workload=5,
        manager_strain=5,
        opportunities="A second plant in Lyon wants a plant manager.",
    )
    body = client.get(feed_url(cast["client"])).content.decode()
    for secret in ("second plant", "Lyon", "strain", "drift", "Workload", "flag"):
        assert secret.lower() not in body.lower(), secret
    # The meeting is still theirs to see, as held, on the day it was held.
    held = events(Calendar.from_ical(body))[meeting_uid(meeting)]
    assert held.decoded("dtstart") == timezone.localdate()
    assert str(held["status"]) == "CONFIRMED"


def test_audit_due_while_awaited_and_for_the_client_the_whole_audit(client, cast, walker):
    walker.to_audit()
    a = Assignment.objects.get(pk=walker.a.pk)
    assert a.state == State.AUDIT and a.audit_due_date
    for role in ("director", "manager", "client"):
        event = feed_of(client, cast[role])[audit_uid(a)]
        assert event.decoded("dtstart") == a.audit_due_date
        assert event.decoded("dtend") == a.audit_due_date + timedelta(days=1)
        assert str(event["url"]).endswith(f"/assignments/{a.pk}/#audit")
    walker.submitted_report()
    # The provider's side waits no more; the client, who does not see a report before it is
    # accepted, keeps the due date as the page does: its vanishing would tell of the report.
    assert audit_uid(a) not in feed_of(client, cast["director"])
    assert audit_uid(a) not in feed_of(client, cast["manager"])
    assert audit_uid(a) in feed_of(client, cast["client"])


def test_a_person_with_two_roles_sees_each_assignment_as_the_party_on_it(
    client, cast, walker, other_firm
):
    """A director of another firm who is the client's contact here: this assignment as its
    client, their own firm's as its director."""
    both = cast["director_and_client"]
    walker.to_audit()
    walker.submitted_report()
    here = Assignment.objects.get(pk=walker.a.pk)
    own = AssignmentFactory(firm=other_firm, director=both)
    theirs = Walker(own, ManagerFactory(firms=[other_firm]).user)
    theirs.to_audit()
    theirs.submitted_report()
    own.refresh_from_db()
    found = feed_of(client, both)
    assert audit_uid(here) in found  # the client's reading: the audit phase lasts
    assert audit_uid(own) not in found  # the director's: the report is in


def test_a_missed_meeting_stays_cancelled_and_its_successor_keeps_the_hour(
    client, cast, walker, running
):
    a, meeting = running
    services.meeting_schedule(
        assignment=a,
        user=walker.director,
        scheduled_for=timezone.localdate() + timedelta(days=2),
        starts_at=datetime.time(14, 30),
        duration_minutes=45,
    )
    services.meeting_mark_missed(meeting=meeting, user=walker.director)
    nxt = a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    assert (nxt.starts_at, nxt.duration_minutes) == (datetime.time(14, 30), 45)
    found = feed_of(client, cast["client"])
    missed = found[meeting_uid(meeting)]
    assert str(missed["status"]) == "CANCELLED"
    assert str(found[meeting_uid(nxt)]["status"]) == "CONFIRMED"


# --- Time zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(datetime.date(2031, 1, 15), 9), (datetime.date(2031, 7, 15), 8)],
    ids=["winter", "summer"],
)
def test_an_hour_in_paris_is_the_right_instant_everywhere(
    client, cast, running, settings, day, utc_hour
):
    settings.TIME_ZONE = "Europe/Paris"
    _, meeting = running
    ProgressMeeting.objects.filter(pk=meeting.pk).update(
        scheduled_for=day, starts_at=datetime.time(10, 0), duration_minutes=90
    )
    cal = read(client, feed_url(cast["director"]))
    event = events(cal)[meeting_uid(meeting)]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert start.astimezone(UTC) == datetime.datetime(
        day.year, day.month, day.day, utc_hour, 0, tzinfo=UTC
    )
    assert end - start == timedelta(minutes=90)
    zones = [str(z["tzid"]) for z in cal.walk("VTIMEZONE")]
    assert zones == ["Europe/Paris"]


def test_a_meeting_without_an_hour_is_a_whole_day(client, cast, running):
    _, meeting = running
    event = feed_of(client, cast["director"])[meeting_uid(meeting)]
    assert type(event.decoded("dtstart")) is datetime.date
    assert event["dtstart"].params.get("VALUE") == "DATE"
    assert event.decoded("dtend") == meeting.scheduled_for + timedelta(days=1)
    assert event.get("dtstamp") is not None


def test_the_schedule_form_takes_an_hour_and_a_length(client, cast, running):
    a, meeting = running
    client.force_login(cast["director"])
    day = timezone.localdate() + timedelta(days=4)
    response = client.post(
        reverse("assignments:meeting_schedule", args=[a.pk]),
        {"scheduled_for": day.isoformat(), "starts_at": "09:15", "duration_minutes": "120"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.scheduled_for, meeting.starts_at, meeting.duration_minutes) == (
        day,
        datetime.time(9, 15),
        120,
    )
    page = client.get(reverse("assignments:detail", args=[a.pk])).content.decode()
    assert f'id="meeting-{meeting.pk}"' in page and "09:15" in page
    assert reverse("assignments:meeting_ics", args=[a.pk, meeting.pk]) in page
    refused = client.post(
        reverse("assignments:meeting_schedule", args=[a.pk]),
        {"scheduled_for": day.isoformat(), "starts_at": "25:99", "duration_minutes": "5"},
    )
    assert refused.status_code == 200 and set(refused.context["form"].errors) == {
        "starts_at",
        "duration_minutes",
    }


# --- The address: made, replaced, withdrawn ---------------------------------------------------


def test_the_page_shows_the_full_address_and_makes_one(client, cast):
    user = cast["manager"]
    client.force_login(user)
    page = client.get(reverse("calendar_settings"))
    assert page.status_code == 200 and page.context["feed"] is None
    client.post(reverse("calendar_create"))
    feed = CalendarFeed.objects.get(user=user)
    assert len(feed.token) >= 43
    body = client.get(reverse("calendar_settings")).content.decode()
    assert f'value="http://testserver/calendar/{feed.token}.ics"' in body
    assert "readonly" in body and f"webcal://testserver/calendar/{feed.token}.ics" in body
    # Creating again keeps the address.
    client.post(reverse("calendar_create"))
    assert CalendarFeed.objects.get(user=user).token == feed.token


def test_rotation_kills_the_old_address_at_once(client, cast, running):
    user = cast["director"]
    old = feed_url(user)
    read(client, old)
    client.force_login(user)
    response = client.post(reverse("calendar_rotate"))
    assert response.status_code == 302 and response["Location"] == reverse("calendar_settings")
    feed = CalendarFeed.objects.get(user=user)
    assert feed.rotated_at is not None
    client.logout()
    assert client.get(old).status_code == 404
    read(client, reverse("calendar_feed", args=[feed.token]))


def test_revoking_withdraws_the_address(client, cast):
    user = cast["client"]
    url = feed_url(user)
    client.force_login(user)
    client.post(reverse("calendar_revoke"))
    assert not CalendarFeed.objects.filter(user=user).exists()
    client.logout()
    assert client.get(url).status_code == 404
    # Rotating without an address is refused with a sentence, not a 500.
    client.force_login(user)
    response = client.post(reverse("calendar_rotate"), follow=True)
    assert "no calendar address" in response.content.decode()
    assert not calendar_feed_revoke(user=user)


def test_an_unknown_token_is_404(client, cast):
    calendar_feed_create(user=cast["director"])
    for token in ("nope", "x" * 43, "%00", "a" * 500):
        assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_an_inactive_persons_feed_is_404(client, cast):
    url = feed_url(cast["manager"])
    type(cast["manager"]).objects.filter(pk=cast["manager"].pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_reading_notes_when_the_feed_was_last_read(client, cast):
    user = cast["director"]
    url = feed_url(user)
    assert CalendarFeed.objects.get(user=user).last_read_at is None
    read(client, url)
    first = CalendarFeed.objects.get(user=user).last_read_at
    assert first is not None
    read(client, url)  # within the hour: no new write
    assert CalendarFeed.objects.get(user=user).last_read_at == first
    calendar_feed_rotate(user=user)
    assert CalendarFeed.objects.get(user=user).last_read_at is None


def test_the_feed_speaks_its_owners_language(client, cast, running):
    _, meeting = running
    user = cast["director"]
    type(user).objects.filter(pk=user.pk).update(language="fr")
    event = feed_of(client, user)[meeting_uid(meeting)]
    with translation.override("fr"):
        assert str(event["summary"]).startswith("Point d'étape")


# --- One meeting's file -----------------------------------------------------------------------


def test_the_meeting_file_for_whoever_sees_the_meeting(client, cast, running):
    a, meeting = running
    url = reverse("assignments:meeting_ics", args=[a.pk, meeting.pk])
    for role in ("director", "manager", "client", "admin"):
        client.force_login(cast[role])
        response = client.get(url)
        assert response.status_code == 200, role
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert f'filename="meeting-{meeting.pk}.ics"' in response["Content-Disposition"]
        found = events(Calendar.from_ical(response.content))
        assert list(found) == [meeting_uid(meeting)]
    for role in ("other_director", "other_manager", "other_client"):
        client.force_login(cast[role])
        assert client.get(url).status_code == 404, role
    client.logout()
    assert client.get(url).status_code == 302


def test_a_meeting_of_another_assignment_is_404(client, cast, running, firm):
    a, _ = running
    other = AssignmentFactory(firm=firm, director=cast["director"])
    theirs = ProgressMeeting.objects.create(
        assignment=other, scheduled_for=timezone.localdate() + timedelta(days=1)
    )
    client.force_login(cast["client"])
    assert client.get(f"/assignments/{a.pk}/meetings/{theirs.pk}/calendar.ics").status_code == 404


# --- A fixed number of queries ----------------------------------------------------------------


def grow(firm, director, n):
    """`n` more assignments of the firm, each with a meeting and one in audit."""
    today = timezone.localdate()
    contact = ClientContactFactory()
    for i in range(n):
        a = AssignmentFactory(
            firm=firm, director=director, client=contact.organisation, client_contact=contact.user
        )
        Assignment.objects.filter(pk=a.pk).update(
            state=State.AUDIT if i % 2 else State.IN_PROGRESS,
            audit_due_date=today + timedelta(days=10),
        )
        ProgressMeeting.objects.create(
            assignment=a, scheduled_for=today + timedelta(days=i), starts_at=datetime.time(9)
        )
        ProgressMeeting.objects.create(
            assignment=a,
            scheduled_for=today - timedelta(days=20),
            held_on=today - timedelta(days=20),
            status=ProgressMeeting.Status.HELD,
        )


def queries_of(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(events(Calendar.from_ical(response.content)))


@pytest.mark.parametrize("role", ["director", "client", "admin"])
def test_the_feed_costs_the_same_queries_at_two_sizes(client, cast, running, firm, role):
    user = cast[role]
    url = feed_url(user)
    small, small_events = queries_of(client, url)
    if role == "client":
        for _ in range(4):
            a = AssignmentFactory(
                firm=firm,
                director=cast["director"],
                client=user.client_profile.organisation,
                client_contact=user,
            )
            ProgressMeeting.objects.create(
                assignment=a, scheduled_for=timezone.localdate() + timedelta(days=2)
            )
    else:
        grow(firm, cast["director"], 6)
    large, large_events = queries_of(client, url)
    assert large_events > small_events
    assert small == large, (small, large)


def test_the_feed_reaches_back_half_a_year(client, cast, running):
    a, _ = running
    today = timezone.localdate()
    old, recent = (
        ProgressMeeting.objects.create(
            assignment=a,
            scheduled_for=today - timedelta(days=days),
            held_on=today - timedelta(days=days),
            status=ProgressMeeting.Status.HELD,
        )
        for days in (PAST_DAYS + 20, PAST_DAYS - 20)
    )
    found = feed_of(client, cast["manager"])
    assert meeting_uid(recent) in found and meeting_uid(old) not in found


def test_the_feed_tells_calendars_to_refresh_hourly(client, cast, running):
    """Both the standard's and Outlook's property, each a proper duration."""
    client.logout()
    body = client.get(feed_url(cast["manager"])).content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert "X-PUBLISHED-TTL:PT1H\r\n" in body
