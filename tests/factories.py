"""factory-boy factories for the whole domain, and a Walker over the demo World."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from assignments import services
from assignments.demo.data import AGREED_DAY_RATE, Script
from assignments.demo.world import World
from assignments.drift import DIMENSIONS
from assignments.models import ActionPlan, Assignment, BriefItem, Candidacy, ClientCommitment, Flag
from assignments.models.closeout import (
    Achievement,
    ClientEvaluation,
    Closeout,
    CloseoutDimension,
    ManagerEvaluation,
)
from assignments.services import events
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
            # A new profile has no firms yet: add() writes them without reading the
            # current ones, which set() would do once per profile.
            obj.firms.add(*extracted)


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
            obj.firm.clients.add(obj.client)  # the firm works with this client
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
# The tests' own texts, which they look for on the pages.
TEST_SCRIPT = Script(
    brief=FULL_BRIEF,
    findings=FULL_FINDINGS,
    audit_summary="Audit.",
    plan_summary="The plan.",
    milestones=(("Diagnostic", "Manager", 7),),
    commitments=(("resources", "Two analysts", 10),),
)


def _quietly(cls):
    """Each step of the walk is back-story: it records no event notification (the tests of
    the events call the services themselves)."""
    for name, method in list(vars(cls).items()):
        if callable(method) and not name.startswith("__"):

            def step(*args, _method=method, **kwargs):
                with events.quiet():
                    return _method(*args, **kwargs)

            step.__name__, step.__doc__ = method.__name__, method.__doc__
            setattr(cls, name, step)
    return cls


@_quietly
class Walker:
    """Carries one assignment through its lifecycle: the demo's World, with the tests'
    script and audit reports submitted through the service (background work included)."""

    def __init__(self, assignment, manager):
        self.a = assignment
        self.director = assignment.director
        self.client = assignment.client_contact
        self.manager = manager
        self.world = World(
            director=self.director, client=self.client, script=TEST_SCRIPT, background=True
        )

    def fill_brief(self):
        self.world.fill_brief(self.a)

    def to_selection(self):
        self.world.to_selection(self.a)

    def ready_candidacy(self, manager=None, *, agree=True, present=True):
        return self.world.candidate(
            self.a,
            manager or self.manager,
            present=present,
            agree=AGREED_DAY_RATE if agree else None,
        )

    def to_audit(self):
        return self.world.to_audit(self.a, self.manager)

    def submitted_report(self, findings=None):
        report = self.world.audit_report(self.a, self.manager, findings=findings)
        return self.world.submit(report, self.manager)

    def to_action_plan(self):
        return self.world.to_action_plan(self.a, self.manager)

    def draft_plan(self):
        return self.world.plan(self.a, self.manager)

    def confirm_all(self, plan):
        return self.world.confirm_all(plan, self.manager)

    def to_in_progress(self):
        self.world.to_in_progress(self.a, self.manager)

    def to_realignment(self):
        self.world.to_realignment(self.a, self.manager, reason="Resources missing.")

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


# --- Close-outs, evaluations and the records they make ------------------------------------


class CandidacyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidacy

    assignment = factory.SubFactory(AssignmentFactory)
    manager = factory.LazyAttribute(lambda o: ManagerFactory(firms=[o.assignment.firm]).user)
    fit_rating = 4
    fit_rationale = "Has run this kind of turnaround before."


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    assignment = factory.SubFactory(AssignmentFactory)
    status = ActionPlan.Status.CONFIRMED
    created_by_id = factory.LazyAttribute(lambda o: o.assignment.director_id)


class ClientCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientCommitment

    plan = factory.SubFactory(ActionPlanFactory)
    description = factory.Sequence(lambda n: f"Promise {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class CloseoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closeout
        django_get_or_create = ("assignment",)

    assignment = factory.SubFactory(AssignmentFactory)
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class CloseoutDimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CloseoutDimension

    closeout = factory.SubFactory(CloseoutFactory)
    dimension = "objectives"
    result = Achievement.ACHIEVED


class ClientEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientEvaluation

    closeout = factory.SubFactory(CloseoutFactory)
    delivery = 4
    posture = 4
    would_engage_again = True
    by_id = factory.LazyAttribute(lambda o: o.closeout.assignment.client_contact_id)


class ManagerEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagerEvaluation

    closeout = factory.SubFactory(CloseoutFactory)
    commitments_kept = 4
    provider_support = 4
    by_id = factory.LazyAttribute(lambda o: o.closeout.assignment.interim_manager_id)


def walk_to_completed(walker, outcome="The plan was delivered."):
    """Walk the assignment to in_progress and complete it through the service; its
    close-out is the one completing opened, or a new one."""
    walker.walk_to("in_progress")
    with events.quiet():
        services.assignment_complete(assignment=walker.a, user=walker.director, outcome=outcome)
    walker.a.refresh_from_db()
    return CloseoutFactory(assignment=walker.a)
