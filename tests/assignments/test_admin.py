"""Django admin: every page renders; state and records cannot be changed through its forms;
transitions and actions go through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from zeal import zeal_ignore

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import (
    AuditReport,
    Candidacy,
    ClientCommitment,
    DriftReading,
    MeetingRating,
    NegotiationRound,
    Notification,
    NotificationPreference,
    PlanConfirmation,
    ProgressMeeting,
    State,
    TransitionRecord,
)
from partners.models import ExchangeRate, Skill
from tests.factories import AssignmentFactory, ClientContactFactory, FlagFactory, Walker

# --- The world the admin looks at ---------------------------------------------------------


@pytest.fixture
def running(walker, manager):
    """In progress: one meeting held (ratings, drift), the next scheduled, a flag open."""
    walker.world.to_in_progress(walker.a, manager, held_meetings=1)
    walker.a.refresh_from_db()
    return walker.a


def _walked(firm, director, manager, state):
    return Walker(AssignmentFactory(firm=firm, director=director), manager).walk_to(state)


@pytest.fixture
def selecting(firm, director, other_manager):
    """In selection, with an open candidacy vetted and its rate agreed in two rounds."""
    walker = Walker(AssignmentFactory(firm=firm, director=director), other_manager)
    walker.to_selection()
    walker.ready_candidacy(present=False)
    return walker.a


@pytest.fixture
def auditing(firm, director, manager):
    """In audit, the manager's report still a draft."""
    walker = Walker(AssignmentFactory(firm=firm, director=director), manager)
    walker.to_audit()
    walker.world.audit_report(walker.a, manager)
    return walker.a


@pytest.fixture
def planning(firm, director, manager):
    """In action plan, a draft plan nobody has confirmed yet."""
    walker = Walker(AssignmentFactory(firm=firm, director=director), manager)
    walker.to_action_plan()
    walker.draft_plan()
    return walker.a


@pytest.fixture
def cancelled(firm, director, manager, admin_user):
    """Cancelled while in progress, with a meeting row left scheduled."""
    a = _walked(firm, director, manager, "in_progress")
    services.assignment_cancel(assignment=a, user=admin_user, reason="Budget frozen.")
    ProgressMeeting.objects.create(assignment=a, scheduled_for=timezone.localdate())
    return a


@pytest.fixture
def closed_out(firm, director, manager):
    """Completed, its close-out with every part given."""
    a = _walked(firm, director, manager, "in_progress")
    services.assignment_complete(assignment=a, user=director, outcome="Done.")
    closeout = a.closeout
    milestones = a.action_plans.get(status="confirmed").milestones.all()
    services.closeout_review_submit(
        closeout=closeout,
        user=director,
        data={
            "dimensions": dict.fromkeys(DIMENSIONS, ("achieved", "")),
            "milestones": {m.pk: ("achieved", "") for m in milestones},
            "review": "It went well.",
        },
    )
    services.client_evaluation_submit(
        closeout=closeout,
        user=a.client_contact,
        data={"delivery": 4, "posture": 4, "would_engage_again": True},
    )
    services.manager_evaluation_submit(
        closeout=closeout, user=manager, data={"commitments_kept": 3, "provider_support": 4}
    )
    return a


@pytest.fixture
def everything(running, selecting, auditing, planning, closed_out, admin_user):
    FlagFactory(assignment=running)
    Notification.objects.create(
        recipient=admin_user, assignment=running, key="test:1", subject="Hello", body="Body."
    )
    Skill.objects.create(name="Turnaround")
    ExchangeRate.objects.create(
        currency="GBP", quote_currency="EUR", rate=Decimal("1.17"), valid_on=timezone.localdate()
    )
    NotificationPreference.objects.create(user=admin_user, kind="meeting", delivery="in_app")
    services.channel_note_post(assignment=running, user=running.director, body="How is it going?")


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def posted(page, **changes):
    """What a browser posts back from an admin change page (inlines included), changed."""
    data = {}
    forms_on_page = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms_on_page += [inline.formset.management_form, *inline.formset.forms]
    for form in forms_on_page:
        for name, field in form.fields.items():
            _put(data, form.add_prefix(name), field, form[name].value())
    data.update({k: str(v) for k, v in changes.items()})
    return data


