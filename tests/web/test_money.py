"""Money on the pages: the pipeline's value converted into the firm's reporting currency at
the rates of the right day and labelled, the amounts without a rate listed; an offer in its
own currency; amounts written in the reader's language; and the walls (a client sees no
rate table, no pipeline, no offer made to another client)."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assignments import services
from assignments.exceptions import Refused
from assignments.models import NegotiationRound, Opportunity
from partners.models import ExchangeRate, User
from tests.factories import AssignmentFactory, ClientContactFactory

LIST = reverse("opportunities:list")
D = Decimal


def lead(assignment, value, currency, **fields):
    return Opportunity.objects.create(
        firm=assignment.firm,
        client=assignment.client,
        owner=assignment.director,
        description="A need.",
        estimated_value=D(value),
        currency=currency,
        **fields,
    )


@pytest.fixture
def rates(db):
    """1 GBP = 1.10 EUR in January, 1.20 EUR from February (and so today)."""
    for currency, quote, value, on in [
        ("GBP", "EUR", "1.10", date(2026, 1, 1)),
        ("GBP", "EUR", "1.20", date(2026, 2, 1)),
        ("EUR", "CHF", "0.95", date(2026, 1, 1)),
    ]:
        ExchangeRate.objects.create(
            currency=currency, quote_currency=quote, rate=D(value), valid_on=on
        )


def converted_block(response):
    text = response.content.decode()
    start = text.index('id="pipeline-converted"')
    return text[start : text.index("</div>", start)]


def test_the_pipeline_total_is_converted_and_labelled(client, director, assignment, rates):
    lead(assignment, "100", "GBP")
    lead(assignment, "50", "EUR")
    client.force_login(director)
    response = client.get(LIST)
    value = response.context["value"]
    assert value.converted.total.amount == D("170.00") and value.currency == "EUR"
    block = converted_block(response)
    assert "In EUR" in block and "€170.00" in block
    assert "converted at the rates of" in block
    assert timezone.localdate().strftime("%Y") in block
    # the per-currency totals stay beside it
    totals = {t["currency"]: t["total"] for t in response.context["totals"]}
    assert totals == {"EUR": D("50"), "GBP": D("100")}


def test_a_closed_lead_is_converted_at_the_rate_of_the_day_it_closed(
    client, director, assignment, rates
):
    closed = timezone.make_aware(datetime(2026, 1, 15, 12))
    lead(assignment, "100", "GBP", status="won", closed_at=closed)
    lead(assignment, "100", "GBP")
    client.force_login(director)
    value = client.get(LIST).context["value"]
    assert value.converted.total.amount == D("230.00")  # 110 (January) + 120 (today)


def test_an_amount_without_a_rate_is_listed_not_converted(client, director, assignment, rates):
    lead(assignment, "100", "GBP")
    lead(assignment, "80", "USD")
    client.force_login(director)
    response = client.get(LIST)
    value = response.context["value"]
    assert value.converted.total.amount == D("120.00")
    [missing] = value.converted.not_converted
    assert missing.money.currency == "USD"
    text = response.content.decode()
    assert 'id="pipeline-not-converted"' in text and "no rate for USD on" in text
    assert "US$80.00" in text


def test_the_firms_own_reporting_currency_is_used(client, director, firm, assignment, rates):
    firm.reporting_currency = "CHF"
    firm.save(update_fields=["reporting_currency"])
    lead(assignment, "100", "EUR")
    client.force_login(director)
    value = client.get(LIST).context["value"]
    assert value.converted.total.amount == D("95.00") and value.currency == "CHF"


def test_all_in_the_firms_currency_needs_no_conversion_line(client, director, assignment, rates):
    lead(assignment, "100", "EUR")
    client.force_login(director)
    response = client.get(LIST)
    assert not response.context["value"].needs_conversion
    assert 'id="pipeline-converted"' not in response.content.decode()


def test_the_pipelines_queries_do_not_grow_with_leads_or_currencies(
    client, director, assignment, rates
):
    client.force_login(director)
    lead(assignment, "100", "GBP")
    lead(assignment, "100", "EUR")
    client.get(LIST)
    with CaptureQueriesContext(connection) as small:
        client.get(LIST)
    for n in range(12):
        currency = ("GBP", "EUR", "USD", "CHF")[n % 4]
        closed = timezone.now() - timedelta(days=n * 10)
        lead(assignment, str(10 + n), currency, status="lost", closed_at=closed)
    with CaptureQueriesContext(connection) as large:
        client.get(LIST)
    assert len(small) == len(large)


# --- Reading it in French ----------------------------------------------------------------------


def test_an_amount_is_written_the_french_way(client, director, assignment, rates):
    lead(assignment, "1234.5", "EUR")
    director.language = "fr"
    director.save(update_fields=["language"])
    client.force_login(director)
    text = client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1\u202f234,50\xa0€" in text


def test_the_converted_total_reads_in_french(client, director, assignment, rates):
    lead(assignment, "1000", "GBP")
    director.language = "fr"
    director.save(update_fields=["language"])
    client.force_login(director)
    block = converted_block(client.get(LIST, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "En EUR" in block and "1\u202f200,00\xa0€" in block
    assert "converties aux taux du" in block


# --- Offers -----------------------------------------------------------------------------------


def test_an_offer_keeps_the_currency_it_was_made_in(walker, director):
    walker.to_selection()
    candidacy = walker.ready_candidacy(agree=False)
    services.candidacy_vet(candidacy=candidacy, user=director, currency="GBP")
    offer = services.negotiation_round_record(
        candidacy=candidacy, user=director, offered_by="firm", day_rate="900"
    )
    services.candidacy_vet(candidacy=candidacy, user=director, currency="CHF")
    offer.refresh_from_db()
    assert offer.currency == "GBP"


def test_the_director_reads_each_offer_in_its_currency(client, walker, director):
    walker.to_selection()
    candidacy = walker.ready_candidacy(agree=False)
    services.candidacy_vet(candidacy=candidacy, user=director, currency="GBP")
    services.negotiation_round_record(
        candidacy=candidacy, user=director, offered_by="firm", day_rate="950"
    )
    client.force_login(director)
    text = client.get(reverse("assignments:detail", args=[walker.a.pk])).content.decode()
    assert "£950.00" in text


# --- The walls --------------------------------------------------------------------------------


def test_a_client_sees_no_pipeline_and_no_rate_table(client, client_contact, assignment, rates):
    lead(assignment, "100", "GBP")
    client.force_login(client_contact)
    assert client.get(LIST).status_code == 403
    admin = client.get(reverse("admin:partners_exchangerate_changelist"))
    assert admin.status_code == 302  # to the admin's sign-in, like any non-staff
    text = client.get(reverse("assignments:detail", args=[assignment.pk])).content.decode()
    assert "1.20" not in text and "pipeline-converted" not in text


def test_a_client_never_sees_an_offer_made_to_another_client(client, walker, director, rates):
    walker.to_selection()
    walker.ready_candidacy(agree=True)
    elsewhere = AssignmentFactory(firm=walker.a.firm, director=director)
    other = ClientContactFactory(organisation=elsewhere.client).user
    client.force_login(other)
    profile = reverse("manager_profile", args=[walker.manager.pk])
    assert client.get(profile).status_code == 404
    assert client.get(reverse("assignments:detail", args=[walker.a.pk])).status_code == 404


# --- The demo ---------------------------------------------------------------------------------


def test_the_demo_has_rates_once_and_its_pipeline_converts_them_all(db, client):
    call_command("seed_demo", stdout=StringIO())
    rates = ExchangeRate.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert rates == ExchangeRate.objects.count() == 6
    director = User.objects.get(email="director@demo.test")
    client.force_login(director)
    value = client.get(LIST).context["value"]
    assert value.currency == "EUR" and value.needs_conversion
    assert value.converted.complete  # GBP and CHF leads, each with a rate
    assert {t["currency"] for t in value.totals} >= {"EUR", "GBP", "CHF"}
    offers = NegotiationRound.objects.filter(candidacy__manager__email="ravi.menon@demo.test")
    assert offers.exists() and set(offers.values_list("currency", flat=True)) == {"GBP"}


def test_the_export_carries_each_value_converted_at_its_day(client, director, assignment, rates):
    closed = timezone.make_aware(datetime(2026, 1, 15, 12))
    lead(assignment, "100", "GBP", status="won", closed_at=closed)
    lead(assignment, "100", "USD")
    client.force_login(director)
    response = client.get(reverse("opportunities:export"))
    body = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = {row[5]: row[-3:] for row in csv.reader(io.StringIO(body))}
    assert rows["currency"] == ["converted_value", "converted_currency", "converted_at_rates_of"]
    assert rows["GBP"] == ["110.00", "EUR", "2026-01-15"]
    assert rows["USD"] == ["", "", ""]  # no rate: left empty, never 1:1


def test_an_agreed_rate_keeps_its_currency(walker, director):
    walker.to_selection()
    candidacy = walker.ready_candidacy(agree=True)
    with pytest.raises(Refused, match="agreed in EUR"):
        services.candidacy_vet(candidacy=candidacy, user=director, currency="GBP")
    candidacy.refresh_from_db()
    assert candidacy.currency == "EUR"
    services.candidacy_vet(candidacy=candidacy, user=director, currency=" eur")  # unchanged
