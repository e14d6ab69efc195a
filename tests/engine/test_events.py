"""Whenever it becomes someone's turn, Interim tells them: who receives what, once, with a
link to the place to act; nothing of the provider's own parts reaches the client; each
person's choice of delivery (at once, daily digest, in Interim only) is kept."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assignments import services
from assignments.constants import Delivery, Dimension, NotificationKind
from assignments.models import Candidacy, Notification, NotificationPreference, ProgressMeeting
from assignments.tasks import flag_gap_drift, send_digests, send_pending_emails
from tests.factories import ClientContactFactory, ManagerFactory

from .conftest import with_emails

pytestmark = pytest.mark.django_db


def told(**filters):
    """{recipient: [subject, …]} of the notifications matching `filters`."""
    found = {}
    for n in Notification.objects.filter(**filters).select_related("recipient").order_by("id"):
        found.setdefault(n.recipient, []).append(n.subject)
    return found


def rows(**filters):
    return list(Notification.objects.filter(**filters).select_related("recipient").order_by("id"))


@pytest.fixture
def colleague(assignment):
    """A second contact of the assignment's client organisation."""
    return ClientContactFactory(
        organisation=assignment.client, user__full_name="Cleo Colleague"
    ).user


@pytest.fixture
def outsider():
    """A contact of another client organisation."""
    return ClientContactFactory(user__full_name="Otto Outsider").user


def test_a_presented_candidate_is_told_to_every_client_contact_once(walker, colleague, outsider):
    walker.to_selection()
    candidacy = walker.ready_candidacy(present=False)
    services.candidacy_vet(
        candidacy=candidacy, user=walker.director, oversell_note="Tends to promise too much."
    )
    services.candidacy_present(candidacy=candidacy, user=walker.director)
    got = told(kind=NotificationKind.SELECTION)
    assert set(got) == {walker.client, colleague}
    (note,) = rows(recipient=walker.client)
    assert note.url == reverse("assignments:detail", args=[walker.a.pk]) + "#selection"
    assert walker.manager.full_name in note.body
    # Nothing of the vetting reaches the client.
    assert "promise too much" not in note.body and "fit" not in note.body.lower()
    assert send_pending_emails() == {"emailed": 2}
    assert send_pending_emails() == {"emailed": 0}


def test_the_choice_tells_the_director_the_chosen_manager_and_the_others_not_retained(
    walker, firm
):
    walker.to_selection()
    other = ManagerFactory(firms=[firm], user__full_name="Petra Presented").user
    shortlisted = ManagerFactory(firms=[firm], user__full_name="Sam Shortlisted").user
    walker.ready_candidacy(other)
    walker.ready_candidacy(shortlisted, present=False)
    chosen = walker.ready_candidacy()
    services.assignment_select_manager(assignment=walker.a, user=walker.client, candidacy=chosen)
    got = told()
    assert set(got) == {walker.director, walker.manager, other}
    assert got[walker.manager] == [f"You are selected – {walker.a.title}"]
    assert got[other] == [f"Not retained – {walker.a.title}"]
    (to_manager,) = rows(recipient=walker.manager)
    assert to_manager.url.endswith("#audit")
    assert Candidacy.objects.get(manager=shortlisted).status == Candidacy.Status.DECLINED


def test_a_submitted_audit_is_told_to_the_director_with_a_link_to_review_it(
    client, auditing, walker
):
    report = walker.submitted_report()
    with_emails(flag_gap_drift, report.pk)
    (note,) = rows(recipient=walker.director)
    assert note.kind == NotificationKind.AUDIT
    assert note.url == reverse("assignments:detail", args=[auditing.pk]) + "#audit"
    assert told(recipient=walker.client) == {}
    # The link leads where the director can act: the accept control is on that page.
    client.force_login(walker.director)
    assert b"data-accept-report" in client.get(note.url).content


def test_a_returned_audit_tells_the_manager_with_the_directors_comment(auditing, walker):
    report = walker.submitted_report()
    services.audit_report_return(report=report, user=walker.director, comment="Quantify the debt.")
    (note,) = rows()
    assert note.recipient == walker.manager
    assert "Quantify the debt." in note.body


def test_an_accepted_audit_tells_the_manager_and_the_client_contacts(auditing, walker, colleague):
    report = walker.submitted_report()
    services.assignment_accept_audit(assignment=auditing, user=walker.director, report=report)
    got = told(kind=NotificationKind.AUDIT)
    assert set(got) == {walker.manager, walker.client, colleague}


def test_a_ready_plan_asks_each_other_party_once_and_again_when_confirmations_are_withdrawn(
    walker, colleague
):
    walker.to_action_plan()
    plan = walker.draft_plan()  # quietly: the back-story
    milestones = [
        {"title": m.title, "owner": m.owner, "due_date": m.due_date} for m in plan.milestones.all()
    ]

    def save(user):
        services.action_plan_update(
            plan=plan, user=user, summary="Plan", milestones=milestones, commitments=[]
        )

    save(walker.manager)
    save(walker.manager)  # a second save of an unconfirmed draft asks nobody again
    asked = told(kind=NotificationKind.PLAN)
    assert set(asked) == {walker.director, walker.client, colleague}
    assert all(len(subjects) == 1 for subjects in asked.values())

    services.action_plan_confirm(plan=plan, user=walker.client)
    save(walker.director)  # the change withdraws the client's confirmation: ask again
    again = told(kind=NotificationKind.PLAN)
    assert len(again[walker.client]) == 2 and len(again[walker.manager]) == 1
    assert len(again[walker.director]) == 1  # the editor is not asked by their own save


