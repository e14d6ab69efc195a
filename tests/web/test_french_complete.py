"""Every string on the main pages has its French: each party's main pages are rendered in
English and in French, and a visible text (or a title, aria-label, placeholder, alt, a
button's value, a data-confirm sentence) left identical in French is an untranslated
string, once the data is taken out of it (every string of the test database's rows,
numbers, dates, punctuation) and unless the catalogue translates it deliberately by the
same word ("Audit", "Dimension", "Notifications"). The catalogue itself: no entry empty or
fuzzy, every placeholder kept, and msgfmt's checks pass."""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assignments.models import Notification
from partners.codes import COUNTRIES, LANGUAGES, country_name, language_name
from tests.factories import (
    AssignmentFactory,
    FlagFactory,
    Walker,
    walk_to_completed,
)

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# Shown in their own language whatever the page's (the switcher), the product's name, and
# the admin's names of other projects' apps that have no French of their own (django-axes,
# django-celery-beat).
SAME_EVERYWHERE = {name for _code, name in settings.LANGUAGES} | {"Interim", "Axes", "Crontabs"}

ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm"}
SKIPPED = {"script", "style", "template"}
PUNCTUATION_AND_NUMBERS = re.compile(r"[\W\d_]+", re.UNICODE)


class Texts(HTMLParser):
    """The visible text nodes and user-facing attributes of a page, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        values = dict(attrs)
        for name in ATTRIBUTES & set(values):
            self._add(values[name])
        submit = tag == "button" or (
            tag == "input" and values.get("type") in {"submit", "button", "reset"}
        )
        if submit and values.get("value") and tag == "input":
            self._add(values["value"])

    def handle_endtag(self, tag):
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self._add(data)

    def _add(self, text):
        text = " ".join((text or "").split())
        if text:
            self.found.append(text)


def texts_of(html: str) -> list[str]:
    parser = Texts()
    parser.feed(html)
    return parser.found


def same_in_french() -> set[str]:
    """The msgids the catalogue translates by the same words, deliberately; and the names
    of countries and languages that pycountry's French catalogue writes the same
    ("Madagascar", "Wolof")."""
    names = {}
    for language in ("en", "fr"):
        with translation.override(language):
            names[language] = {*map(country_name, COUNTRIES), *map(language_name, LANGUAGES)}
    same = {e.msgid for e in polib.pofile(str(PO)) if e.msgstr and e.msgstr == e.msgid}
    # The switcher names each language in its own words, whatever the page's.
    same |= {name for _code, name in settings.LANGUAGES}
    return same | (names["en"] & names["fr"])


def data_pattern() -> re.Pattern:
    """Every string value in the test database's rows, longest first."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if isinstance(value, str):
                    values.update(v for v in {value.strip(), *value.split("\n")} if len(v) > 1)
        # A person's first name alone ("Hello, Ada").
        if model is get_user_model():
            values.update(
                word
                for (name,) in model._default_manager.values_list("full_name")
                for word in name.split()
                if len(word) > 1
            )
    for value in list(values):
        values.update(line.strip() for line in value.splitlines() if len(line.strip()) > 1)
    ordered = sorted(values, key=len, reverse=True)
    # Whole words only: a name never hides a word it happens to be part of.
    alternatives = "|".join(re.escape(v) for v in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if ordered else re.compile("$^")


def untranslated(english: list[str], french: list[str], data: re.Pattern, allowed: set[str]):
    """The French page's texts that are its English ones, word for word, and hold words
    that are neither data nor deliberately the same in French."""
    same = set(english) & set(french)
    left = []
    for text in sorted(same):
        if text in allowed or text in SAME_EVERYWHERE:
            continue
        bare = data.sub(" ", text)
        for word in sorted(allowed | SAME_EVERYWHERE, key=len, reverse=True):
            if len(word) > 2:
                bare = bare.replace(word, " ")
        if PUNCTUATION_AND_NUMBERS.sub("", bare):
            left.append(text)
    return left


@pytest.fixture
def places(walker, cast, firm, director, manager, assignment):
    """Assignments of the same firm and client in the main states, and the pages' ids."""
    walker.walk_to("in_progress")
    running = walker.a
    FlagFactory(assignment=running, kind="fuse_risk", key="fuse:complete")
    Notification.objects.create(
        recipient=director,
        assignment=running,
        key="complete:1",
        subject="Review due",
        body="The review is due.",
        url=running.get_absolute_url(),
    )

    def another():
        return AssignmentFactory(
            firm=firm,
            director=director,
            client=assignment.client,
            client_contact=assignment.client_contact,
        )

    selecting = Walker(another(), manager)
    selecting.to_selection()
    selecting.ready_candidacy()
    auditing = Walker(another(), manager)
    auditing.walk_to("audit")
    planning = Walker(another(), manager)
    planning.walk_to("action_plan")
    completed = Walker(another(), manager)
    walk_to_completed(completed)
    return {
        "assignments": [running, selecting.a, auditing.a, planning.a, completed.a],
        "completed": completed.a,
        "manager": manager,
    }


def pages_for(party: str, places) -> list[str]:
    detail = [a.get_absolute_url() for a in places["assignments"]]
    closeout = reverse("assignments:closeout", args=[places["completed"].pk])
    profile = reverse("manager_profile", args=[places["manager"].pk])
    common = [
        "/",
        reverse("assignments:list"),
        reverse("notifications:list"),
        reverse("notifications:settings"),
        "/accounts/calendar/",
    ]
    provider = [reverse("managers"), profile, reverse("opportunities:list")]
    return {
        "director": [*common, *detail, closeout, *provider],
        "manager": [*common, *detail, closeout, profile],
        "client": [*common, *detail, closeout],
        "admin": [*common, *detail, closeout, *provider, "/admin/"],
    }[party]


def rendered(client: Client, path: str, language: str) -> tuple[int, str]:
    answer = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    return answer.status_code, answer.content.decode() if answer.status_code == 200 else ""


@pytest.mark.parametrize("party", ["director", "manager", "client", "admin"])
def test_every_string_on_a_partys_main_pages_has_its_french(party, places, cast):
    client = Client()
    client.force_login(cast[party])
    found = {}
    for path in pages_for(party, places):
        status, english = rendered(client, path, "en")
        if status != 200:
            continue  # not this party's page (the access matrix says who sees what)
        _status, french = rendered(client, path, "fr")
        assert '<html lang="fr"' in french or path.startswith("/admin/"), path
        found[path] = (texts_of(english), texts_of(french))
    data, allowed = data_pattern(), same_in_french()
    left = {
        path: missing
        for path, (english, french) in found.items()
        if (missing := untranslated(english, french, data, allowed))
    }
    assert len(found) >= 8, sorted(found)
    assert not left, f"Untranslated on the {party}'s pages:\n" + "\n".join(
        f"{path}:\n    " + "\n    ".join(texts) for path, texts in left.items()
    )


def test_the_sign_in_page_has_its_french(client):
    english = texts_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    french = texts_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    left = untranslated(english, french, data_pattern(), same_in_french())
    assert not left, "Untranslated on the sign-in page:\n    " + "\n    ".join(left)


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def test_the_catalogue_has_no_empty_nor_fuzzy_entry():
    po = polib.pofile(str(PO))
    empty = [
        e.msgid
        for e in po
        if not e.obsolete
        and (not all(e.msgstr_plural.values()) if e.msgid_plural else not e.msgstr)
    ]
    fuzzy = [e.msgid for e in po if not e.obsolete and "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries:\n" + "\n".join(fuzzy)
    assert not empty, f"{len(empty)} entries without French:\n" + "\n".join(empty)


def test_every_placeholder_of_the_english_is_in_the_french():
    wrong = []
    for e in polib.pofile(str(PO)):
        if e.obsolete:
            continue
        translations = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        for msgid, msgstr in zip(
            [e.msgid] + [e.msgid_plural] * (len(translations) - 1), translations, strict=False
        ):
            if not msgstr:
                continue
            needed = set(PLACEHOLDER.findall(msgid))
            # A plural's singular may say "one" instead of its count.
            if e.msgid_plural and msgid == e.msgid:
                needed -= {p for p in needed if "count" in p or p == "%(n)s"}
            missing = needed - set(PLACEHOLDER.findall(msgstr))
            if missing:
                wrong.append(f"{msgid!r} -> {msgstr!r}: {sorted(missing)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_checks_the_catalogue(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
