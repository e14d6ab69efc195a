"""The demo world's data: organisations, people, and the texts written along the lifecycle."""

from dataclasses import dataclass

PASSWORD = "demo"  # noqa: S105 - documented demo sign-ins

FIRMS = [("Meridian Interim", "FR"), ("Northbridge Executive", "GB")]
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
        {"rate": "1450", "skills": ["Operations", "Turnaround", "Lean manufacturing"]},
    ),
    (
        "sofia.marin@demo.test",
        "Sofia Marín",
        [0],
        "manager",
        {"rate": "1200", "skills": ["Supply chain", "Procurement"]},
    ),
    (
        "elena.rossi@demo.test",
        "Elena Rossi",
        [0],
        "manager",
        {"rate": "1600", "skills": ["Finance", "M&A"]},
    ),
    (
        "ravi.menon@demo.test",
        "Ravi Menon",
        [0, 1],
        "manager",
        {"rate": "1350", "skills": ["IT & ERP", "Operations"]},
    ),
    (
        "hannah.kowalski@demo.test",
        "Hannah Kowalski",
        [1],
        "manager",
        {"rate": "1100", "skills": ["Human resources", "Sales"]},
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
MEETING_SUMMARIES = [
    "Diagnostic shared; the committee backs the plan. One analyst still missing.",
    "Milestones on track; the consulting budget is not released yet.",
]
# The gap level of each dimension at the first held meeting; it worsens by one a meeting.
MEETING_LEVELS = [1, 1, 0, 2, 1, 0]
OPPORTUNITIES = [
    "The CFO mentioned a need for an interim treasurer.",
    "The group plans a second plant: a project director may be needed in spring.",
    "The HR director is leaving in June; an interim could bridge the search.",
    "A subsidiary in Spain needs a turnaround manager.",
]


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
