"""The API's reading side: each list starts from the user's scoped selector, each
assignment is fetched by `get_assignment_for_user` (404 for outsiders), and what a party
sees of it is what `access` lets the assignment page show them."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from .. import access
from ..constants import Dimension
from ..models import (
    ActionPlan,
    Assignment,
    AuditReport,
    Candidacy,
    Flag,
    Notification,
    Opportunity,
    PlanConfirmation,
    ProgressMeeting,
)
from ..selectors.notifications import notifications_for
from ..selectors.page import candidacies_visible_to
from ..selectors.scoping import (
    FULL,
    assignments_for_user,
    get_assignment_for_user,
    with_open_flags,
    with_visible_drift,
)
from . import filters
from .serializers import (
    ActionPlanSerializer,
    AssignmentDetailSerializer,
    AssignmentSerializer,
    AssignmentSummarySerializer,
    AuditReportSerializer,
    BriefSerializer,
    CandidacySerializer,
    FlagSerializer,
    NotificationSerializer,
    ProgressMeetingSerializer,
)


def assignment_for(
    user: Any, pk: Any, *, summary_ok: bool = False, queryset: QuerySet[Assignment] | None = None
) -> Assignment:
    """The web's fetch-and-authorise helper, its 404 in the API's words."""
    try:
        return get_assignment_for_user(user, pk, summary_ok=summary_ok, queryset=queryset)
    except Http404:
        raise NotFound(_("No such assignment.")) from None


def schema_only(view: Any) -> bool:
    """drf-spectacular builds the schema with a fake request: no user, no assignment."""
    return getattr(view, "swagger_fake_view", False)


ASSIGNMENT_DETAIL = PolymorphicProxySerializer(
    component_name="AssignmentReading",
    serializers={"full": AssignmentDetailSerializer, "summary": AssignmentSummarySerializer},
    resource_type_field_name="access",
)


@extend_schema_view(
    list=extend_schema(summary="The assignments the caller sees in full, newest first."),
    retrieve=extend_schema(
        summary="One assignment: in full for its parties, a summary for a mere candidate.",
        responses=ASSIGNMENT_DETAIL,
    ),
)
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer
    filterset_class = filters.AssignmentFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Assignment]:
        if schema_only(self):
            return Assignment.objects.none()
        # The filter set hands its values to the web list's selector (filters.py).
        return assignments_for_user(self.request.user)

    def retrieve(self, request: Request, *args: Any, pk: Any = None, **kwargs: Any) -> Response:
        user = request.user
        readable = with_open_flags(with_visible_drift(Assignment.objects.all(), user), user)
        assignment = assignment_for(user, pk, summary_ok=True, queryset=readable)
        full = assignment.access == FULL  # type: ignore[attr-defined]
        serializer = AssignmentDetailSerializer if full else AssignmentSummarySerializer
        return Response(serializer(assignment, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="The client's brief: what they announced, per dimension.",
        responses=BriefSerializer,
    )
    @action(detail=True, filterset_class=None, pagination_class=None)
    def brief(self, request: Request, pk: Any = None) -> Response:
        assignment = assignment_for(
            request.user, pk, queryset=Assignment.objects.prefetch_related("brief_items")
        )
        announced = {item.dimension: item.statement for item in assignment.brief_items.all()}
        brief = {
            "assignment": assignment.pk,
            "summary": assignment.summary,
            "dimensions": [
                {"dimension": value, "label": str(label), "statement": announced.get(value, "")}
                for value, label in Dimension.choices
            ],
        }
        return Response(BriefSerializer(brief).data)


ASSIGNMENT_ID = OpenApiParameter(
    "id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The assignment's id (404 for anyone who may not see it).",
)


class AssignmentChildViewSet(viewsets.ReadOnlyModelViewSet):
    """The records of one assignment the caller sees in full (404 otherwise)."""

    lookup_value_regex = r"\d+"
    lookup_field = "pk"
    lookup_url_kwarg: str  # candidacy_id, report_id…: the web's names for the same ids
    model: type[Any]
    # What the assignment is fetched with, for the `access` questions the view asks.
    assignment_queryset: QuerySet[Assignment] = Assignment.objects.all()

    @cached_property
    def assignment(self) -> Assignment:
        return assignment_for(
            self.request.user, self.kwargs["pk"], queryset=self.assignment_queryset
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not schema_only(self):
            context["assignment"] = self.assignment
        return context

    def get_queryset(self) -> QuerySet[Any]:
        if schema_only(self):
            return self.model.objects.none()
        return self.records(self.assignment, self.request.user)

    def records(self, assignment: Assignment, user: Any) -> QuerySet[Any]:
        raise NotImplementedError

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except Http404:
            raise NotFound(_("No such record on this assignment.")) from None


@extend_schema(parameters=[ASSIGNMENT_ID])
@extend_schema_view(
    list=extend_schema(
        summary="The candidates the caller may see: all for the firm, those presented for "
        "the client, their own for a manager."
    )
)
class CandidacyViewSet(AssignmentChildViewSet):
    lookup_url_kwarg = "candidacy_id"
    model = Candidacy
    serializer_class = CandidacySerializer
    filterset_class = filters.CandidacyFilter
    assignment_queryset = Assignment.objects.prefetch_related("candidacies")

    def records(self, assignment: Assignment, user: Any) -> QuerySet[Candidacy]:
        shown = [c.pk for c in candidacies_visible_to(user, assignment)]
        return (
            Candidacy.objects.filter(assignment=assignment, pk__in=shown)
            .select_related("manager")
            .prefetch_related("rounds")
            .order_by("created_at", "id")
        )


@extend_schema(parameters=[ASSIGNMENT_ID])
@extend_schema_view(
    list=extend_schema(
        summary="The audit reports the caller may see, with their findings per dimension: "
        "the client only the accepted one."
    )
)
class AuditReportViewSet(AssignmentChildViewSet):
    lookup_url_kwarg = "report_id"
    model = AuditReport
    serializer_class = AuditReportSerializer
    filterset_class = filters.AuditReportFilter

    def records(self, assignment: Assignment, user: Any) -> QuerySet[AuditReport]:
        return (
            AuditReport.objects.filter(
                assignment=assignment,
                status__in=access.visible_report_statuses(assignment, user),
            )
            .select_related("author", "reviewed_by")
            .prefetch_related("findings")
            .order_by("version")
        )


@extend_schema(parameters=[ASSIGNMENT_ID])
@extend_schema_view(
    list=extend_schema(
        summary="The action plan's versions, oldest first, with milestones, client "
        "commitments and confirmations."
    )
)
class ActionPlanViewSet(AssignmentChildViewSet):
    lookup_url_kwarg = "plan_id"
    model = ActionPlan
    serializer_class = ActionPlanSerializer
    filterset_class = filters.ActionPlanFilter

    def records(self, assignment: Assignment, user: Any) -> QuerySet[ActionPlan]:
        return (
            ActionPlan.objects.filter(assignment=assignment)
            .prefetch_related(
                "milestones",
                "commitments",
                Prefetch(
                    "confirmations", queryset=PlanConfirmation.objects.select_related("user")
                ),
            )
            .order_by("version")
        )


@extend_schema(parameters=[ASSIGNMENT_ID])
@extend_schema_view(
    list=extend_schema(
        summary="The progress meetings, in the order they are scheduled; provider-only "
        "fields for the provider's side."
    )
)
class ProgressMeetingViewSet(AssignmentChildViewSet):
    lookup_url_kwarg = "meeting_id"
    model = ProgressMeeting
    serializer_class = ProgressMeetingSerializer
    filterset_class = filters.ProgressMeetingFilter
    # Whether the client may see the drift yet (`access.can_see_drift`) reads the reports.
    assignment_queryset = Assignment.objects.prefetch_related("audit_reports")

    def records(self, assignment: Assignment, user: Any) -> QuerySet[ProgressMeeting]:
        lead = Opportunity.objects.filter(source_meeting=OuterRef("pk")).values("pk")[:1]
        return (
            ProgressMeeting.objects.filter(assignment=assignment)
            .select_related("recorded_by")
            .prefetch_related("ratings")
            .annotate(lead_id=Subquery(lead))
            .order_by("scheduled_for", "id")
        )


@extend_schema(parameters=[ASSIGNMENT_ID])
@extend_schema_view(
    list=extend_schema(
        summary="The provider's flags, newest first: 404 for the client, on any assignment."
    )
)
class FlagViewSet(AssignmentChildViewSet):
    lookup_url_kwarg = "flag_id"
    model = Flag
    serializer_class = FlagSerializer
    filterset_class = filters.FlagFilter

    def records(self, assignment: Assignment, user: Any) -> QuerySet[Flag]:
        # An existing flag is as unknown to the client as a missing one: the page has none.
        if not access.can_see_flags(assignment, user):
            raise NotFound()
        return (
            Flag.objects.filter(assignment=assignment)
            .select_related("resolved_by")
            .order_by("-raised_at", "-id")
        )


@extend_schema_view(list=extend_schema(summary="The caller's own notifications, newest first."))
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NotificationSerializer
    filterset_class = filters.NotificationFilter
    lookup_value_regex = r"\d+"
    lookup_url_kwarg = "notification_id"

    def get_queryset(self) -> QuerySet[Notification]:
        if schema_only(self):
            return Notification.objects.none()
        return notifications_for(self.request.user).order_by("-created_at", "-id")

    def get_object(self) -> Notification:
        try:
            return super().get_object()
        except Http404:
            raise NotFound(_("No such notification of yours.")) from None
