"""A firm's list of the client organisations it works with, kept by its directors."""

import pytest
from django.urls import reverse

from partners.models import ClientOrganisation
from tests.factories import ClientOrganisationFactory


@pytest.fixture
def url():
    return reverse("firm_clients")


def test_a_director_sees_only_their_firms_clients(client, director, firm, url):
    ours = ClientOrganisationFactory(name="Aurelia Foods")
    ClientOrganisationFactory(name="Castellan Logistics")
    firm.clients.add(ours)
    client.force_login(director)
    text = client.get(url).content.decode()
    assert "Aurelia Foods" in text and "Castellan Logistics" not in text


def test_a_director_adds_a_new_organisation(client, director, firm, url):
    client.force_login(director)
    response = client.post(
        url, {"name": "  Borealis   Energy ", "sector": "Energy", "country": "no"}
    )
    assert response.status_code == 302
    organisation = ClientOrganisation.objects.get(name="Borealis Energy")
    assert organisation.country == "NO" and list(firm.clients.all()) == [organisation]


def test_adding_a_known_organisation_links_it_without_a_copy(client, director, firm, url):
    known = ClientOrganisationFactory(name="Aurelia Foods")
    client.force_login(director)
    client.post(url, {"name": "aurelia foods"})
    assert list(firm.clients.all()) == [known]
    assert ClientOrganisation.objects.count() == 1


def test_bad_input_keeps_the_form_and_changes_nothing(client, director, firm, url):
    client.force_login(director)
    response = client.post(url, {"name": "", "country": "France"})
    assert response.status_code == 400
    assert not firm.clients.exists() and not ClientOrganisation.objects.exists()
    assert response.context["form"].errors.keys() == {"name", "country"}


def test_a_director_removes_an_organisation_of_their_list(client, director, firm):
    ours = ClientOrganisationFactory()
    firm.clients.add(ours)
    client.force_login(director)
    response = client.post(reverse("firm_client_remove", args=[ours.pk]))
    assert response.status_code == 302 and not firm.clients.exists()


def test_another_firms_director_cannot_touch_the_list(client, other_director, firm):
    ours = ClientOrganisationFactory()
    firm.clients.add(ours)
    client.force_login(other_director)
    assert client.post(reverse("firm_client_remove", args=[ours.pk])).status_code == 404
    assert list(firm.clients.all()) == [ours]


@pytest.mark.parametrize("who", ["manager", "client_contact"])
def test_only_directors_have_a_client_list(client, request, who, url):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == 403
