"""The second opinion on the audit's gap levels, on the pages and as JSON: the manager sees
it on the saved draft, the director on review, the client never (not even once accepted);
it never changes a level, the drift or a flag."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments import suggestions as engine
from assignments.models import AuditReport, Dimension, Flag

CONTRADICTION = "The project team has one person, not four; no budget is released yet."


def findings_of(walker):
    """Every finding repeats the brief (aligned), but the resources' contradicts it."""
    brief = walker.world.script.brief
    return {d: (brief[d], 0) for d in Dimension.values} | {"resources": (CONTRADICTION, 0)}


TRACES = ("Second opinion", "data-suggested-level", "Suggested</th>", "second opinion")


def form_data(findings):
    return {"summary": "First weeks."} | {
        f"{d}_{part}": value
        for d, (finding, level) in findings.items()
        for part, value in (("finding", finding), ("level", str(level)))
    }


def suggestions_url(report):
    return reverse("assignments:audit_suggestions", args=[report.assignment_id, report.pk])


def detail_url(report):
    return reverse("assignments:detail", args=[report.assignment_id])


def as_user(client, user):
    client.force_login(user)
    return client


def frozen(report):
    """What the second opinion must never touch."""
    report.refresh_from_db()
    report.assignment.refresh_from_db()
    return (
        sorted(report.findings.values_list("dimension", "gap_level")),
        report.drift_score,
        report.assignment.gap_drift,
        sorted(Flag.objects.filter(assignment=report.assignment).values_list("kind", "key")),
    )


@pytest.fixture
def submitted(walker):
    walker.to_audit()
    return walker.submitted_report(findings=findings_of(walker))


def test_the_manager_sees_the_second_opinion_after_saving_the_draft(client, walker, manager):
    walker.to_audit()
    report = walker.world.audit_report(walker.a, manager, findings={})
    url = reverse("assignments:audit_edit", args=[walker.a.pk, report.pk])
    data = form_data(findings_of(walker)) | {"save": ""}
    response = as_user(client, manager).post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Draft saved." in page
    assert page.count("Second opinion:") == 1  # only the contradicted dimension
    assert 'data-suggested-level="3"' in page
    report.refresh_from_db()
    assert report.findings.get(dimension="resources").gap_level == 0  # never changed
    # The author's draft, as JSON too; the director may not see a draft yet.
    body = client.get(suggestions_url(report)).json()
    assert body["available"] is True and body["dimensions"]["resources"]["suggested_level"] == 3


def test_the_director_sees_it_on_review_and_it_changes_nothing(client, submitted, director):
    before = frozen(submitted)
    page = as_user(client, director).get(detail_url(submitted)).content.decode()
    assert "Suggested</th>" in page and "Second opinion differs" in page
    assert client.get(suggestions_url(submitted)).status_code == 200
    assert frozen(submitted) == before


def test_the_json_shape(client, submitted, director):
    body = as_user(client, director).get(suggestions_url(submitted)).json()
    assert set(body) == {"dimensions", "available"} and body["available"] is True
    assert set(body["dimensions"]) == set(Dimension.values)
    for answer in body["dimensions"].values():
        assert set(answer) == {"suggested_level", "similarity", "reason"}
        assert answer["suggested_level"] in range(4)
        assert isinstance(answer["similarity"], float) and answer["reason"]
    assert body["dimensions"]["resources"]["suggested_level"] >= 2
    assert client.post(suggestions_url(submitted)).status_code == 405


def test_nobody_sees_a_draft_but_its_author(client, walker, manager, director, admin_user):
    walker.to_audit()
    report = walker.world.audit_report(walker.a, manager, findings=findings_of(walker))
    for user in (director, admin_user):
        assert as_user(client, user).get(suggestions_url(report)).status_code == 404
    assert as_user(client, manager).get(suggestions_url(report)).status_code == 200


