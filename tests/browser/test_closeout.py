"""Closing the loop in the browser: the director completes an assignment, each party
gives their part of the close-out where Interim's notification leads them, and the
manager's track record shows it at the next selection."""

import re

from playwright.sync_api import expect

from assignments.drift import DIMENSIONS
from assignments.models import ClientEvaluation, Closeout, ManagerEvaluation
from tests.factories import (
    AssignmentFactory,
    ClientContactFactory,
    DirectorFactory,
    FirmFactory,
    ManagerFactory,
    Walker,
)

from .test_lifecycle import perform
from .test_turns import take_turn

CLIENT_WORDS = "Steady hands in a family business; the board trusts him."
MANAGER_WORDS = "Every commitment arrived, two weeks late at worst."
PHONE = {"width": 390, "height": 844}


def test_a_closed_assignment_reaches_the_managers_track_record(
    sign_in, screenshots, transactional_db
):
    firm = FirmFactory(name="Meridian Interim")
    director = DirectorFactory(firm=firm, user__full_name="Claire Dubois").user
    manager = ManagerFactory(firms=[firm], user__full_name="Thomas Berger").user
    contact = ClientContactFactory(
        user__full_name="Isabelle Moreau", organisation__name="Aurelia Foods"
    ).user
    client_org = contact.client_profile.organisation

    def assignment(title):
        return AssignmentFactory(
            firm=firm, director=director, client=client_org, client_contact=contact, title=title
        )

    running = assignment("Interim CEO – family succession")
    Walker(running, manager).to_in_progress()  # the back-story, told to nobody
    upcoming = assignment("Interim COO – plant turnaround")
    Walker(upcoming, manager).to_selection()

    # Before: the profile has no past assignment with the firm (one presentation, running).
    d = sign_in(director)
    d.on("dialog", lambda dialog: dialog.accept())
    d.goto(f"/managers/{manager.pk}/")
    expect(d.locator("#track-record")).to_be_visible()
    expect(d.locator("[data-past-assignment]")).to_have_count(0)

    # The director completes the assignment; its close-out opens.
    d.goto(f"/assignments/{running.pk}/")
    perform(d, "complete", outcome="Successor appointed and onboarded.")
    expect(d.locator("#header .state-badge")).to_have_text("Completed")
    card = d.locator("#closeout")
    expect(card).to_contain_text("Awaited")
    with d.expect_navigation():
        card.get_by_role("link", name="Give your part").click()
    expect(d).to_have_url(re.compile(rf"/assignments/{running.pk}/closeout/$"))
    for dimension in DIMENSIONS:
        d.select_option(f"#id_result_{dimension}", "achieved")
    d.select_option("#id_result_skills", "partly")
    for select in d.locator("select[id^=id_milestone_]").all():
        select.select_option("achieved")
    d.fill("#id_review", "The succession is in place and the family council runs.")
    with d.expect_navigation():
        d.get_by_role("button", name="Give the review").click()
    expect(d.locator("#review")).to_contain_text("The succession is in place")
    closeout = Closeout.objects.get(assignment=running)
    assert closeout.reviewed_by == director

    # Interim tells the manager, who evaluates the conditions where the bell leads.
    m = take_turn(sign_in, manager, "evaluation of the conditions")
    expect(m).to_have_url(re.compile(rf"/assignments/{running.pk}/closeout/"))
    m.select_option("#id_commitments_kept", "4")
    m.select_option("#id_provider_support", "5")
    m.fill("#id_comment", MANAGER_WORDS)
    with m.expect_navigation():
        m.get_by_role("button", name="Give the evaluation").click()
    expect(m.locator("#manager_evaluation")).to_contain_text(MANAGER_WORDS)
    assert ManagerEvaluation.objects.filter(closeout=closeout, by=manager).exists()

    # And the client, who evaluates the manager (on a phone).
    c = take_turn(sign_in, contact, "evaluation of the interim manager")
    c.set_viewport_size(PHONE)
    expect(c).to_have_url(re.compile(rf"/assignments/{running.pk}/closeout/"))
    c.select_option("#id_delivery", "4")
    c.select_option("#id_posture", "5")
    c.get_by_label("Yes").check()
    c.fill("#id_comment", CLIENT_WORDS)
    with c.expect_navigation():
        c.get_by_role("button", name="Give the evaluation").click()
    expect(c.locator("#client_evaluation")).to_contain_text(CLIENT_WORDS)
    assert ClientEvaluation.objects.get(closeout=closeout).would_engage_again is True
    assert not c.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    c.screenshot(path=screenshots / "60-closeout-client-phone.png", full_page=True)
    # Each evaluation is the provider's to read, never the other party's.
    expect(c.locator("body")).not_to_contain_text(MANAGER_WORDS)
    expect(c.locator("body")).not_to_contain_text("The succession is in place")
    m.reload()
    expect(m.locator("body")).not_to_contain_text(CLIENT_WORDS)

    # The director reads all three parts.
    d.goto(f"/assignments/{running.pk}/closeout/")
    for words in (CLIENT_WORDS, MANAGER_WORDS, "The succession is in place"):
        expect(d.locator("main")).to_contain_text(words)
    expect(d.locator("[data-testid=closeout-missing]")).to_have_count(0)
    d.screenshot(path=screenshots / "61-closeout-director.png", full_page=True)

    # The close-out report, as printed and as a PDF, from the page's own links.
    with d.expect_navigation():
        d.locator("[data-closeout-print]").click()
    expect(d.locator("body")).to_contain_text(CLIENT_WORDS)
    d.screenshot(path=screenshots / "64-closeout-report-print.png", full_page=True)
    pdf = d.request.get(f"/assignments/{running.pk}/closeout/pdf/")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # At the next selection, the manager's record beside the new candidacy says so.
    d.goto(f"/assignments/{upcoming.pk}/candidates/add/")
    d.select_option("#id_manager", str(manager.pk))
    with d.expect_navigation():
        d.locator("main form button[type=submit]").last.click()
    d.goto(f"/assignments/{upcoming.pk}/#selection")
    record = d.locator(f"[data-track-record='{manager.pk}']")
    expect(record).to_contain_text("1 assignment")
    expect(record).to_contain_text("client delivery 4")
    expect(record).to_contain_text("would engage again 1 of 1")
    d.locator("#selection").screenshot(path=screenshots / "62-track-record-new-candidacy.png")
    d.goto(f"/managers/{manager.pk}/")
    past = d.locator(f"[data-past-assignment='{running.pk}']")
    expect(past).to_contain_text("Interim CEO – family succession")
    expect(d.locator("#track-record")).to_contain_text(CLIENT_WORDS)
    d.screenshot(path=screenshots / "63-manager-profile-track-record.png", full_page=True)

    # The client sees none of it on the new assignment's page.
    c.goto(f"/assignments/{upcoming.pk}/")
    expect(c.locator(f"[data-track-record='{manager.pk}']")).to_have_count(0)
    expect(c.locator("body")).not_to_contain_text(CLIENT_WORDS)
