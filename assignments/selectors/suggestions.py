"""The second opinion on an audit report's gap levels: the engine's suggested level for
each dimension, from the brief's statement and the report's finding.

A hint only: nothing here writes, and the levels, the drift and the flags stay the
manager's. The six pairs go to the engine at once and the answer is cached under the
report and a hash of its texts (a saved draft with new words gets a new answer), in the
reader's language (the reasons are sentences). No queries of its own: the brief's items
and the report's findings are prefetched by the callers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from interim.caching import cached

from .. import suggestions as engine
from ..constants import GapLevel
from ..models import Assignment, AuditReport, Dimension

# The two levels differ enough for the hint to be worth the reader's attention.
HINT_DISTANCE = 2
# The key holds the texts' hash, so an old answer is never served for new words.
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class DimensionSuggestion:
    dimension: str
    label: str
    chosen: int | None
    suggested_level: int
    level_label: str
    similarity: float
    reason: str

    @property
    def differs(self) -> bool:
        """Two levels or more from the manager's: shown as a hint beside it."""
        return self.chosen is not None and abs(self.suggested_level - self.chosen) >= HINT_DISTANCE

    def as_json(self) -> dict[str, Any]:
        return {
            "suggested_level": self.suggested_level,
            "similarity": self.similarity,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ReportSuggestions:
    available: bool
    dimensions: dict[str, DimensionSuggestion] = field(default_factory=dict)


def _pairs(assignment: Assignment, report: AuditReport) -> dict[str, tuple[str, str]]:
    brief = {i.dimension: i.statement for i in assignment.brief_items.all()}
    found = {f.dimension: f.finding for f in report.findings.all()}
    return {
        d: (brief[d], found[d])
        for d in Dimension.values
        if (brief.get(d) or "").strip() and (found.get(d) or "").strip()
    }


def _key(report: AuditReport, pairs: dict[str, tuple[str, str]]) -> str:
    # The engine's version too: a new calibration never serves the old answers.
    words = json.dumps([engine.VERSION, pairs], sort_keys=True)
    digest = hashlib.sha256(words.encode()).hexdigest()[:32]
    return f"interim:suggestions:{report.pk}:{get_language() or ''}:{digest}"


def _computed(pairs: dict[str, tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """The engine's answers as plain values (what the cache keeps)."""
    found = engine.suggest_many(pairs) if pairs else {}
    return {
        d: {
            "suggested_level": int(s.suggested_level),
            "similarity": round(float(s.similarity), 3),
            "reason": str(s.reason),
        }
        for d, s in found.items()
        if s is not None
    }


def report_suggestions(assignment: Assignment, report: AuditReport) -> ReportSuggestions:
    """The suggested level of each dimension the brief and the report both speak of, or
    `available=False` when this installation has no engine. Ask
    `access.can_see_gap_suggestions` first."""
    if not engine.engine_available():
        return ReportSuggestions(available=False)
    pairs = _pairs(assignment, report)
    answers = cached(_key(report, pairs), lambda: _computed(pairs), CACHE_SECONDS)
    chosen = {f.dimension: f.gap_level for f in report.findings.all()}
    labels = dict(Dimension.choices)
    return ReportSuggestions(
        available=True,
        dimensions={
            d: DimensionSuggestion(
                dimension=d,
                label=str(labels[d]),
                chosen=chosen.get(d),
                suggested_level=answer["suggested_level"],
                level_label=str(GapLevel(answer["suggested_level"]).label),
                similarity=answer["similarity"],
                reason=answer["reason"],
            )
            for d in Dimension.values
            if (answer := answers.get(d)) is not None
        },
    )


def dimension_suggestion(
    assignment: Assignment, dimension: str, finding: str, chosen: int | None
) -> DimensionSuggestion | None:
    """The suggested level of one dimension for a finding being typed (not saved yet), or
    None when there is no engine or nothing to compare. Ask
    `access.can_see_gap_suggestions` first."""
    if not engine.engine_available():
        return None
    brief = {i.dimension: i.statement for i in assignment.brief_items.all()}
    found = engine.suggest(brief.get(dimension) or "", finding)
    if found is None:
        return None
    return DimensionSuggestion(
        dimension=dimension,
        label=str(dict(Dimension.choices)[dimension]),
        chosen=chosen,
        suggested_level=int(found.suggested_level),
        level_label=str(GapLevel(int(found.suggested_level)).label),
        similarity=round(float(found.similarity), 3),
        reason=str(found.reason),
    )
