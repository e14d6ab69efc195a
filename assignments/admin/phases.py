"""Candidacies, audit reports, action plans, commitments and meetings: what the services
write is read-only; a row's own text is editable while the service would accept the write."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from .. import access, services
from ..models import (
    ActionPlan,
    AuditFinding,
    AuditReport,
    Candidacy,
    ClientCommitment,
    MeetingRating,
    Milestone,
    NegotiationRound,
    PlanConfirmation,
    ProgressMeeting,
)
from .base import RecordInline, run_service


def candidacy_editable(candidacy, user):
    return candidacy.is_open and access.can_vet(candidacy.assignment, user)


def report_editable(report, user):
    return report.is_editable and access.can_write_audit(report.assignment, user)


def plan_editable(plan, user):
    # A confirmation is for the text as it was: the service withdraws them when it rewrites
    # a draft, a form here could not, so a draft somebody confirmed is edited in the app.
    return (
        plan.is_editable
        and access.can_draft_plan(plan.assignment, user)
        and not plan.confirmations.exists()
    )


def meeting_editable(meeting, user):
    return meeting.is_scheduled and access.can_schedule_meeting(meeting.assignment, user)


class EditableWhile:
    """A ModelAdmin or inline whose rows are changed only while `editable(row, user)`."""

    @staticmethod
    def editable(obj, user):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.editable(obj, request.user):
            return False
        return super().has_change_permission(request, obj)


class ChildInline(EditableWhile, admin.TabularInline):
    """The parts of a draft, editable (and added, removed) with their parent."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        allowed = obj is not None and self.editable(obj, request.user)
        return allowed and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = obj is not None and self.editable(obj, request.user)
        return allowed and super().has_delete_permission(request, obj)


# --- Selection ------------------------------------------------------------------------------


class NegotiationRoundInline(RecordInline):
    model = NegotiationRound
    fields = ("number", "offered_by", "day_rate", "currency", "note", "at")
    readonly_fields = fields


@admin.register(Candidacy)
class CandidacyAdmin(EditableWhile, admin.ModelAdmin):
    list_display = ("manager", "assignment", "status", "fit_rating", "agreed_day_rate", "currency")
    list_filter = ("status",)
    search_fields = ("manager__full_name", "assignment__title")
    list_select_related = ("manager", "assignment__client")
    # Status and rates move only through presenting, negotiating and selecting.
    readonly_fields = (
        "assignment",
        "manager",
        "status",
        "proposed_day_rate",
        "agreed_day_rate",
        "currency",
        "presented_at",
        "low_fit_justification",
        "created_at",
    )
    inlines = (NegotiationRoundInline,)
    editable = staticmethod(candidacy_editable)

    def has_add_permission(self, request):
        return False  # shortlisting checks the firm's pool: services.candidacy_add


# --- Audit ----------------------------------------------------------------------------------


class AuditFindingInline(ChildInline):
    model = AuditFinding
    max_num = 6
    editable = staticmethod(report_editable)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditReport)
class AuditReportAdmin(EditableWhile, admin.ModelAdmin):
    list_display = ("assignment", "version", "status", "drift_score", "submitted_at")
    list_filter = ("status",)
    search_fields = ("assignment__title",)
    list_select_related = ("assignment__client",)
    readonly_fields = (
        "assignment",
        "version",
        "author",
        "status",
        "drift_score",
        "created_at",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
    )
    inlines = (AuditFindingInline,)
    # A submitted report is a record, not a draft: admins read it, nobody edits it.
    editable = staticmethod(report_editable)

    def has_add_permission(self, request):
        return False  # versions are started by the manager: services.audit_report_start


@admin.register(AuditFinding)
class AuditFindingAdmin(EditableWhile, admin.ModelAdmin):
    list_display = ("report", "dimension", "gap_level")
    list_filter = ("dimension", "gap_level")
    search_fields = ("report__assignment__title", "finding")
    list_select_related = ("report__assignment__client",)
    readonly_fields = ("report", "dimension")

    @staticmethod
    def editable(finding, user):
        return report_editable(finding.report, user)

    def has_add_permission(self, request):
        return False  # on the draft report's page


# --- Action plan ----------------------------------------------------------------------------


class MilestoneInline(ChildInline):
    model = Milestone
    editable = staticmethod(plan_editable)


class ClientCommitmentInline(ChildInline):
    model = ClientCommitment
    fields = ("kind", "description", "due_date", "delivered_on", "delivered_marked_by")
    readonly_fields = ("delivered_on", "delivered_marked_by")
    editable = staticmethod(plan_editable)


