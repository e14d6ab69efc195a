"""The demo world's data: organisations, people, and the texts written along the lifecycle."""

from dataclasses import dataclass

PASSWORD = "demo"  # noqa: S105 - documented demo sign-ins

# (name, country, reporting currency)
FIRMS = [("Meridian Interim", "FR", "EUR"), ("Northbridge Executive", "GB", "GBP")]
# The admins' rate table: (currency, quote currency, rate at the start of last month, rate
# at the start of this month), so that a total converted today and one converted at a lead's
# closing day can differ.
EXCHANGE_RATES = [
    ("GBP", "EUR", "1.1650", "1.1840"),
    ("EUR", "CHF", "0.9420", "0.9365"),
    ("USD", "EUR", "0.9210", "0.9085"),
]
CLIENTS = [
    ("Aurelia Foods", "Food manufacturing", "FR"),
    ("Castellan Logistics", "Logistics", "DE"),
]
SKILLS = [
    "Finance",
    "Turnaround",
    "Supply chain",
    "Operations",
    "Human resources",
    "IT & ERP",
    "Sales",
    "M&A",
    "Procurement",
    "Lean manufacturing",
]
# (email, name, firm index or None, role, extra)
PEOPLE = [
    ("admin@demo.test", "Alex Admin", None, "admin", {}),
    ("director@demo.test", "Claire Dubois", 0, "director", {}),
    ("marc.lefevre@demo.test", "Marc Lefèvre", 0, "director", {}),
    ("james.whitaker@demo.test", "James Whitaker", 1, "director", {}),
    (
        "manager@demo.test",
        "Thomas Berger",
        [0, 1],
        "manager",
        {
            "rate": "1450",
            "rate_max": "1700",
            "skills": ["Operations", "Turnaround", "Lean manufacturing"],
            "languages": "en, fr, de",
            "countries": "FR, DE, CH",
            "cv": "Twenty years in food and automotive plants; three turnarounds as COO, "
            "two of them through a merger. Lean black belt.",
        },
    ),
    (
        "sofia.marin@demo.test",
        "Sofia Marín",
        [0],
        "manager",
        {
            "rate": "1200",
            "rate_max": "1400",
            "skills": ["Supply chain", "Procurement"],
            "languages": "es, en, fr",
            "countries": "ES, FR",
            "cv": "Supply-chain director in retail and consumer goods; rebuilt two "
            "purchasing departments after carve-outs.",
        },
    ),
    (
        "elena.rossi@demo.test",
        "Elena Rossi",
        [0],
        "manager",
        {
            "rate": "1600",
            "rate_max": "1900",
            "skills": ["Finance", "M&A"],
            "languages": "it, en, fr",
            "countries": "IT, FR, BE",
            "cv": "CFO of listed and family-owned groups; refinancings, carve-outs and "
            "post-merger integrations.",
        },
    ),
    (
        "ravi.menon@demo.test",
        "Ravi Menon",
        [0, 1],
        "manager",
        {
            "rate": "1350",
            "currency": "GBP",
            "skills": ["IT & ERP", "Operations"],
            "languages": "en",
            "countries": "GB, DE",
            "cv": "CIO and programme director: four ERP roll-outs across Europe.",
        },
    ),
    (
        "hannah.kowalski@demo.test",
        "Hannah Kowalski",
        [1],
        "manager",
        {
            "rate": "1100",
            "skills": ["Human resources", "Sales"],
            "languages": "pl, en, de",
            "countries": "PL, DE, GB",
            "cv": "HR and sales leader in logistics; reorganisations with works councils.",
        },
    ),
    ("client@demo.test", "Isabelle Moreau", 0, "client", {"title": "Chief Executive"}),
    ("paul.girard@demo.test", "Paul Girard", 0, "client", {"title": "HR Director"}),
    ("katrin.vogel@demo.test", "Katrin Vogel", 1, "client", {"title": "Managing Director"}),
    ("jonas.weber@demo.test", "Jonas Weber", 1, "client", {"title": "CFO"}),
]

