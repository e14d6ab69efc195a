"""Assignments: their state is read-only; transitions are buttons that call the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from .. import access, services
from ..exceptions import message_of
from ..forms import TransitionForm
from ..models import Assignment, BriefItem, Candidacy, Flag, TransitionRecord
from .base import REFUSALS, RecordInline, run_service


def brief_editable(assignment, user):
    # From the audit on, the brief is the reference the audit is measured against.
    return access.can_edit_brief(assignment, user)


class BriefItemInline(admin.TabularInline):
    model = BriefItem
    extra = 0
    max_num = 6
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # An assignment recorded by the service has its six items already.
        allowed = obj is None or brief_editable(obj, request.user)
        return allowed and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not brief_editable(obj, request.user):
            return False
        return super().has_change_permission(request, obj)


class CandidacyInline(RecordInline):
    model = Candidacy
    fields = ("manager", "status", "fit_rating", "proposed_day_rate", "agreed_day_rate")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("manager", "assignment__client")


class FlagInline(RecordInline):
    model = Flag
    fields = ("kind", "message", "raised_at", "resolved_at", "resolved_by")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("resolved_by", "assignment__client")


class TransitionRecordInline(RecordInline):
    model = TransitionRecord
    fields = ("at", "transition", "from_state", "to_state", "by", "comment")
    readonly_fields = fields
    verbose_name_plural = _lazy("transition history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class AssignmentAddForm(forms.ModelForm):
    """A new assignment, refused as the service refuses it: the people must fit."""

    class Meta:
        model = Assignment
        fields = ("title", "firm", "client", "director", "client_contact", "summary")

    def clean(self):
        data = super().clean()
        people = ("firm", "client", "director", "client_contact")
        if all(data.get(name) for name in people):
            try:
                services.assignment_check_new(
                    user=self.request_user, **{name: data[name] for name in people}
                )
            except REFUSALS as exc:
                raise forms.ValidationError(message_of(exc)) from exc
        return data


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
    # State, drift and what the transitions write: the services' alone.
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

    # Who the assignment is between is settled when it is recorded.
    PARTIES = ("firm", "client", "director", "client_contact")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AssignmentAddForm
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*AssignmentAddForm.Meta.fields, "review_cadence_days"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*self.readonly_fields, *self.PARTIES)

    def get_inlines(self, request, obj):
        # The service records the six brief items with the assignment.
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.assignment_create(
            user=request.user,
            firm=obj.firm,
            client=obj.client,
            client_contact=obj.client_contact,
            director=obj.director,
            title=obj.title,
            summary=obj.summary,
            cadence=obj.review_cadence_days,
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

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
        extra_context = {**(extra_context or {})}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["transitions"] = [
                {
                    "name": option.name,
                    "label": option.label,
                    "blockers": option.blockers,
                    "ready": option.ready,
                    "url": reverse(
                        "admin:assignments_assignment_transition", args=[obj.pk, option.name]
                    ),
                }
                for option in access.transition_options(obj, request.user)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, pk, name):
        assignment = get_object_or_404(Assignment, pk=pk)
        if name not in services.TRANSITION_SERVICES or name not in access.transition_names(
            assignment
        ):
            raise Http404(_("No such transition."))
        if not self.has_change_permission(request, assignment):
            raise PermissionDenied
        meta = access.transition_meta(assignment, name)
        form = TransitionForm(request.POST or None, assignment=assignment, name=name)
        change_url = reverse("admin:assignments_assignment_change", args=[pk])
        if request.method == "POST" and form.is_valid():
            try:
                services.TRANSITION_SERVICES[name](
                    assignment=assignment, user=request.user, **form.service_kwargs()
                )
            except REFUSALS as exc:
                messages.error(request, message_of(exc))
            else:
                messages.success(
                    request, _("%(transition)s: done.") % {"transition": meta["label"]}
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": assignment,
            "title": _("%(transition)s: %(assignment)s")
            % {"transition": meta["label"], "assignment": assignment},
            "label": meta["label"],
            "who": meta["who"],
            "form": form,
            "change_url": change_url,
            "blockers": access.transition_blockers(assignment, name),
        }
        return TemplateResponse(request, "admin/assignments/assignment/transition.html", context)

    @admin.action(description=_lazy("Cancel the selected assignments (through the service)"))
    def cancel_selected(self, request, queryset):
        run_service(
            request,
            queryset,
            lambda a: services.assignment_cancel(
                assignment=a, user=request.user, reason="Cancelled from admin."
            ),
            done=lambda n: (
                ngettext(
                    "Cancelled %(count)s assignment(s).", "Cancelled %(count)s assignment(s).", n
                )
                % {"count": n}
            ),
        )


@admin.register(BriefItem)
class BriefItemAdmin(admin.ModelAdmin):
    list_display = ("assignment", "dimension", "statement")
    list_filter = ("dimension",)
    search_fields = ("assignment__title", "statement")
    list_select_related = ("assignment__client",)
    readonly_fields = ("assignment", "dimension")

    def has_add_permission(self, request):
        return False  # one per dimension, recorded with the assignment

    def has_change_permission(self, request, obj=None):
        if obj is not None and not brief_editable(obj.assignment, request.user):
            return False
        return super().has_change_permission(request, obj)
