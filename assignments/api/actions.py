"""The API's writes: each one the twin of a web action, through the same service and the same
questions to `access`, in the same order, so that the API refuses exactly what the web does.

An outsider gets 404 (the assignment, or a flag for the client, is not theirs to know of);
a party who may see but not do this gets 403 with the sentence; bad input 400 with the
field errors and nothing written; a refusal by the rules of the trade or the state 409
with the service's sentence (the web's transition page answers 409 too).
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access, selectors, services
from ..constants import Dimension
from ..exceptions import message_of
from ..forms import TransitionForm
from ..models import (
    ActionPlan,
    AuditFinding,
    AuditReport,
    Candidacy,
    ClientCommitment,
    Flag,
    ProgressMeeting,
)
from ..services.meetings import scheduled_for_refusal
from ..views.common import ERRORS
from . import inputs
from .serializers import FlagSerializer, NotificationSerializer


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _lazy("Refused.")
    default_code = "conflict"


def _run(call):
    """Run a service: its refusal is a 409 with its sentence, never a 500."""
    try:
        return call()
    except ERRORS as exc:
        raise Conflict(message_of(exc)) from exc
    except DjangoValidationError as exc:
        # A model's own validation (full_clean) of a value the input let through.
        errors = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        raise ValidationError(errors) from exc


def _valid(serializer_class, request, **context):
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer


def _form_errors(form):
    """A Django form's errors as DRF's: field → sentences, `non_field_errors` for the rest."""
    return {
        ("non_field_errors" if field == "__all__" else field): [e["message"] for e in errors]
        for field, errors in form.errors.get_json_data().items()
    }


# --- What the writes answer ------------------------------------------------------------------


class AssignmentStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")


class BriefOutput(inputs.BriefInput):
    """The brief after the write: the request and every dimension's statement."""


def _brief(assignment):
    statements = {i.dimension: i.statement for i in assignment.brief_items.all()}
    return {"summary": assignment.summary, **{d: statements.get(d, "") for d in Dimension.values}}


class CandidacyStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidacy
        fields = ["id", "status"]


class FindingOutput(serializers.ModelSerializer):
    class Meta:
        model = AuditFinding
        fields = ["dimension", "finding", "gap_level"]


class AuditReportOutput(serializers.ModelSerializer):
    findings = FindingOutput(many=True, read_only=True)

    class Meta:
        model = AuditReport
        fields = ["id", "version", "status", "summary", "findings"]


class ActionPlanStateSerializer(serializers.ModelSerializer):
    confirmed_by = serializers.SerializerMethodField()

    class Meta:
        model = ActionPlan
        fields = ["id", "version", "status", "confirmed_by"]

    def get_confirmed_by(self, plan) -> list[str]:
        return sorted(c.party for c in plan.confirmations.all())


class CommitmentStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClientCommitment
        fields = ["id", "delivered_on"]


class MeetingStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressMeeting
        fields = ["id", "status", "scheduled_for", "held_on"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_lazy("How many notifications were unread."))


# --- Transitions -----------------------------------------------------------------------------

TRANSITION_NAME = OpenApiParameter(
    "name",
    str,
    OpenApiParameter.PATH,
    enum=list(services.TRANSITION_SERVICES),
    description=_lazy("The transition (DESIGN.md); any other name is a 404."),
)


class TransitionView(APIView):
    @extend_schema(
        operation_id="assignments_transitions_perform",
        summary=_lazy("Perform a transition of the assignment's lifecycle"),
        parameters=[TRANSITION_NAME],
        request=inputs.TransitionInput,
        responses={200: AssignmentStateSerializer},
        tags=["writes"],
    )
    def post(self, request, pk, name):
        a = selectors.get_assignment_for_user(request.user, pk)
        if name not in services.TRANSITION_SERVICES:
            raise NotFound(_("There is no transition called “%(name)s”.") % {"name": name})
        refusal = access.transition_refusal(a, name, request.user)
        if isinstance(refusal, PermissionDenied):
            raise refusal
        data = _valid(inputs.TransitionInput, request).validated_data
        # The web form's rules: which fields this transition needs, which candidacies and
        # reports may be chosen.
        form = TransitionForm({k: v for k, v in data.items() if v != ""}, assignment=a, name=name)
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        call = services.TRANSITION_SERVICES[name]
        _run(lambda: call(assignment=a, user=request.user, **form.service_kwargs()))
        return Response(AssignmentStateSerializer(a).data)


