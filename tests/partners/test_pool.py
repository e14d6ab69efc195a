"""The manager pool: the firm's list searched and filtered, a manager added by e-mail, a
profile edited and taken off the pool, and each viewer's reading of a profile."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments.services import pool as services
from partners.models import ClientContact, ManagerProfile, Skill, User
from tests.factories import (
    AssignmentFactory,
    ClientContactFactory,
    DirectorFactory,
    ManagerFactory,
    Walker,
    walk_to_completed,
)

LIST = "/managers/"


def profile_url(user):
    return reverse("manager_profile", args=[user.pk])


def edit_url(user):
    return reverse("manager_edit", args=[user.pk])


def pool_manager(firm, name, **fields):
    return ManagerFactory(firms=[firm], user__full_name=name, **fields)


def names_listed(response):
    return [row["profile"].user.full_name for row in response.context["rows"]]


# --- The list -------------------------------------------------------------------------------


def test_a_director_sees_their_firms_pool_only(client, director, firm, other_firm):
    pool_manager(firm, "Alma Ours")
    pool_manager(other_firm, "Bruno Theirs")
    client.force_login(director)
    response = client.get(LIST)
    assert response.status_code == 200
    assert names_listed(response) == ["Alma Ours"]


def test_an_admin_sees_every_manager_and_their_pools(client, admin_user, firm, other_firm):
    pool_manager(firm, "Alma Ours")
    pool_manager(other_firm, "Bruno Theirs")
    client.force_login(admin_user)
    response = client.get(LIST)
    assert names_listed(response) == ["Alma Ours", "Bruno Theirs"]
    assert "Northbridge" in response.content.decode()


@pytest.mark.parametrize("who", ["manager", "client_contact"])
def test_only_directors_and_admins_have_a_pool(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, manager):
    for url in (LIST, profile_url(manager), edit_url(manager), reverse("manager_add")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("alma", "Alma Search"),  # the name
        ("Turnaround", "Bruno Search"),  # the headline
        ("carve-out", "Carla Search"),  # the CV summary
    ],
)
def test_the_search_looks_at_name_headline_and_cv(client, director, firm, query, found):
    pool_manager(firm, "Alma Search", headline="Finance lead")
    pool_manager(firm, "Bruno Search", headline="Turnaround CEO")
    pool_manager(firm, "Carla Search", cv_summary="Led a carve-out in 2021.")
    client.force_login(director)
    assert names_listed(client.get(LIST, {"q": query})) == [found]


def test_the_skill_filter_keeps_only_managers_with_the_skill(client, director, firm):
    lean = Skill.objects.create(name="Lean")
    with_skill = pool_manager(firm, "Alma Lean")
    with_skill.skills.add(lean)
    pool_manager(firm, "Bruno Other")
    client.force_login(director)
    assert names_listed(client.get(LIST, {"skill": lean.pk})) == ["Alma Lean"]


def test_the_language_filter_matches_whole_codes_in_any_case(client, director, firm):
    pool_manager(firm, "Alma French", languages="en, fr")
    pool_manager(firm, "Bruno German", languages="de, en")
    client.force_login(director)
    assert names_listed(client.get(LIST, {"language": "fr"})) == ["Alma French"]
    assert names_listed(client.get(LIST, {"language": " FR "})) == ["Alma French"]
    assert names_listed(client.get(LIST, {"language": "en"})) == ["Alma French", "Bruno German"]


def test_the_country_filter_keeps_only_managers_working_there(client, director, firm):
    pool_manager(firm, "Alma Belgium", countries="FR, BE")
    pool_manager(firm, "Bruno Swiss", countries="CH")
    client.force_login(director)
    assert names_listed(client.get(LIST, {"country": "be"})) == ["Alma Belgium"]


def test_the_availability_filter_keeps_managers_free_by_that_date(client, director, firm):
    pool_manager(firm, "Alma Soon", available_from=datetime.date(2027, 1, 10))
    pool_manager(firm, "Bruno Later", available_from=datetime.date(2027, 3, 1))
    pool_manager(firm, "Carla Unknown")
    client.force_login(director)
    response = client.get(LIST, {"available_by": "2027-01-31"})
    assert names_listed(response) == ["Alma Soon"]
    response = client.get(LIST, {"available_by": "2027-03-01"})
    assert names_listed(response) == ["Alma Soon", "Bruno Later"]


def test_bad_filters_are_shown_on_the_page_and_left_out(client, director, firm):
    pool_manager(firm, "Alma Ours", languages="fr")
    client.force_login(director)
    response = client.get(
        LIST,
        {"available_by": "31/02/2027", "language": "xx", "country": "ZZ", "skill": "999999"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter the date as YYYY-MM-DD." in text
    assert "“xx” is not an ISO 639-1 language code." in text
    assert "“ZZ” is not an ISO 3166 country code." in text
    assert "That skill is not known" in text
    assert names_listed(response) == ["Alma Ours"]


def test_the_list_is_paginated_by_25(client, director, firm):
    for n in range(30):
        pool_manager(firm, f"Manager {n:02}")
    client.force_login(director)
    assert len(client.get(LIST).context["rows"]) == 25
    second = client.get(LIST, {"page": 2})
    assert names_listed(second) == [f"Manager {n:02}" for n in range(25, 30)]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["director", "admin_user"])
def test_the_lists_queries_do_not_grow_with_the_pool(client, request, firm, other_firm, who):
    skills = [Skill.objects.create(name=f"Skill {n}") for n in range(3)]

    def add(count, start):
        for n in range(start, start + count):
            profile = pool_manager(firm, f"Manager {n:02}", languages="en", countries="FR")
            profile.firms.add(other_firm)
            profile.skills.add(*skills)

    client.force_login(request.getfixturevalue(who))
    add(3, 0)
    client.get(LIST)  # the session and the unread count, read once and cached
    small = _queries(client, LIST)
    add(22, 3)
    large = _queries(client, LIST)
    assert small == large


# --- Adding a manager -----------------------------------------------------------------------


def test_a_manager_of_another_pool_joins_with_their_shared_profile(
    client, director, firm, other_firm
):
    shared = pool_manager(other_firm, "Sami Shared", day_rate=Decimal("900"))
    client.force_login(director)
    response = client.post(
        reverse("manager_add"), {"email": shared.user.email.upper(), "currency": "EUR"}
    )
    assert response.status_code == 302
    assert response["Location"] == profile_url(shared.user)
    assert set(shared.firms.all()) == {firm, other_firm}
    assert ManagerProfile.objects.count() == 1
    message = str(next(iter(response.wsgi_request._messages)))
    assert "shared with another firm's pool" in message


def test_a_person_with_another_role_gets_a_manager_profile(client, director, firm):
    contact = ClientContactFactory(user__full_name="Rita Role").user
    client.force_login(director)
    response = client.post(
        reverse("manager_add"),
        {"email": contact.email, "day_rate": "1100", "currency": " chf"},
    )
    assert response.status_code == 302
    assert response["Location"] == edit_url(contact)
    profile = ManagerProfile.objects.get(user=contact)
    assert list(profile.firms.all()) == [firm]
    assert (profile.day_rate, profile.currency) == (Decimal("1100"), "CHF")
    assert User.objects.get(pk=contact.pk).roles == ["manager", "client"]


def test_someone_new_gets_an_account_without_a_password_and_a_profile(client, director, firm):
    client.force_login(director)
    response = client.post(
        reverse("manager_add"),
        {
            "email": " Nora.New@Example.TEST ",
            "full_name": "  Nora   New ",
            "day_rate": "1300",
            "currency": "EUR",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="nora.new@example.test")
    assert person.full_name == "Nora New"
    assert not person.has_usable_password()
    assert list(person.manager_profile.firms.all()) == [firm]
    assert "Forgot your password?" in str(next(iter(response.wsgi_request._messages)))


def test_someone_new_needs_a_name_and_a_day_rate(client, director):
    client.force_login(director)
    response = client.post(
        reverse("manager_add"), {"email": "nobody@example.test", "currency": "EUR"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"full_name", "day_rate"}
    assert response.context["form"]["email"].value() == "nobody@example.test"
    assert not User.objects.filter(email="nobody@example.test").exists()


def test_adding_a_manager_twice_changes_nothing(client, director, firm, manager):
    client.force_login(director)
    response = client.post(reverse("manager_add"), {"email": manager.email, "currency": "EUR"})
    assert response.status_code == 302
    assert "in your firm's pool already" in str(next(iter(response.wsgi_request._messages)))
    assert list(manager.manager_profile.firms.all()) == [firm]


@pytest.mark.parametrize("who", ["manager", "client_contact", "admin_user"])
def test_only_a_director_adds_to_a_pool(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("manager_add"),
        {"email": "x@example.test", "full_name": "X", "day_rate": "1", "currency": "EUR"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.test").exists()


def test_the_add_service_refuses_whoever_is_no_director(manager):
    with pytest.raises(PermissionDenied):
        services.manager_pool_add(user=manager, email="x@example.test", full_name="X")


# --- Editing a profile ----------------------------------------------------------------------


def _profile_form(**changes):
    data = {
        "headline": "Turnaround CEO",
        "cv_summary": "Twenty years of industrial turnarounds.",
        "languages": " EN,fr  de",
        "countries": "fr; be",
        "day_rate": "1200",
        "day_rate_max": "1600",
        "currency": "eur",
        "available_from": "2027-02-01",
    }
    data.update(changes)
    return data


def test_a_director_edits_the_profile_with_codes_normalised(client, director, manager):
    lean = Skill.objects.create(name="Lean")
    Skill.objects.create(name="Change management")
    client.force_login(director)
    response = client.post(
        edit_url(manager),
        _profile_form(skills=[lean.pk], new_skills="change MANAGEMENT, Carve-outs ,, "),
    )
    assert response.status_code == 302
    profile = ManagerProfile.objects.get(user=manager)
    assert (profile.languages, profile.countries) == ("en, fr, de", "FR, BE")
    assert (profile.day_rate, profile.day_rate_max, profile.currency) == (
        Decimal("1200"),
        Decimal("1600"),
        "EUR",
    )
    assert profile.available_from == datetime.date(2027, 2, 1)
    assert sorted(s.name for s in profile.skills.all()) == [
        "Carve-outs",
        "Change management",
        "Lean",
    ]
    assert Skill.objects.count() == 3


def test_bad_input_comes_back_with_what_was_typed_and_changes_nothing(client, director, manager):
    client.force_login(director)
    response = client.post(
        edit_url(manager),
        _profile_form(languages="english", countries="France", currency="EURO", day_rate="-5"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors.keys() == {"languages", "countries", "currency", "day_rate"}
    assert form["languages"].value() == "english"
    assert 'value="France"' in response.content.decode()
    profile = ManagerProfile.objects.get(user=manager)
    assert (profile.headline, profile.languages, profile.day_rate) == ("", "", Decimal("1200"))


def test_a_percent_sign_in_a_code_is_shown_back_not_formatted(client, director, manager):
    # The refusal names the codes as typed: a "%" in them once broke it into a 500.
    client.force_login(director)
    response = client.post(edit_url(manager), _profile_form(languages="x%”", countries="%s"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "“x%””" in errors["languages"][0] and "“%S”" in errors["countries"][0]


def test_the_upper_day_rate_cannot_be_below_the_lower_one(client, director, manager):
    client.force_login(director)
    response = client.post(edit_url(manager), _profile_form(day_rate="1500", day_rate_max="1000"))
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"day_rate_max"}
    assert ManagerProfile.objects.get(user=manager).day_rate_max is None


def test_the_service_refuses_a_reversed_range_too(director, manager):
    with pytest.raises(ValidationError) as error:
        services.manager_profile_update(
            user=director,
            profile=manager.manager_profile,
            day_rate=Decimal("1500"),
            day_rate_max=Decimal("1000"),
            currency="EUR",
        )
    assert error.value.message_dict.keys() == {"day_rate_max"}


def test_an_admin_edits_any_profile(client, admin_user, manager):
    client.force_login(admin_user)
    assert client.post(edit_url(manager), _profile_form()).status_code == 302
    assert ManagerProfile.objects.get(user=manager).headline == "Turnaround CEO"


def test_a_director_of_a_firm_without_them_in_its_pool_may_not_edit(
    client, other_director, other_firm, manager
):
    client.force_login(other_director)
    assert client.get(edit_url(manager)).status_code == 404  # unknown to that firm
    with pytest.raises(PermissionDenied):
        services.manager_profile_update(
            user=other_director,
            profile=manager.manager_profile,
            day_rate=Decimal("1"),
            currency="EUR",
        )


@pytest.mark.parametrize("who", ["manager", "client_contact"])
def test_the_manager_and_a_client_may_not_edit(client, request, walker, who):
    walker.to_selection()
    walker.ready_candidacy()
    client.force_login(request.getfixturevalue(who))
    assert client.get(edit_url(walker.manager)).status_code == 403
    response = client.post(edit_url(walker.manager), _profile_form())
    assert response.status_code == 403
    assert ManagerProfile.objects.get(user=walker.manager).headline == ""


# --- Taking a manager off the pool ----------------------------------------------------------


def test_a_director_takes_a_manager_off_their_pool_only(client, director, firm, other_firm):
    profile = pool_manager(firm, "Alma Both")
    profile.firms.add(other_firm)
    client.force_login(director)
    response = client.post(reverse("manager_remove", args=[profile.user_id]))
    assert response.status_code == 302 and response["Location"] == LIST
    assert list(profile.firms.all()) == [other_firm]
    assert User.objects.filter(pk=profile.user_id).exists()
    assert ManagerProfile.objects.filter(pk=profile.pk).exists()


def test_a_director_who_knows_a_manager_from_a_candidacy_may_not_remove_them(
    client, director, firm, walker
):
    walker.to_selection()
    walker.ready_candidacy()
    walker.manager.manager_profile.firms.remove(firm)
    client.force_login(director)
    assert client.get(profile_url(walker.manager)).status_code == 200
    response = client.post(reverse("manager_remove", args=[walker.manager.pk]))
    assert response.status_code == 403


def test_removing_is_a_post(client, director, manager):
    client.force_login(director)
    assert client.get(reverse("manager_remove", args=[manager.pk])).status_code == 405


# --- Who sees what of a profile -------------------------------------------------------------


@pytest.fixture
def ranged(manager):
    ManagerProfile.objects.filter(user=manager).update(
        day_rate=Decimal("1200"), day_rate_max=Decimal("1650"), cv_summary="Plant turnarounds."
    )
    return manager


@pytest.fixture
def presented(walker, ranged):
    """The manager presented to the assignment's client, a rate proposed, none agreed."""
    walker.to_selection()
    return walker.ready_candidacy(agree=False)


