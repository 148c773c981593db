"""Honest uncertainty, checked against known values: exact Poisson and binomial intervals,
direct age standardisation (Fay-Feuer) against PySAL's, empirical-Bayes smoothing, rounding."""

from __future__ import annotations

import numpy as np
import pytest

from ciudadana.analysis.indicators.measures import publish_round, round_half_up
from ciudadana.analysis.smoothing import between_variance, eb_smooth
from ciudadana.analysis.standardise import (
    direct_standardise,
    standard_weights,
    who_world_standard,
)
from ciudadana.analysis.uncertainty import (
    binomial_interval,
    instability,
    poisson_interval,
    poisson_ratio_interval,
)

# Exact (Garwood) 95 % limits of a Poisson count, as tabulated (e.g. Ulm 1990; the NCHS and
# SEER tables of confidence limits for small numbers of events).
POISSON_95 = [
    {"description": "no event", "k": 0, "expected": (0.0, 3.6889)},
    {"description": "one event", "k": 1, "expected": (0.0253, 5.5716)},
    {"description": "two events", "k": 2, "expected": (0.2422, 7.2247)},
    {"description": "ten events", "k": 10, "expected": (4.7954, 18.3904)},
    {"description": "twenty events", "k": 20, "expected": (12.2165, 30.8884)},
    {"description": "a hundred events", "k": 100, "expected": (81.3640, 121.6268)},
]


@pytest.mark.parametrize("case", POISSON_95, ids=lambda c: c["description"])
def test_the_exact_poisson_interval_matches_the_published_limits(case: dict) -> None:
    lower, upper = poisson_interval(case["k"])
    assert (round(float(lower), 4), round(float(upper), 4)) == case["expected"]


def test_the_poisson_interval_of_a_rate_is_the_interval_of_the_count_over_the_population() -> None:
    lower, upper = poisson_interval([0, 1, 10])
    rate_lower = lower / 250_000 * 100_000
    assert [round(x, 3) for x in rate_lower] == [0.0, 0.010, 1.918]
    assert [round(x, 3) for x in upper / 250_000 * 100_000] == [1.476, 2.229, 7.356]


def test_the_90_percent_interval_is_narrower_and_still_exact() -> None:
    lower, upper = poisson_interval(10, level=0.90)
    assert (round(float(lower), 4), round(float(upper), 4)) == (5.4254, 16.9622)


CLOPPER_PEARSON_95 = [
    {"description": "none of ten", "k": 0, "n": 10, "expected": (0.0, 0.3085)},
    {"description": "half of ten", "k": 5, "n": 10, "expected": (0.1871, 0.8129)},
    {"description": "all of ten", "k": 10, "n": 10, "expected": (0.6915, 1.0)},
    {"description": "one of five", "k": 1, "n": 5, "expected": (0.0051, 0.7164)},
]


@pytest.mark.parametrize("case", CLOPPER_PEARSON_95, ids=lambda c: c["description"])
def test_the_exact_binomial_interval_matches_clopper_pearson(case: dict) -> None:
    lower, upper = binomial_interval(case["k"], case["n"])
    assert (round(float(lower), 4), round(float(upper), 4)) == case["expected"]


def test_a_share_of_nothing_has_no_interval() -> None:
    lower, upper = binomial_interval(0, 0)
    assert np.isnan(lower) and np.isnan(upper)


def test_the_ratio_of_two_counts_has_the_conditional_binomial_interval() -> None:
    lower, upper = poisson_ratio_interval(10, 20)
    assert (round(float(lower), 3), round(float(upper), 3)) == (0.209, 1.119)
    lower, upper = poisson_ratio_interval(3, 0)
    assert np.isnan(lower) and np.isnan(upper)


def test_small_numerators_and_high_variation_are_flagged_unstable() -> None:
    flags = instability([0, 5, 19, 20, 400])
    assert flags.unstable.tolist() == [True, True, True, False, False]
    assert flags.small_count.tolist() == [True, True, True, False, False]
    assert [round(float(c), 3) for c in flags.cv[1:]] == [0.447, 0.229, 0.224, 0.05]
    share = instability([18, 5], [20, 400], min_count=1, max_cv=0.3)
    assert share.high_cv.tolist() == [False, True]
    assert [round(float(c), 3) for c in share.cv] == [0.075, 0.444]


