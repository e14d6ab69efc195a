"""Checks on the money fields of profiles and candidacies: positive amounts, and currency
codes from ISO 4217's list of active codes (as shipped by pycountry); and single-line text
for the names and titles that reach e-mail headers."""

import re
import unicodedata
from decimal import Decimal

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _lazy

# ISO 4217 reserves these for tests and for "no currency": nobody is paid in them.
NOT_A_PAYMENT_CURRENCY = frozenset({"XTS", "XXX"})
CURRENCY_CODES = frozenset(
    c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in NOT_A_PAYMENT_CURRENCY
)


def currency_normalised(value: object) -> str:
    """A currency code as typed (" eur"), as stored ("EUR")."""
    return str(value or "").strip().upper()


@deconstructible
class CurrencyCodeValidator:
    """An active ISO 4217 code, upper case (forms normalise what people type)."""

    message = _lazy("“%(value)s” is not an ISO 4217 currency code: use one like EUR, GBP or CHF.")
    code = "invalid_currency"

    def __call__(self, value: object) -> None:
        if value not in CURRENCY_CODES:
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CurrencyCodeValidator)

    def __hash__(self) -> int:
        return hash(type(self))


currency_code = CurrencyCodeValidator()
positive_amount = MinValueValidator(
    Decimal("0.01"), message=_lazy("An amount of money must be positive.")
)


@deconstructible
class SingleLineValidator:
    """Text without line breaks or control characters: names and titles end up in e-mail
    subjects and address headers, where a line break would start a new header."""

    message = _lazy("Use a single line of text: no line breaks or control characters.")
    code = "not_single_line"

    def __call__(self, value: object) -> None:
        if not is_single_line(str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleLineValidator)

    def __hash__(self) -> int:
        return hash(type(self))


def is_single_line(text: str) -> bool:
    """True when `text` holds no line break ("\\r", "\\n", "\\u2028"…) nor control character."""
    return not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text)


def one_line(text: str) -> str:
    """`text` with each run of line breaks and control characters turned into one space."""
    return re.sub(r"\s*[\x00-\x1f\x7f-\x9f\u2028\u2029]+\s*", " ", text)


single_line = SingleLineValidator()
