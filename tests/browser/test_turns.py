"""Everyone learns from Interim that it is their turn. After each step the test does not
decide who acts next: it signs in whoever Interim told, opens the notification from the
navigation bar, and acts where the notification leads."""

from playwright.sync_api import expect

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import Notification
from assignments.tasks import flag_gap_drift
from tests.factories import (
    AssignmentFactory,
    ClientContactFactory,
    DirectorFactory,
    FirmFactory,
    ManagerFactory,
    Walker,
)

from .test_lifecycle import perform


def mark():
    """The last notification so far: what is told after it is news."""
    last = Notification.objects.order_by("-id").first()
    return last.pk if last else 0


def told_since(since, words):
    """The people told since `since` in a notification whose subject has `words`."""
    notes = Notification.objects.filter(pk__gt=since, subject__icontains=words).select_related(
        "recipient"
    )
    return sorted({n.recipient for n in notes}, key=lambda u: u.email)


def take_turn(sign_in, person, words):
    """Sign in as `person`, open the notification from the bell, follow it."""
    page = sign_in(person)
    # Irreversible steps ask first (data-confirm): the person confirms.
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#nav-notifications").click()
    expect(page.locator("h1")).to_have_text("Notifications")
    row = page.locator("li.list-group-item", has_text=words).first
    expect(row).to_be_visible()
    with page.expect_navigation():
        row.get_by_role("button", name="Open").click()
    return page


def test_each_party_finds_their_next_action_from_a_notification(sign_in, transactional_db):
    firm = FirmFactory(name="Meridian Interim")
    director = DirectorFactory(firm=firm, user__full_name="Claire Dubois").user
    manager = ManagerFactory(firms=[firm], user__full_name="Thomas Berger").user
    contact = ClientContactFactory(
        user__full_name="Isabelle Moreau", organisation__name="Aurelia Foods"
    ).user
    a = AssignmentFactory(
        firm=firm,
        director=director,
        client=contact.client_profile.organisation,
        client_contact=contact,
        title="Interim CFO – carve-out",
    )
    walker = Walker(a, manager)  # the back-story, told to nobody
    walker.to_selection()
    candidacy = walker.ready_candidacy(present=False)
    detail = f"/assignments/{a.pk}/"

    # The director presents the vetted candidate.
    d = sign_in(director)
    d.goto(f"{detail}#selection")
    d.get_by_role("link", name="Present to the client").click()
    since = mark()
    with d.expect_navigation():
        d.locator("form button[type=submit]").last.click()

    # Interim tells the client, who chooses (and confirms the irreversible choice).
    (client_person,) = told_since(since, "presented")
    assert client_person == contact
    c = take_turn(sign_in, client_person, "presented")
    assert c.url.endswith(f"{detail}#selection")
    since = mark()
    with c.expect_navigation():
        c.locator(f"[data-choose='{candidacy.pk}']").click()
    expect(c.locator("#header .state-badge")).to_contain_text("Audit")

    # The chosen manager is told and finds where to start the audit; the director is told.
    assert told_since(since, "chose") == [director]
    (selected,) = told_since(since, "selected")
    m = take_turn(sign_in, selected, "selected")
    assert m.url.endswith(f"{detail}#audit")
    start = m.get_by_role("button", name="Write the audit report")
    expect(start).to_be_visible()
    with m.expect_navigation():
        start.click()
    a.refresh_from_db()
    report = a.audit_reports.get()
    services.audit_report_update(
        report=report,
        user=manager,
        summary="Reality differs from the brief on resources.",
        findings={dim: (f"Finding on {dim}.", 1) for dim in DIMENSIONS},
    )
    since = mark()
    services.audit_report_submit(report=report, user=manager)
    flag_gap_drift(report.pk)  # what the worker does after the commit

    # The director is told and accepts it where the link leads.
    (reviewer,) = told_since(since, "submitted")
    r = take_turn(sign_in, reviewer, "submitted")
    assert r.url.endswith(f"{detail}#audit")
    since = mark()
    with r.expect_navigation():
        r.locator("[data-accept-report]").click()
    assert told_since(since, "accepted") == [manager]
    assert told_since(since, "audit is ready") == [contact]

    # The director drafts and confirms a plan; the two others are asked and confirm it.
    a.refresh_from_db()
    plan = services.action_plan_draft(assignment=a, user=director)
    since = mark()
    services.action_plan_update(
        plan=plan,
        user=director,
        summary="Close the books, then carve out the division.",
        milestones=[
            {"title": "Close the books", "owner": "Thomas Berger", "due_date": a.audit_due_date}
        ],
        commitments=[],
    )
    services.action_plan_confirm(plan=plan, user=director)
    asked = told_since(since, "awaits your confirmation")
    assert asked == sorted([manager, contact], key=lambda u: u.email)
    since = mark()
    for person in asked:
        p = take_turn(sign_in, person, "awaits your confirmation")
        assert p.url.endswith(f"{detail}#plan")
        with p.expect_navigation():
            p.locator("[data-confirm-plan]").click()

    # The third confirmation tells the director it is ready to start; they start it.
    (starter,) = told_since(since, "confirmed by all three")
    s = take_turn(sign_in, starter, "confirmed by all three")
    since = mark()
    perform(s, "start_progress")
    expect(s.locator("#header .state-badge")).to_contain_text("In progress")
    assert told_since(since, "has started") == sorted([manager, contact], key=lambda u: u.email)
