"""The pipeline's services: a meeting's new business becomes a lead (once), its owner is
told, leads noted and moved on under the firm's rules, and a won lead starts one
assignment."""

import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assignments import services
from assignments.constants import NotificationKind
from assignments.models import Assignment, Dimension, Notification, Opportunity, ProgressMeeting
from partners.models import ProviderFirm, User
from tests.factories import AssignmentFactory, ClientOrganisationFactory, DirectorFactory

NEED = "A second site needs a plant manager."


def record(meeting, user, opportunities=NEED):
    return services.meeting_record(
        meeting=meeting,
        user=user,
        held_on=timezone.localdate(),
        ratings=dict.fromkeys(Dimension.values, 1),
        summary="Cut-over rehearsed.",
        opportunities=opportunities,
    )


def lead_notices(**filters):
    return list(
        Notification.objects.filter(key__startswith="lead-from-meeting:", **filters).order_by("id")
    )


@pytest.fixture
def meeting(running):
    return running.meetings.get(status=ProgressMeeting.Status.SCHEDULED)


@pytest.fixture
def lead(assignment, director):
    return Opportunity.objects.create(
        firm=assignment.firm, client=assignment.client, description=NEED, owner=director
    )


# --- From a meeting ---------------------------------------------------------------------------


def test_a_meetings_new_business_becomes_a_lead_of_the_firm(meeting, walker, director):
    record(meeting, walker.manager)
    lead = Opportunity.objects.get()
    assert (lead.firm, lead.client, lead.owner) == (
        walker.a.firm,
        walker.a.client,
        director,
    )
    assert (lead.description, lead.source_meeting_id, lead.status) == (
        NEED,
        meeting.pk,
        Opportunity.Status.OPEN,
    )


def test_the_owner_is_told_with_a_link_to_the_lead(meeting, walker, director):
    record(meeting, walker.manager)
    lead = Opportunity.objects.get()
    (notice,) = lead_notices()
    assert notice.recipient == director and notice.kind == NotificationKind.MEETING
    assert notice.url == reverse("opportunities:edit", args=[lead.pk])
    assert NEED in notice.body
    # Neither the manager who recorded it nor the client hears of the lead.
    assert lead_notices(recipient=walker.manager) == []
    assert lead_notices(recipient=walker.client) == []
    for n in Notification.objects.filter(recipient=walker.client):
        assert "second site" not in n.body and "second site" not in n.subject


def test_the_owner_who_recorded_the_meeting_is_not_told(meeting, director):
    record(meeting, director)
    assert Opportunity.objects.count() == 1
    assert lead_notices() == []


def test_a_meeting_without_new_business_makes_no_lead(meeting, walker):
    record(meeting, walker.manager, opportunities="  ")
    assert not Opportunity.objects.exists()


def test_a_meeting_makes_one_lead_and_a_new_text_updates_it_while_open(meeting, walker):
    record(meeting, walker.manager)
    meeting.refresh_from_db()
    assert services.opportunity_from_meeting(meeting).pk == Opportunity.objects.get().pk
    assert len(lead_notices()) == 1  # the same words again are no news
    ProgressMeeting.objects.filter(pk=meeting.pk).update(opportunities="Two sites, in fact.")
    meeting.refresh_from_db()
    services.opportunity_from_meeting(meeting)
    lead = Opportunity.objects.get()
    assert lead.description == "Two sites, in fact."
    assert len(lead_notices()) == 2


def test_a_lead_moved_on_keeps_its_text_when_the_meeting_is_recorded_again(
    meeting, walker, director
):
    record(meeting, walker.manager)
    lead = Opportunity.objects.get()
    services.opportunity_update(lead, director, {"status": Opportunity.Status.QUALIFIED})
    ProgressMeeting.objects.filter(pk=meeting.pk).update(opportunities="Something else.")
    meeting.refresh_from_db()
    services.opportunity_from_meeting(meeting)
    lead.refresh_from_db()
    assert lead.description == NEED and Opportunity.objects.count() == 1


def test_the_data_migration_makes_the_missing_leads_once(meeting, walker):
    ProgressMeeting.objects.filter(pk=meeting.pk).update(
        status=ProgressMeeting.Status.HELD, held_on=timezone.localdate(), opportunities=NEED
    )
    migration = importlib.import_module("assignments.migrations.0015_leads_from_meetings")
    migration.leads_from_meetings(apps, None)
    migration.leads_from_meetings(apps, None)
    lead = Opportunity.objects.get()
    assert (lead.source_meeting_id, lead.owner_id, lead.description) == (
        meeting.pk,
        walker.a.director_id,
        NEED,
    )


# --- Noted directly, and moved on -------------------------------------------------------------


def test_a_director_notes_a_lead_for_a_client_of_the_firm(assignment, director):
    lead = services.opportunity_create(
        director,
        {
            "client": assignment.client,
            "description": "  An interim treasurer.  ",
            "estimated_value": Decimal("40000"),
            "currency": " gbp",
        },
    )
    assert (lead.firm_id, lead.owner, lead.currency) == (assignment.firm_id, director, "GBP")
    assert lead.description == "An interim treasurer." and lead.closed_at is None


