"""Random bad input, property by property.

Every form and every transition address of the web app, posted hundreds of random payloads
by the party allowed to use it (control characters, NUL bytes, very long strings, unicode,
HTML, numbers out of range, impossible dates, missing fields, unknown choices, ids of other
assignments' rows): never a 500, and a request that is refused (4xx, a form back with its
errors, or a redirect with an error message) changes no row. Every page, with a random
query string: never a 500. Each example runs in a savepoint rolled back after it, so every
one starts from the same world.

Then HTML typed into every text field is shown escaped on every party's pages, in the
e-mails' HTML part and in Django admin."""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assignments import services
from assignments.constants import (
    Delivery,
    Dimension,
    FlagKind,
    GapLevel,
    NotificationKind,
    State,
)
from assignments.models import (
    Candidacy,
    ClientCommitment,
    Milestone,
    NegotiationRound,
    Notification,
    Opportunity,
    ProgressMeeting,
)
from assignments.services.calendar import calendar_feed_create, calendar_feed_mark_read
from assignments.services.notifications import notification_email
from partners.models import Skill
from tests.factories import AssignmentFactory, FlagFactory, Walker

# --- What is posted -------------------------------------------------------------------------

PAYLOAD = "<script>alert(1)</script><b>x</b>"
ODD_TEXTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 3,
    "\r\n\t\x0b\x0c\x1b\x7f",
    PAYLOAD,
    "'\"><img src=x onerror=alert(1)>",
    "{{ 7|add:7 }}{% debug %}",
    "²",
    "١٢٣",
    "\u202egnp.exe",
    "\ufeff",
    "😀" * 50,
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "-Infinity",
    "1,5",
    "None",
    "../../etc/passwd",
]
# Everything but lone surrogates, which no browser can send as UTF-8.
CHARACTERS = st.characters(exclude_categories=("Cs",))
texts = st.one_of(
    st.sampled_from(ODD_TEXTS),
    st.text(CHARACTERS, max_size=40),
    st.builds(
        lambda s, n: s * n, st.sampled_from(["x", "ü", "\x00", "<", " "]), st.integers(150, 6000)
    ),
)


def choices(valid):
    """A valid choice most of the time, anything else otherwise."""
    return st.one_of(st.sampled_from([str(v) for v in valid]), texts)


def integers(low, high):
    return st.one_of(
        st.integers(low, high).map(str),
        st.integers(-(2**80), 2**80).map(str),
        texts,
    )


def dates():
    today = timezone.localdate()
    return st.one_of(
        st.dates(today - datetime.timedelta(days=60), today + datetime.timedelta(days=400)).map(
            datetime.date.isoformat
        ),
        st.dates().map(datetime.date.isoformat),
        st.sampled_from(
            ["2026-02-30", "2025-02-29", "2026-13-01", "0000-01-01", "10000-01-01", "31/31/31"]
        ),
        texts,
    )


def decimals():
    return st.one_of(
        st.decimals(Decimal("-100"), Decimal("100000"), places=2).map(str),
        st.sampled_from(["0", "-0.01", "9999999.99", "10000000", "1e-309", "Infinity"]),
        texts,
    )


booleans = st.sampled_from(["on", "true", "1", "", "off", "false", "\x00"])


def ids(pool):
    """Row ids: the form's own, other assignments', none at all, or garbage."""
    return st.one_of(st.sampled_from([str(i) for i in pool]), integers(-2, 2**31), texts)


def several(values):
    """One value, or several for the same field (a form reads the last)."""
    return st.one_of(values, st.lists(values, min_size=2, max_size=3))


def payloads(valid, fields):
    """A valid payload with any of its fields replaced by odd values or dropped, and
    sometimes a field nobody asked for."""
    return st.builds(
        lambda over, drop, extra: {
            k: v for k, v in {**valid, **over, **extra}.items() if k not in drop
        },
        st.fixed_dictionaries({}, optional={k: several(v) for k, v in fields.items()}),
        st.sets(st.sampled_from(sorted(fields) or [""]), max_size=3),
        st.dictionaries(st.text(CHARACTERS, max_size=12), texts, max_size=1),
    )


# --- Checking one request ---------------------------------------------------------------------

