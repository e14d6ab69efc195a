"""What the API returns, per party: the same walls as the assignment page.

Every serializer reads rows its view has already scoped and prefetched. A field that only
some parties see is declared optional (`required=False`, so the schema says it may be
absent) and dropped by `PartyFieldsMixin.to_representation` for whoever the page would not
show it to, asking the same `access` functions as the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.models import ClientOrganisation, ProviderFirm, User

from .. import access
from ..models import (
    ActionPlan,
    Assignment,
    AuditFinding,
    AuditReport,
    Candidacy,
    ClientCommitment,
    Flag,
    MeetingRating,
    Milestone,
    NegotiationRound,
    Notification,
    PlanConfirmation,
    ProgressMeeting,
)
from ..selectors.scoping import FULL, SUMMARY

PROVIDER_ONLY = _lazy("Only for the provider's side (the firm's director, the manager, admins).")
DIRECTOR_ONLY = _lazy("Only for the firm's director on this assignment, and admins.")
DRIFT_VISIBLE = _lazy(
    "Only once the client may see the gap drift (from the accepted audit on); always for "
    "the provider's side."
)

# A rule: may this user see the field on this assignment? (`access` functions.)
Rule = Callable[[Assignment, Any], bool]


class PartyFieldsMixin:
    """Drops each field of `party_fields` the user may not see on the row's assignment.

    The rules are asked once per assignment and request (`context["seen"]`), so a list
    costs no query per row; `context["assignment"]` is the assignment of a nested list."""

    party_fields: dict[str, Rule] = {}

    def assignment_of(self, instance: Any) -> Assignment:
        return self.context["assignment"]

    def _may_see(self, assignment: Assignment, name: str) -> bool:
        seen = self.context.setdefault("seen", {})
        key = (assignment.pk, name)
        if key not in seen:
            seen[key] = self.party_fields[name](assignment, self._user)
        return seen[key]

    @property
    def _user(self) -> Any:
        return self.context["request"].user

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)  # type: ignore[misc]
        if self.party_fields:
            assignment = self.assignment_of(instance)
            for name in self.party_fields:
                if not self._may_see(assignment, name):
                    data.pop(name, None)
        return data


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name"]
        read_only_fields = fields


class FirmSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProviderFirm
        fields = ["id", "name"]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClientOrganisation
        fields = ["id", "name"]
        read_only_fields = fields


# --- Assignments -----------------------------------------------------------------------------


class AssignmentSerializer(PartyFieldsMixin, serializers.ModelSerializer):
    """One row of the assignment list."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    client = OrganisationSerializer(read_only=True)
    firm = FirmSerializer(read_only=True)
    director = PersonSerializer(read_only=True)
    interim_manager = PersonSerializer(read_only=True, allow_null=True)
    gap_drift = serializers.IntegerField(
        source="visible_drift",
        required=False,
        allow_null=True,
        help_text=_lazy("0–100; null until measured, or while the client may not see it yet."),
    )
    open_flags = serializers.IntegerField(required=False, help_text=PROVIDER_ONLY)

    party_fields = {"open_flags": access.is_provider_side}

    class Meta:
        model = Assignment
        fields = [
            "id",
            "title",
            "state",
            "state_label",
            "client",
            "firm",
            "director",
            "interim_manager",
            "gap_drift",
            "open_flags",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f not in ("gap_drift", "open_flags")]

    def assignment_of(self, instance: Assignment) -> Assignment:
        return instance


class AssignmentDetailSerializer(AssignmentSerializer):
    """One assignment as a party sees it in full."""

    access = serializers.ChoiceField(
        choices=[FULL], read_only=True, help_text=_lazy("The whole assignment.")
    )
    client_contact = PersonSerializer(read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [
            *AssignmentSerializer.Meta.fields,
            "access",
            "client_contact",
            "summary",
            "review_cadence_days",
            "audit_due_date",
            "started_on",
            "realignment_reason",
            "outcome",
            "cancel_reason",
            "closed_at",
        ]
        read_only_fields = [f for f in fields if f not in ("gap_drift", "open_flags")]


class AssignmentSummarySerializer(serializers.ModelSerializer):
    """What a manager who is only a candidate sees: the summary, as on the web page."""

    access = serializers.ChoiceField(
        choices=[SUMMARY],
        read_only=True,
        help_text=_lazy("A candidate's summary: the full file opens to the selected manager."),
    )
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    client = OrganisationSerializer(read_only=True)
    firm = FirmSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "access", "title", "state", "state_label", "client", "firm", "summary"]
        read_only_fields = fields