@pytest.mark.parametrize("who", ["client", "director_and_client", "manager_and_client"])
def test_the_client_never_sees_it_not_even_accepted(client, walker, cast, who):
    report = walker.world.to_action_plan(walker.a, walker.manager, findings=findings_of(walker))
    report.refresh_from_db()
    assert report.status == AuditReport.Status.ACCEPTED
    # The two-role people are, on this assignment, its client's contacts: the client.
    text = as_user(client, cast[who]).get(detail_url(report)).content.decode()
    assert CONTRADICTION in text  # they see the accepted report...
    assert not any(trace in text for trace in TRACES)  # ...and nothing of the second opinion
    assert client.get(suggestions_url(report)).status_code == 404


def test_outsiders_get_404_as_for_an_unknown_report(client, submitted, cast):
    for who in ("other_director", "other_manager", "other_client"):
        assert as_user(client, cast[who]).get(suggestions_url(submitted)).status_code == 404
    unknown = reverse("assignments:audit_suggestions", args=[submitted.assignment_id, 999999])
    assert as_user(client, cast["director"]).get(unknown).status_code == 404


def test_an_installation_without_the_engine_says_so(client, submitted, director, monkeypatch):
    monkeypatch.setattr(engine, "engine_available", lambda: False)
    as_user(client, director)
    page = client.get(detail_url(submitted)).content.decode()
    assert "The second opinion is unavailable on this installation." in page
    assert "Suggested</th>" not in page
    body = client.get(suggestions_url(submitted)).json()
    assert body["available"] is False and body["dimensions"] == {}
    assert body["detail"] == "The second opinion is unavailable on this installation."


def test_the_engine_runs_once_per_report_version(client, submitted, director, monkeypatch):
    calls = []
    real = engine.suggest_many
    monkeypatch.setattr(engine, "suggest_many", lambda pairs: calls.append(pairs) or real(pairs))
    as_user(client, director)
    for _ in range(3):
        client.get(suggestions_url(submitted))
    client.get(detail_url(submitted))
    assert len(calls) == 1 and len(calls[0]) == len(Dimension.values)


def test_the_audit_page_reads_no_more_for_the_second_opinion(
    client, submitted, director, monkeypatch
):
    as_user(client, director)
    client.get(detail_url(submitted))  # warm the session and the cache
    with CaptureQueriesContext(connection) as shown:
        client.get(detail_url(submitted))
    monkeypatch.setattr(engine, "engine_available", lambda: False)
    with CaptureQueriesContext(connection) as without:
        client.get(detail_url(submitted))
    assert len(shown) == len(without)


def test_french(client, submitted, director):
    as_user(client, director)
    page = client.get(detail_url(submitted), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Suggéré" in page


def hint_url(report, **params):
    url = reverse("assignments:audit_suggestion_hint", args=[report.assignment_id, report.pk])
    return f"{url}?{urlencode(params)}"


def test_the_live_hint_answers_for_what_is_typed(client, walker, manager, cast):
    walker.to_audit()
    report = walker.world.audit_report(walker.a, manager, findings=findings_of(walker))
    before = frozen(report)
    as_user(client, manager)
    typed = {"dimension": "resources", "resources_finding": CONTRADICTION}
    assert (
        "Second opinion:"
        in client.get(hint_url(report, **typed, resources_level=0)).content.decode()
    )
    assert (
        "Second opinion"
        not in client.get(hint_url(report, **typed, resources_level=3)).content.decode()
    )
    assert client.get(hint_url(report, dimension="nope")).status_code == 400
    assert frozen(report) == before
    for who in ("director", "client", "director_and_client", "other_manager"):
        assert as_user(client, cast[who]).get(hint_url(report, **typed)).status_code == 404


def test_the_draft_form_asks_again_on_change_only_with_the_engine(
    client, walker, manager, monkeypatch
):
    walker.to_audit()
    report = walker.world.audit_report(walker.a, manager, findings=findings_of(walker))
    url = reverse("assignments:audit_edit", args=[walker.a.pk, report.pk])
    page = as_user(client, manager).get(url).content.decode()
    assert page.count('hx-trigger="change delay:500ms"') == len(Dimension.values)
    monkeypatch.setattr(engine, "engine_available", lambda: False)
    page = client.get(url).content.decode()
    assert "hx-get" not in page and "The second opinion is unavailable" in page
