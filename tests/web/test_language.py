"""Pages in the reader's language: the browser's (Accept-Language) for someone who chose
none, the switcher's choice otherwise, kept on the account so that it follows them to
another browser; dates and numbers written the French way on French pages."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from partners.models import User

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_the_browsers_french_gives_a_french_sign_in_page(client):
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="fr"' in html
    assert "Mot de passe" in html  # Django's own form label, translated by Django


def test_the_browsers_english_gives_an_english_sign_in_page(client):
    html = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en-gb"' in html and "Password" in html


def test_the_switch_sets_the_cookie_keeps_the_choice_and_wins_over_the_browser(client, director):
    client.force_login(director)
    answer = client.post(
        reverse("set_language"), {"language": "fr", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 302
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    director.refresh_from_db()
    assert director.language == "fr"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr"' in page.content.decode()

    # Signing in again elsewhere (no cookie, an English browser): the account's choice.
    elsewhere = Client()
    elsewhere.force_login(director)
    page = elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr"' in page.content.decode()


def test_switching_back_to_english_is_kept_too(client, director):
    User.objects.filter(pk=director.pk).update(language="fr")
    client.force_login(director)
    client.post(reverse("set_language"), {"language": "en-gb", "next": "/"})
    director.refresh_from_db()
    assert director.language == "en-gb"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en-gb"' in page.content.decode()


def test_an_account_without_a_language_follows_the_browser(client, director):
    assert director.language == ""
    client.force_login(director)
    assert '<html lang="fr"' in client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en-gb"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_french_page_writes_its_dates_with_french_month_names(client, world, cast):
    a = world["a"]
    meeting = a.meetings.get()
    client.force_login(cast["director"])
    html = client.get(a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    with translation.override("fr"):
        french = date_format(meeting.scheduled_for, "d M Y")
    with translation.override("en-gb"):
        english = date_format(meeting.scheduled_for, "d M Y")
    assert french != english
    assert french in html
    # Django's French abbreviations (its "M" format): Déc, Fév, Aoû…
    months = ("jan", "fév", "mar", "avr", "mai", "jui", "jul", "aoû", "sep", "oct", "nov", "déc")
    assert french.split()[1].lower() in months


def test_french_numbers_take_a_decimal_comma():
    template = Template("{{ rate }} {{ average|floatformat:1 }}")
    context = Context({"rate": Decimal("1250.50"), "average": 4.24})
    with translation.override("fr"):
        assert template.render(context) == "1250,50 4,2"
    with translation.override("en-gb"):
        assert template.render(context) == "1250.50 4.2"
