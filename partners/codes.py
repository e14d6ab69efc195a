"""The code lists of a manager's profile: the languages they work in (ISO 639-1, "en, fr")
and the countries they work in (ISO 3166-1 alpha-2, "FR, BE"), as people type them and as
they are stored."""

from __future__ import annotations

import functools
import gettext
import re
import unicodedata

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

LANGUAGES = {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}
COUNTRIES = {country.alpha_2: country.name for country in pycountry.countries}

# What separates codes as typed: commas, semicolons, spaces.
_SEPARATORS = re.compile(r"[\s,;]+")


def split_codes(text: str | None) -> list[str]:
    """The codes of a stored or typed list, in their order, without repeats."""
    return list(dict.fromkeys(part for part in _SEPARATORS.split(text or "") if part))


def _normalised(text: str | None, known: dict[str, str], *, upper: bool, message: str) -> str:
    codes = [c.upper() if upper else c.lower() for c in split_codes(text)]
    unknown = [c for c in codes if c not in known]
    if unknown:
        listed = ", ".join(f"“{c}”" for c in unknown)
        # The codes as typed are in the message itself, so it takes no params: Django
        # would %-format it, and a typed "%" would break the message instead of showing.
        raise ValidationError(message % {"codes": listed}, code="unknown_code")
    return ", ".join(dict.fromkeys(codes))


def languages_normalised(text: str | None) -> str:
    """ " EN,fr  de" → "en, fr, de"; a code that is not ISO 639-1 is refused."""
    return _normalised(
        text,
        LANGUAGES,
        upper=False,
        message=_("Not ISO 639-1 language codes (use ones like en, fr, de): %(codes)s."),
    )


def countries_normalised(text: str | None) -> str:
    """ "fr be,CH" → "FR, BE, CH"; a code that is not ISO 3166-1 alpha-2 is refused."""
    return _normalised(
        text,
        COUNTRIES,
        upper=True,
        message=_("Not ISO 3166 country codes (use ones like FR, BE, CH): %(codes)s."),
    )


@functools.cache
def _iso_catalogue(domain: str, locale: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale], fallback=True)


def _local_name(domain: str, name: str) -> str:
    """`name` (pycountry's English) in the active language, from pycountry's own catalogues
    (iso639-3 for languages, iso3166-1 for countries); English when it has none."""
    return _iso_catalogue(domain, to_locale(get_language() or "en")).gettext(name)


def language_name(code: str) -> str:
    """The name of an ISO 639-1 code in the active language (an unknown code names itself)."""
    name = LANGUAGES.get(code.lower())
    return _local_name("iso639-3", name) if name else code


def country_name(code: str) -> str:
    """The name of an ISO 3166-1 code in the active language (an unknown code names itself)."""
    name = COUNTRIES.get(code.upper())
    return _local_name("iso3166-1", name) if name else code


def language_names(stored: str | None) -> list[tuple[str, str]]:
    """(code, name) for each language of a stored list (an unknown code names itself)."""
    return [(c, language_name(c)) for c in split_codes(stored)]


def country_names(stored: str | None) -> list[tuple[str, str]]:
    """(code, name) for each country of a stored list (an unknown code names itself)."""
    return [(c, country_name(c)) for c in split_codes(stored)]


def _by_name(item: tuple[str, str]) -> str:
    # "Égypte" among the E's, not after "Zimbabwe".
    return unicodedata.normalize("NFKD", item[1]).encode("ascii", "ignore").decode().casefold()


def language_choices() -> list[tuple[str, str]]:
    """Every ISO 639-1 language for a filter, "Any" first, by name in the active language."""
    named = sorted(((c, language_name(c)) for c in LANGUAGES), key=_by_name)
    return [("", _("Any")), *named]


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country for a filter, "Any" first, by name in the active language."""
    named = sorted(((c, country_name(c)) for c in COUNTRIES), key=_by_name)
    return [("", _("Any")), *named]


def code_pattern(code: str) -> str:
    """A regular expression finding one (validated, letters-only) code in a stored list."""
    return rf"(^|[^A-Za-z]){re.escape(code)}([^A-Za-z]|$)"