BRIEF = {
    "objectives": "Restore on-time delivery above 95% within six months.",
    "context": "Two plants, a recent merger, a works council that supports the plan.",
    "skills": "An operations leader with turnaround and lean experience.",
    "resources": "A dedicated project team of four and a consulting budget.",
    "expectations": "Monthly reporting to the board; a successor identified by month five.",
    "timeline": "Six months, starting within three weeks.",
}
FINDINGS = {
    "objectives": ("Delivery is at 78%; 95% in six months is ambitious but possible.", 1),
    "context": ("The merger is not digested: two cultures, two ERPs, a tense works council.", 2),
    "skills": ("Turnaround and lean are the right skills; change management matters more.", 0),
    "resources": ("The project team has one person, not four; no budget is released yet.", 3),
    "expectations": ("The board expects cost cuts the brief did not mention.", 2),
    "timeline": ("Six months holds if resources arrive by month one.", 1),
}
VETTING = {
    "fit_rating": 4,
    "fit_rationale": "Has led two comparable turnarounds in the sector.",
    "oversell_note": "Keen to start; checked that the scope is well understood.",
    "internal_notes": "Margin discussed internally; keep the firm's fee at 25%.",
}
AGREED_DAY_RATE = "1400"
# What an audit finds per dimension, at each gap level (0 aligned … 3 critical).
FINDING_TEXTS = {
    "objectives": (
        "The announced objectives are the ones the executive committee works to.",
        "The objectives hold; one target is more ambitious than the brief says.",
        "The board expects cost cuts as much as the announced objectives.",
        "The real objective is to prepare a sale, which the brief does not say.",
    ),
    "context": (
        "The context is as described: a stable team and a supportive works council.",
        "A recent reorganisation still weighs on two departments.",
        "The merger is not digested: two cultures, two ERPs, a tense works council.",
        "A social conflict is under way that nobody mentioned during the brief.",
    ),
    "skills": (
        "The skills requested are the ones the situation needs.",
        "The right skills; change management matters more than the brief says.",
        "The situation calls for restructuring experience the brief did not ask for.",
        "The role needs a different profile altogether: a negotiator with the banks.",
    ),
    "resources": (
        "The team and the budget announced are in place.",
        "One analyst of the team is still to be hired; the budget is there.",
        "Half the project team is missing and the budget is released quarter by quarter.",
        "The project team has one person, not four; no budget is released yet.",
    ),
    "expectations": (
        "The board's expectations match the brief.",
        "The board wants weekly rather than monthly reporting.",
        "The board expects savings the brief did not mention.",
        "The shareholders expect results within weeks, not months.",
    ),
    "timeline": (
        "The schedule holds.",
        "The schedule holds if the resources arrive by month one.",
        "The first milestone will slip by a month; the end date can hold.",
        "The schedule cannot hold: the end date needs six more months.",
    ),
}


def findings_at(levels):
    """An audit's findings at these gap levels, one per dimension in DIMENSIONS order."""
    return {
        d: (FINDING_TEXTS[d][level], level) for d, level in zip(FINDING_TEXTS, levels, strict=True)
    }


@dataclass(frozen=True)
class Meeting:
    """A held progress meeting of the demo's back-story."""

    summary: str
    levels: tuple  # gap level per dimension, in DIMENSIONS order
    workload: int
    strain: int
    opportunities: str = ""
    days_late: int = 0  # held this many days after its scheduled date


