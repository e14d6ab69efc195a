"""`{% load money %}{{ amount|money:currency }}`: an amount with its currency, rounded by
partners.money's one rule and written the way the viewer's language writes it ("€1,234.50"
in English, "1 234,50 €" in French). `{{ money_value|money }}` takes a partners.money.Money."""

from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.utils.translation import get_language, to_locale

from partners.money import Money, round_money

register = template.Library()


def viewer_locale() -> Locale:
    """The babel locale of the active Django language (the site's default if unknown)."""
    for code in (get_language(), settings.LANGUAGE_CODE):
        if code:
            try:
                return Locale.parse(to_locale(code))
            except (UnknownLocaleError, ValueError):
                continue
    return Locale.parse("en_GB")


def format_money(amount: Decimal, currency: str) -> str:
    """`amount` of `currency`, rounded and localised for the viewer."""
    return format_currency(round_money(amount, currency), currency, locale=viewer_locale())


@register.filter
def money(value, currency=None):
    if isinstance(value, Money):
        value, currency = value.amount, value.currency
    if value is None or value == "" or not currency:
        return "–" if value in (None, "") else value
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value
    return format_money(amount, str(currency))