# --- The brief, the selection ------------------------------------------------------------------


class BriefUpdateView(APIView):
    @extend_schema(
        operation_id="assignments_brief_update",
        summary=_lazy("Update the brief: the fields sent change, the others stay"),
        request=inputs.BriefInput,
        responses={200: BriefOutput},
        tags=["writes"],
    )
    def post(self, request, pk):
        a = selectors.get_assignment_for_user(request.user, pk)
        access.check_party("edit_brief", a, request.user)
        data = _valid(inputs.BriefInput, request).validated_data
        statements = {d: data[d] for d in Dimension.values if d in data}
        _run(
            lambda: services.brief_update(
                assignment=a, user=request.user, statements=statements, summary=data.get("summary")
            )
        )
        return Response(_brief(a))


class CandidacyPresentView(APIView):
    @extend_schema(
        operation_id="assignments_candidacies_present",
        summary=_lazy("Present a vetted candidate to the client"),
        request=inputs.PresentInput,
        responses={200: CandidacyStateSerializer},
        tags=["writes"],
    )
    def post(self, request, pk, candidacy_id):
        a = selectors.get_assignment_for_user(request.user, pk)
        access.check_party("present", a, request.user)
        c = selectors.get_child_or_404(
            Candidacy.objects.select_related("manager", "assignment"),
            pk=candidacy_id,
            assignment=a,
        )
        data = _valid(inputs.PresentInput, request).validated_data
        _run(
            lambda: services.candidacy_present(
                candidacy=c, user=request.user, justification=data["justification"]
            )
        )
        c.refresh_from_db(fields=["status"])
        return Response(CandidacyStateSerializer(c).data)


# --- The audit ---------------------------------------------------------------------------------


def _report(a, report_id):
    return selectors.get_child_or_404(
        AuditReport.objects.select_related("assignment").prefetch_related("findings"),
        pk=report_id,
        assignment=a,
    )


class AuditReportStartView(APIView):
    @extend_schema(
        operation_id="assignments_audit_start",
        summary=_lazy("Start a (new version of the) audit report"),
        request=None,
        responses={201: AuditReportOutput},
        tags=["writes"],
    )
    def post(self, request, pk):
        a = selectors.get_assignment_for_user(request.user, pk)
        access.check_party("write_audit", a, request.user)
        report = _run(lambda: services.audit_report_start(assignment=a, user=request.user))
        return Response(AuditReportOutput(_report(a, report.pk)).data, status=201)


class AuditReportSaveView(APIView):
    @extend_schema(
        operation_id="assignments_audit_save",
        summary=_lazy("Save the draft audit report: the fields sent change, the others stay"),
        request=inputs.AuditReportInput,
        responses={200: AuditReportOutput},
        tags=["writes"],
    )
    def post(self, request, pk, report_id):
        a = selectors.get_assignment_for_user(request.user, pk)
        access.check_party("write_audit", a, request.user)
        report = _report(a, report_id)
        data = _valid(inputs.AuditReportInput, request).validated_data
        found = {f.dimension: f for f in report.findings.all()}
        findings = {}
        for d in Dimension.values:
            existing = found.get(d)
            findings[d] = (
                data.get(f"{d}_finding", existing.finding if existing else ""),
                int(data.get(f"{d}_level", existing.gap_level if existing else 0)),
            )
        _run(
            lambda: services.audit_report_update(
                report=report,
                user=request.user,
                summary=data.get("summary", report.summary),
                findings=findings,
            )
        )
        return Response(AuditReportOutput(_report(a, report.pk)).data)