class PlanConfirmationInline(RecordInline):
    model = PlanConfirmation
    fields = ("party", "user", "at")
    readonly_fields = fields

    def get_queryset(self, request):
        # Each row shows who confirmed, and its label the plan's version.
        return super().get_queryset(request).select_related("plan", "user")


@admin.register(ActionPlan)
class ActionPlanAdmin(EditableWhile, admin.ModelAdmin):
    list_display = ("assignment", "version", "status", "created_at", "confirmed_at")
    list_filter = ("status",)
    search_fields = ("assignment__title",)
    list_select_related = ("assignment__client",)
    readonly_fields = (
        "assignment",
        "version",
        "status",
        "created_by",
        "created_at",
        "confirmed_at",
    )
    inlines = (MilestoneInline, ClientCommitmentInline, PlanConfirmationInline)
    editable = staticmethod(plan_editable)

    def has_add_permission(self, request):
        return False  # versions are drafted (and copied) by services.action_plan_draft


@admin.register(Milestone)
class MilestoneAdmin(EditableWhile, admin.ModelAdmin):
    list_display = ("title", "plan", "owner", "due_date", "status")
    list_filter = ("status",)
    search_fields = ("title", "owner", "plan__assignment__title")
    list_select_related = ("plan__assignment__client",)
    readonly_fields = ("plan",)

    @staticmethod
    def editable(milestone, user):
        return plan_editable(milestone.plan, user)

    def has_add_permission(self, request):
        return False  # on the draft plan's page


@admin.register(ClientCommitment)
class ClientCommitmentAdmin(EditableWhile, admin.ModelAdmin):
    list_display = ("description", "plan", "kind", "due_date", "delivered_on")
    list_filter = ("kind", ("delivered_on", admin.EmptyFieldListFilter))
    search_fields = ("description", "plan__assignment__title")
    list_select_related = ("plan__assignment__client",)
    readonly_fields = ("plan", "delivered_on", "delivered_marked_by")
    actions = ["mark_delivered_today"]

    @staticmethod
    def editable(commitment, user):
        return plan_editable(commitment.plan, user)

    def has_add_permission(self, request):
        return False  # on the draft plan's page

    @admin.action(description=_lazy("Mark delivered today (through the service)"))
    def mark_delivered_today(self, request, queryset):
        run_service(
            request,
            queryset.select_related("plan__assignment__client"),
            lambda c: services.commitment_mark_delivered(commitment=c, user=request.user),
            done=lambda n: (
                ngettext(
                    "Marked %(count)s commitment(s) delivered.",
                    "Marked %(count)s commitment(s) delivered.",
                    n,
                )
                % {"count": n}
            ),
        )


# --- Progress meetings ----------------------------------------------------------------------


class MeetingRatingInline(RecordInline):
    model = MeetingRating
    fields = ("dimension", "level")
    readonly_fields = fields


@admin.register(ProgressMeeting)
class ProgressMeetingAdmin(EditableWhile, admin.ModelAdmin):
    list_display = (
        "assignment",
        "scheduled_for",
        "status",
        "held_on",
        "drift_score",
        "manager_strain",
    )
    list_filter = ("status",)
    search_fields = ("assignment__title",)
    list_select_related = ("assignment__client",)
    date_hierarchy = "scheduled_for"
    # What a meeting records (and the drift and flags computed from it) is written by
    # services.meeting_record; the admin may only move a scheduled one.
    fields = (
        "assignment",
        "scheduled_for",
        "status",
        "held_on",
        *services.MEETING_FIELDS,
        "drift_score",
        "recorded_by",
    )
    readonly_fields = tuple(f for f in fields if f != "scheduled_for")
    inlines = (MeetingRatingInline,)
    actions = ["mark_missed"]
    editable = staticmethod(meeting_editable)

    def has_add_permission(self, request):
        return False  # services.meeting_schedule (and the next one after each meeting)

    @admin.action(description=_lazy("Mark the selected meetings missed (through the service)"))
    def mark_missed(self, request, queryset):
        run_service(
            request,
            queryset.select_related("assignment__client"),
            lambda m: services.meeting_mark_missed(meeting=m, user=request.user),
            done=lambda n: (
                ngettext(
                    "Marked %(count)s meeting(s) missed.", "Marked %(count)s meeting(s) missed.", n
                )
                % {"count": n}
            ),
        )
