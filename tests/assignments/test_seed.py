from django.core.management import call_command

from assignments.models import Assignment, Flag, Notification, ProgressMeeting, State
from partners.models import ClientOrganisation, ProviderFirm, User


def counts():
    return (
        User.objects.count(),
        ProviderFirm.objects.count(),
        ClientOrganisation.objects.count(),
        Assignment.objects.count(),
        ProgressMeeting.objects.count(),
    )


def test_seed_demo_is_idempotent_and_raises_nothing(db):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert Flag.objects.count() == 0
    assert Notification.objects.count() == 0


def test_seed_demo_covers_every_state_for_the_demo_director_and_client(db):
    call_command("seed_demo")
    director = User.objects.get(email="director@demo.test")
    client = User.objects.get(email="client@demo.test")
    own = Assignment.objects.filter(
        firm=director.director_profile.firm, client=client.client_profile.organisation
    )
    assert set(own.values_list("state", flat=True)) == set(State.values)
    managed = own.filter(interim_manager__email="manager@demo.test")
    assert managed.count() >= 3
    for email in (
        "admin@demo.test",
        "director@demo.test",
        "manager@demo.test",
        "client@demo.test",
    ):
        assert User.objects.get(email=email).check_password("demo")


def test_seed_demo_scale_adds_that_many(db):
    call_command("seed_demo")
    before = Assignment.objects.count()
    call_command("seed_demo", scale=200, seed=1)
    assert Assignment.objects.count() == before + 200
    added = Assignment.objects.order_by("-id")[:200]
    assert {a.state for a in added} == set(State.values)
    assert {a.firm_id for a in added} == set(ProviderFirm.objects.values_list("id", flat=True))
