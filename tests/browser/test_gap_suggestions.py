"""The second opinion on the audit draft follows what the manager types (htmx), without a
save and without touching the saved levels."""

from playwright.sync_api import expect

from assignments.models import AuditReport
from tests.browser.test_workflow_edges import new_walker

CONTRADICTION = "The project team has one person, not four; no budget is released yet."


def test_the_hint_follows_the_typed_finding_and_level(sign_in, transactional_db):
    walker = new_walker()
    walker.to_audit()
    brief = walker.world.script.brief
    report = walker.world.audit_report(
        walker.a, walker.manager, findings={d: (brief[d], 0) for d in brief}
    )
    m = sign_in(walker.manager)
    m.goto(f"/assignments/{walker.a.pk}/audit/{report.pk}/")
    hint = m.locator("#hint-resources")
    expect(hint).not_to_contain_text("Second opinion")
    m.fill("#id_resources_finding", CONTRADICTION)
    m.locator("#id_resources_finding").dispatch_event("change")
    expect(hint).to_contain_text("Second opinion: 3 – critical")
    m.select_option("#id_resources_level", "3")
    expect(hint).not_to_contain_text("Second opinion")
    report.refresh_from_db()
    assert report.status == AuditReport.Status.DRAFT
    assert report.findings.get(dimension="resources").finding == brief["resources"]
