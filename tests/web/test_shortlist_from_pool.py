"""Shortlisting from the searched pool: the list opened for an assignment in selection
filters the assignment's firm's pool and offers each manager not yet a candidate to be
shortlisted there, through the shortlisting page's own form and service."""

from django.urls import reverse

from assignments.models import Candidacy
from partners.models import Skill
from tests.factories import AssignmentFactory, DirectorFactory, ManagerFactory, Walker


def pool_for(a, **params):
    query = "&".join(f"{k}={v}" for k, v in {"for": a.pk, **params}.items())
    return f"{reverse('managers')}?{query}"


def listed(response):
    return [row["profile"].user_id for row in response.context["rows"]]


def test_the_pool_searched_for_an_assignment_offers_to_shortlist(client, walker, director):
    walker.to_selection()
    a, firm = walker.a, walker.a.firm
    turnaround = Skill.objects.create(name="Turnaround")
    fit = ManagerFactory(firms=[firm], user__full_name="Ada Fit", languages="fr, en")
    fit.skills.add(turnaround)
    other = ManagerFactory(firms=[firm], user__full_name="Ben Other")
    client.force_login(director)

    response = client.get(pool_for(a, skill=turnaround.pk))
    assert response.status_code == 200
    assert listed(response) == [fit.user_id]  # the filter applies while shortlisting
    page = response.content.decode()
    assert "Shortlisting for" in page
    assert reverse("assignments:candidacy_add", args=[a.pk]) in page
    # Paging keeps the assignment and the filters.
    assert response.context["query"] == f"for={a.pk}&skill={turnaround.pk}"

    response = client.post(
        reverse("assignments:candidacy_add", args=[a.pk]), {"manager": fit.user_id}
    )
    assert response.status_code == 302
    assert Candidacy.objects.filter(assignment=a, manager=fit.user).exists()
    # Now a candidate: the row says so instead of offering it again.
    response = client.get(pool_for(a))
    assert set(listed(response)) >= {fit.user_id, other.user_id}
    assert fit.user_id in response.context["shortlisting"]["candidates"]
    assert "A candidate already" in response.content.decode()


def test_the_shortlisting_page_links_to_the_searched_pool(client, walker, director):
    walker.to_selection()
    client.force_login(director)
    response = client.get(reverse("assignments:candidacy_add", args=[walker.a.pk]))
    assert pool_for(walker.a) in response.content.decode()


def test_an_admin_shortlists_from_the_assignments_own_firms_pool(
    client, walker, admin_user, other_firm
):
    walker.to_selection()
    theirs = ManagerFactory(firms=[other_firm], user__full_name="Cleo Theirs")
    ours = ManagerFactory(firms=[walker.a.firm], user__full_name="Dan Ours")
    client.force_login(admin_user)
    ids = listed(client.get(pool_for(walker.a)))
    assert ours.user_id in ids
    assert theirs.user_id not in ids


def test_another_firms_assignment_is_unknown(client, walker, other_director):
    walker.to_selection()
    client.force_login(other_director)
    assert client.get(pool_for(walker.a)).status_code == 404
    assert client.get(f"{reverse('managers')}?for=abc").status_code == 404
    assert client.get(f"{reverse('managers')}?for=999999").status_code == 404


def test_outside_selection_the_list_offers_no_shortlisting(client, walker, director):
    # In the brief, nobody shortlists yet: the plain list, without the forms.
    client.force_login(director)
    response = client.get(pool_for(walker.a))
    assert response.status_code == 200
    assert response.context["shortlisting"] is None
    assert reverse("assignments:candidacy_add", args=[walker.a.pk]) not in (
        response.content.decode()
    )


def test_a_colleagues_assignment_is_shortlisted_for_too(client, firm, director):
    # Another director of the same firm may shortlist on a colleague's assignment, as on
    # its page: the firm's directors share its portfolio.
    colleague = DirectorFactory(firm=firm).user
    a = AssignmentFactory(firm=firm, director=colleague)
    Walker(a, ManagerFactory(firms=[firm]).user).to_selection()
    client.force_login(director)
    response = client.get(pool_for(a))
    assert response.status_code == 200
    assert response.context["shortlisting"]["assignment"].pk == a.pk
