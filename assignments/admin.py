"""Django admin for the lifecycle. State is read-only here; transitions are offered as
buttons that go through the same services as the web app."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import services
from .forms import TRANSITION_LABELS, TransitionForm
from .models import (
    TRANSITION_NAMES,
    ActionPlan,
    Assignment,
    AuditFinding,
    AuditReport,
    BriefItem,
    Candidacy,
    ClientCommitment,
    DriftReading,
    Flag,
    MeetingRating,
    Milestone,
    NegotiationRound,
    Notification,
    PlanConfirmation,
    ProgressMeeting,
    TransitionRecord,
)


class BriefItemInline(admin.TabularInline):
    model = BriefItem
    extra = 0
    max_num = 6


class CandidacyInline(admin.TabularInline):
    model = Candidacy
    extra = 0
    fields = ("manager", "status", "fit_rating", "proposed_day_rate", "agreed_day_rate")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TransitionRecordInline(admin.TabularInline):
    model = TransitionRecord
    extra = 0
    fields = ("at", "transition", "from_state", "to_state", "by", "comment")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "transition history"

    def has_add_permission(self, request, obj=None):
        return False


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    fields = ("kind", "message", "raised_at", "resolved_at", "resolved_by")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "client",
        "firm",
        "state",
        "director",
        "interim_manager",
        "gap_drift",
        "created_at",
    )
    list_filter = ("state", "firm", "client")
    search_fields = ("title", "client__name", "firm__name", "director__full_name")
    list_select_related = ("client", "firm", "director", "interim_manager")
    readonly_fields = (
        "state",
        "interim_manager",
        "audit_due_date",
        "gap_drift",
        "gap_drift_at",
        "realignment_reason",
        "realignment_plan_version",
        "outcome",
        "cancel_reason",
        "started_on",
        "closed_at",
        "created_at",
    )
    autocomplete_fields = ("director", "client_contact")
    inlines = (BriefItemInline, CandidacyInline, FlagInline, TransitionRecordInline)
    change_form_template = "admin/assignments/assignment/change_form.html"
    view_on_site = False
    actions = ["cancel_selected"]

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="assignments_assignment_transition",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["transitions"] = [
                {
                    "name": name,
                    "label": TRANSITION_LABELS[name],
                    "url": reverse("admin:assignments_assignment_transition", args=[obj.pk, name]),
                    "blockers": services.transition_blockers(obj, name),
                }
                for name in TRANSITION_NAMES
                if services.transition_allowed_for(obj, name, request.user)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, pk, name):
        if name not in services.TRANSITION_SERVICES:
            raise PermissionDenied("Unknown transition.")
        assignment = get_object_or_404(Assignment, pk=pk)
        if not self.has_change_permission(request, assignment):
            raise PermissionDenied
        form = TransitionForm(request.POST or None, assignment=assignment, name=name)
        change_url = reverse("admin:assignments_assignment_change", args=[pk])
        if request.method == "POST" and form.is_valid():
            try:
                services.TRANSITION_SERVICES[name](
                    assignment=assignment, user=request.user, **form.service_kwargs()
                )
            except (services.Refused, PermissionDenied, services.AssignmentChanged) as exc:
                messages.error(request, _message(exc))
            else:
                messages.success(request, f"{TRANSITION_LABELS[name]}: done.")
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": assignment,
            "title": f"{TRANSITION_LABELS[name]}: {assignment}",
            "form": form,
            "change_url": change_url,
            "blockers": services.transition_blockers(assignment, name),
        }
        return TemplateResponse(request, "admin/assignments/assignment/transition.html", context)

    @admin.action(description="Cancel the selected assignments (through the service)")
    def cancel_selected(self, request, queryset):
        done = 0
        for assignment in queryset:
            try:
                services.assignment_cancel(
                    assignment=assignment, user=request.user, reason="Cancelled from admin."
                )
                done += 1
            except (services.Refused, PermissionDenied, services.AssignmentChanged) as exc:
                messages.error(request, f"{assignment}: {_message(exc)}")
        if done:
            messages.success(request, f"Cancelled {done} assignment(s).")


def _message(exc):
    if hasattr(exc, "messages"):
        return " ".join(exc.messages)
    return str(exc)


class NegotiationRoundInline(admin.TabularInline):
    model = NegotiationRound
    extra = 0


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    list_display = ("manager", "assignment", "status", "fit_rating", "agreed_day_rate", "currency")
    list_filter = ("status",)
    search_fields = ("manager__full_name", "assignment__title")
    list_select_related = ("manager", "assignment__client")
    readonly_fields = ("status", "presented_at")
    raw_id_fields = ("assignment", "manager")
    inlines = (NegotiationRoundInline,)


class AuditFindingInline(admin.TabularInline):
    model = AuditFinding
    extra = 0
    max_num = 6


@admin.register(AuditReport)
class AuditReportAdmin(admin.ModelAdmin):
    list_display = ("assignment", "version", "status", "drift_score", "submitted_at")
    list_filter = ("status",)
    search_fields = ("assignment__title",)
    list_select_related = ("assignment__client",)
    readonly_fields = ("status", "drift_score", "submitted_at", "reviewed_at", "reviewed_by")
    raw_id_fields = ("assignment", "author")
    inlines = (AuditFindingInline,)

    def has_change_permission(self, request, obj=None):
        # A submitted report is a record, not a draft: admins read it, nobody edits it.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ClientCommitmentInline(admin.TabularInline):
    model = ClientCommitment
    extra = 0
    raw_id_fields = ("delivered_marked_by",)


class PlanConfirmationInline(admin.TabularInline):
    model = PlanConfirmation
    extra = 0
    readonly_fields = ("party", "user", "at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ("assignment", "version", "status", "created_at", "confirmed_at")
    list_filter = ("status",)
    search_fields = ("assignment__title",)
    list_select_related = ("assignment__client",)
    readonly_fields = ("status", "confirmed_at")
    raw_id_fields = ("assignment", "created_by")
    inlines = (MilestoneInline, ClientCommitmentInline, PlanConfirmationInline)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)


class MeetingRatingInline(admin.TabularInline):
    model = MeetingRating
    extra = 0
    max_num = 6


@admin.register(ProgressMeeting)
class ProgressMeetingAdmin(admin.ModelAdmin):
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
    raw_id_fields = ("assignment", "recorded_by")
    inlines = (MeetingRatingInline,)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("kind", "assignment", "raised_at", "resolved_at", "resolved_by")
    list_filter = ("kind", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("assignment__title", "message", "key")
    list_select_related = ("assignment__client", "resolved_by")
    readonly_fields = ("assignment", "kind", "key", "message", "raised_at")
    raw_id_fields = ("resolved_by",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "created_at", "emailed_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    search_fields = ("subject", "recipient__email", "key")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "assignment")


@admin.register(TransitionRecord)
class TransitionRecordAdmin(admin.ModelAdmin):
    list_display = ("assignment", "transition", "from_state", "to_state", "by", "at")
    list_filter = ("transition", "to_state")
    search_fields = ("assignment__title", "comment")
    list_select_related = ("assignment__client", "by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DriftReading)
class DriftReadingAdmin(admin.ModelAdmin):
    list_display = ("assignment", "score", "audit_report", "meeting", "recorded_at")
    list_select_related = ("assignment__client", "audit_report", "meeting")
    raw_id_fields = ("assignment", "audit_report", "meeting")
    search_fields = ("assignment__title",)


@admin.register(BriefItem)
class BriefItemAdmin(admin.ModelAdmin):
    list_display = ("assignment", "dimension", "statement")
    list_filter = ("dimension",)
    search_fields = ("assignment__title", "statement")
    list_select_related = ("assignment__client",)
    raw_id_fields = ("assignment",)


@admin.register(ClientCommitment)
class ClientCommitmentAdmin(admin.ModelAdmin):
    list_display = ("description", "plan", "kind", "due_date", "delivered_on")
    list_filter = ("kind", ("delivered_on", admin.EmptyFieldListFilter))
    search_fields = ("description", "plan__assignment__title")
    list_select_related = ("plan__assignment__client",)
    raw_id_fields = ("plan", "delivered_marked_by")


for model in (AuditFinding, Milestone, NegotiationRound, PlanConfirmation, MeetingRating):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (admin.ModelAdmin,),
            {"list_display": ("__str__",), "list_per_page": 50, "list_select_related": True},
        ),
    )