def _put(data, key, field, value):
    widget = getattr(field.widget, "widget", field.widget)  # RelatedFieldWidgetWrapper
    if isinstance(widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
    elif isinstance(widget, forms.MultiWidget):
        for i, part in enumerate(widget.decompress(value)):
            data[f"{key}_{i}"] = "" if part is None else str(part)
    elif isinstance(value, list | tuple):
        data[key] = [str(v) for v in value]
    else:
        data[key] = "" if value is None else str(value)


def post_back(admin_client, obj, **changes):
    url = change_url(obj)
    form = posted(admin_client.get(url), **changes)
    # Django's inline formsets check each posted row's id with a get() of its own.
    with zeal_ignore([{"model": "assignments.*", "field": "get()"}]):
        return admin_client.post(url, form)


# --- Every page renders --------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda m: f"{m._meta.app_label}.{m._meta.model_name}"
)
def test_changelist_add_and_change_pages_render(model, everything, admin_client):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "x"}).status_code == 200
    objs = list(model._default_manager.order_by("pk"))
    if opts.app_label in ("assignments", "partners"):
        assert objs, f"the test world has no {opts.verbose_name}"
    for obj in objs[:3] + objs[-3:]:
        assert admin_client.get(change_url(obj)).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert admin_client.get(add).status_code in (200, 403)


def test_the_generated_admins_are_gone():
    for model in (NegotiationRound, PlanConfirmation, MeetingRating):
        assert admin.site._registry[model].list_display != ("__str__",)


@pytest.mark.parametrize("state", list(State))
def test_the_assignment_page_renders_in_every_state(state, firm, director, manager, admin_client):
    if state in (State.COMPLETED, State.CANCELLED):
        a = _walked(firm, director, manager, "in_progress")
        name = "complete" if state == State.COMPLETED else "cancel"
        kwargs = {"outcome": "Done."} if name == "complete" else {"reason": "Stopped."}
        services.TRANSITION_SERVICES[name](assignment=a, user=director, **kwargs)
    else:
        a = _walked(firm, director, manager, state)
    assert a.state == state
    assert admin_client.get(change_url(a)).status_code == 200


# --- Transitions: the buttons and the view ask access, run the services --------------------


def test_admin_change_page_offers_the_transitions_with_the_models_labels(running, admin_client):
    page = admin_client.get(change_url(running))
    assert b"transition/complete/" in page.content
    assert b"transition/open_selection/" not in page.content
    labels = [t["label"] for t in page.context["transitions"]]
    assert labels == ["Start realignment", "Complete", "Cancel assignment"]


def test_a_blocked_transition_says_why(planning, admin_client):
    page = admin_client.get(change_url(planning))
    (start,) = [t for t in page.context["transitions"] if t["name"] == "start_progress"]
    assert not start["ready"] and start["blockers"]
    assert b"Start progress (blocked)" in page.content


def test_an_admin_transition_goes_through_the_service(running, admin_client, admin_user):
    url = reverse("admin:assignments_assignment_transition", args=[running.pk, "complete"])
    page = admin_client.get(url)
    assert page.status_code == 200 and page.context["label"] == "Complete"
    response = admin_client.post(url, {"outcome": "Done well.", "comment": "from admin"})
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.state == State.COMPLETED
    record = TransitionRecord.objects.filter(assignment=running).last()
    assert (record.transition, record.comment, record.by) == ("complete", "from admin", admin_user)
    # The service's side effects happened: the scheduled meeting is gone, flags closed.
    assert not running.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).exists()


def test_an_admin_transition_missing_its_input_changes_nothing(running, admin_client):
    url = reverse("admin:assignments_assignment_transition", args=[running.pk, "complete"])
    response = admin_client.post(url, {"outcome": ""})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    running.refresh_from_db()
    assert running.state == State.IN_PROGRESS