EXAMPLES = {}


def snapshot():
    """Every row of the two apps, as tuples: a refused request leaves it as it was."""
    rows = {}
    for label in ("assignments", "partners"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return rows


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def refused(response):
    """A 4xx, a form shown again with its errors, or a redirect with an error message."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200:
        contexts = response.context if isinstance(response.context, list) else [response.context]
        values = [v for c in contexts if c is not None for v in c.flatten().values()]
        return any(
            (isinstance(v, BaseForm) and v.errors)
            or (isinstance(v, BaseFormSet) and v.total_error_count())
            for v in values
        )
    return any(m.level == messages.ERROR for m in get_messages(response.wsgi_request))


def signed_in(users):
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def post_family(family, clients, endpoints):
    """Post random payloads to the family's endpoints: (role, url, valid, fields) each,
    and the models a refused request still writes on purpose, if any."""
    cases = st.sampled_from(endpoints).flatmap(
        lambda e: st.tuples(st.just(e), payloads(e[2], e[3]))
    )

    def kept(rows, keeps):
        return {label: r for label, r in rows.items() if label not in keeps}

    # Every example starts from this world: its own writes are rolled back after it.
    world = snapshot()

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(cases)
    def check(case):
        (role, url, _, _, *keeps), data = case
        keeps = set(keeps[0]) if keeps else set()
        client = clients[role]
        client.cookies.pop("messages", None)  # each answer's messages alone
        with rolled_back():
            response = client.post(url, data)
            assert response.status_code < 500, (url, data)
            if refused(response):
                after = snapshot()
                assert kept(after, keeps) == kept(world, keeps), (url, data, response.status_code)
        EXAMPLES[family] = EXAMPLES.get(family, 0) + 1

    check()
    print(f"{family}: {EXAMPLES[family]} examples")


def pool(*querysets):
    return sorted({pk for qs in querysets for pk in qs.values_list("pk", flat=True)})


# --- Worlds -------------------------------------------------------------------------------------


def walked(cast, manager, state, **kwargs):
    a = AssignmentFactory(
        firm=cast["director"].director_profile.firm,
        director=cast["director"],
        client=cast["client"].client_profile.organisation,
        client_contact=cast["client"],
        **kwargs,
    )
    walker = Walker(a, manager)
    walker.walk_to(state)
    a.refresh_from_db()
    return walker, a


TRANSITION_TEXT = {"comment": texts, "seen_state": choices(State.values)}


# --- Posting families ---------------------------------------------------------------------------


def test_transitions_never_answer_500_nor_half_write(cast, manager):
    full_brief = dict.fromkeys(Dimension.values, "Announced.")
    _, briefed = walked(cast, manager, "brief", brief=full_brief)
    selection, selecting = walked(cast, manager, "selection")
    chosen = selection.ready_candidacy()
    audit, auditing = walked(cast, manager, "audit")
    report = audit.submitted_report()
    _, running = walked(cast, manager, "in_progress")
    other = AssignmentFactory()
    rows = pool(Candidacy.objects.all(), auditing.audit_reports.all(), other.brief_items.all())
    names = [*services.TRANSITION_SERVICES, "nope", "save", "__init__", "x" * 300]

    def at(a, name, role="director", **valid):
        url = reverse("assignments:transition", args=[a.pk, name])
        fields = {**TRANSITION_TEXT, "candidacy": ids(rows), "report": ids(rows)}
        fields |= {"reason": texts, "outcome": texts}
        return (role, url, {"seen_state": a.state, **valid}, fields)

    endpoints = [
        at(briefed, "open_selection"),
        at(selecting, "select_manager", "client", candidacy=str(chosen.pk)),
        at(auditing, "accept_audit", report=str(report.pk)),
        at(running, "start_realignment", reason="Resources missing."),
        at(running, "complete", outcome="Delivered."),
        at(running, "cancel", reason="Stopped."),
        *(at(a, name) for a in (selecting, running) for name in names),
    ]
    post_family("transitions", signed_in(cast), endpoints)


def test_brief_and_new_assignments_never_answer_500_nor_half_write(cast, manager, assignment):
    contacts = pool(cast["client"].__class__.objects.all())
    brief = {"summary": "The request."} | dict.fromkeys(Dimension.values, "Announced.")
    endpoints = [
        (
            "director",
            reverse("assignments:brief", args=[assignment.pk]),
            brief,
            dict.fromkeys(brief, texts),
        ),
        (
            "director",
            reverse("assignments:create"),
            {
                "title": "A role",
                "client_contact": str(cast["client"].pk),
                "summary": "Asked.",
                "review_cadence_days": "28",
            },
            {
                "title": texts,
                "client_contact": ids(contacts),
                "summary": texts,
                "review_cadence_days": integers(-5, 400),
            },
        ),
        (
            "director",
            reverse("firm_clients"),
            {"name": "Acme", "sector": "Steel", "country": "FR"},
            {"name": texts, "sector": texts, "country": choices(["FR", "de", "ZZ", "FRA"])},
        ),
    ]
    post_family("brief and new assignment", signed_in(cast), endpoints)


def test_selection_forms_never_answer_500_nor_half_write(cast, manager, other_manager):
    walker, a = walked(cast, manager, "selection")
    presented = walker.ready_candidacy()
    shortlisted = walker.world.candidate(a, other_manager, vet=False)
    extra = walked(cast, manager, "brief")[1]
    rows = pool(Candidacy.objects.all(), type(manager).objects.all(), extra.brief_items)
    vetting = dict.fromkeys(Candidacy.VETTING_FIELDS, "on") | {
        "fit_rating": "4",
        "fit_rationale": "Fits.",
        "oversell_note": "",
        "internal_notes": "",
        "proposed_day_rate": "1200.00",
        "currency": "EUR",
    }
    vetting_fields = dict.fromkeys(Candidacy.VETTING_FIELDS, booleans) | {
        "fit_rating": integers(0, 6),
        "fit_rationale": texts,
        "oversell_note": texts,
        "internal_notes": texts,
        "proposed_day_rate": decimals(),
        "currency": choices(["EUR", " eur", "usd", "XXX", "EURO", "€"]),
    }
    shortlist = reverse("assignments:candidacy_add", args=[a.pk])
    endpoints = [
        ("director", shortlist, {"manager": str(other_manager.pk)}, {"manager": ids(rows)})
    ]
    for c in (presented, shortlisted):
        args = [a.pk, c.pk]
        endpoints += [
            ("director", reverse("assignments:candidacy_vet", args=args), vetting, vetting_fields),
            (
                "director",
                reverse("assignments:candidacy_present", args=args),
                {"justification": "Needed."},
                {"justification": texts},
            ),
            (
                "director",
                reverse("assignments:negotiation_round", args=args),
                {"offered_by": "firm", "day_rate": "1100", "note": "", "agreed": ""},
                {
                    "offered_by": choices(NegotiationRound.Side.values),
                    "day_rate": decimals(),
                    "note": texts,
                    "agreed": booleans,
                },
            ),
        ]
    post_family("selection", signed_in(cast), endpoints)


def test_audit_forms_never_answer_500_nor_half_write(cast, manager):
    writing, drafting = walked(cast, manager, "audit")
    draft = writing.world.audit_report(drafting, manager)
    reviewing, reviewed = walked(cast, manager, "audit")
    submitted = reviewing.submitted_report()
    audit = {"summary": "Found."} | {
        f"{d}_{part}": value
        for d in Dimension.values
        for part, value in (("finding", "Seen."), ("level", "1"))
    }
    audit_fields = {k: texts for k in audit if not k.endswith("_level")} | {
        k: choices([*GapLevel.values, 4, -1]) for k in audit if k.endswith("_level")
    }
    endpoints = [
        (
            "manager",
            reverse("assignments:audit_edit", args=[drafting.pk, draft.pk]),
            audit,
            audit_fields,
        ),
        (
            "manager",
            reverse("assignments:audit_edit", args=[drafting.pk, draft.pk]),
            audit | {"submit": "1"},
            audit_fields | {"submit": texts},
            # A refused submit keeps what was typed as the draft (the report stays a draft).
            {"assignments.AuditFinding", "assignments.AuditReport"},
        ),
        (
            "director",
            reverse("assignments:audit_return", args=[reviewed.pk, submitted.pk]),
            {"comment": "Revise the context."},
            {"comment": texts},
        ),
        ("manager", reverse("assignments:audit_start", args=[reviewed.pk]), {}, {}),
    ]
    post_family("audit", signed_in(cast), endpoints)


def plan_rows(prefix, row):
    return {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"} | {
        f"{prefix}-0-{k}": v for k, v in row.items()
    }


def test_plan_forms_never_answer_500_nor_half_write(cast, manager):
    walker, a = walked(cast, manager, "action_plan")
    plan = walker.draft_plan()
    _, running = walked(cast, manager, "in_progress")
    commitment = running.action_plans.get().commitments.get()
    soon = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    milestone = {"title": "Diagnostic", "owner": "Manager", "due_date": soon, "status": "planned"}
    promise = {"kind": "resources", "description": "Two analysts", "due_date": soon}
    valid = (
        {"summary": "The plan."}
        | plan_rows("milestones", milestone)
        | plan_rows("commitments", promise)
    )
    fields = {"summary": texts}
    for prefix in ("milestones", "commitments"):
        fields[f"{prefix}-TOTAL_FORMS"] = integers(0, 3)
        fields[f"{prefix}-INITIAL_FORMS"] = integers(0, 3)
        for n in (0, 1):
            fields[f"{prefix}-{n}-due_date"] = dates()
            fields[f"{prefix}-{n}-DELETE"] = booleans
    for n in (0, 1):
        fields |= {
            f"milestones-{n}-title": texts,
            f"milestones-{n}-owner": texts,
            f"milestones-{n}-status": choices(Milestone.Status.values),
            f"commitments-{n}-kind": choices(ClientCommitment.Kind.values),
            f"commitments-{n}-description": texts,
        }
    endpoints = [
        ("manager", reverse("assignments:plan_edit", args=[a.pk, plan.pk]), valid, fields),
        ("director", reverse("assignments:plan_edit", args=[a.pk, plan.pk]), valid, fields),
        ("client", reverse("assignments:plan_confirm", args=[a.pk, plan.pk]), {}, {}),
        ("director", reverse("assignments:plan_new", args=[a.pk]), {}, {}),
        (
            "client",
            reverse("assignments:commitment_delivered", args=[running.pk, commitment.pk]),
            {"delivered_on": timezone.localdate().isoformat()},
            {"delivered_on": dates()},
        ),
    ]
    post_family("plan", signed_in(cast), endpoints)


def test_meeting_forms_never_answer_500_nor_half_write(cast, manager):
    _, a = walked(cast, manager, "in_progress")
    meeting = a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    record = {
        "held_on": timezone.localdate().isoformat(),
        "summary": "Met.",
        "manager_workload": "3",
        "manager_strain": "2",
    } | {f"rating_{d}": "1" for d in Dimension.values}
    texts_fields = (
        "summary",
        "milestone_progress",
        "commitments_review",
        "direction_changes",
        "realignment_actions",
        "opportunities",
    )
    record_fields = dict.fromkeys(texts_fields, texts) | {
        "held_on": dates(),
        "manager_workload": integers(0, 6),
        "manager_strain": integers(0, 6),
    }
    record_fields |= {f"rating_{d}": choices([*GapLevel.values, 4]) for d in Dimension.values}
    endpoints = [
        (
            "director",
            reverse("assignments:meeting_record", args=[a.pk, meeting.pk]),
            record,
            record_fields,
        ),
        (
            "manager",
            reverse("assignments:meeting_record", args=[a.pk, meeting.pk]),
            record,
            record_fields,
        ),
        (
            "director",
            reverse("assignments:meeting_schedule", args=[a.pk]),
            {
                "scheduled_for": (timezone.localdate() + datetime.timedelta(days=9)).isoformat(),
                "starts_at": "10:00",
                "duration_minutes": "60",
            },
            {
                "scheduled_for": dates(),
                "starts_at": st.one_of(st.sampled_from(["09:30", "23:59", "24:00", "7"]), texts),
                "duration_minutes": integers(0, 700),
            },
        ),
        ("director", reverse("assignments:meeting_missed", args=[a.pk, meeting.pk]), {}, {}),
    ]
    post_family("meetings", signed_in(cast), endpoints)


def test_flags_channel_and_notification_forms_never_answer_500_nor_half_write(cast, manager):
    _, a = walked(cast, manager, "in_progress")
    fuse = FlagFactory(assignment=a, kind=FlagKind.FUSE_RISK, key="fuse:test")
    strain = FlagFactory(assignment=a, kind=FlagKind.MANAGER_STRAIN, key="strain:test")
    note = Notification.objects.create(
        recipient=cast["director"], assignment=a, key="t:1", subject="S", body="B", url="/"
    )
    channel = reverse("assignments:channel", args=[a.pk])
    note_fields = {"body": texts, "needs_support": booleans, "strain": integers(0, 6)}
    kinds = {kind.value: choices([*Delivery.values, "never"]) for kind in NotificationKind}
    endpoints = [
        *(
            (
                "director",
                reverse("assignments:flag_resolve", args=[a.pk, flag.pk]),
                {"comment": "Resolved with the client."},
                {"comment": texts},
            )
            for flag in (fuse, strain)
        ),
        ("director", channel, {"body": "Hello."}, note_fields),
        ("manager", channel, {"body": "Hello.", "strain": "4"}, note_fields),
        ("director", reverse("notifications:settings"), {}, kinds),
        ("director", reverse("notifications:read", args=[note.pk]), {"follow": "1"}, {}),
        ("director", reverse("notifications:read_all"), {}, {}),
        (
            "director",
            reverse("switch_role"),
            {"role": "director"},
            {"role": choices(["director", "manager", "client", "admin", "emperor"])},
        ),
        ("director", reverse("firm_client_remove", args=[a.client_id]), {}, {}),
    ]
    post_family("flags, channel and notifications", signed_in(cast), endpoints)


def test_pool_forms_never_answer_500_nor_half_write(cast, manager):
    skills = [Skill.objects.create(name=name).pk for name in ("Lean", "Treasury")]
    codes = ["en, fr", " EN;de ", "english", "xx", "fr,,fr"]
    countries = ["FR, BE", "fr be", "France", "ZZ", "FRA"]
    currencies = ["EUR", " chf", "XTS", "EURO", ""]
    endpoints = [
        (
            "director",
            reverse("manager_add"),
            {"email": "nina.new@example.test", "full_name": "Nina New", "day_rate": "1100"}
            | {"currency": "EUR"},
            {
                "email": choices([manager.email, manager.email.upper(), "not-an-e-mail"]),
                "full_name": texts,
                "day_rate": decimals(),
                "currency": choices(currencies),
            },
        ),
        (
            "director",
            reverse("manager_edit", args=[manager.pk]),
            {"headline": "CFO", "languages": "en", "countries": "FR", "day_rate": "1100"}
            | {"day_rate_max": "1400", "currency": "EUR", "skills": str(skills[0])},
            {
                "headline": texts,
                "cv_summary": texts,
                "skills": several(ids(skills)),
                "new_skills": texts,
                "languages": choices(codes),
                "countries": choices(countries),
                "day_rate": decimals(),
                "day_rate_max": decimals(),
                "currency": choices(currencies),
                "available_from": dates(),
            },
        ),
        ("director", reverse("manager_remove", args=[manager.pk]), {}, {}),
    ]
    post_family("manager pool", signed_in(cast), endpoints)


# --- Every page, any query string ---------------------------------------------------------------

QUERY_KEYS = ["q", "state", "client", "manager", "director", "flag", "sort", "page", "unread"]
QUERY_KEYS += ["follow", "next", "o", "p", "e", "all", "_changelist_filters", "state__exact"]
QUERY_KEYS += ["skill", "language", "country", "available_by"]
RAW_QUERIES = [
    "q=%00",
    "q=a%00b",
    "client=%C2%B2",
    "page=%C2%B2",
    "page=99999999999999999999999999",
    "director=99999999999999999999999999",
    "page=-1",
    "o=99&p=99999999999",
    "q=%C0%80",  # overlong UTF-8
    "q=%FF%FE",
    "%",
    "%ZZ=%ZZ",
    "&&=&",
    "state__exact=%00&o=-1.-2",
]
queries = st.one_of(
    st.sampled_from(RAW_QUERIES),
    st.lists(
        st.tuples(
            st.one_of(st.sampled_from(QUERY_KEYS), st.text(CHARACTERS, max_size=8)),
            st.one_of(texts, integers(-2, 10**6)),
        ),
        max_size=4,
    ).map(urlencode),
)


def admin_urls():
    from django.contrib import admin

    urls = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


def test_every_page_answers_any_query_string_without_500(cast, manager):
    _, a = walked(cast, manager, "in_progress")
    plan = a.action_plans.get()
    flag = FlagFactory(assignment=a, kind=FlagKind.FUSE_RISK, key="fuse:test")
    # A calendar feed read just now: read again within the hour, it writes nothing.
    feed = calendar_feed_create(user=cast["director"])
    calendar_feed_mark_read(feed=feed)
    ids = {
        "pk": a.pk,
        "candidacy_id": a.candidacies.get().pk,
        "report_id": a.audit_reports.get().pk,
        "plan_id": plan.pk,
        "commitment_id": plan.commitments.get().pk,
        "meeting_id": a.meetings.get().pk,
        "flag_id": flag.pk,
        "organisation_id": a.client_id,
        "opportunity_id": Opportunity.objects.create(
            firm=a.firm, client=a.client, description="A lead.", owner=a.director
        ).pk,
        "notification_id": Notification.objects.create(
            recipient=cast["director"], assignment=a, key="t:1", subject="S", body="B", url="/"
        ).pk,
        "manager_id": a.interim_manager_id,
        "uidb64": "MQ",
        "token": feed.token,
        "name": "complete",
    }
    from tests.web.test_access_matrix import TABLE

    pages = []
    for name, (_, params, _) in TABLE.items():
        if name == "logout":
            continue
        url = reverse(name, kwargs={p: ids[p] for p in params})
        pages += [(role, url) for role in ("director", "manager", "client", "other_director")]
    pages += [("admin", url) for url in admin_urls()]
    clients = signed_in(cast)
    world = snapshot()
    # The searches and pages of Django admin, each with what PostgreSQL refuses to hold.
    for url in admin_urls():
        if url.endswith("/change/"):
            continue
        for query in ("q=%00&p=99999999999&o=-1.-2", "q=%C0%80&e=1"):
            response = clients["admin"].get(f"{url}?{query}")
            assert response.status_code < 500, (url, query)

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(pages), queries)
    def check(page, query):
        role, url = page
        with rolled_back():
            response = clients[role].get(f"{url}?{query}")
            assert response.status_code < 500, (role, url, query)
            assert snapshot() == world, (role, url, query)
        EXAMPLES["pages"] = EXAMPLES.get("pages", 0) + 1

    check()
    print(f"pages: {EXAMPLES['pages']} examples over {len(pages)} addresses")


# --- HTML is shown escaped --------------------------------------------------------------------


def marked(field):
    return f"<script>alert(1)</script><b>{field}</b>"


def test_html_in_every_text_field_is_escaped_on_pages_emails_and_admin(
    cast, manager, other_manager
):
    from django.utils.html import escape

    from assignments.demo.data import Script

    director, client_user = cast["director"], cast["client"]
    firm = director.director_profile.firm
    organisation = client_user.client_profile.organisation
    script = Script(
        brief={d: marked(f"brief-{d}") for d in Dimension.values},
        findings={d: (marked(f"finding-{d}"), 1) for d in Dimension.values},
        audit_summary=marked("audit-summary"),
        plan_summary=marked("plan-summary"),
        milestones=((marked("milestone-title"), marked("milestone-owner"), 7),),
        commitments=(("resources", marked("commitment"), 10),),
    )

    def created(title):
        return services.assignment_create(
            user=director,
            firm=firm,
            client=organisation,
            client_contact=client_user,
            title=marked(title),
            summary=marked(f"{title}-summary"),
        )

    a = created("title")
    walker = Walker(a, manager)
    walker.world.script = script
    walker.to_in_progress()
    a.refresh_from_db()
    meeting = a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)
    services.meeting_record(
        meeting=meeting,
        user=director,
        held_on=timezone.localdate(),
        ratings=dict.fromkeys(Dimension.values, 1),
        summary=marked("meeting-summary"),
        milestone_progress=marked("meeting-milestones"),
        commitments_review=marked("meeting-commitments"),
        manager_workload=3,
        manager_strain=2,
        direction_changes=marked("meeting-direction"),
        realignment_actions=marked("meeting-realignment"),
        opportunities=marked("meeting-opportunities"),
    )
    services.channel_note_post(assignment=a, user=director, body=marked("note-director"))
    services.channel_note_post(assignment=a, user=manager, body=marked("note-manager"))
    flag = FlagFactory(assignment=a, kind=FlagKind.FUSE_RISK, key="fuse:test")
    services.flag_resolve(flag=flag, user=director, comment=marked("flag-resolution"))
    services.assignment_start_realignment(
        assignment=a, user=director, reason=marked("realignment-reason"), comment=marked("comment")
    )

    # Selection texts, on an assignment still choosing.
    choosing = created("choosing")
    Walker(choosing, manager).to_selection()
    c = services.candidacy_add(assignment=choosing, user=director, manager=other_manager)
    services.candidacy_vet(
        candidacy=c,
        user=director,
        **dict.fromkeys(Candidacy.VETTING_FIELDS, True),
        fit_rating=2,
        fit_rationale=marked("fit-rationale"),
        oversell_note=marked("oversell-note"),
        internal_notes=marked("internal-notes"),
        proposed_day_rate=Decimal("1200"),
        currency="EUR",
    )
    services.candidacy_present(candidacy=c, user=director, justification=marked("justification"))
    services.negotiation_round_record(
        candidacy=c, user=director, offered_by="firm", day_rate="1300", note=marked("offer-note")
    )
    # Closed assignments show their outcome and reason.
    done = created("done")
    Walker(done, manager).to_in_progress()
    services.assignment_complete(assignment=done, user=director, outcome=marked("outcome"))
    stopped = created("stopped")
    services.assignment_cancel(assignment=stopped, user=director, reason=marked("cancel-reason"))

    raw = ("<script>alert(1)", "</script><b>")
    shown = ""
    clients = signed_in(cast)
    for role in ("director", "manager", "client", "admin"):
        urls = ["/", reverse("assignments:list"), reverse("notifications:list")]
        for x in (a, choosing, done, stopped):
            urls += [x.get_absolute_url(), reverse("assignments:channel", args=[x.pk])]
        if role == "admin":
            urls += admin_urls()
            for model in (type(a), type(c), type(flag), type(meeting)):
                info = (model._meta.app_label, model._meta.model_name)
                urls += [
                    reverse("admin:{}_{}_change".format(*info), args=[pk])
                    for pk in model.objects.values_list("pk", flat=True)
                ]
        for url in urls:
            response = clients[role].get(url)
            if response.status_code != 200:
                continue
            page = response.content.decode()
            for bad in raw:
                assert bad not in page, (role, url, page[page.index(bad) - 200 :][:400])
            shown += page

    emails = [notification_email(n) for n in Notification.objects.all()]
    assert emails
    for email in emails:
        (alternative, mimetype) = email.alternatives[0]
        assert mimetype == "text/html"
        for bad in raw:
            assert bad not in alternative, email.subject
        shown += alternative
        # The text part is not HTML: it carries the text as typed, never entity-mangled.
        assert "&lt;" not in email.body, email.body

    fields = [f"brief-{d}" for d in Dimension.values] + [f"finding-{d}" for d in Dimension.values]
    fields += ["title", "title-summary", "audit-summary", "plan-summary", "milestone-title"]
    fields += ["milestone-owner", "commitment", "meeting-summary", "meeting-milestones"]
    fields += ["meeting-commitments", "meeting-direction", "meeting-realignment"]
    fields += ["meeting-opportunities", "note-director", "note-manager", "flag-resolution"]
    fields += ["realignment-reason", "comment", "fit-rationale", "oversell-note"]
    fields += ["internal-notes", "justification", "offer-note", "outcome", "cancel-reason"]
    fields += ["choosing", "done", "stopped"]
    missing = [f for f in fields if escape(marked(f)) not in shown]
    assert not missing, missing