def test_a_lead_is_refused_field_by_field(assignment, director, other_director):
    elsewhere = ClientOrganisationFactory()
    with pytest.raises(services.Refused) as refused:
        services.opportunity_create(
            director,
            {
                "client": elsewhere,
                "description": "",
                "estimated_value": Decimal("0"),
                "currency": "XYZ",
                "owner": other_director,
            },
        )
    errors = refused.value.message_dict
    assert set(errors) == {"client", "description", "estimated_value", "currency", "owner"}
    assert "not among" in errors["client"][0]
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("who", ["manager", "client"])
def test_only_directors_and_admins_note_leads(who, assignment, cast):
    with pytest.raises(PermissionDenied):
        services.opportunity_create(
            cast[who], {"client": assignment.client, "description": "A lead."}
        )


def test_an_admin_notes_a_lead_for_the_owners_firm(assignment, director, admin_user):
    lead = services.opportunity_create(
        admin_user, {"client": assignment.client, "description": "A lead.", "owner": director}
    )
    assert lead.firm_id == assignment.firm_id


def test_closing_a_lead_dates_it_and_reopening_clears_the_date(lead, director):
    services.opportunity_update(lead, director, {"status": Opportunity.Status.WON})
    won_at = lead.closed_at
    assert won_at is not None and lead.is_closed
    services.opportunity_update(lead, director, {"next_step": "Call them."})
    assert lead.closed_at == won_at  # still won: the date stays
    services.opportunity_update(lead, director, {"status": Opportunity.Status.LOST})
    assert lead.closed_at >= won_at and lead.status == Opportunity.Status.LOST
    services.opportunity_update(lead, director, {"status": Opportunity.Status.QUALIFIED})
    assert lead.closed_at is None


def test_another_firms_director_may_not_change_a_lead(lead, other_director):
    with pytest.raises(PermissionDenied):
        services.opportunity_update(lead, other_director, {"status": "won"})


def test_the_owner_must_be_a_director_of_the_firm(lead, other_director, manager):
    for owner in (other_director, manager):
        with pytest.raises(services.Refused) as refused:
            services.opportunity_update(lead, lead.owner, {"owner": owner})
        assert "owner" in refused.value.message_dict
    lead.refresh_from_db()
    colleague = DirectorFactory(firm=lead.firm).user
    services.opportunity_update(lead, lead.owner, {"owner": colleague})
    assert lead.owner == colleague


def test_lead_writes_make_the_firms_dashboard_current(
    lead, director, django_capture_on_commit_callbacks
):
    before = ProviderFirm.objects.get(pk=lead.firm_id).dashboard_version
    with django_capture_on_commit_callbacks(execute=True):
        services.opportunity_update(lead, director, {"next_step": "Call them."})
    assert ProviderFirm.objects.get(pk=lead.firm_id).dashboard_version == before + 1


# --- A won lead starts an assignment ---------------------------------------------------------


def start(lead, director, client_contact, client=None):
    return services.assignment_create(
        user=director,
        firm=lead.firm,
        client=client or lead.client,
        client_contact=client_contact,
        title="Interim plant manager",
        opportunity=lead,
    )


def test_a_won_lead_starts_one_assignment_linked_to_it(lead, director, client_contact):
    services.opportunity_update(lead, director, {"status": Opportunity.Status.WON})
    a = start(lead, director, client_contact)
    lead.refresh_from_db()
    assert lead.started_assignment == a and a.client_id == lead.client_id
    before = Assignment.objects.count()
    with pytest.raises(services.Refused, match="already started"):
        start(lead, director, client_contact)
    assert Assignment.objects.count() == before
    with pytest.raises(services.Refused, match="stays won"):
        services.opportunity_update(lead, director, {"status": Opportunity.Status.OPEN})


@pytest.mark.parametrize("status", ["open", "qualified", "lost"])
def test_a_lead_not_won_starts_nothing(status, lead, director, client_contact):
    services.opportunity_update(lead, director, {"status": status})
    before = Assignment.objects.count()
    with pytest.raises(services.Refused, match="won lead"):
        start(lead, director, client_contact)
    assert Assignment.objects.count() == before
    lead.refresh_from_db()
    assert lead.started_assignment is None


def test_a_lead_starts_an_assignment_for_its_own_client_only(lead, director):
    services.opportunity_update(lead, director, {"status": Opportunity.Status.WON})
    other = AssignmentFactory(firm=lead.firm, director=director)
    before = Assignment.objects.count()
    with pytest.raises(services.Refused, match="record the assignment for that client"):
        start(lead, director, other.client_contact, client=other.client)
    assert Assignment.objects.count() == before


def test_another_firm_cannot_start_an_assignment_from_a_lead(lead, director, other_director):
    services.opportunity_update(lead, director, {"status": Opportunity.Status.WON})
    with pytest.raises(PermissionDenied):
        services.opportunity_start_check(lead, other_director)


# --- The demo world ---------------------------------------------------------------------------


def test_the_demo_firm_has_leads_in_every_status_and_seeding_again_adds_none(db):
    call_command("seed_demo", stdout=io.StringIO())
    firm = User.objects.get(email="director@demo.test").director_profile.firm
    leads = Opportunity.objects.filter(firm=firm)
    assert set(leads.values_list("status", flat=True)) == set(Opportunity.Status.values)
    assert leads.filter(source_meeting__isnull=False).count() >= 4
    won = leads.get(status=Opportunity.Status.WON)
    assert won.started_assignment is None and won.closed_at is not None  # ready to start
    count = Opportunity.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Opportunity.objects.count() == count
    assert not Notification.objects.exists()
