"""The three homes on a phone (390 × 844 px): what needs the person's action is on the
first screen, and no page is wider than the screen. With SCREENSHOTS_DIR set, the homes
are saved there at 1280 px and at 390 px (docs/screenshots/ holds the committed ones)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from assignments.models import Assignment
from partners.models import User

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Each party's home and the section that asks them to act.
ACTION = {
    "director@demo.test": "#needs-attention",
    "manager@demo.test": "#your-actions",
    "client@demo.test": "#your-actions",
}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")
    call_command("run_sweeps")
    return {u.email: u for u in User.objects.filter(email__in=ACTION)}


def too_wide(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_what_needs_action_is_on_the_first_screen_of_each_home(sign_in, demo):
    found = {}
    for email, section in ACTION.items():
        page = sign_in(demo[email], password="demo")
        page.set_viewport_size(PHONE)
        page.goto("/")
        box = page.locator(section).bounding_box()
        found[email] = (round(box["y"]) < PHONE["height"], too_wide(page))
    assert found == dict.fromkeys(ACTION, (True, False)), found


def test_the_tables_become_cards_on_a_phone(sign_in, demo):
    page = sign_in(demo["director@demo.test"], password="demo")
    page.set_viewport_size(PHONE)
    for path in ("/assignments/", "/assignments/?state=in_progress"):
        page.goto(path)
        assert not too_wide(page), path
        for label in ("State", "Drift", "Flags"):
            cell = page.locator(f'td[data-label="{label}"]').first
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (path, label)
            assert label in cell.evaluate("c => getComputedStyle(c, '::before').content")
    for email in ("manager@demo.test", "client@demo.test"):
        page = sign_in(demo[email], password="demo")
        page.set_viewport_size(PHONE)
        page.goto("/")
        state = page.locator('td[data-label="State"]').first.bounding_box()
        assert state["x"] + state["width"] <= PHONE["width"], email


def test_screenshots_of_the_homes(sign_in, demo, tmp_path):
    """Pictures of the three homes, desktop and phone: into SCREENSHOTS_DIR when it is set
    (docs/screenshots/ holds the last ones), else a scratch folder."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for email in ACTION:
        page = sign_in(demo[email], password="demo")
        name = email.split("@")[0]
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.goto("/")
            page.wait_for_load_state("load")
            # The chart animates in: let it settle before the picture.
            page.wait_for_timeout(800)
            page.screenshot(path=folder / f"home-{name}-{label}.png", full_page=True)
    pictures = sorted(folder.glob("home-*.png"))
    assert len(pictures) == 2 * len(ACTION)
    assert all(p.stat().st_size > 10_000 for p in pictures)


def test_screenshots_of_the_pool_the_pipeline_and_a_closeout(sign_in, demo, tmp_path):
    """Pictures of the director's manager pool, a profile with its track record, the
    pipeline of new business, and the client's close-out form, desktop and phone."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    thomas = demo["manager@demo.test"].pk
    done = Assignment.objects.get(title="Interim CEO – family succession").pk
    pages = {
        "director@demo.test": {
            "pool": "/managers/",
            "profile": f"/managers/{thomas}/",
            "opportunities": "/opportunities/",
        },
        "client@demo.test": {"closeout": f"/assignments/{done}/closeout/"},
    }
    taken = []
    for email, paths in pages.items():
        page = sign_in(demo[email], password="demo")
        for name, path in paths.items():
            for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(size)
                assert page.goto(path).status == 200, path
                picture = folder / f"{name}-{email.split('@')[0]}-{label}.png"
                page.screenshot(path=picture, full_page=True)
                taken.append(picture)
    assert all(p.stat().st_size > 10_000 for p in taken)