# Each hand-made assignment's audit levels and held meetings: different partnerships,
# different drifts (the drift of each is in the comment).
STORIES = {
    # 28: a few minor gaps, a significant one on resources.
    "plan": {"audit": (1, 0, 1, 2, 1, 0)},
    # 17, then 22 at the first meeting.
    "running": {
        "audit": (0, 1, 0, 1, 0, 1),
        "meetings": (
            Meeting(
                "ERP cut-over plan agreed with the IT steering committee; two analysts "
                "are still to be assigned.",
                (0, 1, 0, 2, 0, 1),
                3,
                2,
                "The CFO mentioned a need for an interim treasurer.",
            ),
        ),
    },
    # 56 with a critical gap on resources; the meetings drift further.
    "late": {
        "audit": (1, 2, 1, 3, 2, 1),
        "meetings": (
            Meeting(
                "Night shift reorganised; on-time delivery up from 78% to 84%.",
                (1, 1, 0, 2, 1, 1),
                4,
                3,
                "The group plans a second plant: a project director may be needed in spring.",
            ),
            Meeting(
                "Maintenance budget frozen by the group; two lines stopped for a week.",
                (2, 2, 1, 3, 2, 2),
                5,
                4,
                days_late=1,
            ),
        ),
    },
    # 67: the client's resources and expectations moved away from the plan.
    "realign": {
        "audit": (2, 2, 1, 3, 2, 2),
        "meetings": (
            Meeting(
                "Export budget frozen by the board; the distributor search is on hold.",
                (2, 1, 1, 3, 3, 2),
                4,
                4,
                "A subsidiary in Spain needs a turnaround manager.",
            ),
        ),
    },
    # 22, then better at each meeting.
    "done": {
        "audit": (0, 1, 1, 1, 1, 0),
        "meetings": (
            Meeting(
                "Three successor candidates interviewed with the family council.",
                (0, 1, 1, 1, 0, 0),
                3,
                2,
                "The HR director is leaving in June; an interim could bridge the search.",
                days_late=2,
            ),
            Meeting(
                "Successor chosen; handover plan signed by the family council.",
                (0, 0, 0, 1, 0, 0),
                2,
                1,
            ),
        ),
    },
    # The demo firm's closed back-stories (assignments.demo.closed).
    # 11, then aligned: the Dijon plant, a partnership that worked.
    "dijon": {
        "audit": (0, 0, 1, 1, 0, 0),
        "meetings": (
            Meeting(
                "Lean programme running on both lines; delivery at 91%.",
                (0, 0, 0, 1, 0, 0),
                3,
                2,
            ),
            Meeting(
                "Delivery at 96%; the successor shadows the manager.",
                (0, 0, 0, 0, 0, 0),
                2,
                1,
            ),
        ),
    },
    # 50, then worse: the Rennes site, being sold behind the brief.
    "rennes": {
        "audit": (1, 2, 0, 3, 2, 1),
        "meetings": (
            Meeting(
                "Half the promised team is missing; the group delays every investment.",
                (2, 3, 0, 3, 2, 2),
                5,
                4,
            ),
        ),
    },
    # 61: the purchasing programme, and a manager out of her depth.
    "purchasing": {
        "audit": (2, 1, 3, 2, 2, 1),
        "meetings": (
            Meeting(
                "Savings at 2% against 9%; direct-materials negotiations stalled.",
                (3, 1, 3, 2, 2, 2),
                4,
                4,
            ),
        ),
    },
    # 33: just under the threshold.
    "other": {
        "audit": (1, 1, 0, 1, 2, 1),
        "meetings": (
            Meeting(
                "Refinancing term sheet received from two banks; covenant talks next.",
                (1, 1, 0, 1, 1, 1),
                3,
                3,
            ),
        ),
    },
}


@dataclass(frozen=True)
class Script:
    """What a World writes that a reader looks for: the tests tell their own story."""

    brief: dict  # dimension → statement
    findings: dict  # dimension → (finding, gap level 0–3)
    audit_summary: str
    plan_summary: str
    milestones: tuple  # (title, owner, due in so many days)
    commitments: tuple  # (kind, description, due in so many days)


DEMO_SCRIPT = Script(
    brief=BRIEF,
    findings=FINDINGS,
    audit_summary="The real situation differs from the brief on resources and expectations.",
    plan_summary="Stabilise delivery in three months, then transform the organisation.",
    milestones=(
        ("Diagnostic shared with the executive committee", "Interim manager", 14),
        ("New organisation announced", "Client", 60),
    ),
    commitments=(
        ("resources", "Assign two full-time analysts to the project team", 10),
        ("means", "Release the consulting budget", 30),
    ),
)