def test_the_who_world_standard_is_shipped_whole() -> None:
    groups = who_world_standard()
    assert len(groups) == 21
    assert groups[0] == (0, 4, 8860.0) and groups[-1] == (100, None, 5.0)
    assert sum(w for _lo, _hi, w in groups) == 100_035  # the published rounding


def test_standard_weights_collapse_into_an_open_top_group() -> None:
    weights = standard_weights([0, 5, 60, 65], top=65)
    assert round(float(weights.sum()), 12) == 1.0
    assert round(float(weights[-1]) * 100_035, 6) == 2960 + 2210 + 1520 + 910 + 440 + 150 + 40 + 5
    with pytest.raises(ValueError):
        standard_weights([0, 7], top=7)


def test_direct_standardisation_matches_pysal_esda() -> None:
    from esda.smoothing import direct_age_standardization

    events = np.array([30, 25, 25, 15, 33, 21, 30, 20])
    population = np.array([1000, 1000, 1100, 900, 1000, 900, 1100, 900])
    standard = np.array([1000, 900, 1000, 900, 1000, 900, 1000, 900])
    expected = direct_age_standardization(events, population, standard, 2)
    rate, lower, upper = direct_standardise(
        events.reshape(2, 4), population.reshape(2, 4), standard[:4]
    )
    for i, (r, lo, hi) in enumerate(expected):
        assert rate[i] == pytest.approx(r, rel=1e-12)
        assert lower[i] == pytest.approx(lo, rel=1e-9)
        assert upper[i] == pytest.approx(hi, rel=1e-9)
    assert (round(float(rate[0]), 4), round(float(rate[1]), 4)) == (0.0237, 0.0267)


def test_a_standardised_rate_of_zero_has_the_poisson_upper_limit_of_its_largest_weight() -> None:
    rate, lower, upper = direct_standardise([[0, 0]], [[1000, 1000]], [1, 1])
    assert (rate[0], lower[0]) == (0.0, 0.0)
    assert upper[0] == pytest.approx(3.68888 * 0.5 / 1000, rel=1e-5)


def test_with_one_age_group_standardisation_is_the_crude_rate_with_its_exact_interval() -> None:
    rate, lower, upper = direct_standardise([[10]], [[50_000]], [1])
    exact = poisson_interval(10)
    assert rate[0] == pytest.approx(10 / 50_000)
    assert lower[0] == pytest.approx(exact[0] / 50_000, rel=1e-9)
    assert upper[0] == pytest.approx(exact[1] / 50_000, rel=1e-9)


def test_a_missing_age_group_population_gives_no_standardised_rate() -> None:
    rate, lower, upper = direct_standardise([[1, 2]], [[1000, 0]], [1, 1])
    assert np.isnan(rate[0]) and np.isnan(lower[0]) and np.isnan(upper[0])


def test_empirical_bayes_is_pysal_esda_and_pulls_small_places_towards_the_mean() -> None:
    from esda.smoothing import Empirical_Bayes

    events = np.array([0, 1, 30, 200, 5])
    population = np.array([2_000, 3_000, 90_000, 800_000, 6_000])
    smoothed = eb_smooth(events, population)
    assert smoothed == pytest.approx(Empirical_Bayes(events, population).r.ravel())
    crude, mean = events / population, events.sum() / population.sum()
    # the smallest place moves most of the way to the mean; the largest barely moves
    assert abs(smoothed[0] - mean) < abs(crude[0] - mean) / 2
    assert smoothed[3] == pytest.approx(crude[3], rel=0.02)


def test_when_places_differ_less_than_chance_every_place_gets_the_mean() -> None:
    events, population = [10, 11, 9], [100_000, 100_000, 100_000]
    assert between_variance(events, population) < 0
    assert eb_smooth(events, population).tolist() == pytest.approx([10 / 100_000] * 3)


def test_rates_are_published_rounded_half_up() -> None:
    assert [publish_round(v, 1) for v in (2.25, 2.35, 0.05, 14.949)] == [2.3, 2.4, 0.1, 14.9]
    values = np.random.default_rng(5).random(5_000) * 300
    assert round_half_up(values, 1) == [publish_round(v, 1) for v in values]
    assert round_half_up(np.array([np.nan, np.inf]), 1) == [None, None]