def test_an_admin_transition_refused_by_a_guard_shows_the_refusal(planning, admin_client):
    url = reverse("admin:assignments_assignment_transition", args=[planning.pk, "start_progress"])
    response = admin_client.post(url, {"comment": ""})
    assert response.status_code == 200
    assert any("confirm" in m.lower() for m in messages_of(response))
    planning.refresh_from_db()
    assert planning.state == State.ACTION_PLAN


def test_an_unknown_transition_is_not_found(running, admin_client):
    url = reverse("admin:assignments_assignment_transition", args=[running.pk, "explode"])
    assert admin_client.get(url).status_code == 404


def test_the_cancel_action_goes_through_the_service(running, cancelled, admin_client):
    response = admin_client.post(
        reverse("admin:assignments_assignment_changelist"),
        {"action": "cancel_selected", "_selected_action": [running.pk, cancelled.pk]},
    )
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.state == State.CANCELLED
    assert running.history.last().transition == "cancel"
    assert not running.flags.filter(resolved_at=None).exists()
    found = messages_of(response)
    assert "Cancelled 1 assignment(s)." in found
    assert any(m.startswith(f"{cancelled}: ") for m in found)


# --- State and the transitions' fields are read-only ----------------------------------------


def test_state_is_read_only_in_admin(running, admin_client):
    page = admin_client.get(change_url(running))
    assert b'name="state"' not in page.content
    response = post_back(
        admin_client, running, state=State.COMPLETED, gap_drift=99, title="Renamed"
    )
    assert response.status_code == 302
    running.refresh_from_db()
    assert (running.state, running.title) == (State.IN_PROGRESS, "Renamed")
    assert running.gap_drift != 99


def test_the_brief_is_read_only_once_the_audit_started(running, admin_client):
    before = list(running.brief_items.values_list("statement", flat=True))
    item = running.brief_items.first()
    assert post_back(admin_client, item, statement="Rewritten.").status_code == 403
    assert post_back(admin_client, running, **{"brief_items-0-statement": "x"}).status_code == 302
    assert list(running.brief_items.values_list("statement", flat=True)) == before


def test_the_brief_is_editable_while_the_service_allows_it(selecting, admin_client):
    item = selecting.brief_items.order_by("pk").first()
    assert post_back(admin_client, item, statement="Rewritten.").status_code == 302
    item.refresh_from_db()
    assert item.statement == "Rewritten."


# --- Candidacies: status and rates -----------------------------------------------------------


