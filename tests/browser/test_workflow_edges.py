"""The workflow in a browser: irreversible actions ask first (and a cancelled dialog sends
nothing), and plan rows are added in place and saved at once."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from assignments.models import ActionPlan, AuditReport, State
from tests.factories import AssignmentFactory, DirectorFactory, FirmFactory, ManagerFactory, Walker


def new_walker():
    firm = FirmFactory(name="Meridian")
    director = DirectorFactory(firm=firm, user__full_name="Dana Director").user
    manager = ManagerFactory(firms=[firm], user__full_name="Maya Manager").user
    return Walker(AssignmentFactory(firm=firm, director=director), manager)


def posts_to(page, tail):
    """The POST requests the page sends to an address ending in `tail`."""
    sent = []
    page.on(
        "request",
        lambda r: sent.append(r.url) if r.method == "POST" and r.url.endswith(tail) else None,
    )
    return sent


def answer_next_dialog(page, accept):
    asked = []

    def handle(dialog):
        asked.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", handle)
    return asked


def test_the_clients_choice_asks_first_and_a_cancel_sends_nothing(sign_in, transactional_db):
    walker = new_walker()
    walker.to_selection()
    candidacy = walker.ready_candidacy()
    c = sign_in(walker.client)
    c.goto(f"/assignments/{walker.a.pk}/")
    sent = posts_to(c, "/transition/select_manager/")

    asked = answer_next_dialog(c, accept=False)
    c.click(f"[data-choose='{candidacy.pk}']")
    expect(c.locator("#header .state-badge")).to_have_text("Selection")
    assert asked == [
        "Choose Maya Manager for this assignment? The audit starts and the other "
        "candidates are not retained."
    ]
    assert sent == []
    walker.a.refresh_from_db()
    assert walker.a.state == State.SELECTION

    answer_next_dialog(c, accept=True)
    with c.expect_navigation():
        c.click(f"[data-choose='{candidacy.pk}']")
    expect(c.locator("#header .state-badge")).to_have_text("Audit")
    assert len(sent) == 1


def test_submitting_the_audit_report_asks_first_and_saving_a_draft_does_not(
    sign_in, transactional_db
):
    walker = new_walker()
    walker.to_audit()
    m = sign_in(walker.manager)
    m.goto(f"/assignments/{walker.a.pk}/")
    m.get_by_role("button", name="Write the audit report").click()
    m.fill("#id_summary", "First weeks on site.")
    report = AuditReport.objects.get(assignment=walker.a)

    asked = answer_next_dialog(m, accept=False)
    m.get_by_role("button", name="Submit the report").click()
    expect(m.locator("#id_summary")).to_have_value("First weeks on site.")
    assert asked == ["Submit audit report v1? Once submitted it can no longer be edited."]
    report.refresh_from_db()
    assert report.status == AuditReport.Status.DRAFT and report.summary == ""

    with m.expect_navigation():
        m.get_by_role("button", name="Save the draft").click()
    expect(m.locator("#messages")).to_contain_text("Draft saved")
    report.refresh_from_db()
    assert report.status == AuditReport.Status.DRAFT and report.summary == "First weeks on site."


def test_milestones_and_commitments_are_added_in_place_and_saved_at_once(
    sign_in, transactional_db
):
    walker = new_walker()
    walker.to_action_plan()
    d = sign_in(walker.director)
    d.goto(f"/assignments/{walker.a.pk}/")
    d.get_by_role("button", name="Draft the action plan").click()
    due = (timezone.localdate() + timedelta(days=14)).isoformat()

    d.fill("#id_milestones-0-title", "Diagnostic")
    d.fill("#id_milestones-0-owner", "Manager")
    d.fill("#id_milestones-0-due_date", due)
    d.get_by_role("button", name="Add a milestone").click()
    d.get_by_role("button", name="Add a milestone").click()
    expect(d.locator(".milestone-row")).to_have_count(3)
    expect(d.locator("#id_milestones-TOTAL_FORMS")).to_have_value("3")
    # The new row's fields have their own labels, and the first one has the focus.
    expect(d.locator("#id_milestones-2-title")).to_be_focused()
    title = d.locator(".milestone-row").nth(1).get_by_label("Title")
    title.fill("Steering committee")
    d.fill("#id_milestones-1-owner", "Director")
    d.fill("#id_milestones-1-due_date", due)
    # The third row is left blank: it does not block the save.

    d.get_by_role("button", name="Add a commitment").click()
    expect(d.locator("#id_commitments-TOTAL_FORMS")).to_have_value("2")
    d.fill("#id_commitments-1-description", "A project room")
    d.select_option("#id_commitments-1-kind", "means")
    d.fill("#id_commitments-1-due_date", due)
    with d.expect_navigation():
        d.get_by_role("button", name="Save the plan").click()
    expect(d.locator("#messages")).to_contain_text("saved")

    plan = ActionPlan.objects.get(assignment=walker.a)
    assert sorted(plan.milestones.values_list("title", flat=True)) == [
        "Diagnostic",
        "Steering committee",
    ]
    assert list(plan.commitments.values_list("kind", "description")) == [
        ("means", "A project room")
    ]
