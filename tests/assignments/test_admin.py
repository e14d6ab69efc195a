"""Every admin changelist and change page renders; admin transitions use the services."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from assignments.models import Assignment, State, TransitionRecord


@pytest.fixture
def demo(db):
    call_command("seed_demo")


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda m: f"{m._meta.app_label}.{m._meta.model_name}"
)
def test_changelist_add_and_change_pages_render(model, demo, admin_client):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client.get(change).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert admin_client.get(add).status_code in (200, 403)


def test_admin_change_page_offers_the_transitions(demo, admin_client):
    a = Assignment.objects.filter(state=State.IN_PROGRESS).first()
    page = admin_client.get(reverse("admin:assignments_assignment_change", args=[a.pk]))
    assert b"transition/complete/" in page.content
    assert b"transition/open_selection/" not in page.content


def test_an_admin_transition_goes_through_the_service(demo, admin_client):
    a = Assignment.objects.filter(state=State.IN_PROGRESS).first()
    url = reverse("admin:assignments_assignment_transition", args=[a.pk, "complete"])
    response = admin_client.post(url, {"outcome": "Done well.", "comment": "from admin"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.state == State.COMPLETED
    record = TransitionRecord.objects.filter(assignment=a).last()
    assert (record.transition, record.comment, record.by.is_staff) == (
        "complete",
        "from admin",
        True,
    )


def test_an_admin_transition_refused_by_a_guard_changes_nothing(demo, admin_client):
    a = Assignment.objects.filter(state=State.IN_PROGRESS).first()
    url = reverse("admin:assignments_assignment_transition", args=[a.pk, "complete"])
    response = admin_client.post(url, {"outcome": ""})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    a.refresh_from_db()
    assert a.state == State.IN_PROGRESS


def test_state_is_read_only_in_admin(demo, admin_client):
    a = Assignment.objects.filter(state=State.BRIEF).first()
    page = admin_client.get(reverse("admin:assignments_assignment_change", args=[a.pk]))
    assert b'name="state"' not in page.content
