"""Primary and secondary cell suppression, and the attacker's audit, on count tables.

Every protected pattern is attacked again here by an attacker written in this file (one
``scipy.optimize.linprog`` call per bound over the whole table, published cells fixed by their
bounds), independent of the module's decomposition. Published examples from the disclosure
control literature live in ``tests/data/sdc/*.yaml``, each with its citation.
"""

from __future__ import annotations

import itertools
import math
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from ciudadana.errors import CiudadanaError
from ciudadana.publish.suppression import (
    CannotProtect,
    InconsistentTable,
    Interval,
    LinearTable,
    UnknownCell,
    audit,
    primary_suppression,
    protect,
)

SDC = Path(__file__).parent / "data" / "sdc"
EXAMPLES = sorted(SDC.glob("*.yaml"))


# --- tables -------------------------------------------------------------------------------


def two_way(rows, columns, grid, *, margins=True, prefix=()):
    """Cells ``(*prefix, row, column)`` of a grid; with margins the last row and column are
    totals of the others."""
    values = {}
    for r, row in enumerate(rows):
        for c, column in enumerate(columns):
            values[(*prefix, row, column)] = int(grid[r][c])
    equations = []
    if margins:
        inner_rows, inner_cols = rows[:-1], columns[:-1]
        for row in rows:
            parts = tuple((*prefix, row, c) for c in inner_cols)
            equations.append(((*prefix, row, columns[-1]), parts))
        for column in columns:
            parts = tuple((*prefix, r, column) for r in inner_rows)
            equations.append(((*prefix, rows[-1], column), parts))
    return values, equations


def with_margins(inner):
    """A grid of inner counts with a total column and a total row added."""
    grid = [list(row) + [sum(row)] for row in inner]
    grid.append([sum(col) for col in zip(*grid, strict=True)])
    rows = [f"r{i}" for i in range(len(inner))] + ["T"]
    columns = [f"c{j}" for j in range(len(inner[0]))] + ["T"]
    return two_way(rows, columns, grid)


def municipalities_by_sex(munis_per_dept, counts):
    """Municipalities -> departments -> country crossed with sex (F, M, U) and its total T.

    ``counts[d][m]`` is the (F, M, U) triple of municipality m of department d.
    """
    sexes = ("F", "M", "U")
    values, equations = {}, []
    for d, munis in enumerate(munis_per_dept):
        dept = f"D{d + 1}"
        for m in munis:
            f, male, u = counts[d][m]
            for sex, n in zip(sexes, (f, male, u), strict=True):
                values[("muni", m, sex)] = n
            values[("muni", m, "T")] = f + male + u
            equations.append((("muni", m, "T"), tuple(("muni", m, s) for s in sexes)))
        for sex in (*sexes, "T"):
            values[("dept", dept, sex)] = sum(values[("muni", m, sex)] for m in munis)
            equations.append((("dept", dept, sex), tuple(("muni", m, sex) for m in munis)))
        equations.append((("dept", dept, "T"), tuple(("dept", dept, s) for s in sexes)))
    depts = [f"D{d + 1}" for d in range(len(munis_per_dept))]
    for sex in (*sexes, "T"):
        values[("country", sex)] = sum(values[("dept", d, sex)] for d in depts)
        equations.append((("country", sex), tuple(("dept", d, sex) for d in depts)))
    equations.append((("country", "T"), tuple(("country", s) for s in sexes)))
    return values, equations


def months_quarters_year(monthly):
    values = {("month", m + 1): n for m, n in enumerate(monthly)}
    equations = []
    for q in range(4):
        months = tuple(("month", 3 * q + k + 1) for k in range(3))
        values[("quarter", q + 1)] = sum(values[m] for m in months)
        equations.append((("quarter", q + 1), months))
    values[("year",)] = sum(monthly)
    equations.append((("year",), tuple(("quarter", q + 1) for q in range(4))))
    equations.append((("year",), tuple(("month", m + 1) for m in range(12))))
    return values, equations


