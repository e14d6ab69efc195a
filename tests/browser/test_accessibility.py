"""The main screens of each party at a phone's width (390 px) and through axe-core
(vendored from the npm registry in tests/browser/vendor/): no WCAG 2 A/AA violation, and
nothing wider than the screen."""

from pathlib import Path

import pytest
from django.core.management import call_command

from assignments.models import Assignment
from partners.models import User

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


def audit(page):
    """axe-core's WCAG 2 A/AA violations on the page, as 'rule: target' lines."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
            }));
        }"""
    )
    return [f"{v['id']} ({v['impact']}): {', '.join(v['targets'])}" for v in found]


def too_wide(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")
    call_command("run_sweeps")
    return {u.email: u for u in User.objects.all()}


def screens(demo):
    running = Assignment.objects.get(title="Interim CIO – ERP roll-out").pk
    return {
        "director@demo.test": ["/", "/assignments/", f"/assignments/{running}/", "/firm/clients/"],
        "manager@demo.test": ["/", f"/assignments/{running}/"],
        "client@demo.test": ["/", f"/assignments/{running}/", "/notifications/"],
    }


def test_the_main_screens_at_390px_pass_axe(sign_in, demo, screenshots):
    problems = {}
    for email, paths in screens(demo).items():
        page = sign_in(demo[email], password="demo")
        page.set_viewport_size(PHONE)
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("load")
            name = f"{email.split('@')[0]} {path}"
            page.screenshot(
                path=screenshots / f"30-phone-{name.replace('/', '_').replace(' ', '-')}.png",
                full_page=True,
            )
            found = audit(page)
            if too_wide(page):
                found.append("the page is wider than 390 px")
            if found:
                problems[name] = found
    assert problems == {}


def test_the_audit_catches_a_violation(sign_in, director):
    """The check can fail: an image without a text alternative is reported."""
    page = sign_in(director)
    page.set_content('<main><img src="/static/missing.png"></main>')
    assert any(line.startswith("image-alt") for line in audit(page))