# --- The brief -------------------------------------------------------------------------------


class BriefDimensionSerializer(serializers.Serializer):
    dimension = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    statement = serializers.CharField(
        read_only=True, help_text=_lazy("What the client announced; empty if not yet.")
    )


class BriefSerializer(serializers.Serializer):
    """The client's brief: what they announced, per dimension (all six, in order)."""

    assignment = serializers.IntegerField(read_only=True)
    summary = serializers.CharField(read_only=True)
    dimensions = BriefDimensionSerializer(many=True, read_only=True)


# --- Candidacies -----------------------------------------------------------------------------


class NegotiationRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = NegotiationRound
        fields = ["number", "offered_by", "day_rate", "currency", "note", "at"]
        read_only_fields = fields


class VettingSerializer(serializers.Serializer):
    experience = serializers.BooleanField(source="vetted_experience", read_only=True)
    references = serializers.BooleanField(source="vetted_references", read_only=True)
    availability = serializers.BooleanField(source="vetted_availability", read_only=True)
    motivation = serializers.BooleanField(source="vetted_motivation", read_only=True)
    conflicts = serializers.BooleanField(source="vetted_conflicts", read_only=True)
    complete = serializers.BooleanField(source="vetting_complete", read_only=True)
    missing = serializers.ListField(
        source="missing_vetting", child=serializers.CharField(), read_only=True
    )


class CandidacySerializer(PartyFieldsMixin, serializers.ModelSerializer):
    """A candidacy as each party sees it: the client only those presented to them (the
    view's list), and the director's vetting, ratings and offers for the firm alone."""

    manager = PersonSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # The rating and "why this manager" are the presentation itself: whoever sees the
    # candidacy reads them, as on the page; the vetting behind them stays the firm's.
    fit_rating = serializers.IntegerField(read_only=True, allow_null=True)
    fit_rationale = serializers.CharField(read_only=True)
    vetting = VettingSerializer(source="*", required=False, help_text=DIRECTOR_ONLY)
    oversell_note = serializers.CharField(required=False, help_text=DIRECTOR_ONLY)
    low_fit_justification = serializers.CharField(required=False, help_text=DIRECTOR_ONLY)
    internal_notes = serializers.CharField(required=False, help_text=DIRECTOR_ONLY)
    proposed_day_rate = serializers.DecimalField(
        max_digits=9, decimal_places=2, required=False, allow_null=True, help_text=DIRECTOR_ONLY
    )
    rounds = NegotiationRoundSerializer(many=True, required=False, help_text=DIRECTOR_ONLY)

    party_fields = dict.fromkeys(
        (
            "vetting",
            "oversell_note",
            "low_fit_justification",
            "internal_notes",
            "proposed_day_rate",
            "rounds",
        ),
        access.can_see_internal_vetting,
    )

    class Meta:
        model = Candidacy
        fields = [
            "id",
            "manager",
            "status",
            "status_label",
            "presented_at",
            "agreed_day_rate",
            "currency",
            "created_at",
            "fit_rating",
            "fit_rationale",
            "vetting",
            "oversell_note",
            "low_fit_justification",
            "internal_notes",
            "proposed_day_rate",
            "rounds",
        ]
        read_only_fields = fields[:10]


# --- The audit -------------------------------------------------------------------------------


class AuditFindingSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_dimension_display", read_only=True)

    class Meta:
        model = AuditFinding
        fields = ["dimension", "label", "finding", "gap_level"]
        read_only_fields = fields