RANGE = "€1,200.00–€1,650.00/day"


def test_the_firms_director_sees_everything_with_the_track_record(client, director, ranged):
    client.force_login(director)
    response = client.get(profile_url(ranged))
    text = response.content.decode()
    assert response.status_code == 200 and response.context["page"].view == "full"
    assert RANGE in text and "Plant turnarounds." in text
    assert 'id="track-record"' in text
    assert "Edit the profile" in text and "Remove from the pool" in text


def test_an_admin_sees_everything(client, admin_user, ranged):
    client.force_login(admin_user)
    response = client.get(profile_url(ranged))
    assert response.context["page"].view == "full"
    assert RANGE in response.content.decode()


def test_another_firms_director_does_not_know_the_manager(client, other_director, ranged):
    client.force_login(other_director)
    assert client.get(profile_url(ranged)).status_code == 404


def test_another_firms_director_sees_them_once_in_their_pool(
    client, other_director, other_firm, ranged
):
    ranged.manager_profile.firms.add(other_firm)
    client.force_login(other_director)
    response = client.get(profile_url(ranged))
    assert response.status_code == 200 and response.context["page"].view == "full"
    assert "Also in another firm's pool" in response.content.decode()


def test_the_manager_sees_their_own_profile_without_a_track_record(client, ranged):
    client.force_login(ranged)
    response = client.get(profile_url(ranged))
    text = response.content.decode()
    assert response.status_code == 200 and response.context["page"].view == "own"
    assert RANGE in text
    assert response.context["track_record"] is None and 'id="track-record"' not in text
    assert "Edit the profile" not in text