class AuditReportSubmitView(APIView):
    @extend_schema(
        operation_id="assignments_audit_submit",
        summary=_lazy("Submit the audit report to the director"),
        request=None,
        responses={200: AuditReportOutput},
        tags=["writes"],
    )
    def post(self, request, pk, report_id):
        a = selectors.get_assignment_for_user(request.user, pk)
        access.check_party("write_audit", a, request.user)
        report = _report(a, report_id)
        _run(lambda: services.audit_report_submit(report=report, user=request.user))
        return Response(AuditReportOutput(_report(a, report.pk)).data)


# --- The action plan -------------------------------------------------------------------------


def _plan(a, plan_id):
    return selectors.get_child_or_404(
        ActionPlan.objects.select_related("assignment").prefetch_related("confirmations"),
        pk=plan_id,
        assignment=a,
    )


class PlanConfirmView(APIView):
    @extend_schema(
        operation_id="assignments_plans_confirm",
        summary=_lazy("Confirm the action plan, as the party you are on the assignment"),
        request=None,
        responses={200: ActionPlanStateSerializer},
        tags=["writes"],
    )
    def post(self, request, pk, plan_id):
        a = selectors.get_assignment_for_user(request.user, pk)
        plan = _plan(a, plan_id)
        plan.assignment = a  # the one read above, with what `access` needs
        _run(lambda: services.action_plan_confirm(plan=plan, user=request.user))
        return Response(ActionPlanStateSerializer(_plan(a, plan.pk)).data)


class CommitmentDeliveredView(APIView):
    @extend_schema(
        operation_id="assignments_commitments_delivered",
        summary=_lazy("Mark a client commitment delivered"),
        request=inputs.DeliveredInput,
        responses={200: CommitmentStateSerializer},
        tags=["writes"],
    )
    def post(self, request, pk, commitment_id):
        a = selectors.get_assignment_for_user(request.user, pk)
        commitment = selectors.get_child_or_404(
            ClientCommitment.objects.select_related("plan__assignment"),
            pk=commitment_id,
            plan__assignment=a,
        )
        data = _valid(inputs.DeliveredInput, request).validated_data
        _run(
            lambda: services.commitment_mark_delivered(
                commitment=commitment, user=request.user, delivered_on=data.get("delivered_on")
            )
        )
        return Response(CommitmentStateSerializer(commitment).data)


# --- Progress meetings -------------------------------------------------------------------------


class MeetingScheduleInput(serializers.Serializer):
    scheduled_for = serializers.DateField(help_text=_lazy("Today or later."))

    def validate_scheduled_for(self, day):
        problem = scheduled_for_refusal(day)
        if problem:
            raise serializers.ValidationError(problem)
        return day


class MeetingScheduleView(APIView):
    @extend_schema(
        operation_id="assignments_meetings_schedule",
        summary=_lazy("Schedule the next progress meeting"),
        request=MeetingScheduleInput,
        responses={201: MeetingStateSerializer},
        tags=["writes"],
    )
    def post(self, request, pk):
        a = selectors.get_assignment_for_user(request.user, pk)
        access.check_party("schedule_meeting", a, request.user)
        data = _valid(MeetingScheduleInput, request).validated_data
        meeting = _run(
            lambda: services.meeting_schedule(
                assignment=a, user=request.user, scheduled_for=data["scheduled_for"]
            )
        )
        return Response(MeetingStateSerializer(meeting).data, status=201)


class MeetingRecordView(APIView):
    @extend_schema(
        operation_id="assignments_meetings_record",
        summary=_lazy("Record a held progress meeting; the next one is scheduled"),
        request=inputs.MeetingRecordInput,
        responses={200: MeetingStateSerializer},
        tags=["writes"],
    )
    def post(self, request, pk, meeting_id):
        a = selectors.get_assignment_for_user(request.user, pk)
        access.check_party("record_meeting", a, request.user)
        meeting = selectors.get_child_or_404(
            ProgressMeeting.objects.select_related("assignment"), pk=meeting_id, assignment=a
        )
        form = _valid(inputs.MeetingRecordInput, request, meeting=meeting)
        _run(
            lambda: services.meeting_record(
                meeting=meeting,
                user=request.user,
                held_on=form.validated_data["held_on"],
                ratings=form.ratings(),
                **form.meeting_fields(),
            )
        )
        return Response(MeetingStateSerializer(meeting).data)


