"""Progress meetings: scheduled at the assignment's cadence, recorded, or marked missed."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, selectors, services
from ..forms import MeetingRecordForm, MeetingScheduleForm
from ..models import ProgressMeeting
from .common import _attempt, _back, _form_view, _posted


def _meeting(a, meeting_id):
    return selectors.get_child_or_404(
        ProgressMeeting.objects.select_related("assignment"), pk=meeting_id, assignment=a
    )


@login_required
def meeting_schedule(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("schedule_meeting", a, request.user)
    # Moving the next meeting starts from its day and hour.
    planned = a.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).first()
    initial = (
        {f: getattr(planned, f) for f in ("scheduled_for", "starts_at", "duration_minutes")}
        if planned
        else {}
    )
    return _form_view(
        request,
        a,
        MeetingScheduleForm(_posted(request), initial=initial),
        lambda data: services.meeting_schedule(
            assignment=a,
            user=request.user,
            scheduled_for=data["scheduled_for"],
            starts_at=data.get("starts_at"),
            duration_minutes=data.get("duration_minutes"),
        ),
        success=_("Progress meeting scheduled."),
        title=_("Schedule the next progress meeting"),
        submit=_("Schedule"),
        anchor="#meetings",
    )


@login_required
def meeting_record(request, pk, meeting_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("record_meeting", a, request.user)
    meeting = _meeting(a, meeting_id)
    form = MeetingRecordForm(
        _posted(request),
        meeting=meeting,
        initial={"held_on": min(meeting.scheduled_for, timezone.localdate())},
    )
    return _form_view(
        request,
        a,
        form,
        lambda data: services.meeting_record(
            meeting=meeting,
            user=request.user,
            held_on=data["held_on"],
            ratings=form.ratings(),
            **form.meeting_fields(),
        ),
        success=_("Progress meeting recorded; the next one is scheduled."),
        title=_("Record the progress meeting of %(date)s")
        % {"date": date_format(meeting.scheduled_for, "d M Y")},
        submit=_("Record the meeting"),
        anchor="#meetings",
    )


@login_required
@require_POST
def meeting_missed(request, pk, meeting_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("mark_meeting_missed", a, request.user)
    meeting = _meeting(a, meeting_id)
    _attempt(
        request,
        lambda: services.meeting_mark_missed(meeting=meeting, user=request.user),
        _("Meeting marked missed; the next one is scheduled."),
    )
    return _back(a, "#meetings")
