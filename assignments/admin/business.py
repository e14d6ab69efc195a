"""The firms' pipelines of new business: leads read here, written in the app (where the
services keep their status dates and the dashboards current)."""

from django.contrib import admin

from ..models import Opportunity
from .base import RecordAdmin


@admin.register(Opportunity)
class OpportunityAdmin(RecordAdmin):
    list_display = (
        "client",
        "firm",
        "status",
        "estimated_value",
        "currency",
        "owner",
        "next_step_on",
        "created_at",
        "closed_at",
    )
    list_filter = (
        "status",
        "firm",
        "currency",
        ("source_meeting", admin.EmptyFieldListFilter),
        ("started_assignment", admin.EmptyFieldListFilter),
        "created_at",
    )
    search_fields = ("description", "next_step", "client__name", "owner__full_name")
    list_select_related = ("client", "firm", "owner")
    raw_id_fields = ("source_meeting", "started_assignment")
    date_hierarchy = "created_at"
