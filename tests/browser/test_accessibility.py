"""Every page each party can reach on the demo world, at a desktop's width and at a phone's
(390 px), through axe-core (vendored from the npm registry in tests/browser/vendor/): no
serious or critical WCAG 2 A/AA violation, and nothing wider than the screen."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from assignments.models import (
    ActionPlan,
    Assignment,
    AuditReport,
    Candidacy,
    Opportunity,
    ProgressMeeting,
    State,
)
from assignments.services.calendar import calendar_feed_create
from partners.models import User

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING = {"serious", "critical"}


def audit(page):
    """axe-core's WCAG 2 A/AA violations on the page: [{id, impact, targets}]."""
    # Evaluated by the browser's debugger, as the page's Content Security Policy refuses an
    # added inline <script>.
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21aa"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.length,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
            }));
        }"""
    )


def too_wide(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")
    call_command("run_sweeps")
    return {u.email: u for u in User.objects.all()}


def reachable_pages():
    """Each party's pages on the demo world: home, lists, every assignment state and the
    forms they may open there."""
    director = User.objects.get(email="director@demo.test")
    contact = User.objects.get(email="client@demo.test").client_profile
    own = Assignment.objects.filter(
        firm=director.director_profile.firm, client=contact.organisation
    )
    by_state = {s: own.filter(state=s).order_by("pk").first().pk for s in State.values}
    selection, audit_a, plan_a = by_state["selection"], by_state["audit"], by_state["action_plan"]
    running, realign = by_state["in_progress"], by_state["realignment"]
    unvetted = Candidacy.objects.get(assignment_id=selection, fit_rating=None)
    presented = Candidacy.objects.filter(
        assignment_id=selection, status=Candidacy.Status.PRESENTED
    ).first()
    draft_report = AuditReport.objects.get(assignment_id=audit_a)
    draft_plan = ActionPlan.objects.get(assignment_id=plan_a, status=ActionPlan.Status.DRAFT)
    meeting = ProgressMeeting.objects.get(
        assignment_id=running, status=ProgressMeeting.Status.SCHEDULED
    )
    a = "/assignments"
    every_state = [f"{a}/{pk}/" for pk in by_state.values()]
    # The close-out just opened (the client's part awaited) and one long closed.
    just_ended = own.get(title="Interim CEO – family succession").pk
    long_closed = own.get(title="Interim Operations Director – Dijon plant").pk
    confirmed = ActionPlan.objects.filter(
        assignment_id=running, status=ActionPlan.Status.CONFIRMED
    ).first()
    thomas = User.objects.get(email="manager@demo.test").pk
    sofia = User.objects.get(email="sofia.marin@demo.test").pk
    lead = Opportunity.objects.filter(firm=director.director_profile.firm).first().pk
    # The calendar page both ways: the director's without an address, the client's with one.
    calendar_feed_create(user=contact.user)
    managed = [
        f"{a}/{pk}/"
        for pk in own.filter(interim_manager__email="manager@demo.test").values_list(
            "pk", flat=True
        )
    ]
    return {
        "director@demo.test": [
            "/",
            f"{a}/",
            f"{a}/?state=in_progress&flag=fuse_risk",
            *every_state,
            f"{a}/{by_state['brief']}/brief/",
            f"{a}/{selection}/candidates/add/",
            f"{a}/{selection}/candidates/{unvetted.pk}/vet/",
            f"{a}/{selection}/candidates/{unvetted.pk}/present/",
            f"{a}/{selection}/candidates/{presented.pk}/negotiate/",
            f"{a}/{audit_a}/transition/accept_audit/",
            f"{a}/{plan_a}/plan/{draft_plan.pk}/",
            f"{a}/{running}/meetings/schedule/",
            f"{a}/{running}/meetings/{meeting.pk}/record/",
            f"{a}/{running}/transition/start_realignment/",
            f"{a}/{realign}/transition/resume_progress/",
            "/firm/clients/",
            "/notifications/",
            "/accounts/password_change/",
            "/accounts/calendar/",
            f"{a}/{just_ended}/closeout/",
            f"{a}/{long_closed}/closeout/",
            f"{a}/{long_closed}/closeout/print/",
            f"{a}/{running}/plan/{confirmed.pk}/print/",
            "/managers/",
            f"/managers/?for={selection}",
            "/managers/new/",
            f"/managers/{thomas}/",
            f"/managers/{thomas}/edit/",
            "/opportunities/",
            "/opportunities/new/",
            f"/opportunities/{lead}/",
        ],
        "manager@demo.test": [
            "/",
            f"{a}/",
            *managed,
            f"{a}/{selection}/",
            f"{a}/{audit_a}/audit/{draft_report.pk}/",
            f"{a}/{plan_a}/plan/{draft_plan.pk}/",
            f"{a}/{running}/meetings/{meeting.pk}/record/",
            "/notifications/",
            f"{a}/{long_closed}/closeout/",
            f"/managers/{thomas}/",
        ],
        "client@demo.test": [
            "/",
            f"{a}/",
            *every_state,  # the plan to confirm is on its assignment page
            "/notifications/",
            f"{a}/{just_ended}/closeout/",
            f"{a}/{running}/plan/{confirmed.pk}/print/",
            f"/managers/{sofia}/",
            "/accounts/calendar/",
        ],
    }


def check(page, name, path, problems, by_rule):
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        response = page.goto(path)
        page.wait_for_load_state("load")
        where = f"{name} {path} ({label})"
        found = []
        if response is None or response.status != 200:
            found.append(f"HTTP {response.status if response else '?'}")
        for v in audit(page):
            by_rule[(v["id"], v["impact"])] += 1
            if v["impact"] in BLOCKING:
                found.append(f"{v['id']} ({v['impact']}): {', '.join(v['targets'])}")
        if too_wide(page):
            found.append(f"the page is wider than {size['width']} px")
        # axe checks a chart's text only when it says it is an image.
        if page.locator("canvas:not([role=img][aria-label])").count():
            found.append("a chart without role=img and an aria-label")
        if found:
            problems[where] = found


def test_every_page_of_every_party_passes_axe(sign_in, demo, browser, live_server):
    problems, by_rule = {}, Counter()
    pages = reachable_pages()
    for email, paths in pages.items():
        page = sign_in(demo[email], password="demo")
        for path in paths:
            check(page, email.split("@")[0], path, problems, by_rule)
    anonymous = browser.new_context(base_url=live_server.url)
    try:
        check(anonymous.new_page(), "anonymous", "/accounts/login/", problems, by_rule)
    finally:
        anonymous.close()
    visited = 2 * (1 + sum(len(p) for p in pages.values()))
    print(f"\n{len(problems)} of {visited} page views with problems; axe rules (page views):")
    for (rule, impact), n in sorted(by_rule.items()):
        print(f"  {rule} ({impact}): {n}")
    assert problems == {}


def test_the_audit_catches_a_violation(sign_in, director):
    """The check can fail: an image without a text alternative is reported."""
    page = sign_in(director)
    page.set_content('<main><img src="/static/missing.png"></main>')
    assert any(v["id"] == "image-alt" for v in audit(page))


# Every tinted background the templates put text, links or badges on.
SWATCHES = """
<main class="container p-3">
  <ul class="list-group">
    <li class="list-group-item list-group-item-warning">
      <strong>Unread</strong> <span class="text-muted small">2 hours ago</span>
      <a href="#x">a link in an unread notification</a>
    </li>
  </ul>
  <div class="alert alert-warning"><a href="#x">a link in a warning</a></div>
  <div class="alert alert-danger"><a href="#x">a link in an error</a></div>
  <div class="alert alert-secondary"><a href="#x">a link in a note</a>
    <span class="text-muted">muted</span></div>
  <div class="card"><div class="card-header bg-warning-subtle">
    <a href="#x">a link in a tinted header</a> <span class="text-muted">muted</span>
  </div></div>
  <div class="card card-body bg-light"><a href="#x">a link on light</a>
    <span class="text-body-secondary small">secondary</span></div>
  <table class="table"><tbody><tr class="table-active">
    <td><a href="#x">a link in a highlighted row</a></td></tr>
    <tr><td class="gaplvl-0"><a href="#x">aligned</a></td>
      <td class="gaplvl-1"><a href="#x">minor</a></td>
      <td class="gaplvl-2"><a href="#x">significant</a></td>
      <td class="gaplvl-3"><a href="#x">critical</a> <span class="text-muted">m</span></td>
    </tr></tbody></table>
  <p>
    <span class="badge text-bg-danger">danger</span>
    <span class="badge text-bg-success">success</span>
    <span class="badge text-bg-secondary">secondary</span>
    <span class="badge text-bg-primary">primary</span>
    <span class="badge text-bg-warning">warning</span>
    <span class="badge text-bg-light border">light</span>
    <span class="badge state-badge state-brief">Brief</span>
    <span class="badge state-badge state-selection">Selection</span>
    <span class="badge state-badge state-audit">Audit</span>
    <span class="badge state-badge state-action_plan">Action plan</span>
    <span class="badge state-badge state-in_progress">In progress</span>
    <span class="badge state-badge state-realignment">Realignment</span>
    <span class="badge state-badge state-completed">Completed</span>
    <span class="badge state-badge state-cancelled">Cancelled</span>
  </p>
  <p class="text-danger small">an error in words</p>
  <p class="text-success small">a success in words</p>
</main>
"""


def test_text_links_and_badges_reach_aa_contrast_on_every_tint(sign_in, director):
    page = sign_in(director)
    page.evaluate("html => { document.body.innerHTML = html; }", SWATCHES)
    found = [f"{v['id']}: {v['targets']}" for v in audit(page) if v["id"] == "color-contrast"]
    assert found == []


def test_the_keyboard_focus_is_outlined_on_links_buttons_and_fields(sign_in, demo):
    page = sign_in(demo["director@demo.test"], password="demo")
    page.goto("/assignments/")
    outlines = {}
    for selector in ("main a[href]", "main .btn", "main .form-control", "main .form-select"):
        page.locator(selector).first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        outlines[selector] = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2; }"""
        )
    assert outlines == dict.fromkeys(outlines, True)
