"""Calendars: a person's private feed (its page, and the address their calendar application
reads) and the "add to calendar" file of one progress meeting."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from icalendar import Calendar, Event, vDuration

from .. import selectors
from ..exceptions import message_of
from ..models import CalendarFeed, ProgressMeeting
from ..selectors.calendar import CalendarEvent, calendar_events, meeting_event
from ..services.calendar import (
    calendar_feed_create,
    calendar_feed_mark_read,
    calendar_feed_revoke,
    calendar_feed_rotate,
)
from .common import ERRORS

# What `secrets.token_urlsafe` makes: anything else is no token (and never reaches the
# database, which may refuse it: PostgreSQL has no NUL in a string).
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Calendar applications poll a subscribed feed; this asks them to do so hourly.
REFRESH = timedelta(hours=1)


def ics(events: list[CalendarEvent], *, base_url: str, name: str = "") -> bytes:
    """`events` as an iCalendar file: a timed event in settings.TIME_ZONE with its
    VTIMEZONE, an event without an hour as a whole day (VALUE=DATE)."""
    cal = Calendar()
    cal.add("prodid", "-//Interim//Calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        # An X- property has no known type: written as a duration, or it reads "1:00:00".
        cal.add("x-published-ttl", vDuration(REFRESH))
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = timezone.now()
    timed: list[date] = []
    for e in events:
        url = base_url + e.path
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp)
        event.add("summary", e.summary)
        event.add("description", f"{e.description}\n{url}")
        event.add("url", url)
        if e.starts_at is None:
            event.add("dtstart", e.day)
            event.add("dtend", e.day + timedelta(days=1))
            # A due date or an unhoured meeting marks the day; it does not fill it.
            event.add("transp", "TRANSPARENT")
        else:
            start = datetime.combine(e.day, e.starts_at, tzinfo=zone)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=e.duration_minutes))
            timed.append(e.day)
        event.add("status", "CANCELLED" if e.cancelled else "CONFIRMED")
        cal.add_component(event)
    if timed:
        # The zone's rules over the events' years only, not since 1970.
        cal.add_missing_timezones(
            first_date=min(timed) - timedelta(days=366), last_date=max(timed) + timedelta(days=366)
        )
    return cal.to_ical()


def _ics_response(body: bytes, *, filename: str = "") -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_safe
def calendar_feed(request, token):
    """The feed at the secret address: the token is the credential (calendar applications
    send no session); an unknown or withdrawn one is 404."""
    if not TOKEN.fullmatch(token):
        raise Http404(_("No such calendar."))
    feed = (
        CalendarFeed.objects.select_related(
            "user", "user__director_profile", "user__client_profile", "user__manager_profile"
        )
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404(_("No such calendar."))
    user = feed.user
    # In the owner's language when they chose one, else the application's Accept-Language.
    with translation.override(user.language or translation.get_language()):
        body = ics(
            calendar_events(user),
            base_url=_base_url(request),
            name=_("Interim – %(name)s") % {"name": user.full_name or user.email},
        )
    calendar_feed_mark_read(feed=feed)
    return _ics_response(body)


@login_required
@require_safe
def meeting_ics(request, pk, meeting_id):
    """One progress meeting as a file to add to a calendar: for whoever sees the meeting
    on the assignment page."""
    a = selectors.get_assignment_for_user(request.user, pk)
    meeting = selectors.get_child_or_404(
        ProgressMeeting.objects.only(
            "pk",
            "assignment_id",
            "status",
            "scheduled_for",
            "held_on",
            "starts_at",
            "duration_minutes",
        ),
        pk=meeting_id,
        assignment=a,
    )
    body = ics([meeting_event(meeting, a)], base_url=_base_url(request))
    return _ics_response(body, filename=f"meeting-{meeting.pk}.ics")


@login_required
def calendar_settings(request):
    """The page of one's private calendar address: shown, replaced or withdrawn."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {"feed": feed}
    if feed is not None:
        url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
        context |= {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}
    return render(request, "accounts/calendar.html", context)


def _run(request, call, success):
    try:
        call()
    except ERRORS as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, success)
    return redirect("calendar_settings")


@login_required
@require_POST
def calendar_create(request):
    return _run(
        request,
        lambda: calendar_feed_create(user=request.user),
        _("Your calendar address is ready: subscribe to it from your calendar application."),
    )


@login_required
@require_POST
def calendar_rotate(request):
    return _run(
        request,
        lambda: calendar_feed_rotate(user=request.user),
        _(
            "Your calendar has a new address; the old one no longer works. Subscribe to the "
            "new one in your calendar application."
        ),
    )


@login_required
@require_POST
def calendar_revoke(request):
    revoked = calendar_feed_revoke(user=request.user)
    if revoked:
        messages.success(request, _("Your calendar address is withdrawn: it no longer works."))
    return redirect("calendar_settings")
