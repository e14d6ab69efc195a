"""A person's notification settings, and the navigation bar's count kept true in place."""

import pytest
from django.urls import reverse

from assignments.constants import DEFAULT_DELIVERY, Delivery, NotificationKind
from assignments.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db

SETTINGS = reverse("notifications:settings")


def test_the_settings_page_shows_the_defaults_and_keeps_a_choice(client, director):
    client.force_login(director)
    page = client.get(SETTINGS)
    assert page.status_code == 200
    form = page.context["form"]
    assert {k: form[k].value() for k in NotificationKind.values} == {
        k.value: v for k, v in DEFAULT_DELIVERY.items()
    }
    choices = dict.fromkeys(NotificationKind.values, Delivery.IN_APP)
    choices[NotificationKind.MEETING] = Delivery.DIGEST
    response = client.post(SETTINGS, choices)
    assert response.status_code == 302 and response["Location"] == SETTINGS
    saved = dict(
        NotificationPreference.objects.filter(user=director).values_list("kind", "delivery")
    )
    assert saved == choices
    assert client.get(SETTINGS).context["form"]["meeting"].value() == Delivery.DIGEST


def test_a_bad_choice_is_a_form_error_and_changes_nothing(client, director):
    client.force_login(director)
    choices = dict.fromkeys(NotificationKind.values, Delivery.IN_APP)
    choices[NotificationKind.PLAN] = "carrier-pigeon"
    response = client.post(SETTINGS, choices)
    assert response.status_code == 200
    assert "plan" in response.context["form"].errors
    assert not NotificationPreference.objects.exists()


def test_the_settings_need_a_sign_in(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_marking_read_in_place_updates_the_navigation_count(client, director):
    notes = [
        Notification.objects.create(
            recipient=director, key=f"test:{i}", subject=f"Note {i}", body="Body"
        )
        for i in range(3)
    ]
    client.force_login(director)
    page = client.get(reverse("notifications:list"))
    assert b'data-testid="unread-count">3' in page.content
    response = client.post(
        reverse("notifications:read", args=[notes[0].pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert f'id="notification-{notes[0].pk}"' in html
    assert 'id="unread-count-slot" hx-swap-oob="true"' in html
    assert 'data-testid="unread-count">2' in html
    for n in notes[1:]:
        client.post(reverse("notifications:read", args=[n.pk]), HTTP_HX_REQUEST="true")
    last = client.post(reverse("notifications:read", args=[notes[0].pk]), HTTP_HX_REQUEST="true")
    assert "unread-count-slot" in last.content.decode()
    assert 'data-testid="unread-count"' not in last.content.decode()
