import pytest

from assignments.drift import DIMENSIONS, gap_drift


def levels(value):
    return dict.fromkeys(DIMENSIONS, value)


def test_all_aligned_is_zero():
    assert gap_drift(levels(0)) == 0


def test_all_critical_is_one_hundred():
    assert gap_drift(levels(3)) == 100


def test_the_formula_with_default_weights():
    # 100 × (1+2+0+3+1+0) / (3 × 6) = 38.89 → 39
    found = dict(zip(DIMENSIONS, [1, 2, 0, 3, 1, 0], strict=True))
    assert gap_drift(found) == 39


def test_half_rounds_up():
    # 100 × (0.75×0 + 1.25×3) / (3 × 2) = 62.5 → 63 (not banker's 62)
    assert gap_drift({"objectives": 0, "context": 3}, {"objectives": 0.75, "context": 1.25}) == 63


def test_weights_shift_the_score():
    found = {**levels(0), "resources": 3}
    assert gap_drift(found) == 17
    assert gap_drift(found, {"resources": 5}) == 50  # 100 × 15 / (3 × 10)


def test_a_zero_weight_dimension_does_not_count():
    assert gap_drift({**levels(0), "timeline": 3}, {"timeline": 0}) == 0


def test_unknown_dimension_is_refused_with_its_name():
    with pytest.raises(ValueError, match="Unknown dimension.*budget"):
        gap_drift({**levels(1), "budget": 2})


def test_unknown_weight_dimension_is_refused():
    with pytest.raises(ValueError, match="Unknown dimension.*mood"):
        gap_drift(levels(1), {"mood": 2})


@pytest.mark.parametrize("bad", [-1, 4, 1.5, "2", None, True])
def test_levels_outside_0_to_3_are_refused(bad):
    with pytest.raises(ValueError, match="must be an integer 0–3"):
        gap_drift({**levels(1), "skills": bad})


def test_nothing_rated_is_refused():
    with pytest.raises(ValueError, match="No gap levels"):
        gap_drift({})


def test_negative_weights_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        gap_drift(levels(1), {"skills": -1})


def test_weights_summing_to_zero_are_refused():
    with pytest.raises(ValueError, match="sum to zero"):
        gap_drift({"skills": 2}, {"skills": 0})
