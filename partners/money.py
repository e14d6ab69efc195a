"""Money in several currencies: amounts as Decimal with their ISO 4217 code, converted with
the admins' table of exchange rates (partners.ExchangeRate), rounded in one place.

The rules, in one place (README, "Money"):

- **Which rate.** Converting `currency` into `to_currency` on a day takes the most recent
  rate of the pair valid on or before that day: the direct pair (1 `currency` = r
  `to_currency`) or the inverse pair (1 `to_currency` = r `currency`, used as 1/r),
  whichever is more recent (the direct one when both are of the same day). When neither
  exists, it goes through the reporting currency (setting REPORTING_CURRENCY) if both legs
  exist, each leg chosen the same way. Otherwise there is no rate: the conversion answers
  None, never a silent 1:1 (only an amount already in `to_currency` converts to itself).
- **Decimal throughout**, never float, in a context of 28 significant digits.
- **Rounding once, at the end.** A conversion keeps every digit of the product; sums of
  converted amounts are summed unrounded; the result is rounded once, to the currency's
  minor unit (ISO 4217's exponent as CLDR gives it: JPY 0 places, EUR 2, BHD and KWD 3),
  half to even (banker's rounding, so that halves do not bias a long column of totals
  upwards): 0.125 → 0.12, 0.135 → 0.14. `round_money` is that rule; the `money` template
  filter applies it to what it shows.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from babel.numbers import get_currency_precision
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import ExchangeRate

DECIMAL_CONTEXT = Context(prec=28)
ONE = Decimal(1)


def minor_unit(currency: str) -> int:
    """How many decimal places the currency's amounts have (ISO 4217's exponent)."""
    return get_currency_precision(currency)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded to the currency's minor unit, half to even: the one rounding rule."""
    with localcontext(DECIMAL_CONTEXT):
        return amount.quantize(ONE.scaleb(-minor_unit(currency)), rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def rounded(self) -> Money:
        return Money(round_money(self.amount, self.currency), self.currency)


@dataclass(frozen=True)
class NoRate:
    """An amount that could not be converted: no rate for its currency on its day."""

    money: Money
    to_currency: str
    on: date

    def __str__(self) -> str:
        return _("no rate for %(currency)s on %(date)s") % {
            "currency": self.money.currency,
            "date": date_format(self.on),
        }


class RateBook:
    """The rates between some currencies up to a day, read in one query, answering any
    number of conversions (the bulk helpers' way of staying at one query)."""

    def __init__(self, currencies: Iterable[str] | None, up_to: date, pivot: str | None = None):
        """`currencies` None: every currency of the table (for rows not known in advance)."""
        self.pivot = pivot or settings.REPORTING_CURRENCY
        self._dates: dict[tuple[str, str], list[date]] = defaultdict(list)
        self._rates: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
        table = ExchangeRate.objects.filter(valid_on__lte=up_to)
        if currencies is not None:
            wanted = {*currencies, self.pivot}
            table = table.filter(currency__in=wanted, quote_currency__in=wanted)
        rows = table.order_by("valid_on").values_list(
            "currency", "quote_currency", "valid_on", "rate"
        )
        for currency, quote, valid_on, rate in rows:
            self._dates[currency, quote].append(valid_on)
            self._rates[currency, quote].append(rate)

    def _latest(self, pair: tuple[str, str], on: date) -> tuple[date, Decimal] | None:
        at = bisect.bisect_right(self._dates.get(pair, ()), on)
        return (self._dates[pair][at - 1], self._rates[pair][at - 1]) if at else None

    def _pair(self, currency: str, to_currency: str, on: date) -> Decimal | None:
        direct = self._latest((currency, to_currency), on)
        inverse = self._latest((to_currency, currency), on)
        if direct is not None and (inverse is None or direct[0] >= inverse[0]):
            return direct[1]
        if inverse is not None:
            with localcontext(DECIMAL_CONTEXT):
                return ONE / inverse[1]
        return None

    def rate(self, currency: str, to_currency: str, on: date) -> Decimal | None:
        """What one unit of `currency` is worth in `to_currency` on `on` (None: no rate)."""
        if currency == to_currency:
            return ONE
        found = self._pair(currency, to_currency, on)
        if found is not None or self.pivot in (currency, to_currency):
            return found
        first = self._pair(currency, self.pivot, on)
        second = self._pair(self.pivot, to_currency, on)
        if first is None or second is None:
            return None
        with localcontext(DECIMAL_CONTEXT):
            return first * second

    def convert(self, amount: Decimal, currency: str, to_currency: str, on: date) -> Money | None:
        """`amount` in `to_currency` at the rate of `on`, unrounded; None without a rate."""
        rate = self.rate(currency, to_currency, on)
        if rate is None:
            return None
        with localcontext(DECIMAL_CONTEXT):
            return Money(Decimal(amount) * rate, to_currency)


def convert(amount: Decimal, currency: str, to_currency: str, on: date) -> Money | None:
    """`amount` of `currency` in `to_currency` at the rate of `on` (unrounded: round once at
    the end), or None when the table has no rate for it on that day."""
    return RateBook({currency, to_currency}, on).convert(amount, currency, to_currency, on)


def convert_many(
    items: Sequence[tuple[Decimal, str, date]], to_currency: str
) -> list[Money | None]:
    """Each (amount, currency, day) in `to_currency` (unrounded, None without a rate), with
    one query for all of them (none when every amount is already in `to_currency`)."""
    if all(currency == to_currency for _amount, currency, _on in items):
        return [Money(Decimal(amount), to_currency) for amount, _c, _on in items]
    book = RateBook(
        {to_currency, *(currency for _a, currency, _on in items)},
        max(on for _a, _c, on in items),
    )
    return [book.convert(amount, currency, to_currency, on) for amount, currency, on in items]


@dataclass(frozen=True)
class ConvertedTotal:
    """A sum converted into one currency: rounded once, and what had no rate beside it."""

    total: Money
    not_converted: list[NoRate] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.not_converted


def convert_total(items: Sequence[tuple[Decimal, str, date]], to_currency: str) -> ConvertedTotal:
    """The sum of the amounts in `to_currency`: each converted at its day's rate, summed
    unrounded, rounded once; the amounts without a rate listed, never dropped silently."""
    total = Decimal(0)
    missing = []
    for (amount, currency, on), money in zip(items, convert_many(items, to_currency), strict=True):
        if money is None:
            missing.append(NoRate(Money(Decimal(amount), currency), to_currency, on))
        else:
            total += money.amount
    return ConvertedTotal(Money(total, to_currency).rounded(), missing)