# --- Flags, notifications ----------------------------------------------------------------------


class FlagResolveView(APIView):
    @extend_schema(
        operation_id="assignments_flags_resolve",
        summary=_lazy("Resolve a flag, saying how (the provider's side only)"),
        request=inputs.ResolveFlagInput,
        responses={200: FlagSerializer},
        tags=["writes"],
    )
    def post(self, request, pk, flag_id):
        a = selectors.get_assignment_for_user(request.user, pk)
        if not access.can_see_flags(a, request.user):
            # The client has no flags at all: not even a refusal tells them one exists.
            raise Http404(_("No such flag."))
        flag = selectors.get_child_or_404(
            Flag.objects.select_related("assignment"), pk=flag_id, assignment=a
        )
        refusal = access.flag_refusal(a, request.user, flag.kind)
        if isinstance(refusal, PermissionDenied):
            raise refusal
        data = _valid(inputs.ResolveFlagInput, request).validated_data
        _run(lambda: services.flag_resolve(flag=flag, user=request.user, comment=data["comment"]))
        resolved = Flag.objects.select_related("resolved_by").get(pk=flag.pk)
        return Response(FlagSerializer(resolved, context={"request": request}).data)


class NotificationReadView(APIView):
    @extend_schema(
        operation_id="notifications_read",
        summary=_lazy("Mark one of your notifications read"),
        request=None,
        responses={200: NotificationSerializer},
        tags=["writes"],
    )
    def post(self, request, notification_id):
        notification = selectors.get_child_or_404(
            selectors.notifications_for(request.user), pk=notification_id
        )
        services.notification_mark_read(notification=notification, user=request.user)
        return Response(NotificationSerializer(notification, context={"request": request}).data)


class NotificationsReadAllView(APIView):
    @extend_schema(
        operation_id="notifications_read_all",
        summary=_lazy("Mark all your notifications read"),
        request=None,
        responses={200: MarkedSerializer},
        tags=["writes"],
    )
    def post(self, request):
        marked = services.notifications_mark_all_read(user=request.user)
        return Response({"marked": marked})


# (route, view, URL name) for urls.py: every write is a POST to the verb's address.
ROUTES = [
    ("assignments/<int:pk>/transitions/<str:name>/", TransitionView, "assignment-transition"),
    ("assignments/<int:pk>/brief/update/", BriefUpdateView, "brief-update"),
    (
        "assignments/<int:pk>/candidacies/<int:candidacy_id>/present/",
        CandidacyPresentView,
        "candidacy-present",
    ),
    ("assignments/<int:pk>/audit-reports/start/", AuditReportStartView, "audit-report-start"),
    (
        "assignments/<int:pk>/audit-reports/<int:report_id>/save/",
        AuditReportSaveView,
        "audit-report-save",
    ),
    (
        "assignments/<int:pk>/audit-reports/<int:report_id>/submit/",
        AuditReportSubmitView,
        "audit-report-submit",
    ),
    (
        "assignments/<int:pk>/action-plans/<int:plan_id>/confirm/",
        PlanConfirmView,
        "action-plan-confirm",
    ),
    (
        "assignments/<int:pk>/commitments/<int:commitment_id>/delivered/",
        CommitmentDeliveredView,
        "commitment-delivered",
    ),
    ("assignments/<int:pk>/meetings/schedule/", MeetingScheduleView, "meeting-schedule"),
    (
        "assignments/<int:pk>/meetings/<int:meeting_id>/record/",
        MeetingRecordView,
        "meeting-record",
    ),
    ("assignments/<int:pk>/flags/<int:flag_id>/resolve/", FlagResolveView, "flag-resolve"),
    ("notifications/<int:notification_id>/read/", NotificationReadView, "notification-read"),
    ("notifications/read-all/", NotificationsReadAllView, "notifications-read-all"),
]