def test_candidacy_rates_and_status_cannot_be_changed(selecting, admin_client):
    c = selecting.candidacies.get()
    before = (c.status, c.proposed_day_rate, c.agreed_day_rate, c.currency)
    rounds = list(c.rounds.values_list("number", "day_rate"))
    response = post_back(
        admin_client,
        c,
        status=Candidacy.Status.SELECTED,
        proposed_day_rate="1.00",
        agreed_day_rate="2.00",
        currency="USD",
        internal_notes="Seen twice.",
        **{"rounds-0-day_rate": "3.00"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.proposed_day_rate, c.agreed_day_rate, c.currency) == before
    assert c.internal_notes == "Seen twice."
    assert list(c.rounds.values_list("number", "day_rate")) == rounds


def test_negotiation_rounds_cannot_be_added_or_changed(selecting, admin_client):
    c = selecting.candidacies.get()
    rounds = list(c.rounds.values_list("number", "day_rate"))
    page = admin_client.get(change_url(c))
    data = posted(page)
    data.update(
        {
            "rounds-TOTAL_FORMS": str(len(rounds) + 1),
            f"rounds-{len(rounds)}-number": "9",
            f"rounds-{len(rounds)}-offered_by": "client",
            f"rounds-{len(rounds)}-day_rate": "1.00",
            f"rounds-{len(rounds)}-candidacy": str(c.pk),
        }
    )
    assert admin_client.post(change_url(c), data).status_code == 302
    assert list(c.rounds.values_list("number", "day_rate")) == rounds
    assert admin_client.post(change_url(c.rounds.first()), {"day_rate": "1"}).status_code == 403
    add = reverse("admin:assignments_negotiationround_add")
    assert admin_client.get(add).status_code == 403


def test_the_candidacy_inline_on_the_assignment_is_read_only(selecting, admin_client):
    c = selecting.candidacies.get()
    response = post_back(
        admin_client,
        selecting,
        **{"candidacies-0-status": "selected", "candidacies-0-agreed_day_rate": "1.00"},
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == Candidacy.Status.SHORTLISTED and c.agreed_day_rate != Decimal("1.00")


def test_a_closed_candidacy_is_a_record(running, admin_client):
    c = running.candidacies.get(status=Candidacy.Status.SELECTED)
    assert admin_client.post(change_url(c), {"internal_notes": "x"}).status_code == 403


# --- Audit reports: drift and the findings of a submitted report ------------------------------


def test_a_draft_reports_drift_and_status_cannot_be_changed(auditing, admin_client):
    report = auditing.audit_reports.get()
    response = post_back(
        admin_client, report, drift_score=77, status=AuditReport.Status.ACCEPTED, summary="New."
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.drift_score, report.status, report.summary) == (None, "draft", "New.")


def test_the_findings_of_a_submitted_report_are_read_only(auditing, manager, admin_client):
    report = services.audit_report_submit(report=auditing.audit_reports.get(), user=manager)
    finding = report.findings.first()
    assert admin_client.get(change_url(report)).status_code == 200
    assert admin_client.post(change_url(report), {"summary": "x"}).status_code == 403
    assert admin_client.post(change_url(finding), {"gap_level": 3}).status_code == 403
    finding.refresh_from_db()
    assert finding.gap_level == 1


def test_drift_readings_are_read_only(running, admin_client):
    reading = DriftReading.objects.filter(assignment=running).first()
    assert admin_client.post(change_url(reading), {"score": 1}).status_code == 403
    assert admin_client.get(reverse("admin:assignments_driftreading_add")).status_code == 403


# --- Action plans: confirmations, commitments' delivery --------------------------------------


def test_a_draft_plan_is_edited_but_its_confirmations_cannot_be_added(planning, admin_client):
    plan = planning.action_plans.get()
    page = admin_client.get(change_url(plan))
    data = posted(page, **{"milestones-0-title": "Retitled"})
    data.update(
        {
            "confirmations-TOTAL_FORMS": "1",
            "confirmations-0-party": "client",
            "confirmations-0-user": str(planning.client_contact_id),
            "confirmations-0-plan": str(plan.pk),
        }
    )
    assert admin_client.post(change_url(plan), data).status_code == 302
    assert plan.milestones.get().title == "Retitled"
    assert not plan.confirmations.exists()


def test_a_plan_somebody_confirmed_is_not_edited_in_admin(planning, director, admin_client):
    plan = services.action_plan_confirm(plan=planning.action_plans.get(), user=director)
    assert admin_client.post(change_url(plan), {"summary": "x"}).status_code == 403
    milestone = plan.milestones.get()
    assert admin_client.post(change_url(milestone), {"title": "x"}).status_code == 403
    confirmation = plan.confirmations.get()
    assert admin_client.post(change_url(confirmation), {"party": "client"}).status_code == 403
    assert admin_client.get(reverse("admin:assignments_planconfirmation_add")).status_code == 403


def test_a_commitments_delivery_cannot_be_changed_through_the_form(planning, admin_client):
    commitment = ClientCommitment.objects.get(plan__assignment=planning)
    today = timezone.localdate()
    response = post_back(
        admin_client,
        commitment,
        delivered_on=today,
        delivered_marked_by=planning.director_id,
        description="Three analysts",
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.description == "Three analysts"
    assert (commitment.delivered_on, commitment.delivered_marked_by) == (None, None)
    plan = commitment.plan
    assert (
        post_back(admin_client, plan, **{"commitments-0-delivered_on": today}).status_code == 302
    )
    commitment.refresh_from_db()
    assert commitment.delivered_on is None


def test_mark_delivered_today_goes_through_the_service(running, admin_client, admin_user):
    commitment = ClientCommitment.objects.get(plan__assignment=running)
    response = admin_client.post(
        reverse("admin:assignments_clientcommitment_changelist"),
        {"action": "mark_delivered_today", "_selected_action": [commitment.pk]},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.delivered_on == timezone.localdate()
    assert commitment.delivered_marked_by == admin_user
    assert messages_of(response) == ["Marked 1 commitment(s) delivered."]


def test_mark_delivered_reports_the_services_refusal(running, admin_client):
    commitment = ClientCommitment.objects.get(plan__assignment=running)
    yesterday = timezone.localdate() - timedelta(days=1)
    ClientCommitment.objects.filter(pk=commitment.pk).update(delivered_on=yesterday)
    response = admin_client.post(
        reverse("admin:assignments_clientcommitment_changelist"),
        {"action": "mark_delivered_today", "_selected_action": [commitment.pk]},
    )
    assert messages_of(response) == [f"{commitment}: This commitment is already marked delivered."]
    commitment.refresh_from_db()
    assert commitment.delivered_on == yesterday


# --- Progress meetings: status, ratings ------------------------------------------------------


def test_a_meetings_status_cannot_be_changed_through_the_form(running, admin_client):
    meeting = running.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    moved = meeting.scheduled_for + timedelta(days=3)
    response = post_back(
        admin_client,
        meeting,
        scheduled_for=moved,
        status=ProgressMeeting.Status.HELD,
        held_on=timezone.localdate(),
        drift_score=90,
        manager_strain=5,
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.scheduled_for == moved
    assert (meeting.status, meeting.held_on, meeting.drift_score, meeting.manager_strain) == (
        ProgressMeeting.Status.SCHEDULED,
        None,
        None,
        None,
    )


def test_a_held_meeting_and_its_ratings_are_records(running, admin_client):
    meeting = running.meetings.get(status=ProgressMeeting.Status.HELD)
    rating = meeting.ratings.first()
    assert admin_client.get(change_url(meeting)).status_code == 200
    assert admin_client.post(change_url(meeting), {"drift_score": 1}).status_code == 403
    assert admin_client.post(change_url(rating), {"level": 0}).status_code == 403
    assert admin_client.get(reverse("admin:assignments_meetingrating_add")).status_code == 403
    assert admin_client.get(reverse("admin:assignments_progressmeeting_add")).status_code == 403


def test_mark_missed_goes_through_the_service(running, admin_client):
    meeting = running.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    response = admin_client.post(
        reverse("admin:assignments_progressmeeting_changelist"),
        {"action": "mark_missed", "_selected_action": [meeting.pk]},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == ProgressMeeting.Status.MISSED
    # The service scheduled the next one.
    assert running.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).count() == 1
    assert messages_of(response) == ["Marked 1 meeting(s) missed."]


def test_mark_missed_on_a_cancelled_assignment_is_refused(cancelled, admin_client):
    meeting = cancelled.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    response = admin_client.post(
        reverse("admin:assignments_progressmeeting_changelist"),
        {"action": "mark_missed", "_selected_action": [meeting.pk]},
    )
    assert messages_of(response) == [
        f"{meeting}: You cannot mark a meeting missed while the assignment is in “Cancelled”."
    ]
    meeting.refresh_from_db()
    assert meeting.status == ProgressMeeting.Status.SCHEDULED


# --- Flags ------------------------------------------------------------------------------------


def test_a_flags_resolution_cannot_be_changed_through_the_form(running, admin_client):
    flag = FlagFactory(assignment=running)
    response = admin_client.post(
        change_url(flag),
        {"resolution": "Quietly.", "resolved_at_0": "2025-01-01", "resolved_at_1": "10:00"},
    )
    assert response.status_code == 403
    flag.refresh_from_db()
    assert (flag.resolved_at, flag.resolution) == (None, "")
    assert admin_client.get(reverse("admin:assignments_flag_add")).status_code == 403


def test_resolving_flags_goes_through_the_service(running, admin_client, admin_user):
    flag, done = FlagFactory(assignment=running), FlagFactory(assignment=running)
    services.flag_resolve(flag=done, user=admin_user, comment="Earlier.")
    response = admin_client.post(
        reverse("admin:assignments_flag_changelist"),
        {"action": "resolve_selected", "_selected_action": [flag.pk, done.pk]},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_by == admin_user and flag.resolved_at is not None
    assert flag.resolution == "Resolved by an admin"
    assert sorted(messages_of(response)) == sorted(
        [f"{done}: This flag is already resolved.", "Resolved 1 flag(s)."]
    )


def test_a_closed_assignments_flags_are_still_resolved_by_an_admin(cancelled, admin_client):
    flag = FlagFactory(assignment=cancelled)
    admin_client.post(
        reverse("admin:assignments_flag_changelist"),
        {"action": "resolve_selected", "_selected_action": [flag.pk]},
    )
    flag.refresh_from_db()
    assert not flag.is_open


# --- History rows ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [TransitionRecord, Notification, NegotiationRound, PlanConfirmation, MeetingRating]
)
def test_records_cannot_be_added_or_changed(model, everything, admin_client):
    obj = model.objects.order_by("pk").first()
    assert admin_client.post(change_url(obj), {}).status_code == 403
    opts = model._meta
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert admin_client.get(add).status_code == 403


@pytest.mark.parametrize("model", ["actionplan", "auditreport", "candidacy", "milestone"])
def test_versions_and_candidacies_are_not_added_beside_the_services(model, admin_client):
    assert admin_client.get(reverse(f"admin:assignments_{model}_add")).status_code == 403


# --- Recording an assignment in admin goes through the service ----------------------------


def _new(firm, director, contact):
    return {
        "title": "Carve-out of the logistics arm",
        "firm": firm.pk,
        "client": contact.client_profile.organisation_id,
        "director": director.pk,
        "client_contact": contact.pk,
        "summary": "",
        "review_cadence_days": 21,
    }


def _post_new(admin_client, data):
    # The add form checks each person chosen (director, client contact) with a get() of its own.
    with zeal_ignore([{"model": "partners.User", "field": "get()"}]):
        return admin_client.post(reverse("admin:assignments_assignment_add"), data)


def test_an_admin_records_an_assignment_through_the_service(admin_client, firm, director):
    contact = ClientContactFactory().user
    firm.clients.add(contact.client_profile.organisation)
    response = _post_new(admin_client, _new(firm, director, contact))
    assert response.status_code == 302
    created = firm.assignments.get(title="Carve-out of the logistics arm")
    assert created.state == State.BRIEF and created.brief_items.count() == 6
    assert created.review_cadence_days == 21


def test_admin_refuses_a_client_outside_the_firms_list(admin_client, firm, director):
    contact = ClientContactFactory().user
    response = _post_new(admin_client, _new(firm, director, contact))
    assert response.status_code == 200
    assert "not among" in response.content.decode()
    assert not firm.assignments.filter(title="Carve-out of the logistics arm").exists()


def test_who_an_assignment_is_between_cannot_be_changed_in_admin(running, admin_client):
    form = admin_client.get(change_url(running)).context["adminform"].form
    assert not {"firm", "client", "director", "client_contact"} & set(form.fields)


def test_a_closeout_is_read_only_in_admin(closed_out, admin_client):
    closeout = closed_out.closeout
    page = admin_client.get(change_url(closeout))
    assert page.status_code == 200
    assert b"It went well." in page.content
    model_admin = admin.site._registry[type(closeout)]
    request = page.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, closeout)
    assert not model_admin.has_delete_permission(request, closeout)
