"""Multiple-systems estimation reproduces published results (as Rcapture's own tests do)."""

from __future__ import annotations

import pytest

from ciudadana.linkage.mse import fit_model, hierarchical_models, histories, select_model
from ciudadana.linkage.mse_run import capture_counts

# Counts in Rcapture's histpos.t order (111, 110, 101, 100, 011, 010, 001 for three lists).
DARROCH_R3 = [72, 155, 7, 71, 13, 53, 43]  # Darroch et al. (1993), in Rivest (2011)
DIABETES = [58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10]  # Bruno et al. (1994)
CORMACK3 = [72, 5, 29, 54, 24, 3, 14]  # Cormack, Chang and Smith (2000), table 3b
CORMACK4 = [72, 5, 29, 53, 24, 3, 12, 14, 0, 0, 0, 1, 0, 0, 2]  # table 3a
PAIRS4 = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
CHOSEN = [(0, 2), (1, 3), (2, 3)]  # interaction set chosen in Rivest (2011)

PUBLISHED = [
    {"description": "Darroch R3 saturated", "counts": DARROCH_R3, "t": 3,
     "terms": [(0, 1), (0, 2), (1, 2)], "h": None, "expected": (1240, 451, None, None)},
    {"description": "Darroch R3 [12,23]", "counts": DARROCH_R3, "t": 3,
     "terms": [(0, 1), (1, 2)], "h": None, "expected": (850, 186, 3.8, 1)},
    {"description": "Bruno et al. model", "counts": DIABETES, "t": 4,
     "terms": [p for p in PAIRS4 if p != (0, 3)], "h": None, "expected": (2771, 145, 7.62, 5)},
    {"description": "Rivest set, no heterogeneity", "counts": DIABETES, "t": 4,
     "terms": CHOSEN, "h": None, "expected": (2472, 53, 21.97, 7)},
    {"description": "Rivest set, Chao lower bound", "counts": DIABETES, "t": 4,
     "terms": CHOSEN, "h": "chao", "expected": (2588, 75, 3.13, 6)},
    {"description": "Rivest set, Poisson2", "counts": DIABETES, "t": 4,
     "terms": CHOSEN, "h": "poisson", "expected": (2573, 76, 12.88, 6)},
    {"description": "Rivest set, Darroch", "counts": DIABETES, "t": 4,
     "terms": CHOSEN, "h": "darroch", "expected": (2752, 133, 8.32, 6)},
    {"description": "Rivest set, Gamma3.5", "counts": DIABETES, "t": 4,
     "terms": CHOSEN, "h": "gamma", "expected": (2964, 219, 6.74, 6)},
    {"description": "Cormack 4 lists, Mt", "counts": CORMACK4, "t": 4,
     "terms": [], "h": None, "expected": (215, None, 87.1, 10)},
    {"description": "Cormack 4 lists, [12,13,34]", "counts": CORMACK4, "t": 4,
     "terms": [(0, 1), (0, 2), (2, 3)], "h": None, "expected": (218, None, 2.6, 7)},
]  # fmt: skip


@pytest.mark.parametrize("case", PUBLISHED, ids=[c["description"] for c in PUBLISHED])
def test_loglinear_models_reproduce_published_estimates(case: dict) -> None:
    fit = fit_model(case["counts"], case["t"], case["terms"], case["h"])
    abundance, stderr, deviance, df = case["expected"]
    assert round(fit.abundance) == abundance
    if stderr is not None:
        assert round(fit.stderr) == stderr
    if deviance is not None:
        digits = 2 if isinstance(deviance, float) and deviance * 100 % 10 else 1
        assert round(fit.deviance, digits) == pytest.approx(deviance)
        assert fit.df == df


def test_profile_likelihood_intervals_match_rcapture() -> None:
    mt = fit_model(CORMACK3, 3, interval=True)
    assert (round(mt.abundance), round(mt.lower), round(mt.upper)) == (209, 203, 217)
    dep = fit_model(CORMACK3, 3, [(1, 2)], interval=True)
    assert round(dep.lower) == 210 and round(dep.deviance, 1) == 1.2 and dep.df == 2
    two = fit_model(CORMACK3, 3, [(0, 2), (1, 2)], interval=True)
    assert (round(two.abundance), round(two.lower)) == (233, 204)


def test_model_selection_picks_the_dependence_the_data_show() -> None:
    chosen = select_model(CORMACK3, 3, criterion="aic").best
    assert chosen.model == "Mt [23]"
    assert chosen.lower <= chosen.abundance <= chosen.upper


def test_histories_and_capture_counts_follow_rcapture_order() -> None:
    assert histories(3).tolist()[:2] == [[1, 1, 1], [1, 1, 0]]
    assert len(hierarchical_models(3)) == 8
    events = [{"sources": ["a", "b", "c"]}, {"sources": ["c"]}, {"sources": ["c"]}]
    assert capture_counts(events, ["a", "b", "c"]) == [1, 0, 0, 0, 0, 0, 2]


def test_model_averaging_widens_the_interval_by_the_spread_between_models() -> None:
    from ciudadana.linkage.mse import average_models

    averaged = average_models(CORMACK3, 3, criterion="aic")
    chosen = select_model(CORMACK3, 3, criterion="aic").best
    assert averaged.lower < averaged.abundance < averaged.upper
    assert averaged.lower >= sum(CORMACK3)
    assert averaged.upper - averaged.lower > 0.5 * (chosen.upper - chosen.lower)