def national_table(seed=7, departments=22, municipalities=340):
    """Homicide victims by municipality and sex, 340 municipalities in 22 departments."""
    rng = np.random.default_rng(seed)
    sizes = np.full(departments, municipalities // departments)
    sizes[: municipalities - sizes.sum()] += 1
    munis, counts, k = [], [], 0
    for d in range(departments):
        names, triples = [], {}
        for _ in range(sizes[d]):
            k += 1
            name = f"{d + 1:02d}{k:03d}"
            scale = rng.gamma(1.0, 1.0)
            triples[name] = tuple(int(rng.poisson(mean * scale)) for mean in (1.2, 6.0, 0.6))
            names.append(name)
        munis.append(names)
        counts.append(triples)
    return municipalities_by_sex(munis, counts)


# --- the independent attacker and the exact optimum ---------------------------------------


def matrix(values, equations):
    cells = sorted(values, key=repr)
    index = {c: i for i, c in enumerate(cells)}
    a = np.zeros((len(equations), len(cells)))
    for r, (total, parts) in enumerate(equations):
        a[r, index[total]] += 1
        for p in parts:
            a[r, index[p]] -= 1
    return cells, index, a, np.array([values[c] for c in cells], dtype=float)


def attack(values, equations, suppressed, targets=None):
    """Min and max of each target cell over the whole table, published cells fixed."""
    cells, index, a, v = matrix(values, equations)
    bounds = [(0, None) if c in suppressed else (v[i], v[i]) for i, c in enumerate(cells)]
    out = {}
    for cell in suppressed if targets is None else targets:
        e = np.zeros(len(cells))
        e[index[cell]] = 1.0
        low = linprog(e, A_eq=a, b_eq=np.zeros(len(a)), bounds=bounds, method="highs")
        high = linprog(-e, A_eq=a, b_eq=np.zeros(len(a)), bounds=bounds, method="highs")
        assert low.status == 0
        out[cell] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return out


def assert_safe(values, equations, result, protection, locked=()):
    """The independent attacker agrees that every primary cell keeps ``protection``."""
    assert result.primary <= result.suppressed
    assert not result.suppressed & set(locked)
    found = attack(values, equations, result.suppressed, sorted(result.primary, key=repr))
    for cell, (low, high) in found.items():
        assert high - low >= protection - 1e-6, (cell, low, high)
        ours = result.audit.intervals[cell]
        assert ours.lower == pytest.approx(low, abs=1e-6)
        assert ours.upper == pytest.approx(high, abs=1e-6) or ours.upper == high == math.inf


def cost(values, cells):
    return sum(values[c] + 1 for c in cells)


def exact_optimum(values, equations, primary, protection, locked=(), forced=()):
    """The cheapest safe pattern, by an integer program (exact for the LP attacker): binary
    x_i (withheld), and for each primary cell c an up and a down perturbation y, z with
    A y = A z = 0, -value_i x_i <= y_i <= M x_i and y_c - z_c >= protection."""
    cells, index, a, v = matrix(values, equations)
    n, m = len(cells), len(a)
    prim = sorted(index[c] for c in primary)
    if not prim:
        return set()
    big = 4 * v.sum() + 4 * protection + 10
    size = n + 2 * len(prim) * n
    rows, lower, upper = [], [], []

    def row(entries, lo, hi):
        r = np.zeros(size)
        for j, coef in entries:
            r[j] += coef
        rows.append(r)
        lower.append(lo)
        upper.append(hi)

    for k, c in enumerate(prim):
        for side in range(2):
            off = n + (2 * k + side) * n
            for e in range(m):
                row([(off + j, a[e, j]) for j in range(n) if a[e, j]], 0, 0)
            for j in range(n):
                row([(off + j, 1), (j, -big)], -np.inf, 0)
                row([(off + j, 1), (j, v[j])], 0, np.inf)
        row([(n + 2 * k * n + c, 1), (n + (2 * k + 1) * n + c, -1)], protection, np.inf)
    lo, hi = np.full(size, -np.inf), np.full(size, np.inf)
    lo[:n], hi[:n] = 0, 1
    for c in [*primary, *forced]:
        lo[index[c]] = 1
    for c in locked:
        hi[index[c]] = 0
    integrality = np.zeros(size)
    integrality[:n] = 1
    weights = np.zeros(size)
    weights[:n] = v + 1
    result = milp(
        weights,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        bounds=Bounds(lo, hi),
        integrality=integrality,
    )
    assert result.status == 0
    chosen = {cells[j] for j in range(n) if result.x[j] > 0.5}
    return chosen - set(primary) - set(forced)


# --- published examples ---------------------------------------------------------------------


def load_example(path, only_grid=None):
    data = yaml.safe_load(path.read_text("utf-8"))
    values, equations, grid_cells = {}, [], []
    for g, grid in enumerate(data.get("grids", [])):
        if only_grid is not None and g != only_grid:
            continue
        grid_values, grid_eqs = two_way(
            grid["rows"], grid["columns"], grid["values"], margins=grid["margins"]
        )
        named = {f"{r}|{c}": n for (r, c), n in grid_values.items()}
        for cell, n in named.items():
            assert values.get(cell, n) == n, f"{path.name}: {cell} differs between grids"
        values.update(named)
        equations += [(f"{t[0]}|{t[1]}", tuple(f"{p[0]}|{p[1]}" for p in ps)) for t, ps in grid_eqs]
        grid_cells.append(set(named))
    if only_grid is None:
        values.update(data.get("values", {}))
        equations += [(t, tuple(ps)) for t, ps in data.get("equations", [])]
        rows = data["grids"][0]["rows"] if data.get("grids") else []
        for link in data.get("links", []):
            for r in rows:
                equations.append((f"{r}|{link['total']}", tuple(f"{r}|{p}" for p in link["parts"])))
    return data, values, equations, grid_cells


def example_checks():
    for path in EXAMPLES:
        data = yaml.safe_load(path.read_text("utf-8"))
        for n, check in enumerate(data.get("checks", [])):
            yield pytest.param(path, n, id=f"{path.stem}-{check.get('name', n)}")


@pytest.mark.parametrize(("path", "n"), list(example_checks()))
def test_the_audit_agrees_with_the_published_example(path, n):
    data = yaml.safe_load(path.read_text("utf-8"))
    check = data["checks"][n]
    _, values, equations, _ = load_example(path, check.get("only_grid"))
    table = LinearTable(values, equations)
    result = audit(
        table, check["pattern"], sensitive=check["sensitive"], protection=check["protection"]
    )
    expected = {**check.get("intervals", {}), **check.get("derived_intervals", {})}
    for cell, (low, high) in expected.items():
        assert result.intervals[cell] == Interval(low, high)
    assert sorted(result.exposed) == sorted(check["exposed"])
    found = attack(values, equations, set(check["pattern"]), list(expected))
    for cell, bounds in expected.items():
        assert found[cell] == pytest.approx(tuple(bounds), abs=1e-6)


def test_the_lp_interval_of_geurts_table_10_is_also_the_integer_one():
    _, values, equations, _ = load_example(SDC / "hundepool2024_example3_geurts1992.yaml")
    hidden = ["1|1", "1|2", "2|1", "2|2"]
    feasible = []
    for guess in itertools.product(range(8), repeat=4):
        trial = {**values, **dict(zip(hidden, guess, strict=True))}
        if all(trial[t] == sum(trial[p] for p in ps) for t, ps in equations):
            feasible.append(trial["1|1"])
    assert (min(feasible), max(feasible)) == (3, 6)


def test_one_secondary_cell_protects_the_sensitive_subsector_as_the_handbook_says():
    data, values, equations, _ = load_example(SDC / "hundepool2024_example1a_one_way.yaml")
    plan = data["protect"]
    result = protect(LinearTable(values, equations), plan["primary"], protection=plan["protection"])
    assert len(result.secondary) == plan["optimal_secondary_count"]
    assert cost(values, result.secondary) == plan["optimal_cost"]
    assert_safe(values, equations, result, plan["protection"])


def test_the_second_table_of_a_differencing_pair_loses_both_overlapping_bands():
    path = SDC / "hundepool2024_differencing_subpopulation.yaml"
    data, values, equations, grid_cells = load_example(path)
    plan = data["protect"]
    locked = grid_cells[plan["locked_grid"]]
    result = protect(
        LinearTable(values, equations),
        plan["primary"],
        protection=plan["protection"],
        locked=locked,
        forced=plan["forced"],
    )
    assert sorted(result.secondary) == sorted(plan["optimal_secondary"])
    assert cost(values, result.secondary) == plan["optimal_cost"]
    assert_safe(values, equations, result, plan["protection"], locked)


@pytest.mark.parametrize(
    "name",
    [
        "hundepool2024_tables_5_1_5_2_marital_sex_hours",
        "hundepool2024_table_5_3_marital_hours_zero",
    ],
)
def test_protect_costs_at_most_one_and_a_half_times_the_exact_optimum(name):
    data, values, equations, _ = load_example(SDC / f"{name}.yaml")
    plan = data["protect"]
    primary = primary_suppression(values, plan["threshold"])
    result = protect(LinearTable(values, equations), primary, protection=plan["protection"])
    assert_safe(values, equations, result, plan["protection"])
    best = exact_optimum(values, equations, primary, plan["protection"])
    ratio = cost(values, result.secondary) / cost(values, best)
    assert ratio <= 1.5, (sorted(result.secondary), sorted(best))


def test_the_single_female_of_the_handbook_is_a_primary_suppression():
    path = SDC / "hundepool2024_tables_5_1_5_2_marital_sex_hours.yaml"
    data, values, _, _ = load_example(path, only_grid=0)
    expected = data["primary"]["expected"]
    assert sorted(primary_suppression(values, data["primary"]["threshold"])) == expected


# --- hand-made tables -----------------------------------------------------------------------


def test_a_lone_suppressed_cell_in_a_row_is_recovered_from_the_margin():
    values, equations = with_margins([[1, 7, 12], [5, 9, 4]])
    result = audit(
        LinearTable(values, equations), [("r0", "c0")], sensitive=[("r0", "c0")], protection=1
    )
    assert result.intervals[("r0", "c0")] == Interval(1.0, 1.0)
    assert result.exposed == {("r0", "c0")}


def test_primary_suppression_flags_small_counts_but_not_zeros():
    values = {"a": 0, "b": 1, "c": 2, "d": 3, "e": 40}
    assert primary_suppression(values, 3) == {"b", "c"}
    assert primary_suppression(values, 1) == set()
    assert primary_suppression(values, 0) == set()


def test_a_published_sensitive_cell_is_exposed():
    values, equations = with_margins([[1, 7], [5, 9]])
    result = audit(LinearTable(values, equations), [], sensitive=[("r0", "c0")], protection=1)
    assert result.exposed == {("r0", "c0")}
    assert not result.ok()


def test_a_one_way_table_gives_up_its_cheapest_part():
    values = {"total": 60, "a": 1, "b": 9, "c": 20, "d": 30}
    equations = [("total", ("a", "b", "c", "d"))]
    result = protect(LinearTable(values, equations), {"a"}, protection=3)
    assert result.secondary == {"b"}
    assert_safe(values, equations, result, 3)


def test_a_two_way_table_with_margins_is_protected():
    values, equations = with_margins([[1, 7, 12, 5], [5, 2, 4, 9], [8, 6, 1, 0], [10, 3, 7, 2]])
    primary = primary_suppression(values, 3)
    result = protect(LinearTable(values, equations), primary, protection=3)
    assert result.audit.ok()
    assert_safe(values, equations, result, 3)
    best = exact_optimum(values, equations, primary, 3)
    assert cost(values, result.secondary) <= 1.5 * cost(values, best)


def test_municipalities_departments_and_country_by_sex_are_protected_both_ways():
    munis = [["m1", "m2", "m3"], ["m4", "m5", "m6", "m7"], ["m8", "m9"]]
    counts = [
        {"m1": (1, 8, 0), "m2": (3, 12, 1), "m3": (0, 5, 2)},
        {"m4": (2, 9, 0), "m5": (4, 15, 1), "m6": (0, 3, 0), "m7": (6, 20, 3)},
        {"m8": (1, 1, 0), "m9": (5, 11, 4)},
    ]
    values, equations = municipalities_by_sex(munis, counts)
    primary = primary_suppression(values, 3)
    table = LinearTable(values, equations)
    result = protect(table, primary, protection=3)
    assert_safe(values, equations, result, 3)
    # the same pattern seen by the attacker of `audit`, interval by interval
    again = audit(table, result.suppressed, sensitive=primary, protection=3)
    assert again == result.audit


def test_months_quarters_and_year_are_protected():
    values, equations = months_quarters_year([4, 1, 6, 9, 2, 7, 5, 5, 0, 12, 1, 8])
    primary = primary_suppression(values, 3)
    result = protect(LinearTable(values, equations), primary, protection=3)
    assert result.primary == {("month", 2), ("month", 5), ("month", 11)}
    assert_safe(values, equations, result, 3)
    best = exact_optimum(values, equations, primary, 3)
    assert cost(values, result.secondary) <= 1.5 * cost(values, best)


def test_the_same_table_gives_the_same_pattern_whatever_the_input_order():
    values, equations = with_margins([[1, 7, 12, 5], [5, 2, 4, 9], [8, 6, 1, 0]])
    primary = primary_suppression(values, 3)
    first = protect(LinearTable(values, equations), primary, protection=3)
    shuffled = dict(reversed(list(values.items())))
    second = protect(
        LinearTable(shuffled, list(reversed(equations))), sorted(primary)[::-1], protection=3
    )
    assert first.suppressed == second.suppressed


def test_cell_costs_steer_the_secondary_suppressions():
    values = {"total": 60, "a": 1, "b": 9, "c": 20, "d": 30}
    equations = [("total", ("a", "b", "c", "d"))]
    result = protect(LinearTable(values, equations), {"a"}, protection=3, cost={"b": 1000})
    assert result.secondary == {"c"}


def test_no_protection_asked_means_no_secondary_suppression():
    values, equations = with_margins([[1, 7], [5, 9]])
    result = protect(LinearTable(values, equations), {("r0", "c0")}, protection=0)
    assert result.suppressed == {("r0", "c0")}
    assert result.audit.ok()


# --- two releases -----------------------------------------------------------------------------


def two_releases():
    """Victims by municipality in a department, released twice; the second release has one
    more victim (a late record) in m1, which had 2 and now has 3."""
    first = {"m1": 2, "m2": 6, "m3": 5, "m4": 9}
    second = {**first, "m1": 3}
    values, equations = {}, []
    for release, counts in (("r1", first), ("r2", second)):
        for muni, n in counts.items():
            values[(release, muni)] = n
        values[(release, "total")] = sum(counts.values())
        equations.append(((release, "total"), tuple((release, m) for m in counts)))
    for muni in first:
        if first[muni] == second[muni]:  # an unchanged count: the same unknown in both
            equations.append((("r2", muni), (("r1", muni),)))
    return values, equations


def release_cells(values, release):
    return {c for c in values if c[0] == release}


def test_naive_protection_of_the_second_release_is_undone_by_differencing():
    values, equations = two_releases()
    r1 = {k: v for k, v in values.items() if k[0] == "r1"}
    r1_eqs = [e for e in equations if e[0][0] == "r1"]
    first = protect(LinearTable(r1, r1_eqs), primary_suppression(r1, 3), protection=3)
    assert first.suppressed == {("r1", "m1"), ("r1", "m3")}
    r2 = {k: v for k, v in values.items() if k[0] == "r2"}
    r2_eqs = [e for e in equations if e[0][0] == "r2" and e[1][0][0] == "r2"]
    second = protect(LinearTable(r2, r2_eqs), primary_suppression(r2, 3), protection=3)
    assert second.suppressed == set()  # 3 is not a small count: everything is published
    both = audit(
        LinearTable(values, equations),
        first.suppressed | second.suppressed,
        sensitive=first.primary,
        protection=3,
    )
    assert both.intervals[("r1", "m1")] == Interval(2.0, 2.0)
    assert both.exposed == {("r1", "m1")}


def test_protecting_the_combined_releases_with_locked_and_forced_cells_is_safe():
    values, equations = two_releases()
    r1 = release_cells(values, "r1")
    withheld_before = {("r1", "m1"), ("r1", "m3")}
    locked = r1 - withheld_before
    result = protect(
        LinearTable(values, equations),
        {("r1", "m1")},  # the earlier small count stays sensitive
        protection=3,
        locked=locked,
        forced=withheld_before,
    )
    assert withheld_before <= result.suppressed
    assert not result.suppressed & locked
    # the unchanged m3 (withheld before) and the m1 of the second release must be withheld now
    assert result.secondary == {("r2", "m1"), ("r2", "m3")}
    assert_safe(values, equations, result, 3, locked)


# --- errors -------------------------------------------------------------------------------------


def test_an_equation_that_does_not_hold_names_the_cells_and_both_sums():
    with pytest.raises(InconsistentTable) as caught:
        LinearTable({"T": 10, "a": 2, "b": 7}, [("T", ("a", "b"))])
    message = str(caught.value)
    assert "'T' = 'a' + 'b'" in message
    assert "'T' vale 10 y la suma de sus partes, 9" in message
    assert isinstance(caught.value, CiudadanaError)


def test_every_inconsistency_is_listed_at_once():
    with pytest.raises(InconsistentTable) as caught:
        LinearTable({"T": 10, "a": 2, "b": -1}, [("T", ("a", "c")), ("T", ("a", "a"))])
    message = str(caught.value)
    assert "'b' vale -1" in message
    assert "nombra 'c' sin valor" in message
    assert "suma de sus partes, 4" in message


def test_an_unknown_cell_is_named():
    values, equations = with_margins([[1, 7], [5, 9]])
    with pytest.raises(UnknownCell, match="'nowhere'"):
        protect(LinearTable(values, equations), {"nowhere"}, protection=1)


def test_a_cell_whose_partners_are_all_locked_cannot_be_protected():
    values = {"T": 10, "a": 1, "b": 4, "c": 5}
    with pytest.raises(CannotProtect) as caught:
        protect(
            LinearTable(values, [("T", ("a", "b", "c"))]),
            {"a"},
            protection=2,
            locked={"T", "b", "c"},
        )
    message = str(caught.value)
    assert "'a'" in message
    assert "todas las demás celdas están bloqueadas" in message
    assert isinstance(caught.value, CiudadanaError)


def test_a_protection_wider_than_the_table_allows_cannot_be_had():
    values = {"T": 5, "a": 1, "b": 4}
    with pytest.raises(CannotProtect, match="un rango de 5, menor que la protección pedida"):
        protect(LinearTable(values, [("T", ("a", "b"))]), {"a"}, protection=9, locked={"T"})


def test_a_published_sensitive_cell_cannot_be_taken_back():
    values = {"T": 10, "a": 1, "b": 9}
    with pytest.raises(CannotProtect, match="bloqueada"):
        protect(LinearTable(values, [("T", ("a", "b"))]), {"a"}, protection=1, locked={"a"})


# --- properties and scale ---------------------------------------------------------------------


@st.composite
def small_tables(draw):
    rows = draw(st.integers(2, 4))
    cols = draw(st.integers(2, 4))
    inner = [[draw(st.integers(0, 9)) for _ in range(cols)] for _ in range(rows)]
    values, equations = with_margins(inner)
    threshold = draw(st.integers(1, 5))
    protection = draw(st.integers(1, 3))
    primary = primary_suppression(values, threshold)
    others = sorted(set(values) - primary)
    locked = draw(st.sets(st.sampled_from(others), max_size=3)) if others else set()
    return values, equations, primary, protection, locked


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables())
def test_protect_always_passes_an_independent_attack(case):
    values, equations, primary, protection, locked = case
    table = LinearTable(values, equations)
    try:
        result = protect(table, primary, protection=protection, locked=locked)
    except CannotProtect:
        # then even withholding every unlocked cell leaves a primary cell exposed
        everything = set(values) - set(locked)
        found = attack(values, equations, everything, sorted(primary, key=repr))
        assert any(high - low < protection - 1e-6 for low, high in found.values())
        return
    assert result.primary == primary
    assert_safe(values, equations, result, protection, locked)


def test_a_national_table_of_about_1500_cells_protects_in_seconds():
    values, equations = national_table()
    primary = primary_suppression(values, 3)
    assert len(values) == 1452
    assert 0.25 < len(primary) / len(values) < 0.35
    table = LinearTable(values, equations)
    started = time.perf_counter()
    result = protect(table, primary, protection=3)
    elapsed = time.perf_counter() - started
    print(f"\n{len(values)} cells, {len(primary)} primary: {elapsed:.1f} s")
    assert result.audit.ok()
    sample = sorted(primary, key=repr)[::40]
    found = attack(values, equations, result.suppressed, sample)
    assert all(high - low >= 3 - 1e-6 for low, high in found.values())
