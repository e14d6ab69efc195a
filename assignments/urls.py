from django.urls import path

from .views import (
    audit,
    brief,
    business,
    calendar,
    channel,
    closeout,
    detail,
    documents,
    flags,
    lists,
    meetings,
    notifications,
    plan,
    selection,
)

app_name = "assignments"

urlpatterns = [
    path("", lists.assignment_list, name="list"),
    path("new/", lists.assignment_create, name="create"),
    path("<int:pk>/", detail.assignment_detail, name="detail"),
    path("<int:pk>/transition/<str:name>/", detail.transition, name="transition"),
    path("<int:pk>/brief/", brief.brief_edit, name="brief"),
    path("<int:pk>/candidates/add/", selection.candidacy_add, name="candidacy_add"),
    path(
        "<int:pk>/candidates/<int:candidacy_id>/vet/",
        selection.candidacy_vet,
        name="candidacy_vet",
    ),
    path(
        "<int:pk>/candidates/<int:candidacy_id>/present/",
        selection.candidacy_present,
        name="candidacy_present",
    ),
    path(
        "<int:pk>/candidates/<int:candidacy_id>/negotiate/",
        selection.negotiation_round,
        name="negotiation_round",
    ),
    path("<int:pk>/audit/start/", audit.audit_report_start, name="audit_start"),
    path("<int:pk>/audit/<int:report_id>/", audit.audit_report_edit, name="audit_edit"),
    path(
        "<int:pk>/audit/<int:report_id>/suggestions/",
        audit.audit_suggestions,
        name="audit_suggestions",
    ),
    path(
        "<int:pk>/audit/<int:report_id>/suggestions/hint/",
        audit.audit_suggestion_hint,
        name="audit_suggestion_hint",
    ),
    path(
        "<int:pk>/audit/<int:report_id>/return/",
        audit.audit_report_return,
        name="audit_return",
    ),
    path("<int:pk>/plan/new/", plan.action_plan_new, name="plan_new"),
    path("<int:pk>/plan/<int:plan_id>/", plan.action_plan_edit, name="plan_edit"),
    path("<int:pk>/plan/<int:plan_id>/confirm/", plan.action_plan_confirm, name="plan_confirm"),
    path("<int:pk>/plan/<int:plan_id>/print/", documents.plan_print, name="plan_print"),
    path("<int:pk>/plan/<int:plan_id>/pdf/", documents.plan_pdf, name="plan_pdf"),
    path(
        "<int:pk>/commitments/<int:commitment_id>/delivered/",
        plan.commitment_delivered,
        name="commitment_delivered",
    ),
    path("<int:pk>/meetings/schedule/", meetings.meeting_schedule, name="meeting_schedule"),
    path(
        "<int:pk>/meetings/<int:meeting_id>/record/",
        meetings.meeting_record,
        name="meeting_record",
    ),
    path(
        "<int:pk>/meetings/<int:meeting_id>/missed/",
        meetings.meeting_missed,
        name="meeting_missed",
    ),
    path(
        "<int:pk>/meetings/<int:meeting_id>/calendar.ics",
        calendar.meeting_ics,
        name="meeting_ics",
    ),
    path("<int:pk>/flags/<int:flag_id>/resolve/", flags.flag_resolve, name="flag_resolve"),
    path("<int:pk>/channel/", channel.channel, name="channel"),
    path("<int:pk>/closeout/", closeout.closeout, name="closeout"),
    path("<int:pk>/closeout/print/", documents.closeout_print, name="closeout_print"),
    path("<int:pk>/closeout/pdf/", documents.closeout_pdf, name="closeout_pdf"),
]

notification_patterns = (
    [
        path("", notifications.notification_list, name="list"),
        path("<int:notification_id>/read/", notifications.notification_read, name="read"),
        path("read-all/", notifications.notification_read_all, name="read_all"),
        path("settings/", notifications.notification_settings, name="settings"),
    ],
    "notifications",
)

# The firm's pipeline of new business, under /opportunities/.
opportunity_patterns = (
    [
        path("", business.opportunity_list, name="list"),
        path("new/", business.opportunity_create, name="create"),
        path("export.csv", business.opportunity_export, name="export"),
        path("<int:opportunity_id>/", business.opportunity_edit, name="edit"),
        path("<int:opportunity_id>/start/", business.opportunity_start, name="start"),
    ],
    "opportunities",
)
