from django.urls import path

from . import views

app_name = "assignments"

urlpatterns = [
    path("", views.assignment_list, name="list"),
    path("new/", views.assignment_create, name="create"),
    path("<int:pk>/", views.assignment_detail, name="detail"),
    path("<int:pk>/transition/<str:name>/", views.transition, name="transition"),
    path("<int:pk>/brief/", views.brief_edit, name="brief"),
    path("<int:pk>/candidates/add/", views.candidacy_add, name="candidacy_add"),
    path("<int:pk>/candidates/<int:cid>/vet/", views.candidacy_vet, name="candidacy_vet"),
    path(
        "<int:pk>/candidates/<int:cid>/present/",
        views.candidacy_present,
        name="candidacy_present",
    ),
    path(
        "<int:pk>/candidates/<int:cid>/negotiate/",
        views.negotiation_round,
        name="negotiation_round",
    ),
    path("<int:pk>/audit/start/", views.audit_report_start, name="audit_start"),
    path("<int:pk>/audit/<int:rid>/", views.audit_report_edit, name="audit_edit"),
    path("<int:pk>/audit/<int:rid>/return/", views.audit_report_return, name="audit_return"),
    path("<int:pk>/plan/new/", views.action_plan_new, name="plan_new"),
    path("<int:pk>/plan/<int:plan_id>/", views.action_plan_edit, name="plan_edit"),
    path("<int:pk>/plan/<int:plan_id>/confirm/", views.action_plan_confirm, name="plan_confirm"),
    path(
        "<int:pk>/commitments/<int:commitment_id>/delivered/",
        views.commitment_delivered,
        name="commitment_delivered",
    ),
    path("<int:pk>/meetings/schedule/", views.meeting_schedule, name="meeting_schedule"),
    path("<int:pk>/meetings/<int:mid>/record/", views.meeting_record, name="meeting_record"),
    path("<int:pk>/meetings/<int:mid>/missed/", views.meeting_missed, name="meeting_missed"),
    path("<int:pk>/flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag_resolve"),
]

notification_patterns = (
    [
        path("", views.notification_list, name="list"),
        path("<int:nid>/read/", views.notification_read, name="read"),
        path("read-all/", views.notification_read_all, name="read_all"),
    ],
    "notifications",
)
