"""factory-boy factories for the whole domain, and helpers that walk the lifecycle."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import (
    Assignment,
    BriefItem,
    Candidacy,
    Flag,
)
from partners.models import (
    ClientContact,
    ClientOrganisation,
    DirectorProfile,
    ManagerProfile,
    ProviderFirm,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderFirm

    name = factory.Sequence(lambda n: f"Firm {n}")
    country = "FR"


class ClientOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientOrganisation

    name = factory.Sequence(lambda n: f"Client {n}")
    sector = "Industry"
    country = "DE"


class DirectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectorProfile

    user = factory.SubFactory(UserFactory)
    firm = factory.SubFactory(FirmFactory)


class ManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    day_rate = Decimal("1200.00")
    currency = "EUR"

    @factory.post_generation
    def firms(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.firms.set(extracted)


class ClientContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientContact

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(ClientOrganisationFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment in `brief`, with an empty brief item per dimension."""

    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Interim role {n}")
    firm = factory.SubFactory(FirmFactory)
    client = factory.SubFactory(ClientOrganisationFactory)
    director = factory.LazyAttribute(lambda o: DirectorFactory(firm=o.firm).user)
    client_contact = factory.LazyAttribute(
        lambda o: ClientContactFactory(organisation=o.client).user
    )

    @factory.post_generation
    def brief(obj, create, extracted, **kwargs):
        if create:
            BriefItem.objects.bulk_create(
                BriefItem(assignment=obj, dimension=d, statement=(extracted or {}).get(d, ""))
                for d in DIMENSIONS
            )


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    assignment = factory.SubFactory(AssignmentFactory)
    kind = Flag.Kind.FUSE_RISK
    key = factory.Sequence(lambda n: f"test:{n}")
    message = "Something needs attention."


FULL_BRIEF = {d: f"What the client announced about {d}." for d in DIMENSIONS}
FULL_FINDINGS = {d: (f"What the audit found about {d}.", 1) for d in DIMENSIONS}


class Walker:
    """Carries an assignment through its lifecycle with the real services."""

    def __init__(self, assignment, manager):
        self.a = assignment
        self.director = assignment.director
        self.client = assignment.client_contact
        self.manager = manager

    def fill_brief(self):
        services.brief_update(assignment=self.a, user=self.director, statements=FULL_BRIEF)

    def to_selection(self):
        self.fill_brief()
        services.assignment_open_selection(assignment=self.a, user=self.director)

    def ready_candidacy(self, manager=None, *, agree=True, present=True):
        manager = manager or self.manager
        c = services.candidacy_add(assignment=self.a, user=self.director, manager=manager)
        services.candidacy_vet(
            candidacy=c,
            user=self.director,
            **dict.fromkeys(Candidacy.VETTING_FIELDS, True),
            fit_rating=4,
            fit_rationale="Right experience.",
        )
        if present:
            services.candidacy_present(candidacy=c, user=self.director)
        if agree:
            services.negotiation_round_record(
                candidacy=c, user=self.director, offered_by="firm", day_rate="1300", agreed=True
            )
        c.refresh_from_db()
        return c

    def to_audit(self):
        self.to_selection()
        c = self.ready_candidacy()
        services.assignment_select_manager(assignment=self.a, user=self.client, candidacy=c)
        return c

    def submitted_report(self, findings=None):
        report = services.audit_report_start(assignment=self.a, user=self.manager)
        services.audit_report_update(
            report=report, user=self.manager, summary="Audit.", findings=findings or FULL_FINDINGS
        )
        return services.audit_report_submit(report=report, user=self.manager)

    def to_action_plan(self):
        self.to_audit()
        report = self.submitted_report()
        services.assignment_accept_audit(assignment=self.a, user=self.director, report=report)
        return report

    def draft_plan(self):
        plan = services.action_plan_draft(assignment=self.a, user=self.director)
        today = timezone.localdate()
        return services.action_plan_update(
            plan=plan,
            user=self.director,
            summary="The plan.",
            milestones=[
                {"title": "Diagnostic", "owner": "Manager", "due_date": today + timedelta(7)}
            ],
            commitments=[
                {"description": "Two analysts", "due_date": today + timedelta(10)},
            ],
        )

    def confirm_all(self, plan):
        for user in (self.client, self.manager, self.director):
            services.action_plan_confirm(plan=plan, user=user)
        plan.refresh_from_db()
        return plan

    def to_in_progress(self):
        self.to_action_plan()
        self.confirm_all(self.draft_plan())
        services.assignment_start_progress(assignment=self.a, user=self.director)

    def to_realignment(self):
        self.to_in_progress()
        services.assignment_start_realignment(
            assignment=self.a, user=self.director, reason="Resources missing."
        )

    def walk_to(self, state):
        steps = {
            "brief": lambda: None,
            "selection": self.to_selection,
            "audit": self.to_audit,
            "action_plan": self.to_action_plan,
            "in_progress": self.to_in_progress,
            "realignment": self.to_realignment,
        }
        steps[state]()
        self.a.refresh_from_db()
        return self.a
