"""The main pages on the demo world, as each party sees them (and their screenshots)."""

from django.core.management import call_command
from playwright.sync_api import expect

from assignments.models import Assignment
from partners.models import User


def test_main_pages_on_the_demo_world(sign_in, screenshots, transactional_db):
    call_command("seed_demo")
    call_command("run_sweeps")
    users = {u.email: u for u in User.objects.all()}
    running = Assignment.objects.get(title="Interim CIO – ERP roll-out")

    d = sign_in(users["director@demo.test"], password="demo")
    expect(d.locator("#needs-attention")).to_contain_text("Client commitments overdue")
    expect(d.locator("#needs-attention")).to_contain_text("Interim Plant Manager – Lyon site")
    d.screenshot(path=screenshots / "20-demo-director-dashboard.png", full_page=True)
    d.goto("/assignments/?state=in_progress")
    expect(d.locator("tbody tr")).to_have_count(2)
    d.screenshot(path=screenshots / "21-demo-assignment-list-filtered.png", full_page=True)
    d.goto(f"/assignments/{running.pk}/")
    expect(d.locator("#meetings canvas#ratings-chart")).to_be_visible()
    d.screenshot(path=screenshots / "22-demo-assignment-page.png", full_page=True)
    expect(d.locator("#flags")).to_contain_text("Fuse risk")

    # Notifications from the sweeps: the unread count, the list, one marked read in place.
    unread = d.get_by_test_id("unread-count")
    before = int(unread.inner_text().split()[0])
    assert before > 0
    d.click("#nav-notifications")
    d.screenshot(path=screenshots / "26-demo-notifications.png", full_page=True)
    d.evaluate("window.samePage = true")
    d.get_by_role("button", name="Mark as read").first.click()
    expect(d.get_by_role("button", name="Mark as read")).to_have_count(before - 1)
    assert d.evaluate("window.samePage === true"), "the page reloaded instead of swapping"

    m = sign_in(users["manager@demo.test"], password="demo")
    expect(m.locator("main")).to_contain_text("Interim COO – plant turnaround")
    m.screenshot(path=screenshots / "23-demo-manager-home.png", full_page=True)

    c = sign_in(users["client@demo.test"], password="demo")
    expect(c.locator("main")).to_contain_text("Interim HR Director – reorganisation")
    c.screenshot(path=screenshots / "24-demo-client-home.png", full_page=True)
    c.goto(f"/assignments/{running.pk}/")
    expect(c.locator("#selection")).not_to_contain_text("Internal notes")
    c.screenshot(path=screenshots / "25-demo-client-assignment-page.png", full_page=True)
    # The client marks a promised resource delivered; the row changes in place (htmx).
    row = c.locator("#plan li", has=c.locator("[data-deliver]")).first
    row_id = row.get_attribute("id")
    c.evaluate("window.samePage = true")
    row.locator("[data-deliver]").click()
    expect(c.locator(f"#{row_id}")).to_contain_text("delivered")
    assert c.evaluate("window.samePage === true"), "the page reloaded instead of swapping"

    # The wall, in the browser: another firm's director gets the 404 page.
    other = sign_in(users["james.whitaker@demo.test"], password="demo")
    response = other.goto(f"/assignments/{running.pk}/")
    assert response.status == 404
    expect(other.locator("main")).to_contain_text("Not found")


def test_the_network_guard_sees_a_request_leaving_the_machine(sign_in, director):
    """The 'no request leaves 127.0.0.1' check can fail: an outside address is caught."""
    # A blank page of the same browser: the site's Content Security Policy would refuse the
    # image before any request.
    page = sign_in(director).context.new_page()
    page.set_content('<img src="http://cdn.example.org/logo.png" alt="">')
    page.wait_for_load_state("load")
    assert sign_in.outside == ["http://cdn.example.org/logo.png"]
    sign_in.outside.clear()
