"""The whole life of one assignment, by the three parties signing in in turn."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from assignments.drift import DIMENSIONS
from assignments.models import Assignment, State, TransitionRecord
from tests.factories import ClientContactFactory, DirectorFactory, FirmFactory, ManagerFactory


def state_badge(page):
    return page.locator("#header .state-badge")


def perform(page, name, **fields):
    """Open a transition's form on the assignment page, fill it and submit it."""
    if name in ("complete", "cancel"):
        # Closing asks first (the form's data-confirm): the director confirms.
        page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"[data-transition={name}]")
    panel = page.locator(f"#t-{name}")
    # Wait for Bootstrap's collapse to finish opening before typing and clicking in it.
    expect(panel).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(panel).not_to_have_class(re.compile("collapsing"))
    for field, value in fields.items():
        page.fill(f"#id_{name}_{field}", value)
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()


def test_an_assignment_from_brief_to_completion(sign_in, screenshots, transactional_db):
    firm = FirmFactory(name="Meridian Interim")
    director = DirectorFactory(firm=firm, user__full_name="Claire Dubois").user
    manager = ManagerFactory(firms=[firm], user__full_name="Thomas Berger").user
    client = ClientContactFactory(
        user__full_name="Isabelle Moreau", organisation__name="Aurelia Foods"
    ).user
    due = (timezone.localdate() + timedelta(days=30)).isoformat()

    d = sign_in(director)
    d.screenshot(path=screenshots / "01-director-dashboard-empty.png", full_page=True)
    # The firm starts working with the client: only then are its contacts offered.
    d.get_by_role("link", name="Clients").first.click()
    d.fill("#id_name", "aurelia foods")
    d.get_by_role("button", name="Add").click()
    expect(d.locator(f"[data-client='{client.client_profile.organisation_id}']")).to_contain_text(
        "Isabelle Moreau"
    )
    d.screenshot(path=screenshots / "01b-firm-clients.png", full_page=True)
    d.goto("/")
    d.get_by_role("link", name="New assignment").first.click()
    d.fill("#id_title", "Interim COO – plant turnaround")
    d.select_option("#id_client_contact", str(client.pk))
    d.fill("#id_summary", "Restore delivery performance at two plants.")
    d.get_by_role("button", name="Record the request").click()
    d.wait_for_url(re.compile(r"/assignments/\d+/brief/$"))
    pk = int(re.search(r"/assignments/(\d+)/", d.url).group(1))

    # A refusal, shown: the brief is still empty, so the selection cannot open.
    d.goto(f"/assignments/{pk}/transition/open_selection/")
    d.get_by_role("button", name="Open selection").click()
    expect(d.get_by_role("alert").first).to_contain_text("no announced statement for")
    d.screenshot(path=screenshots / "02-refusal-brief-incomplete.png", full_page=True)
    assert Assignment.objects.get(pk=pk).state == State.BRIEF

    d.goto(f"/assignments/{pk}/brief/")
    for dimension in DIMENSIONS:
        d.fill(f"#id_{dimension}", f"The client announces this about {dimension}.")
    d.get_by_role("button", name="Save the brief").click()
    d.wait_for_url(re.compile(rf"/assignments/{pk}/"))
    perform(d, "open_selection")
    expect(state_badge(d)).to_have_text("Selection")

    d.get_by_role("link", name="Shortlist a manager").click()
    d.select_option("#id_manager", str(manager.pk))
    d.get_by_role("button", name="Shortlist").click()
    for box in ("experience", "references", "availability", "motivation", "conflicts"):
        d.check(f"#id_vetted_{box}")
    d.select_option("#id_fit_rating", "4")
    d.fill("#id_fit_rationale", "Two comparable turnarounds.")
    d.fill("#id_internal_notes", "Keep the margin at 25%.")
    d.get_by_role("button", name="Save the vetting").click()
    d.get_by_role("link", name="Negotiate").click()
    d.select_option("#id_offered_by", "client")
    d.fill("#id_day_rate", "1250")
    d.check("#id_agreed")
    d.get_by_role("button", name="Record the offer").click()
    d.get_by_role("link", name="Present to the client").click()
    d.get_by_role("button", name="Present").click()
    expect(d.locator("#selection")).to_contain_text("Presented to the client")
    d.screenshot(path=screenshots / "03-director-selection.png", full_page=True)

    c = sign_in(client)
    c.screenshot(path=screenshots / "04-client-home.png", full_page=True)
    c.goto(f"/assignments/{pk}/")
    expect(c.locator("#selection")).not_to_contain_text("Keep the margin")
    # Irreversible one-click actions ask first (data-confirm): the party confirms.
    c.once("dialog", lambda dialog: dialog.accept())
    c.click("[data-choose]")
    expect(state_badge(c)).to_have_text("Audit")

    m = sign_in(manager)
    m.screenshot(path=screenshots / "05-manager-home.png", full_page=True)
    m.goto(f"/assignments/{pk}/")
    m.get_by_role("button", name="Write the audit report").click()
    for dimension, level in zip(DIMENSIONS, ["1", "2", "0", "3", "2", "1"], strict=True):
        m.fill(f"#id_{dimension}_finding", f"On the ground, {dimension} differs.")
        m.select_option(f"#id_{dimension}_level", level)
    m.screenshot(path=screenshots / "06-manager-audit-form.png", full_page=True)
    m.once("dialog", lambda dialog: dialog.accept())
    m.get_by_role("button", name="Submit the report").click()
    expect(m.locator("#messages")).to_contain_text("Audit report submitted")

    d.goto(f"/assignments/{pk}/")
    d.screenshot(path=screenshots / "07-director-audit-comparison.png", full_page=True)
    d.once("dialog", lambda dialog: dialog.accept())
    d.click("[data-accept-report]")
    expect(state_badge(d)).to_have_text("Action plan")
    # 100 × (1+2+0+3+2+1) / 18 = 50
    expect(d.get_by_test_id("gap-drift")).to_have_text("50")

    d.get_by_role("button", name="Draft the action plan").click()
    d.fill("#id_summary", "Stabilise delivery, then transform.")
    d.fill("#id_milestones-0-title", "Diagnostic shared with the committee")
    d.fill("#id_milestones-0-owner", "Interim manager")
    d.fill("#id_milestones-0-due_date", due)
    d.select_option("#id_commitments-0-kind", "resources")
    d.fill("#id_commitments-0-description", "Two analysts assigned full time")
    d.fill("#id_commitments-0-due_date", due)
    d.screenshot(path=screenshots / "08-director-plan-form.png", full_page=True)
    d.get_by_role("button", name="Save the plan").click()
    d.click("[data-confirm-plan]")
    expect(d.locator("#confirmations")).to_contain_text("Assignment director")

    for party in (m, c):
        party.goto(f"/assignments/{pk}/")
        party.click("[data-confirm-plan]")
        expect(party.locator("#messages")).to_contain_text("You confirmed action plan v1")

    d.goto(f"/assignments/{pk}/")
    perform(d, "start_progress")
    expect(state_badge(d)).to_have_text("In progress")

    d.get_by_role("link", name="Record the meeting").click()
    d.fill("#id_summary", "Milestones on track; one analyst still missing.")
    d.select_option("#id_manager_workload", "4")
    d.select_option("#id_manager_strain", "2")
    for dimension in DIMENSIONS:
        d.select_option(f"#id_rating_{dimension}", "1")
    d.fill("#id_opportunities", "The CFO needs an interim treasurer.")
    d.get_by_role("button", name="Record the meeting").click()
    expect(d.locator("#meetings")).to_contain_text("Milestones on track")
    d.screenshot(path=screenshots / "09-director-assignment-in-progress.png", full_page=True)

    perform(d, "complete", outcome="Delivery above 95%; successor hired.")
    expect(state_badge(d)).to_have_text("Completed")
    d.screenshot(path=screenshots / "10-director-assignment-completed.png", full_page=True)
    d.goto("/")
    d.screenshot(path=screenshots / "11-director-dashboard.png", full_page=True)
    d.goto("/assignments/")
    d.screenshot(path=screenshots / "12-assignment-list.png", full_page=True)

    steps = list(
        TransitionRecord.objects.filter(assignment_id=pk).values_list("transition", "by__email")
    )
    assert steps == [
        ("create", director.email),
        ("open_selection", director.email),
        ("select_manager", client.email),
        ("accept_audit", director.email),
        ("start_progress", director.email),
        ("complete", director.email),
    ]
