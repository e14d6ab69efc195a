"""partners.money: conversion at the rate of the right day (direct, inverse, through the
reporting currency), never 1:1 without a rate, one query for many amounts, rounding once
and half to even to each currency's minor unit; the admins' rate table and its checks; the
money filter in English and French."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from partners.admin import ExchangeRateForm
from partners.models import ExchangeRate
from partners.money import Money, convert, convert_many, convert_total, round_money
from tests.factories import FirmFactory

D = Decimal
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def rate(currency, quote, value, on):
    return ExchangeRate.objects.create(
        currency=currency, quote_currency=quote, rate=D(value), valid_on=on
    )


@pytest.fixture
def rates(db):
    """1 GBP = 1.15 EUR from January, 1.20 EUR from February; 1 EUR = 0.95 CHF."""
    rate("GBP", "EUR", "1.15", JAN)
    rate("GBP", "EUR", "1.20", FEB)
    rate("EUR", "CHF", "0.95", JAN)


# --- Which rate --------------------------------------------------------------------------------


def test_the_direct_pair_converts(rates):
    assert convert(D("100"), "GBP", "EUR", FEB) == Money(D("120.00"), "EUR")


def test_the_inverse_pair_converts_as_its_reciprocal(rates):
    converted = convert(D("120"), "EUR", "GBP", FEB)
    assert converted.currency == "GBP" and converted.rounded() == Money(D("100.00"), "GBP")


def test_two_other_currencies_convert_through_the_reporting_currency(rates, settings):
    settings.REPORTING_CURRENCY = "EUR"
    # 100 GBP = 120 EUR; 1 CHF = 1/0.95 EUR, so 120 EUR = 114 CHF.
    assert convert(D("100"), "GBP", "CHF", FEB).rounded() == Money(D("114.00"), "CHF")


def test_without_both_legs_there_is_no_crossed_rate(rates):
    assert convert(D("100"), "GBP", "USD", FEB) is None


def test_the_rate_is_the_latest_valid_on_the_day(rates):
    assert convert(D("100"), "GBP", "EUR", JAN) == Money(D("115.00"), "EUR")
    assert convert(D("100"), "GBP", "EUR", date(2026, 1, 31)).amount == D("115.00")
    assert convert(D("100"), "GBP", "EUR", FEB).amount == D("120.00")
    assert convert(D("100"), "GBP", "EUR", MAR).amount == D("120.00")


def test_the_more_recent_of_direct_and_inverse_wins(rates):
    rate("EUR", "GBP", "0.80", MAR)  # newer than GBP→EUR's February rate
    assert convert(D("100"), "GBP", "EUR", MAR).amount == D("125")
    assert convert(D("100"), "GBP", "EUR", FEB).amount == D("120.00")


def test_before_the_first_rate_there_is_none_never_one_to_one(rates):
    assert convert(D("100"), "GBP", "EUR", date(2025, 12, 31)) is None


def test_an_amount_in_the_target_currency_is_itself(db):
    assert convert(D("42.5"), "EUR", "EUR", JAN) == Money(D("42.5"), "EUR")


def test_many_amounts_convert_in_one_query(rates):
    items = [(D(n), "GBP", JAN if n % 2 else FEB) for n in range(1, 40)] + [
        (D("10"), "USD", FEB),
        (D("10"), "EUR", FEB),
    ]
    with CaptureQueriesContext(connection) as queries:
        converted = convert_many(items, "EUR")
    assert len(queries) == 1
    assert converted[0] == Money(D("1.15"), "EUR") and converted[1].amount == D("2.40")
    assert converted[-2] is None and converted[-1] == Money(D("10"), "EUR")


def test_amounts_already_in_the_target_currency_need_no_query(db):
    with CaptureQueriesContext(connection) as queries:
        assert convert_many([(D("1"), "EUR", JAN)], "EUR") == [Money(D("1"), "EUR")]
    assert len(queries) == 0


# --- Rounding: once, at the end, half to even --------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("0.125", "EUR", "0.12"),
        ("0.135", "EUR", "0.14"),
        ("0.1250001", "EUR", "0.13"),
        ("2.5", "JPY", "2"),
        ("3.5", "JPY", "4"),
        ("1234.5678", "JPY", "1235"),
        ("1.0005", "BHD", "1.000"),
        ("1.0015", "BHD", "1.002"),
        ("7.12345", "KWD", "7.123"),
    ],
)
def test_rounding_is_half_even_to_the_minor_unit(amount, currency, rounded):
    result = round_money(D(amount), currency)
    assert result == D(rounded) and str(result) == rounded


def test_a_sum_of_converted_amounts_is_rounded_once(db):
    rate("GBP", "EUR", "1.005", JAN)  # each 1 GBP = 1.005 EUR, 1.00 rounded alone
    items = [(D("1"), "GBP", JAN)] * 3
    total = convert_total(items, "EUR")
    assert total.total == Money(D("3.02"), "EUR")  # 3.015, rounded once; not 3 × 1.00
    assert total.complete


def test_amounts_without_a_rate_are_listed_not_dropped(rates):
    total = convert_total([(D("100"), "GBP", FEB), (D("50"), "USD", FEB)], "EUR")
    assert total.total == Money(D("120.00"), "EUR") and not total.complete
    [missing] = total.not_converted
    assert missing.money == Money(D("50"), "USD") and missing.on == FEB
    with translation.override("en-gb"):
        assert str(missing) == "no rate for USD on 1 Feb 2026"


def test_no_float_anywhere(rates):
    converted = convert(D("100"), "EUR", "GBP", FEB)
    assert isinstance(converted.amount, Decimal)


# --- The rate table and the firm's currency ----------------------------------------------------


def test_a_firm_reports_in_the_installations_currency_by_default(db, settings):
    settings.REPORTING_CURRENCY = "CHF"
    assert FirmFactory().reporting_currency == "CHF"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rate": "0"}, "A rate must be positive."),
        ({"rate": "-1.2"}, "A rate must be positive."),
        ({"quote_currency": "gbp"}, "choose two different ones"),
        ({"currency": "ABC"}, "is not an ISO 4217 currency code"),
    ],
)
def test_the_rate_form_refuses_a_bad_rate(db, fields, message):
    data = {"currency": "GBP", "quote_currency": "EUR", "rate": "1.2", "valid_on": "2026-01-01"}
    form = ExchangeRateForm(data={**data, **fields})
    assert not form.is_valid()
    assert message in " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_the_rate_form_takes_codes_as_typed(db):
    form = ExchangeRateForm(
        data={"currency": " gbp", "quote_currency": "eur", "rate": "1.2", "valid_on": "2026-01-01"}
    )
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.currency, saved.quote_currency, saved.rate) == ("GBP", "EUR", D("1.2"))


def test_one_rate_per_pair_and_day(rates):
    form = ExchangeRateForm(
        data={"currency": "GBP", "quote_currency": "EUR", "rate": "1.3", "valid_on": "2026-02-01"}
    )
    assert not form.is_valid()


def test_the_database_refuses_a_rate_the_form_would(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        rate("EUR", "EUR", "1", JAN)
    with pytest.raises(IntegrityError), transaction.atomic():
        rate("GBP", "EUR", "0", JAN)


def test_an_admin_adds_a_rate(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:partners_exchangerate_add")
    response = client.post(
        url, {"currency": "usd", "quote_currency": "EUR", "rate": "0.92", "valid_on": "2026-03-01"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ExchangeRate.objects.get().rate == D("0.92")
    response = client.post(
        url, {"currency": "EUR", "quote_currency": "EUR", "rate": "1", "valid_on": "2026-03-01"}
    )
    assert response.status_code == 200 and "choose two different ones" in response.content.decode()
    changelist = client.get(reverse("admin:partners_exchangerate_changelist"), {"q": "USD"})
    assert changelist.status_code == 200 and "0.92" in changelist.content.decode()


# --- The filter --------------------------------------------------------------------------------


def show(amount, currency, language):
    with translation.override(language):
        return Template("{% load money %}{{ a|money:c }}").render(
            Context({"a": amount, "c": currency})
        )


def test_amounts_are_written_in_the_viewers_language():
    assert show(D("1234.5"), "EUR", "en-gb") == "€1,234.50"
    assert show(D("1234.5"), "EUR", "fr") == "1\u202f234,50\xa0€"
    assert show(D("1234.5"), "JPY", "en-gb") == "JP¥1,234"  # half to even: no yen cents
    assert show(D("0.125"), "EUR", "en-gb") == "€0.12"
    assert show(D("1.0015"), "BHD", "en-gb").endswith("1.002")


def test_nothing_to_show_is_a_dash():
    assert show(None, "EUR", "en-gb") == "–"
