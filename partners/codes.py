"""The code lists of a manager's profile: the languages they work in (ISO 639-1, "en, fr")
and the countries they work in (ISO 3166-1 alpha-2, "FR, BE"), as people type them and as
they are stored."""

from __future__ import annotations

import re

import pycountry
from django.core.exceptions import ValidationError

LANGUAGES = {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}
COUNTRIES = {country.alpha_2: country.name for country in pycountry.countries}

# What separates codes as typed: commas, semicolons, spaces.
_SEPARATORS = re.compile(r"[\s,;]+")


def split_codes(text: str | None) -> list[str]:
    """The codes of a stored or typed list, in their order, without repeats."""
    return list(dict.fromkeys(part for part in _SEPARATORS.split(text or "") if part))


def _normalised(text: str | None, known: dict[str, str], *, upper: bool, what: str) -> str:
    codes = [c.upper() if upper else c.lower() for c in split_codes(text)]
    unknown = [c for c in codes if c not in known]
    if unknown:
        listed = ", ".join(f"“{c}”" for c in unknown)
        # The codes as typed are in the message itself, so it takes no params: Django
        # would %-format it, and a typed "%" would break the message instead of showing.
        raise ValidationError(f"Not {what}: {listed}.", code="unknown_code")
    return ", ".join(dict.fromkeys(codes))


def languages_normalised(text: str | None) -> str:
    """ " EN,fr  de" → "en, fr, de"; a code that is not ISO 639-1 is refused."""
    return _normalised(
        text, LANGUAGES, upper=False, what="ISO 639-1 language codes (use ones like en, fr, de)"
    )


def countries_normalised(text: str | None) -> str:
    """ "fr be,CH" → "FR, BE, CH"; a code that is not ISO 3166-1 alpha-2 is refused."""
    return _normalised(
        text, COUNTRIES, upper=True, what="ISO 3166 country codes (use ones like FR, BE, CH)"
    )


def language_names(stored: str | None) -> list[tuple[str, str]]:
    """(code, name) for each language of a stored list (an unknown code names itself)."""
    return [(c, LANGUAGES.get(c.lower(), c)) for c in split_codes(stored)]


def country_names(stored: str | None) -> list[tuple[str, str]]:
    """(code, name) for each country of a stored list (an unknown code names itself)."""
    return [(c, COUNTRIES.get(c.upper(), c)) for c in split_codes(stored)]


def code_pattern(code: str) -> str:
    """A regular expression finding one (validated, letters-only) code in a stored list."""
    return rf"(^|[^A-Za-z]){re.escape(code)}([^A-Za-z]|$)"
