"""Close-outs: the review and the two evaluations, each final once given, read here."""

from django.contrib import admin

from ..models import (
    ClientEvaluation,
    Closeout,
    CloseoutDimension,
    CloseoutMilestone,
    ManagerEvaluation,
)
from .base import RecordAdmin, RecordInline


class CloseoutDimensionInline(RecordInline):
    model = CloseoutDimension


class CloseoutMilestoneInline(RecordInline):
    model = CloseoutMilestone

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("milestone")


class EvaluationInline(RecordInline):
    template = "admin/edit_inline/stacked.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class ClientEvaluationInline(EvaluationInline):
    model = ClientEvaluation


class ManagerEvaluationInline(EvaluationInline):
    model = ManagerEvaluation


@admin.register(Closeout)
class CloseoutAdmin(RecordAdmin):
    # Every part is final once given, and the close-out is the assignment's record: none
    # is added, changed or deleted here.
    list_display = ("assignment", "opened_at", "closes_on", "reviewed_at", "cause")
    list_filter = ("cause", ("reviewed_at", admin.EmptyFieldListFilter))
    search_fields = ("assignment__title", "review")
    list_select_related = ("assignment__client",)
    inlines = [
        CloseoutDimensionInline,
        CloseoutMilestoneInline,
        ClientEvaluationInline,
        ManagerEvaluationInline,
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignment__client", "reviewed_by")
