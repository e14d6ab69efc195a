"""The assignment page in a browser: long texts folded behind a button, the meeting charts
oldest first with their tables, and closing an assignment asked for first."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import BriefItem, State
from tests.factories import AssignmentFactory, DirectorFactory, FirmFactory, ManagerFactory, Walker

PHONE = {"width": 390, "height": 844}


def walker_in_progress(started=None):
    """An assignment running since `started` (today unless told)."""
    firm = FirmFactory(name="Meridian")
    director = DirectorFactory(firm=firm, user__full_name="Dana Director").user
    manager = ManagerFactory(firms=[firm], user__full_name="Maya Manager").user
    walker = Walker(AssignmentFactory(firm=firm, director=director), manager)
    walker.to_action_plan()
    walker.confirm_all(walker.draft_plan())
    services.assignment_start_progress(assignment=walker.a, user=director, today=started)
    walker.a.refresh_from_db()
    return walker


def height(locator):
    return locator.bounding_box()["height"]


def test_a_long_outcome_is_folded_behind_a_button_that_opens_it(
    sign_in, screenshots, transactional_db
):
    walker = walker_in_progress()
    outcome = "The plants deliver again. " * 380 + "x" * 400
    assert len(outcome) > 10_000
    services.assignment_complete(assignment=walker.a, user=walker.director, outcome=outcome)
    BriefItem.objects.filter(assignment=walker.a, dimension="context").update(
        statement="A long context. " * 400
    )

    d = sign_in(walker.director)
    d.set_viewport_size(PHONE)
    d.goto(f"/assignments/{walker.a.pk}/")
    note = d.get_by_test_id("state-note")
    expect(note).to_contain_text("Completed on")
    folded = height(note)
    assert folded < 150, folded
    toggle = d.locator("#header .clamp-toggle")
    expect(toggle).to_have_text("Show more")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", note.get_attribute("id"))
    assert not d.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    d.locator("#header").screenshot(path=screenshots / "40-long-outcome-folded.png")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_text("Show less")
    assert height(note) > 10 * folded
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert height(note) == folded

    # The long statement of the brief is folded too; the short ones have no button.
    expect(d.locator("#brief .clamp-toggle")).to_have_count(1)
    toggle = d.locator("#brief .clamp-toggle")
    toggle.focus()
    d.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")


def test_the_meeting_charts_run_oldest_first_with_their_tables(
    sign_in, screenshots, transactional_db
):
    today = timezone.localdate()
    walker = walker_in_progress(started=today - timedelta(days=60))
    a, director = walker.a, walker.director
    # The second meeting was moved a month ahead, then held early anyway.
    held_days = [today - timedelta(days=40), today - timedelta(days=20), today]
    for n, held_on in enumerate(held_days):
        meeting = a.meetings.get(status="scheduled")
        if n == 1:
            meeting = services.meeting_schedule(
                assignment=a, user=director, scheduled_for=today + timedelta(days=30)
            )
        services.meeting_record(
            meeting=meeting,
            user=director,
            held_on=held_on,
            ratings=dict.fromkeys(DIMENSIONS, n),
            summary=f"Meeting {n + 1}.",
        )

    d = sign_in(director)
    d.goto(f"/assignments/{a.pk}/")
    expect(d.locator("#ratings-chart")).to_be_visible()
    iso = [day.isoformat() for day in held_days]
    labels = d.evaluate("Chart.getChart('ratings-chart').data.labels")
    assert labels == iso
    assert d.evaluate("Chart.getChart('ratings-chart').data.datasets[0].data") == [0, 1, 2]
    drift = d.evaluate("Chart.getChart('drift-chart').data.labels")
    # The audit report was submitted today, in this story: its point comes with the last.
    assert drift == sorted([*iso, today.isoformat()])

    table = d.locator("[data-chart-table=ratings]")
    expect(table.locator("table")).to_be_hidden()
    table.locator("summary").click()
    rows = table.locator("tbody th[scope=row]")
    expect(rows).to_have_text([f"{day:%d %b %Y}" for day in held_days])
    d.locator("[data-chart-table=drift] summary").click()
    d.locator("#meetings").screenshot(path=screenshots / "41-meeting-charts-and-tables.png")
    expect(d.locator("#ratings-chart")).to_have_attribute("aria-label", re.compile("oldest first"))


def test_completing_from_the_page_asks_first(sign_in, transactional_db):
    walker = walker_in_progress()
    d = sign_in(walker.director)
    d.goto(f"/assignments/{walker.a.pk}/")
    d.click("[data-transition=complete]")
    panel = d.locator("#t-complete")
    expect(panel).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(panel).not_to_have_class(re.compile("collapsing"))
    d.fill("#id_complete_outcome", "Successor hired.")

    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    d.once("dialog", dismiss)
    panel.locator("button[type=submit]").click()
    expect(d.locator("#header .state-badge")).to_have_text("In progress")
    assert asked == [
        "Complete this assignment? It closes for good: nothing on it can be changed afterwards."
    ]
    walker.a.refresh_from_db()
    assert walker.a.state == State.IN_PROGRESS

    d.once("dialog", lambda dialog: dialog.accept())
    with d.expect_navigation():
        panel.locator("button[type=submit]").click()
    expect(d.locator("#header .state-badge")).to_have_text("Completed")
    walker.a.refresh_from_db()
    assert walker.a.state == State.COMPLETED
