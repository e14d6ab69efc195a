"""The API's docs in Chromium: Swagger UI from our static files renders the operations and
runs one, under the site's strict Content Security Policy, without one refusal."""

import pytest
from playwright.sync_api import expect

from tests.factories import AssignmentFactory

# Swagger UI reports its own errors on the console too; the policy's refusals name it.
REFUSED = "Content Security Policy"


@pytest.fixture
def signed_in_director(sign_in, director, transactional_db):
    AssignmentFactory(firm=director.director_profile.firm, director=director, title="Plant CFO")
    return sign_in(director)


def test_the_docs_render_the_operations_and_break_no_rule(signed_in_director):
    page = signed_in_director
    refused = []
    page.on("console", lambda m: refused.append(m.text) if REFUSED in m.text else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    response = page.goto("/api/docs/")
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Interim API")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    paths = operations.all_inner_texts()
    assert any(p.replace("\u200b", "") == "/api/assignments/" for p in paths), paths
    assert len(paths) >= 15
    # One operation tried from the page, signed in by the session: the caller's list.
    listing = page.locator("#operations-assignments-assignments_list")
    listing.locator(".opblock-summary").click()
    listing.get_by_role("button", name="Try it out").click()
    listing.get_by_role("button", name="Execute").click()
    expect(listing.locator(".live-responses-table tr.response .response-col_status")).to_have_text(
        "200"
    )
    expect(listing.locator(".live-responses-table")).to_contain_text("Plant CFO")
    assert refused == []