def test_the_third_confirmation_tells_the_director_the_plan_is_ready_to_start(walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    for user in (walker.manager, walker.client):
        services.action_plan_confirm(plan=plan, user=user)
    assert told() == {}
    services.action_plan_confirm(plan=plan, user=walker.director)
    (note,) = rows()
    assert note.recipient == walker.director and "ready to start" in note.body


@pytest.mark.parametrize(
    ("state", "service", "kwargs", "expected"),
    [
        ("action_plan", "assignment_start_progress", {}, "the next progress meeting is on"),
        (
            "in_progress",
            "assignment_start_realignment",
            {"reason": "The board changed the scope."},
            "The board changed the scope.",
        ),
        ("in_progress", "assignment_complete", {"outcome": "ERP live in March."}, "ERP live"),
        ("in_progress", "assignment_cancel", {"reason": "The company was sold."}, "was sold"),
    ],
)
def test_the_lifecycle_is_told_to_the_other_parties(walker, state, service, kwargs, expected):
    walker.walk_to(state)
    if state == "action_plan":
        walker.confirm_all(walker.draft_plan())
    getattr(services, service)(assignment=walker.a, user=walker.director, **kwargs)
    got = told(kind=NotificationKind.LIFECYCLE)
    assert set(got) == {walker.manager, walker.client}
    assert all(expected in n.body for n in rows(kind=NotificationKind.LIFECYCLE))


def test_resuming_after_a_realignment_is_told(walker):
    walker.walk_to("realignment")
    walker.confirm_all(walker.draft_plan())
    services.assignment_resume_progress(assignment=walker.a, user=walker.director)
    assert set(told(kind=NotificationKind.LIFECYCLE)) == {walker.manager, walker.client}


def test_a_recorded_meeting_is_summarised_for_the_others_without_the_providers_parts(
    running, walker
):
    meeting = running.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    services.meeting_record(
        meeting=meeting,
        user=walker.manager,
        held_on=timezone.localdate(),
        ratings=dict.fromkeys(Dimension.values, 1),
        summary="Cut-over rehearsed.",
        manager_strain=4,
        manager_workload=5,
        opportunities="A second site needs a plant manager.",
    )
    (to_client,) = rows(recipient=walker.client)
    # The director is also told of the lead the opportunity became (tests/engine/
    # test_opportunities.py): here, the meeting's summary.
    (to_director,) = rows(recipient=walker.director, key__startswith="meeting-recorded")
    assert "Cut-over rehearsed." in to_client.body and "Cut-over rehearsed." in to_director.body
    for private in ("second site", "strain", "workload", "4/5", "5/5"):
        assert private not in to_client.body
    assert "second site" in to_director.body and "4/5" in to_director.body
    assert rows(recipient=walker.manager) == []  # who recorded it is not told


def test_each_person_chooses_how_a_kind_reaches_them(walker, colleague):
    NotificationPreference.objects.create(
        user=walker.client, kind=NotificationKind.SELECTION, delivery=Delivery.DIGEST
    )
    NotificationPreference.objects.create(
        user=colleague, kind=NotificationKind.SELECTION, delivery=Delivery.IN_APP
    )
    walker.to_selection()
    candidacy = walker.ready_candidacy(present=False)
    services.candidacy_present(candidacy=candidacy, user=walker.director)
    assert {n.recipient: n.delivery for n in rows()} == {
        walker.client: Delivery.DIGEST,
        colleague: Delivery.IN_APP,
    }
    assert send_pending_emails() == {"emailed": 0}
    assert send_digests() == {"digests": 1}
    (digest,) = mail.outbox
    assert digest.to == [walker.client.email] and "daily digest" in digest.subject
    assert walker.a.title in digest.body
    # Idempotent: a second run, or a duplicated beat, sends nothing.
    assert send_digests() == {"digests": 0}
    assert send_pending_emails() == {"emailed": 0}
    assert len(mail.outbox) == 1
    assert Notification.objects.get(recipient=colleague).emailed_at is None


def test_the_digest_gathers_a_persons_notifications_into_one_email(walker):
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=walker.manager, kind=kind, delivery=Delivery.DIGEST)
        for kind in NotificationKind
    )
    walker.walk_to("in_progress")
    services.assignment_start_realignment(
        assignment=walker.a, user=walker.director, reason="Scope doubled."
    )
    services.assignment_cancel(assignment=walker.a, user=walker.director, reason="Sold.")
    # The two pieces of news, and the close-out asking for the manager's evaluation.
    assert Notification.objects.filter(recipient=walker.manager).count() == 3
    assert send_digests() == {"digests": 2}  # the manager and the client (lifecycle default)
    to_manager = [m for m in mail.outbox if m.to == [walker.manager.email]]
    assert len(to_manager) == 1 and to_manager[0].body.count("* ") == 3


def test_defaults_email_the_turns_at_once_and_the_news_in_the_digest(walker):
    walker.walk_to("in_progress")
    services.assignment_complete(assignment=walker.a, user=walker.director, outcome="Done.")
    # The news of the completion; each party's turn to give their part of the close-out.
    assert {n.delivery for n in rows(kind=NotificationKind.LIFECYCLE)} == {Delivery.DIGEST}
    assert {n.delivery for n in rows(kind=NotificationKind.REMINDER)} == {Delivery.IMMEDIATE}
    old = timezone.now() - timedelta(days=8)
    Notification.objects.update(created_at=old)
    assert send_digests() == {"digests": 0}  # a week-old digest item is not sent any more