class AuditReportSerializer(serializers.ModelSerializer):
    """An audit report and its findings per dimension. A client sees only the accepted
    report (the view's list), with its drift; never one before the director accepts it."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    author = PersonSerializer(read_only=True)
    reviewed_by = PersonSerializer(read_only=True, allow_null=True)
    findings = AuditFindingSerializer(many=True, read_only=True)

    class Meta:
        model = AuditReport
        fields = [
            "id",
            "version",
            "status",
            "status_label",
            "author",
            "summary",
            "drift_score",
            "created_at",
            "submitted_at",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
            "findings",
        ]
        read_only_fields = fields


# --- The action plan -------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "title", "owner", "due_date", "status", "status_label"]
        read_only_fields = fields


class ClientCommitmentSerializer(serializers.ModelSerializer):
    delivered = serializers.BooleanField(read_only=True)

    class Meta:
        model = ClientCommitment
        fields = ["id", "kind", "description", "due_date", "delivered_on", "delivered"]
        read_only_fields = fields


class PlanConfirmationSerializer(serializers.ModelSerializer):
    user = PersonSerializer(read_only=True)

    class Meta:
        model = PlanConfirmation
        fields = ["party", "user", "at"]
        read_only_fields = fields


class ActionPlanSerializer(serializers.ModelSerializer):
    """One version of the action plan, its milestones, the client's commitments and who
    confirmed it."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    commitments = ClientCommitmentSerializer(many=True, read_only=True)
    confirmations = PlanConfirmationSerializer(many=True, read_only=True)
    missing_parties = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_lazy("The parties whose confirmation is still awaited."),
    )

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "version",
            "status",
            "status_label",
            "summary",
            "created_at",
            "confirmed_at",
            "milestones",
            "commitments",
            "confirmations",
            "missing_parties",
        ]
        read_only_fields = fields


# --- Progress meetings -----------------------------------------------------------------------


class MeetingRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingRating
        fields = ["dimension", "level"]
        read_only_fields = fields


class ProgressMeetingSerializer(PartyFieldsMixin, serializers.ModelSerializer):
    """A progress meeting; the manager's strain and the new business are the provider's,
    the lead the firm's directors', the drift the client's from the accepted audit on."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    ratings = MeetingRatingSerializer(many=True, read_only=True)
    drift_score = serializers.IntegerField(
        required=False, allow_null=True, help_text=DRIFT_VISIBLE
    )
    manager_workload = serializers.IntegerField(
        required=False, allow_null=True, help_text=PROVIDER_ONLY
    )
    manager_strain = serializers.IntegerField(
        required=False, allow_null=True, help_text=PROVIDER_ONLY
    )
    opportunities = serializers.CharField(required=False, help_text=PROVIDER_ONLY)
    lead = serializers.IntegerField(
        source="lead_id",
        required=False,
        allow_null=True,
        help_text=_lazy(
            "The pipeline's lead this meeting's opportunity became: the firm's directors only."
        ),
    )

    party_fields = {
        "drift_score": access.can_see_drift,
        "manager_workload": access.can_see_manager_strain,
        "manager_strain": access.can_see_manager_strain,
        "opportunities": access.can_see_opportunities,
        "lead": access.can_see_leads,
    }

    class Meta:
        model = ProgressMeeting
        fields = [
            "id",
            "scheduled_for",
            "status",
            "status_label",
            "held_on",
            "summary",
            "milestone_progress",
            "commitments_review",
            "direction_changes",
            "realignment_actions",
            "ratings",
            "drift_score",
            "manager_workload",
            "manager_strain",
            "opportunities",
            "lead",
        ]
        read_only_fields = fields[:11]


# --- Flags and notifications -----------------------------------------------------------------


class FlagSerializer(serializers.ModelSerializer):
    """A provider's early warning (the view answers 404 to anyone else)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    resolved_by = PersonSerializer(read_only=True, allow_null=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Flag
        fields = [
            "id",
            "kind",
            "kind_label",
            "message",
            "raised_at",
            "is_open",
            "resolved_at",
            "resolved_by",
            "resolution",
        ]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "subject",
            "body",
            "reason",
            "url",
            "assignment",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None
