from partners.models import Role
from tests.factories import ClientContactFactory, DirectorFactory, ManagerFactory, UserFactory


def test_roles_are_derived_from_profiles(db):
    person = UserFactory()
    assert person.roles == []
    DirectorFactory(user=person)
    ManagerFactory(user=person)
    person.refresh_from_db()
    assert person.roles == [Role.DIRECTOR, Role.MANAGER]
    assert ClientContactFactory().user.roles == [Role.CLIENT]


def test_sign_in_is_by_email(db, client):
    user = UserFactory(email="someone@example.test")
    client.post("/accounts/login/", {"username": "Someone@Example.test", "password": "pw"})
    assert client.session["_auth_user_id"] == str(user.pk)
