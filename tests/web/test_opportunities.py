"""/opportunities/: the firm's leads for its directors, filtered, totalled per currency,
exported to CSV, noted and moved on; a won lead starting an assignment; and the walls
around them."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import Assignment, Opportunity
from tests.factories import AssignmentFactory, ClientOrganisationFactory, DirectorFactory

LIST = reverse("opportunities:list")
EXPORT = reverse("opportunities:export")


def lead(assignment, owner=None, **fields):
    values = {"description": "A need.", "currency": "EUR", **fields}
    return Opportunity.objects.create(
        firm=assignment.firm,
        client=assignment.client,
        owner=owner or assignment.director,
        **values,
    )


def listed(http, /, **params):
    response = http.get(LIST, params)
    assert response.status_code == 200
    return [o.pk for o in response.context["page"]]


def exported(http, /, **params):
    response = http.get(EXPORT, params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # for spreadsheets: the file opens as UTF-8
    return response, list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.fixture
def other_lead(other_director):
    a = AssignmentFactory(firm=other_director.director_profile.firm, director=other_director)
    return lead(a, description="Northbridge's own secret need.")


# --- Who sees the pipeline --------------------------------------------------------------------


def test_a_director_lists_the_firms_leads_only(client, assignment, director, other_lead):
    mine = lead(assignment)
    client.force_login(director)
    assert listed(client) == [mine.pk]
    _, rows = exported(client)
    assert [r[0] for r in rows[1:]] == [str(mine.pk)]
    assert not any("secret need" in cell for row in rows for cell in row)
    assert "secret need" not in client.get(LIST).content.decode()


def test_an_admin_lists_every_firms_leads_with_the_firm(
    client, assignment, admin_user, other_lead
):
    mine = lead(assignment)
    client.force_login(admin_user)
    assert set(listed(client)) == {mine.pk, other_lead.pk}
    page = client.get(LIST).content.decode()
    assert assignment.firm.name in page and other_lead.firm.name in page
    assert listed(client, firm=other_lead.firm_id) == [other_lead.pk]


@pytest.mark.parametrize("who", ["manager", "client"])
def test_the_manager_and_the_client_are_refused_the_pipeline(who, client, cast, assignment):
    one = lead(assignment)
    client.force_login(cast[who])
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.get(reverse("opportunities:create")).status_code == 403
    assert client.get(reverse("opportunities:edit", args=[one.pk])).status_code == 404
    assert client.post(reverse("opportunities:start", args=[one.pk])).status_code == 404


def test_another_firms_lead_is_404_for_a_director(client, director, other_lead):
    client.force_login(director)
    assert client.get(reverse("opportunities:edit", args=[other_lead.pk])).status_code == 404
    assert client.post(reverse("opportunities:edit", args=[other_lead.pk])).status_code == 404
    assert client.post(reverse("opportunities:start", args=[other_lead.pk])).status_code == 404
    url = reverse("assignments:create") + f"?opportunity={other_lead.pk}"
    assert client.get(url).status_code == 404
    _, rows = exported(client)
    assert rows[1:] == []


def test_anonymous_is_sent_to_sign_in(client, assignment):
    one = lead(assignment)
    for url in (LIST, EXPORT, reverse("opportunities:edit", args=[one.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- Filters, totals, pages -------------------------------------------------------------------


@pytest.fixture
def spread(assignment, director):
    """Leads that differ in one thing each from the first."""
    colleague = DirectorFactory(firm=assignment.firm).user
    other_client = ClientOrganisationFactory(name="Castellan")
    assignment.firm.clients.add(other_client)
    now = timezone.now()
    base = lead(assignment, description="A treasurer.", estimated_value=Decimal("100"))
    return {
        "base": base,
        "won": lead(assignment, status="won", estimated_value=Decimal("200"), closed_at=now),
        "client": Opportunity.objects.create(
            firm=assignment.firm,
            client=other_client,
            owner=director,
            description="A warehouse lead.",
            estimated_value=Decimal("50"),
            currency="GBP",
        ),
        "owner": lead(assignment, owner=colleague, description="A colleague's lead."),
        "old": lead(assignment, description="An old one.", created_at=now - timedelta(days=40)),
        "colleague": colleague,
        "other_client": other_client,
    }


def test_each_filter_filters(client, director, spread):
    client.force_login(director)
    everything = set(listed(client))
    assert len(everything) == 5
    assert listed(client, status="won") == [spread["won"].pk]
    assert listed(client, client=spread["other_client"].pk) == [spread["client"].pk]
    assert listed(client, owner=spread["colleague"].pk) == [spread["owner"].pk]
    old_day = timezone.localdate(spread["old"].created_at)
    assert listed(client, created_to=old_day.isoformat()) == [spread["old"].pk]
    recent = set(listed(client, created_from=(old_day + timedelta(days=1)).isoformat()))
    assert recent == everything - {spread["old"].pk}
    assert listed(client, q="treasurer") == [spread["base"].pk]
    assert listed(client, q="castellan") == [spread["client"].pk]


def test_totals_are_per_currency_for_the_filtered_leads(client, director, spread):
    client.force_login(director)
    totals = {t["currency"]: t["total"] for t in client.get(LIST).context["totals"]}
    assert totals == {"EUR": Decimal("300"), "GBP": Decimal("50")}
    totals = client.get(LIST, {"status": "open"}).context["totals"]
    assert {t["currency"]: t["total"] for t in totals} == {
        "EUR": Decimal("100"),
        "GBP": Decimal("50"),
    }


@pytest.mark.parametrize(
    "params",
    [
        {"client": "abc"},
        {"owner": "999999"},
        {"created_from": "yesterday"},
        {"status": "maybe"},
        {"created_from": "2026-05-02", "created_to": "2026-05-01"},
        {"page": "-3"},
    ],
)
def test_a_bad_filter_is_left_out_with_a_message(params, client, director, spread):
    client.force_login(director)
    response = client.get(LIST, params)
    assert response.status_code == 200
    if "page" not in params:
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("A filter was left out" in t for t in texts), texts
    assert client.get(EXPORT, params).status_code == 200


def test_the_farthest_dates_are_bounds_like_any_other(client, director, spread):
    client.force_login(director)
    assert len(listed(client, created_from="0001-01-01", created_to="9999-12-31")) == 5
    _, rows = exported(client, created_from="0001-01-01", created_to="9999-12-31")
    assert len(rows) == 6


def test_the_list_is_paginated_and_its_queries_do_not_grow(client, assignment, director):
    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    client.force_login(director)
    lead(assignment)
    client.get(LIST)  # the session and the firm's caches warm
    few = cost()
    for n in range(30):
        lead(assignment, description=f"Lead {n}.")
    assert cost() == few
    page = client.get(LIST).context["page"]
    assert len(page) == 25 and page.paginator.count == 31
    assert len(client.get(LIST, {"page": 2}).context["page"]) == 6


# --- The export -------------------------------------------------------------------------------


def test_the_export_is_every_filtered_row_as_csv(client, assignment, director, spread):
    for n in range(30):
        lead(assignment, description=f"More {n}.", status="qualified")
    client.force_login(director)
    response, rows = exported(client, status="qualified")
    assert response["Content-Type"].startswith("text/csv")
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="opportunities-{day}.csv"'
    assert rows[0] == [
        "id",
        "client",
        "description",
        "status",
        "estimated_value",
        "currency",
        "owner",
        "next_step",
        "next_step_on",
        "source_meeting_date",
        "source_assignment_title",
        "created_at",
        "closed_at",
        "converted_value",
        "converted_currency",
        "converted_at_rates_of",
    ]
    assert len(rows) - 1 == Opportunity.objects.filter(status="qualified").count() == 30
    _, rows = exported(client, client=spread["other_client"].pk)
    (row,) = rows[1:]
    assert row[:7] == [
        str(spread["client"].pk),
        "Castellan",
        "A warehouse lead.",
        "open",
        "50.00",
        "GBP",
        director.full_name,
    ]
    assert row[9:11] == ["", ""]


def test_the_export_defuses_formulas(client, assignment, director):
    lead(assignment, description='=HYPERLINK("http://evil")', next_step="+call", status="open")
    lead(assignment, description="@SUM(A1)", next_step="-1", status="won")
    lead(assignment, description="\tTabbed", next_step="\rReturned", status="lost")
    client.force_login(director)
    _, rows = exported(client)
    cells = {cell for row in rows[1:] for cell in (row[2], row[7])}
    assert cells == {
        '\'=HYPERLINK("http://evil")',
        "'+call",
        "'@SUM(A1)",
        "'-1",
        "'\tTabbed",
        "'\rReturned",
    }


def test_the_export_names_the_source_meeting(client, walker, director):
    walker.walk_to("in_progress")
    services.meeting_record(
        meeting=walker.a.meetings.get(),
        user=director,
        held_on=walker.a.started_on,
        ratings=dict.fromkeys(DIMENSIONS, 1),
        summary="Held.",
        opportunities="The group plans a second plant.",
    )
    client.force_login(director)
    _, rows = exported(client)
    (row,) = rows[1:]
    assert row[9:11] == [walker.a.started_on.isoformat(), walker.a.title]


# --- Noting and moving on ---------------------------------------------------------------------


def test_a_director_notes_a_lead(client, assignment, director):
    client.force_login(director)
    response = client.post(
        reverse("opportunities:create"),
        {
            "client": assignment.client_id,
            "description": "An interim treasurer.",
            "estimated_value": "42000",
            "currency": "chf",
            "status": "open",
            "owner": director.pk,
        },
    )
    assert response.status_code == 302
    one = Opportunity.objects.get()
    assert (one.firm_id, one.currency, one.estimated_value) == (
        assignment.firm_id,
        "CHF",
        Decimal("42000"),
    )


def test_bad_input_comes_back_with_what_was_typed(client, assignment, director):
    client.force_login(director)
    response = client.post(
        reverse("opportunities:create"),
        {
            "client": assignment.client_id,
            "description": "Typed with care.",
            "estimated_value": "-5",
            "currency": "XYZ",
            "status": "open",
            "owner": director.pk,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Typed with care." in page and "XYZ" in page
    assert set(response.context["form"].errors) == {"estimated_value", "currency"}
    assert not Opportunity.objects.exists()


def test_a_refusal_of_the_service_comes_back_under_its_field(client, assignment, director):
    outsider = ClientOrganisationFactory(name="Unknown Ltd")
    client.force_login(director)
    one = lead(assignment)
    response = client.post(
        reverse("opportunities:edit", args=[one.pk]),
        {
            "client": outsider.pk,
            "description": "Still typed.",
            "currency": "EUR",
            "status": "open",
            "owner": director.pk,
        },
    )
    assert response.status_code == 400 and "Still typed." in response.content.decode()
    assert "client" in response.context["form"].errors


def test_winning_a_lead_on_its_page_dates_it(client, assignment, director):
    one = lead(assignment)
    client.force_login(director)
    data = {
        "client": assignment.client_id,
        "description": one.description,
        "currency": "EUR",
        "status": "won",
        "owner": director.pk,
        "next_step": "Record the assignment.",
    }
    response = client.post(reverse("opportunities:edit", args=[one.pk]), data)
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.status == "won" and one.closed_at is not None
    page = client.get(reverse("opportunities:edit", args=[one.pk])).content.decode()
    assert reverse("opportunities:start", args=[one.pk]) in page


# --- A won lead starts an assignment ----------------------------------------------------------


def test_a_won_lead_starts_an_assignment_prefilled_and_linked(client, assignment, director):
    one = lead(assignment, status="won", closed_at=timezone.now(), description="A CFO bridge.")
    client.force_login(director)
    response = client.post(reverse("opportunities:start", args=[one.pk]))
    assert response.status_code == 302
    url = response["Location"]
    assert url == (
        reverse("assignments:create") + f"?client={assignment.client_id}&opportunity={one.pk}"
    )
    form = client.get(url).context["form"]
    assert form["client_contact"].initial == assignment.client_contact_id
    assert form["summary"].initial == "A CFO bridge."
    assert set(form.fields["client_contact"].queryset) == {assignment.client_contact}
    response = client.post(
        url,
        {
            "title": "Interim CFO",
            "client_contact": assignment.client_contact_id,
            "summary": "A CFO bridge.",
            "review_cadence_days": 28,
            "opportunity": one.pk,
        },
    )
    assert response.status_code == 302
    one.refresh_from_db()
    created = Assignment.objects.get(title="Interim CFO")
    assert one.started_assignment == created and created.client_id == one.client_id


def test_a_lead_not_won_does_not_start_an_assignment(client, assignment, director):
    one = lead(assignment, status="qualified")
    client.force_login(director)
    response = client.post(reverse("opportunities:start", args=[one.pk]))
    assert response["Location"] == reverse("opportunities:edit", args=[one.pk])
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("won lead" in t for t in texts)
    # Posted past the button, the assignment form refuses it too, with the input kept.
    before = Assignment.objects.count()
    response = client.post(
        reverse("assignments:create") + f"?opportunity={one.pk}",
        {
            "title": "Interim CFO",
            "client_contact": assignment.client_contact_id,
            "review_cadence_days": 28,
            "opportunity": one.pk,
        },
    )
    assert response.status_code == 200 and "won lead" in response.content.decode()
    assert Assignment.objects.count() == before


def test_a_client_alone_prefills_the_assignment_form(client, assignment, director):
    client.force_login(director)
    url = reverse("assignments:create") + f"?client={assignment.client_id}"
    form = client.get(url).context["form"]
    assert form["client_contact"].initial == assignment.client_contact_id
    assert client.get(reverse("assignments:create") + "?client=x&opportunity=").status_code == 200


# --- Where the leads show ---------------------------------------------------------------------


@pytest.fixture
def noted(walker, director):
    walker.walk_to("in_progress")
    services.meeting_record(
        meeting=walker.a.meetings.get(),
        user=director,
        held_on=walker.a.started_on,
        ratings=dict.fromkeys(DIMENSIONS, 1),
        summary="Held.",
        opportunities="The group plans a second plant.",
    )
    return Opportunity.objects.get()


def test_the_assignment_page_links_the_meetings_lead_for_directors_only(client, noted, cast):
    a = noted.source_meeting.assignment
    edit = reverse("opportunities:edit", args=[noted.pk])
    client.force_login(cast["director"])
    page = client.get(a.get_absolute_url()).content.decode()
    assert "second plant" in page and edit in page
    client.force_login(cast["manager"])
    page = client.get(a.get_absolute_url()).content.decode()
    assert "second plant" in page and edit not in page
    client.force_login(cast["client"])
    page = client.get(a.get_absolute_url()).content.decode()
    assert "second plant" not in page and edit not in page


def test_the_dashboard_links_each_opportunity_to_its_lead(client, noted, director):
    client.force_login(director)
    page = client.get("/").content.decode()
    assert reverse("opportunities:edit", args=[noted.pk]) in page
    assert f'href="{LIST}"' in page


def test_directors_have_the_pipeline_in_the_navigation(client, cast):
    client.force_login(cast["director"])
    assert f'href="{LIST}">Opportunities' in client.get("/").content.decode()
    for who in ("manager", "client"):
        client.force_login(cast[who])
        assert f'href="{LIST}"' not in client.get("/").content.decode()


def test_an_admin_notes_a_lead_for_the_firm_they_choose(client, assignment, admin_user, director):
    client.force_login(admin_user)
    data = {
        "firm": assignment.firm_id,
        "client": assignment.client_id,
        "description": "Noted by the operators.",
        "currency": "EUR",
        "status": "open",
        "owner": director.pk,
    }
    assert client.post(reverse("opportunities:create"), data).status_code == 302
    assert Opportunity.objects.get().firm_id == assignment.firm_id
