"""A submitted audit and a confirmed plan are records: revisions are new versions."""

import pytest
from django.db import IntegrityError, transaction

from assignments import services
from assignments.models import ActionPlan, AuditReport, PlanConfirmation


def test_a_submitted_audit_report_cannot_be_edited(walker):
    walker.to_audit()
    report = walker.submitted_report()
    with pytest.raises(services.Refused, match="can no longer be edited"):
        services.audit_report_update(
            report=report, user=walker.manager, summary="Rewritten", findings={}
        )
    report.refresh_from_db()
    assert report.summary == "Audit."


def test_a_returned_report_is_revised_as_a_new_version(walker):
    walker.to_audit()
    first = walker.submitted_report()
    services.audit_report_return(report=first, user=walker.director, comment="Resources unclear.")
    second = services.audit_report_start(assignment=walker.a, user=walker.manager)
    assert (second.version, second.status) == (2, AuditReport.Status.DRAFT)
    assert second.findings.count() == 6  # carried over to revise
    first.refresh_from_db()
    assert (first.status, first.review_comment) == ("returned", "Resources unclear.")


def test_submitting_needs_every_dimension(walker):
    walker.to_audit()
    report = services.audit_report_start(assignment=walker.a, user=walker.manager)
    services.audit_report_update(
        report=report, user=walker.manager, summary="", findings={"skills": ("ok", 0)}
    )
    with pytest.raises(services.Refused, match="no finding for: Objectives, Context"):
        services.audit_report_submit(report=report, user=walker.manager)
    report.refresh_from_db()
    assert report.status == "draft"


def test_a_confirmed_plan_cannot_be_edited(walker):
    walker.to_action_plan()
    plan = walker.confirm_all(walker.draft_plan())
    assert plan.status == ActionPlan.Status.CONFIRMED
    with pytest.raises(services.Refused, match="never edited"):
        services.action_plan_update(
            plan=plan, user=walker.director, summary="x", milestones=[], commitments=[]
        )
    assert plan.milestones.count() == 1


def test_a_revision_is_a_new_version_and_supersedes_on_confirmation(walker):
    walker.to_realignment()
    v1 = walker.a.action_plans.get()
    v2 = walker.draft_plan()
    assert v2.version == 2 and v2.milestones.count() == 1
    walker.confirm_all(v2)
    v1.refresh_from_db()
    assert v1.status == ActionPlan.Status.SUPERSEDED


def test_editing_a_draft_withdraws_confirmations_given_to_the_old_text(walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    services.action_plan_confirm(plan=plan, user=walker.client)
    services.action_plan_update(
        plan=plan, user=walker.director, summary="Changed", milestones=[], commitments=[]
    )
    assert plan.confirmations.count() == 0


def test_the_database_allows_one_confirmation_per_party(walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    services.action_plan_confirm(plan=plan, user=walker.client)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanConfirmation.objects.create(plan=plan, party="client", user=walker.director)


def test_the_database_allows_one_selected_candidacy(walker):
    from assignments.models import Candidacy
    from tests.factories import ManagerFactory

    walker.to_audit()
    other = ManagerFactory(firms=[walker.a.firm]).user
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidacy.objects.create(assignment=walker.a, manager=other, status="selected")


def test_the_database_keeps_version_numbers_unique(walker):
    walker.to_audit()
    walker.submitted_report()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditReport.objects.create(assignment=walker.a, version=1, author=walker.manager)