def test_a_client_sees_the_candidate_with_the_rate_offered_to_them(
    client, client_contact, presented
):
    client.force_login(client_contact)
    response = client.get(profile_url(presented.manager))
    text = response.content.decode()
    assert response.status_code == 200 and response.context["page"].view == "candidate"
    assert "Plant turnarounds." in text
    assert "€1,200.00/day" in text and "proposed" in text
    assert "1,650" not in text and "data-rate-range" not in text
    assert 'id="track-record"' not in text and response.context["track_record"] is None
    assert "Edit the profile" not in text


def test_a_client_sees_the_agreed_rate_once_agreed(client, client_contact, walker, ranged):
    walker.to_selection()
    walker.ready_candidacy(agree=True)
    client.force_login(client_contact)
    response = client.get(profile_url(ranged))
    [offer] = response.context["page"].offers
    assert (offer.day_rate, offer.agreed) == (Decimal("1400"), True)
    assert "€1,400.00/day" in response.content.decode()


def test_a_client_of_another_organisation_does_not_know_the_candidate(
    client, other_client_contact, presented
):
    client.force_login(other_client_contact)
    assert client.get(profile_url(presented.manager)).status_code == 404


def test_a_client_does_not_see_a_candidate_only_shortlisted(client, client_contact, walker):
    walker.to_selection()
    walker.ready_candidacy(present=False)
    client.force_login(client_contact)
    assert client.get(profile_url(walker.manager)).status_code == 404


