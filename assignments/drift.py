"""The gap-drift score: how far the audit (or a meeting) found reality from the brief."""

from decimal import ROUND_HALF_UP, Decimal

DIMENSIONS = ("objectives", "context", "skills", "resources", "expectations", "timeline")
MAX_LEVEL = 3


def gap_drift(levels, weights=None):
    """Return 100 × Σ w·level / (3 × Σ w), rounded half up to an integer 0–100.

    `levels` maps each dimension name to a gap level 0–3; `weights` maps dimension names
    to non-negative weights (missing ones weigh 1). Unknown dimensions, levels outside
    0–3 and weights that sum to zero are refused with ValueError.
    """
    levels = dict(levels)
    weights = dict(weights or {})
    unknown = sorted((set(levels) | set(weights)) - set(DIMENSIONS))
    if unknown:
        raise ValueError(
            f"Unknown dimension(s): {', '.join(unknown)}; expected {', '.join(DIMENSIONS)}."
        )
    if not levels:
        raise ValueError("No gap levels given: rate at least one dimension.")
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for dimension, level in levels.items():
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= MAX_LEVEL:
            raise ValueError(f"Gap level for {dimension} must be an integer 0–3, not {level!r}.")
        weight = Decimal(str(weights.get(dimension, 1)))
        if weight < 0:
            raise ValueError(f"Weight for {dimension} must not be negative, not {weight}.")
        total_weight += weight
        weighted += weight * level
    if total_weight == 0:
        raise ValueError("The weights of the rated dimensions sum to zero.")
    score = Decimal(100) * weighted / (MAX_LEVEL * total_weight)
    return int(score.quantize(Decimal(1), rounding=ROUND_HALF_UP))
