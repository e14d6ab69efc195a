"""The director's dashboard on the demo world after the sweeps: what needs attention."""

import re

from django.core.management import call_command

from assignments.models import Assignment, Flag, State
from partners.models import User


def test_the_dashboard_shows_what_needs_attention(client, db):
    call_command("seed_demo")
    call_command("run_sweeps")
    director = User.objects.get(email="director@demo.test")
    firm = director.director_profile.firm
    client.force_login(director)
    page = client.get("/").content.decode()

    open_flags = Flag.objects.filter(assignment__firm=firm, resolved_at=None).count()
    assert open_flags > 0
    assert re.search(rf'data-testid="open-flags">{open_flags}<', page)
    active = Assignment.objects.filter(
        firm=firm,
        state__in=[State.AUDIT, State.ACTION_PLAN, State.IN_PROGRESS, State.REALIGNMENT],
    ).count()
    assert re.search(rf'data-testid="active-count">{active}<', page)
    attention = page.split('id="needs-attention"')[1]
    for expected in (
        "Interim Plant Manager – Lyon site",  # review overdue
        "Interim COO – plant turnaround",  # audit due soon
        "Interim HR Director – reorganisation",  # plan awaiting the client
        "Assign two full-time analysts",  # commitment overdue
        "Fuse risk",
    ):
        assert expected in attention, expected
    # Another firm's flags never show.
    other = Flag.objects.exclude(assignment__firm=firm).select_related("assignment").first()
    if other is not None:
        assert other.assignment.title not in page


def test_the_dashboard_links_each_item_to_where_it_is_acted_on(client, db):
    call_command("seed_demo")
    client.force_login(User.objects.get(email="director@demo.test"))
    page = client.get("/").content.decode()
    late = Assignment.objects.get(title="Interim Plant Manager – Lyon site")
    assert f'href="/assignments/{late.pk}/#meetings"' in page
    plan = Assignment.objects.get(title="Interim HR Director – reorganisation")
    assert f'href="/assignments/{plan.pk}/#plan"' in page