def test_a_client_does_not_see_other_clients_offers(client, client_contact, presented, firm):
    other_org = ClientContactFactory().organisation
    firm.clients.add(other_org)
    # The same manager presented to another organisation, at another rate.
    elsewhere = AssignmentFactory(
        firm=firm,
        director=presented.assignment.director,
        client=other_org,
        client_contact=ClientContact.objects.filter(organisation=other_org).get().user,
    )
    other_walk = Walker(elsewhere, presented.manager)
    other_walk.to_selection()
    other_walk.ready_candidacy(agree=True)
    client.force_login(client_contact)
    response = client.get(profile_url(presented.manager))
    offers = response.context["page"].offers
    assert [o.assignment_title for o in offers] == [presented.assignment.title]
    assert elsewhere.title not in response.content.decode()


@pytest.mark.parametrize("who", ["director_and_client", "manager_and_client"])
def test_two_role_people_see_a_candidate_as_the_client(client, request, presented, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(profile_url(presented.manager))
    assert response.status_code == 200 and response.context["page"].view == "candidate"
    assert "1650" not in response.content.decode()


def test_a_director_of_another_firm_who_is_the_client_sees_no_more(
    client, director_and_client, ranged
):
    client.force_login(director_and_client)
    assert client.get(profile_url(ranged)).status_code == 404  # never presented


def test_a_person_who_is_no_manager_has_no_profile(client, admin_user, director):
    client.force_login(admin_user)
    assert client.get(profile_url(director)).status_code == 404
    assert client.get("/managers/999999/").status_code == 404


def test_the_assignment_page_links_candidates_to_their_profiles(
    client, director, client_contact, presented
):
    link = f'href="{profile_url(presented.manager)}"'
    for person in (director, client_contact):
        client.force_login(person)
        assert link in client.get(presented.assignment.get_absolute_url()).content.decode()


def test_directors_have_a_managers_link(client, director, manager):
    client.force_login(director)
    assert f'href="{LIST}"' in client.get("/").content.decode()
    client.force_login(manager)
    assert f'href="{LIST}"' not in client.get("/").content.decode()


def test_a_directors_own_two_hats_do_not_open_another_firms_pool(client, other_firm, ranged):
    both = DirectorFactory(firm=other_firm, user__full_name="Theo Twohats").user
    ManagerProfile.objects.create(user=both, day_rate=Decimal("1000"))
    client.force_login(both)
    assert client.get(profile_url(ranged)).status_code == 404
    assert client.get(profile_url(both)).context["page"].view == "own"


@pytest.mark.parametrize("who", ["director", "client_contact"])
def test_the_profiles_queries_do_not_grow_with_the_candidacies(
    client, request, assignment, presented, who
):
    def present_again():
        again = AssignmentFactory(
            firm=assignment.firm,
            director=assignment.director,
            client=assignment.client,
            client_contact=assignment.client_contact,
        )
        walk = Walker(again, presented.manager)
        walk.to_selection()
        walk.ready_candidacy()

    client.force_login(request.getfixturevalue(who))
    url = profile_url(presented.manager)
    client.get(url)  # the session and the unread count, read once and cached
    one = _queries(client, url)
    present_again()
    present_again()
    three = _queries(client, url)
    assert len(client.get(url).context["page"].offers) == (3 if who == "client_contact" else 0)
    assert one == three


def test_a_manager_finds_their_own_profile_in_the_menu(client, manager, director):
    client.force_login(manager)
    assert f'href="{profile_url(manager)}"' in client.get("/").content.decode()
    client.force_login(director)
    assert "My manager profile" not in client.get("/").content.decode()


def test_only_the_provider_sees_the_managers_e_mail(client, director, client_contact, presented):
    email = presented.manager.email
    client.force_login(director)
    assert email in client.get(profile_url(presented.manager)).content.decode()
    client.force_login(client_contact)
    assert email not in client.get(profile_url(presented.manager)).content.decode()


def test_the_edit_form_shows_the_profile_as_it_is(client, director, manager):
    ManagerProfile.objects.filter(user=manager).update(
        languages="en, fr", available_from=datetime.date(2027, 2, 1)
    )
    client.force_login(director)
    text = client.get(edit_url(manager)).content.decode()
    assert 'value="2027-02-01"' in text and 'value="en, fr"' in text


def test_a_profile_in_no_pool_joins_without_talk_of_sharing(client, director, firm):
    loose = ManagerFactory(user__full_name="Lou Loose")
    client.force_login(director)
    response = client.post(reverse("manager_add"), {"email": loose.user.email, "currency": "EUR"})
    assert list(loose.firms.all()) == [firm]
    assert str(next(iter(response.wsgi_request._messages))) == "Lou Loose is in your firm's pool."


def test_the_track_record_shows_the_firms_past_assignments(client, director, walker):
    walk_to_completed(walker)
    client.force_login(director)
    text = client.get(profile_url(walker.manager)).content.decode()
    assert 'id="track-record"' in text and walker.a.title in text
    client.force_login(walker.manager)
    assert walker.a.title not in client.get(profile_url(walker.manager)).content.decode()
