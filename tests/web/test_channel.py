"""The private channel between the firm's director and the selected manager: who may write
and read it, the manager's call for support and own strain as flags, the other side told
once, and the client never learning the thread exists."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments import services
from assignments.models import ChannelNote, Flag, Notification

REFUSALS = (services.Refused, PermissionDenied)


@pytest.fixture
def a(walker, other_manager):
    """An assignment in its audit: the manager is selected; another manager stayed a mere
    candidate."""
    walker.world.to_audit(walker.a, walker.manager, others=[other_manager])
    walker.a.refresh_from_db()
    return walker.a


def post(a, user, **fields):
    return services.channel_note_post(assignment=a, user=user, **fields)


def channel_url(a):
    return reverse("assignments:channel", args=[a.pk])


def told(note):
    return list(
        Notification.objects.filter(key__startswith=f"channel-note:{note.pk}:").values_list(
            "recipient", "kind"
        )
    )


def text(response):
    return response.content.decode()


# --- The service --------------------------------------------------------------------------


def test_the_director_writes_and_the_manager_alone_is_told(a, director, manager):
    note = post(a, director, body="How are the first interviews going?")
    assert (note.author, note.body, note.strain, note.needs_support) == (
        director,
        "How are the first interviews going?",
        None,
        False,
    )
    assert told(note) == [(manager.pk, "channel")]


def test_the_manager_writes_and_the_director_alone_is_told(a, director, manager):
    note = post(a, manager, body="The CFO is not sharing the numbers.")
    assert told(note) == [(director.pk, "channel")]
    assert (
        Notification.objects.get(recipient=director, kind="channel").url
        == f"{channel_url(a)}#note-{note.pk}"
    )


def test_the_client_is_never_told_of_a_note(a, director, manager, client_contact):
    post(a, director, body="Between us.")
    post(a, manager, body="Between us too.", needs_support=True, strain=5)
    assert not Notification.objects.filter(recipient=client_contact, kind="channel").exists()


def test_an_admin_writes_and_both_sides_are_told(a, admin_user, director, manager):
    note = post(a, admin_user, body="I am covering for the partner this week.")
    assert sorted(told(note)) == sorted([(director.pk, "channel"), (manager.pk, "channel")])


@pytest.mark.parametrize(
    "who",
    [
        "client",
        "other_director",
        "other_manager",
        "other_client",
        "director_and_client",
        "manager_and_client",
    ],
)
def test_nobody_else_may_write(a, cast, who):
    with pytest.raises(PermissionDenied, match="director or interim manager"):
        post(a, cast[who], body="Let me in.")
    assert not ChannelNote.objects.exists()
    assert not Notification.objects.filter(kind="channel").exists()


def test_a_director_records_no_strain(a, director):
    with pytest.raises(services.Refused, match="own self-assessment"):
        post(a, director, body="I feel it too.", strain=4)
    assert not ChannelNote.objects.exists()


def test_a_director_does_not_ask_for_support_here(a, director):
    with pytest.raises(services.Refused, match="Only the interim manager asks for support"):
        post(a, director, body="Help.", needs_support=True)
    assert not ChannelNote.objects.exists()


@pytest.mark.parametrize("strain", [0, 6, "4"])
def test_a_strain_outside_one_to_five_is_refused(a, manager, strain):
    with pytest.raises(services.Refused, match="from 1"):
        post(a, manager, strain=strain)
    assert not ChannelNote.objects.exists()


def test_an_empty_note_is_refused(a, manager):
    with pytest.raises(services.Refused, match="Write a note"):
        post(a, manager, body="   ")
    assert not ChannelNote.objects.exists()


def test_a_strain_alone_or_a_call_for_support_alone_is_a_note(a, manager):
    assert post(a, manager, strain=2).strain == 2
    assert post(a, manager, needs_support=True).needs_support


def test_a_call_for_support_raises_one_manager_strain_flag(a, manager):
    note = post(a, manager, body="I need a hand with the works council.", needs_support=True)
    flag = Flag.objects.get()
    assert (flag.kind, flag.key, flag.assignment) == (
        "manager_strain",
        f"manager_strain:support:{note.pk}",
        a,
    )
    assert "asked for support" in flag.message and "works council" in flag.message
    post(a, manager, body="Thanks for the call.")
    assert Flag.objects.count() == 1


def test_a_strain_at_the_level_raises_a_flag_and_below_none(a, manager, settings):
    settings.MANAGER_STRAIN_LEVEL = 4
    post(a, manager, strain=3)
    assert not Flag.objects.exists()
    note = post(a, manager, strain=4)
    flag = Flag.objects.get()
    assert (flag.kind, flag.key) == ("manager_strain", f"manager_strain:self:{note.pk}")
    assert "4/5" in flag.message


def test_support_and_a_high_strain_raise_one_flag_each(a, manager, director):
    note = post(a, manager, needs_support=True, strain=5)
    assert sorted(Flag.objects.values_list("key", flat=True)) == sorted(
        [f"manager_strain:self:{note.pk}", f"manager_strain:support:{note.pk}"]
    )
    assert told(note) == [(director.pk, "channel")]
    assert Notification.objects.get(recipient=director, kind="channel").subject.startswith(
        "Maya Manager asks for support"
    )


def test_the_flag_is_the_directors_to_resolve(a, manager, director):
    post(a, manager, needs_support=True)
    flag = Flag.objects.get()
    with pytest.raises(PermissionDenied):
        services.flag_resolve(flag=flag, user=manager, comment="All fine.")
    services.flag_resolve(flag=flag, user=director, comment="We talked; a second analyst joins.")


def test_before_a_manager_is_selected_the_director_still_writes(walker, director):
    walker.to_selection()
    note = post(walker.a, director, body="Shortlist notes for myself.")
    assert told(note) == []


@pytest.mark.parametrize("close", ["complete", "cancel"])
def test_a_closed_assignment_refuses_a_note(walker, director, manager, close):
    walker.walk_to("in_progress")
    a = walker.a
    post(a, manager, body="Before the close.")
    if close == "complete":
        services.assignment_complete(assignment=a, user=director, outcome="Turned around.")
    else:
        services.assignment_cancel(assignment=a, user=director, reason="Client sold.")
    a.refresh_from_db()
    for user in (director, manager):
        with pytest.raises(services.Refused, match="while the assignment is in"):
            post(a, user, body="After the close.")
    assert list(ChannelNote.objects.values_list("body", flat=True)) == ["Before the close."]


# --- The page -----------------------------------------------------------------------------


def test_the_thread_shows_newest_last_with_the_self_assessed_strain(a, client, director, manager):
    post(a, director, body="First: how is it going?")
    post(a, manager, body="Second: heavy week.", strain=4)
    client.force_login(director)
    page = text(client.get(channel_url(a)))
    assert page.index("First: how is it going?") < page.index("Second: heavy week.")
    assert "self-assessed strain 4/5" in page
    assert "Private channel" in page


def test_the_manager_has_a_support_box_and_a_labelled_strain_select(a, client, manager):
    client.force_login(manager)
    page = text(client.get(channel_url(a)))
    assert '<textarea name="body"' in page
    assert 'name="needs_support"' in page and "I need support" in page
    assert '<select name="strain"' in page
    assert "1 – serene" in page and "5 – worn out" in page


def test_the_director_writes_without_strain_or_support(a, client, director):
    client.force_login(director)
    page = text(client.get(channel_url(a)))
    assert '<textarea name="body"' in page
    assert 'name="strain"' not in page and 'name="needs_support"' not in page


def test_posting_redirects_to_the_note_with_a_message(a, client, manager, director):
    client.force_login(manager)
    response = client.post(
        channel_url(a), {"body": "I need the org chart.", "needs_support": "on", "strain": "5"}
    )
    note = ChannelNote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{channel_url(a)}#note-{note.pk}"
    assert (note.author, note.needs_support, note.strain) == (manager, True, 5)
    page = text(client.get(response["Location"]))
    assert "Note posted." in page and f'id="note-{note.pk}"' in page
    assert Flag.objects.filter(kind="manager_strain").count() == 2
    assert told(note) == [(director.pk, "channel")]


def test_an_empty_note_comes_back_with_an_error_and_writes_nothing(a, client, director):
    client.force_login(director)
    response = client.post(channel_url(a), {"body": "  "})
    assert response.status_code == 400
    assert "Write a note." in text(response)
    assert not ChannelNote.objects.exists()


def test_a_bad_strain_comes_back_with_the_text_kept(a, client, manager):
    client.force_login(manager)
    response = client.post(channel_url(a), {"body": "Keep these words.", "strain": "9"})
    assert response.status_code == 400
    page = text(response)
    assert "Select a valid choice" in page and "Keep these words." in page
    assert not ChannelNote.objects.exists() and not Flag.objects.exists()


def test_a_too_long_note_comes_back_with_an_error(a, client, manager):
    client.force_login(manager)
    response = client.post(channel_url(a), {"body": "x" * 5001})
    assert response.status_code == 400
    assert "at most 5000 characters" in text(response)
    assert not ChannelNote.objects.exists()


def test_a_closed_assignment_shows_the_thread_read_only(walker, client, director, manager):
    walker.walk_to("in_progress")
    a = walker.a
    post(a, manager, body="Last words before the close.")
    services.assignment_complete(assignment=a, user=director, outcome="Turned around.")
    client.force_login(director)
    page = text(client.get(channel_url(a)))
    assert "Last words before the close." in page
    assert "read-only" in page and '<textarea name="body"' not in page
    response = client.post(channel_url(a), {"body": "After the close."})
    assert response.status_code == 409
    assert "You cannot write in the private channel while" in text(response)
    assert "After the close." in text(response)
    assert ChannelNote.objects.count() == 1


@pytest.mark.parametrize(
    "who",
    [
        "client",
        "other_director",
        "other_manager",
        "other_client",
        "director_and_client",
        "manager_and_client",
    ],
)
def test_outsiders_get_404(a, client, cast, who):
    post(a, cast["manager"], body="Confidential.")
    client.force_login(cast[who])
    assert client.get(channel_url(a)).status_code == 404
    assert client.post(channel_url(a), {"body": "Hello?"}).status_code == 404
    assert ChannelNote.objects.count() == 1


def test_a_mere_candidate_gets_404(a, client, other_manager):
    assert a.candidacies.filter(manager=other_manager).exists()
    client.force_login(other_manager)
    assert client.get(channel_url(a)).status_code == 404


def test_anonymous_is_sent_to_sign_in(a, client):
    response = client.get(channel_url(a))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_thread_costs_the_same_queries_for_one_note_or_many(a, client, director, manager):
    post(a, manager, body="One.", strain=2)
    client.force_login(director)
    client.get(channel_url(a))

    def cost():
        client.get(channel_url(a))  # the unread count, changed by the notes, counted and cached
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(channel_url(a)).status_code == 200
        return len(ctx)

    one = cost()
    for n in range(8):
        post(a, director if n % 2 else manager, body=f"Note {n}.")
    assert cost() == one


# --- The assignment page's card -------------------------------------------------------------


@pytest.mark.parametrize("who", ["director", "manager", "admin"])
def test_the_card_links_the_channel_for_its_two_sides(a, client, cast, who):
    for n in range(4):
        post(a, cast["manager"], body=f"Note number {n}.")
    client.force_login(cast[who])
    page = text(client.get(reverse("assignments:detail", args=[a.pk])))
    assert 'id="channel"' in page and "Open the private channel" in page
    assert channel_url(a) in page and "4 notes" in page
    assert "Note number 3." in page and "Note number 0." not in page  # the last three


@pytest.mark.parametrize("who", ["client", "director_and_client", "manager_and_client"])
def test_the_client_side_sees_no_card(a, client, cast, who):
    post(a, cast["manager"], body="Confidential.", needs_support=True)
    client.force_login(cast[who])
    page = text(client.get(reverse("assignments:detail", args=[a.pk])))
    assert 'id="channel"' not in page and channel_url(a) not in page
    assert "Private channel" not in page and "Confidential." not in page


def test_the_card_costs_the_same_queries_for_one_note_or_many(a, client, director, manager):
    url = reverse("assignments:detail", args=[a.pk])
    post(a, manager, body="One.")
    client.force_login(director)
    client.get(url)

    def cost():
        client.get(url)  # the unread count, changed by the notes, counted and cached
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    one = cost()
    for n in range(6):
        post(a, manager, body=f"Note {n}.")
    assert cost() == one


# --- Admin ----------------------------------------------------------------------------------


def test_admin_lists_the_notes_and_adds_none(a, admin_client, manager):
    note = post(a, manager, body="Seen in admin.", strain=3)
    assert admin_client.get(reverse("admin:assignments_channelnote_changelist")).status_code == 200
    change = reverse("admin:assignments_channelnote_change", args=[note.pk])
    assert admin_client.get(change).status_code == 200
    assert admin_client.post(change, {"body": "Rewritten."}).status_code == 403
    assert admin_client.get(reverse("admin:assignments_channelnote_add")).status_code == 403
    note.refresh_from_db()
    assert note.body == "Seen in admin."
