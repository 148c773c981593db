"""Disclosure control of count tables: primary and secondary cell suppression.

A release publishes count tables (victims by year and department, by municipality and sex,
months that add up to quarters and to the year). Counts from 1 to ``threshold - 1`` are
withheld (*primary* suppression); then enough other cells are withheld (*secondary*
suppression) that no primary cell can be recovered, or narrowed to less than ``protection``,
from the published cells, the table's sums and the fact that counts are never negative. The
attacker is in ``ciudadana.publish.audit``; every name is importable from here.

The secondary step is an LP heuristic in the spirit of Kelly, Golden and Assad (1992) and
Fischetti and Salazar-González (1999, 2001): for each primary cell not yet protected, HiGHS
finds the cheapest pair of perturbations of the table (one moving the cell up, one down, their
spread at least ``protection``) that keep every equation and every count >= 0 and leave locked
cells alone; the cells they touch are suppressed. Each perturbation is a table the attacker
cannot tell from the true one, so it certifies protection. See ``docs/disclosure.md``.

Two releases (differencing) are protected as one combined table in which the cells of the
earlier release are extra cells: those it published are ``locked``, those it withheld are
``forced``.

Example:
    >>> values = {"T": 20, "a": 1, "b": 7, "c": 12}
    >>> table = LinearTable(values, [("T", ("a", "b", "c"))])
    >>> result = protect(table, primary_suppression(values, 3), protection=3)
    >>> sorted(result.suppressed), result.audit.ok()
    (['a', 'b'], True)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ciudadana.errors import CiudadanaError
from ciudadana.publish import lp
from ciudadana.publish.audit import (
    AuditResult,
    Cell,
    InconsistentTable,
    Interval,
    LinearTable,
    UnknownCell,
    audit,
    check_protection,
    tolerance,
)

__all__ = [
    "AuditResult",
    "CannotProtect",
    "Cell",
    "InconsistentTable",
    "Interval",
    "LinearTable",
    "SuppressionResult",
    "UnknownCell",
    "audit",
    "primary_suppression",
    "protect",
]

_RADII = (2, None)  # neighbourhoods tried for a perturbation LP; None: all it reaches
_REPAIR_ROUNDS = 3
_BATCH = 8  # primary cells whose perturbation LPs share one HiGHS call
_LOCAL_SEARCH_SOLVES = 60  # LP solves the local search may spend (a fixed count: deterministic)


class CannotProtect(CiudadanaError):
    """No suppression pattern can protect a primary cell (its partners are locked, say)."""

    code = "cannot-protect"


def primary_suppression(values: Mapping[Cell, int], threshold: int) -> set[Cell]:
    """Cells with ``0 < value < threshold``: the small counts that must be withheld.

    Zero is not sensitive (nobody is in the cell); ``threshold <= 1`` suppresses nothing.

    Example:
        >>> sorted(primary_suppression({"a": 0, "b": 1, "c": 2, "d": 3}, 3))
        ['b', 'c']
    """
    return {cell for cell, value in values.items() if 0 < value < threshold}


@dataclass(frozen=True)
class SuppressionResult:
    """A protected suppression pattern and the attacker's audit of it.

    Attributes:
        suppressed: every withheld cell (``primary | secondary``, plus any ``forced`` cell).
        primary: the sensitive cells asked for.
        secondary: the cells withheld only to protect the primary ones.
        audit: the attacker's intervals for every withheld cell; ``audit.ok()`` is True.
    """

    suppressed: frozenset[Cell]
    primary: frozenset[Cell]
    secondary: frozenset[Cell]
    audit: AuditResult


def protect(
    table: LinearTable,
    primary: Collection[Cell],
    *,
    protection: float,
    cost: Mapping[Cell, float] | None = None,
    locked: Collection[Cell] = (),
    forced: Collection[Cell] = (),
) -> SuppressionResult:
    """Secondary suppression: withhold extra cells until every primary cell is protected.

    A primary cell is protected when the attacker of ``audit`` cannot narrow it to an interval
    narrower than ``protection``. Extra cells are chosen to cost little: by default a cell
    costs its value plus one (the information lost; zeros are not free). Then cells the
    pattern does not need are given back, and a short local search tries cheaper routes.

    Args:
        table: the cells, their true values and their equations.
        primary: the sensitive cells (see ``primary_suppression``).
        protection: the smallest interval width an attacker may get for a primary cell, in
            the table's unit (``protection=3`` with threshold 3, say).
        cost: the cost of withholding a cell; cells left out cost their value plus one.
        locked: cells that may not be withheld (published before).
        forced: cells withheld from the start (withheld in an earlier release, say). Only
            ``primary`` cells are protected: list an earlier sensitive cell in both.

    Returns:
        The pattern, split into primary and secondary cells, with its audit.

    Raises:
        CannotProtect: no pattern protects some primary cell (every cell that could hide it
            is locked, or ``protection`` exceeds what the equations allow), or a primary or
            forced cell is locked; the message names the cell and why.
        UnknownCell: a cell passed is not in the table.

    Example:
        >>> table = LinearTable(
        ...     {"T": 10, "a": 2, "b": 3, "c": 5}, [("T", ("a", "b", "c"))]
        ... )
        >>> sorted(protect(table, {"a"}, protection=2, locked={"b"}).secondary)
        ['c']
    """
    protection = check_protection(protection)
    st = table._structure
    prim = st.indices(primary, "primarias")
    is_locked = st.mask(st.indices(locked, "bloqueadas"))
    forced_idx = st.indices(forced, "forzadas")
    for i in sorted(set(prim) | set(forced_idx)):
        if is_locked[i]:
            role = "sensible" if i in set(prim) else "forzada"
            raise CannotProtect(
                f"No se puede proteger la celda {st.cells[i]!r}: es {role} pero está "
                "bloqueada (ya publicada), y lo publicado no puede ocultarse. "
                "Quítela de `locked` o revise la publicación anterior."
            )
    weight = _weights(st, cost)
    fixed = st.mask(prim) | st.mask(forced_idx)
    pattern = _Pattern(st, fixed.copy(), prim, protection)
    if protection > 0:
        _cover(table, pattern, prim, is_locked, weight)
        _prune(pattern, ~fixed, weight, _Budget(None))
        pattern = _local_search(pattern, ~fixed, is_locked, weight)
    result = _audit(table, pattern.hidden, prim, protection)
    for _ in range(_REPAIR_ROUNDS):  # LP round-off only: the certificates rarely disagree
        if result.ok():
            break
        exposed = sorted(st.index[cell] for cell in result.exposed)
        for c in exposed:
            pattern.forget(c)
        _cover(table, pattern, exposed, is_locked, weight, margin=1.001)
        result = _audit(table, pattern.hidden, prim, protection)
    if not result.ok():
        raise AssertionError(f"protect() left exposed cells: {sorted(map(repr, result.exposed))}")
    hidden = np.flatnonzero(pattern.hidden)
    return SuppressionResult(
        suppressed=frozenset(st.cells[i] for i in hidden),
        primary=frozenset(st.cells[i] for i in prim),
        secondary=frozenset(st.cells[i] for i in hidden if not fixed[i]),
        audit=result,
    )


_Moves = tuple[dict[int, float], dict[int, float]]


class _Pattern:
    """Withheld cells plus, for each primary cell, two tables that certify its protection.

    ``up[c]`` and ``down[c]`` are perturbations of the true table (cell index -> change) that
    keep every equation and every count >= 0 and move only withheld cells: the attacker cannot
    rule them out, so ``up[c][c] - down[c][c]`` bounds the width of the interval of ``c`` from
    below. They stay valid while the cells they move stay withheld.
    """

    def __init__(self, st, hidden: NDArray[np.bool_], prim: list[int], protection: float):
        self.st = st
        self.hidden = hidden
        self.prim = prim
        self.is_primary = set(prim)
        self.protection = protection
        self.slack = tolerance(protection)
        self.up: dict[int, dict[int, float]] = {}
        self.down: dict[int, dict[int, float]] = {}
        self.seen: dict[int, list[dict[int, float]]] = {}  # every perturbation moving a cell

    def copy(self) -> _Pattern:
        twin = _Pattern(self.st, self.hidden.copy(), self.prim, self.protection)
        twin.up, twin.down = dict(self.up), dict(self.down)
        twin.seen = {c: list(changes) for c, changes in self.seen.items()}
        return twin

    def protects(self, c: int) -> bool:
        width = self.up.get(c, {}).get(c, 0.0) - self.down.get(c, {}).get(c, 0.0)
        return width >= self.protection - self.slack

    def add(self, change: dict[int, float]) -> None:
        """Withhold the cells a perturbation moves; keep it where it certifies more."""
        for i, moved in change.items():
            self.hidden[i] = True
            if i not in self.is_primary:
                continue
            if change not in self.seen.setdefault(i, []):
                self.seen[i].append(change)
            if moved > self.up.get(i, {}).get(i, 0.0):
                self.up[i] = change
            if moved < self.down.get(i, {}).get(i, 0.0):
                self.down[i] = change

    def relying_on(self, s: int) -> list[int]:
        """Primary cells whose certificates move cell ``s``."""
        return [c for c in self.prim if s in self.up.get(c, {}) or s in self.down.get(c, {})]

    def recertify(self, c: int, hidden: NDArray[np.bool_]) -> _Moves | None:
        """Certificates for ``c`` among the perturbations seen that move only ``hidden`` cells."""
        up: dict[int, float] = {}
        down: dict[int, float] = {}
        for change in self.seen.get(c, ()):
            better = change[c] > up.get(c, 0.0) or change[c] < down.get(c, 0.0)
            if better and all(hidden[i] for i in change):
                if change[c] > up.get(c, 0.0):
                    up = change
                else:
                    down = change
        if up.get(c, 0.0) - down.get(c, 0.0) >= self.protection - self.slack:
            return up, down
        return None

    def forget(self, c: int) -> None:
        self.up.pop(c, None)
        self.down.pop(c, None)

    def cost(self, weight: NDArray[np.float64], free: NDArray[np.bool_]) -> float:
        return float(weight[self.hidden & free].sum())


class _Budget:
    """LP solves left to the local search (``None``: no limit)."""

    def __init__(self, solves: int | None):
        self.left = solves

    def spend(self) -> None:
        if self.left is not None:
            self.left -= 1
            if self.left < 0:
                raise _OutOfBudget


class _OutOfBudget(Exception):
    """The local search spent its LP solves."""


def _cover(
    table: LinearTable,
    pattern: _Pattern,
    targets: list[int],
    is_locked: NDArray[np.bool_],
    weight: NDArray[np.float64],
    *,
    margin: float = 1.0,
) -> None:
    """Protect each target cell not yet protected with its cheapest perturbations, a batch of
    cells per HiGHS call; ``CannotProtect`` when a cell has none."""
    need = margin * pattern.protection
    for start in range(0, len(targets), _BATCH):
        batch = [c for c in targets[start : start + _BATCH] if not pattern.protects(c)]
        found = _perturbations(pattern.st, batch, pattern.hidden, ~is_locked, weight, need)
        for c, moves in zip(batch, found, strict=True):
            if pattern.protects(c):
                continue  # an earlier cell of the batch protected it already
            if moves is None:
                raise CannotProtect(_why(table, c, is_locked, pattern.protection))
            for change in moves:
                pattern.add(change)


def _prune(
    pattern: _Pattern, removable: NDArray[np.bool_], weight: NDArray[np.float64], budget: _Budget
) -> None:
    """Give back the secondary cells the pattern does not need, the most costly first.

    A cell that leaves a primary cell alone in an equation stays (the equation gives it away);
    a cell no certificate moves goes back at once; otherwise each primary cell that relied on it
    needs certificates that move only the other withheld cells, or the cell stays.
    """
    st = pattern.st
    candidates = [int(i) for i in np.flatnonzero(pattern.hidden & removable)]
    candidates.sort(key=lambda i: (-weight[i], i))
    for s in candidates:
        trial = pattern.hidden.copy()
        trial[s] = False
        if _leaves_alone(st, s, trial, pattern.is_primary):
            continue
        renewed: dict[int, _Moves] = {}
        missing = []
        for c in pattern.relying_on(s):
            found = pattern.recertify(c, trial)
            if found is None:
                missing.append(c)
            else:
                renewed[c] = found
        if missing:
            budget.spend()
            solved = _perturbations(
                st, missing, trial, trial, weight, pattern.protection, radii=(None,), elastic=True
            )
            if any(found is None for found in solved):
                continue
            renewed.update(zip(missing, solved, strict=True))
        pattern.hidden = trial
        for c, (up, down) in renewed.items():
            pattern.up[c], pattern.down[c] = up, down
            for change in (up, down):
                if change and change not in pattern.seen.setdefault(c, []):
                    pattern.seen[c].append(change)


def _leaves_alone(st, s: int, hidden: NDArray[np.bool_], is_primary: Collection[int]) -> bool:
    """True when an equation of cell ``s`` is left with one withheld cell, a primary one."""
    for e in st.cell_eqs[s]:
        members = st.eq_cells[e]
        left = members[hidden[members]]
        if len(left) == 1 and int(left[0]) in is_primary:
            return True
    return False


def _local_search(
    pattern: _Pattern,
    removable: NDArray[np.bool_],
    is_locked: NDArray[np.bool_],
    weight: NDArray[np.float64],
) -> _Pattern:
    """Forbid each secondary cell in turn (most costly first), protect again, prune, and keep
    the cheaper pattern; stops when its LP solves are spent."""
    budget = _Budget(_LOCAL_SEARCH_SOLVES)
    candidates = [int(i) for i in np.flatnonzero(pattern.hidden & removable)]
    candidates.sort(key=lambda i: (-weight[i], i))
    try:
        for s in candidates:
            if not pattern.hidden[s]:
                continue
            trial = pattern.copy()
            trial.hidden[s] = False
            movable = ~is_locked
            movable[s] = False
            for c in trial.relying_on(s):
                trial.forget(c)
            for c in trial.prim:
                if trial.protects(c):
                    continue
                budget.spend()
                (found,) = _perturbations(
                    trial.st, [c], trial.hidden, movable, weight, trial.protection
                )
                if found is None:
                    break
                for change in found:
                    trial.add(change)
            else:
                _prune(trial, removable, weight, budget)
                if trial.cost(weight, removable) < pattern.cost(weight, removable) - 1e-9:
                    pattern = trial
    except _OutOfBudget:
        pass
    return pattern


def _audit(
    table: LinearTable, hidden: NDArray[np.bool_], prim: list[int], protection: float
) -> AuditResult:
    st = table._structure
    cells = [st.cells[i] for i in np.flatnonzero(hidden)]
    return audit(table, cells, sensitive=[st.cells[i] for i in prim], protection=protection)


def _weights(st, cost: Mapping[Cell, float] | None) -> NDArray[np.float64]:
    weight = st.value + 1.0
    if cost:
        st.indices(cost, "con costo")
        for cell, value in cost.items():
            value = float(value)
            if not math.isfinite(value) or value < 0:
                raise ValueError(
                    f"El costo de la celda {cell!r} debe ser un número >= 0, no {value!r}."
                )
            weight[st.index[cell]] = value
    return weight


def _perturbations(
    st,
    targets: list[int],
    hidden: NDArray[np.bool_],
    movable: NDArray[np.bool_],
    weight: NDArray[np.float64],
    protection: float,
    *,
    radii: tuple[int | None, ...] = _RADII,
    elastic: bool = False,
) -> list[_Moves | None]:
    """For each target cell, the cheapest pair of perturbations (up, down) that spread it by
    ``protection``, or ``None``.

    Variables ``y = y+ - y-`` and ``z = z+ - z-`` over the movable cells near the cell (every
    other cell stays put): ``A y = 0`` and ``A z = 0`` on every equation,
    ``y_c - z_c >= protection``, ``y-, z- <= value`` (no count below zero). Cost
    ``sum(weight * (|y| + |z|))``, with cells already withheld almost free. The targets share
    one HiGHS call per neighbourhood size (``radii``: equations away from the cell; ``None``,
    all it reaches); a cell whose neighbourhood falls short tries the next size. The last size
    is exact unless ``elastic``.
    """
    if not targets:
        return []
    radius, rest = radii[0], radii[1:]
    soft = elastic or bool(rest)
    jobs = [_Job(st, c, hidden, movable, weight, protection, radius, soft) for c in targets]
    solved = iter(_solve([job for job in jobs if job.ready is None]))
    out = [job.ready if job.ready is not None else next(solved) for job in jobs]
    short = [n for n, found in enumerate(out) if found is None]
    if short and rest:
        again = _perturbations(
            st, [targets[n] for n in short], hidden, movable, weight, protection, radii=rest
        )
        for n, found in zip(short, again, strict=True):
            out[n] = found
    return out


def _neighbourhood(st, c: int, movable: NDArray[np.bool_], radius: int | None) -> list[int]:
    """Movable cells within ``radius`` equations of cell ``c`` (all it reaches if None)."""
    seen = np.zeros(len(st.cells), dtype=bool)
    seen[c] = True
    frontier = np.array([c])
    steps = 0
    while len(frontier) and (radius is None or steps < radius):
        step = np.concatenate([st.neighbours[i] for i in frontier])
        step = step[movable[step] & ~seen[step]]
        frontier = np.unique(step)
        seen[frontier] = True
        steps += 1
    return np.flatnonzero(seen).tolist()


class _Job:
    """The perturbation LP of one cell over one neighbourhood, ready for HiGHS.

    Columns ``y+, y-, z+, z-`` (one per cell each), a surplus and a shortfall; rows: the
    equations on ``y``, on ``z``, and ``y_c - z_c - surplus + shortfall = protection``. An
    *elastic* job lets the shortfall be positive at a cost above any perturbation of the
    neighbourhood, so many jobs can share one call and the one that falls short is told apart.
    """

    def __init__(self, st, c, hidden, movable, weight, protection, radius, elastic: bool):
        self.cells = cells = _neighbourhood(st, c, movable, radius)
        self.protection = protection
        self.ready: _Moves | None = None
        eqs = sorted({e for g in cells for e in st.cell_eqs[g]})
        if not eqs:  # a cell in no equation: nothing to hide it from
            self.ready = ({c: float(protection)}, {})
            return
        k, m = len(cells), len(eqs)
        position = np.full(len(st.cells), -1)
        position[cells] = np.arange(k)
        members = np.concatenate([st.eq_cells[e] for e in eqs])
        rows = np.repeat(np.arange(m), [len(st.eq_cells[e]) for e in eqs])
        coefs = np.concatenate([st.eq_coefs[e] for e in eqs])
        cols = position[members]
        keep = cols >= 0
        rows, cols, coefs = rows[keep], cols[keep], coefs[keep]
        n = int(position[c])
        self.data = np.concatenate([coefs, -coefs, coefs, -coefs, [1, -1, -1, 1, -1, 1]])
        self.rows = np.concatenate([rows, rows, rows + m, rows + m, np.full(6, 2 * m)])
        self.cols = np.concatenate(
            [cols, cols + k, cols + 2 * k, cols + 3 * k]
            + [[n, k + n, 2 * k + n, 3 * k + n, 4 * k, 4 * k + 1]]
        )
        self.shape = (2 * m + 1, 4 * k + 2)
        epsilon = 1e-4 * max(float(weight[weight > 0].min(initial=1.0)), 1e-6)
        unit = np.where(hidden[cells], 0.0, weight[cells]) + epsilon
        self.cost = np.concatenate([np.tile(unit, 4), [0.0, 1.0 + 4.0 * float(unit.sum())]])
        self.bounds = np.zeros((4 * k + 2, 2))
        self.bounds[:, 1] = np.inf
        self.bounds[k : 2 * k, 1] = self.bounds[3 * k : 4 * k, 1] = st.value[cells]
        self.bounds[-1, 1] = protection if elastic else 0.0
        self.b_eq = np.zeros(2 * m + 1)
        self.b_eq[-1] = protection

    def moves(self, x: NDArray[np.float64]) -> _Moves | None:
        k = len(self.cells)
        noise = 1e-7 * max(1.0, self.protection)
        if x[-1] > noise:
            return None  # the neighbourhood falls short
        up, down = x[:k] - x[k : 2 * k], x[2 * k : 3 * k] - x[3 * k : 4 * k]
        return (
            {self.cells[j]: float(up[j]) for j in np.flatnonzero(np.abs(up) > noise)},
            {self.cells[j]: float(down[j]) for j in np.flatnonzero(np.abs(down) > noise)},
        )


def _solve(jobs: list[_Job]) -> list[_Moves | None]:
    """Solve perturbation LPs in one HiGHS call (independent diagonal blocks); ``None`` for one
    that falls short. An exact LP with no solution makes the call infeasible: then the jobs are
    split in halves to tell which."""
    if not jobs:
        return []
    row_at = np.cumsum([0] + [job.shape[0] for job in jobs])
    col_at = np.cumsum([0] + [job.shape[1] for job in jobs])
    a_eq = sparse.csr_matrix(
        (
            np.concatenate([job.data for job in jobs]),
            (
                np.concatenate([job.rows + r for job, r in zip(jobs, row_at[:-1], strict=True)]),
                np.concatenate([job.cols + c for job, c in zip(jobs, col_at[:-1], strict=True)]),
            ),
        ),
        shape=(int(row_at[-1]), int(col_at[-1])),
    )
    bounds = np.concatenate([job.bounds for job in jobs])
    result = lp.solve(
        np.concatenate([job.cost for job in jobs]),
        a_eq,
        np.concatenate([job.b_eq for job in jobs]),
        bounds[:, 0],
        bounds[:, 1],
    )
    if result.status == 2:
        if len(jobs) == 1:
            return [None]
        half = len(jobs) // 2
        return _solve(jobs[:half]) + _solve(jobs[half:])
    if result.status != 0:
        raise RuntimeError(f"HiGHS no resolvió un problema de perturbación: {result.message}")
    spans = zip(jobs, col_at[:-1], col_at[1:], strict=True)
    return [job.moves(result.x[start:end]) for job, start, end in spans]


def _why(table: LinearTable, c: int, is_locked: NDArray[np.bool_], protection: float) -> str:
    """Why cell ``c`` cannot be protected, in words a user can act on."""
    st = table._structure
    name = st.cells[c]
    for e in st.cell_eqs[c]:
        others = [int(j) for j in st.eq_cells[e] if int(j) != c]
        if all(is_locked[j] for j in others):
            return (
                f"No se puede proteger la celda {name!r}: en la ecuación {st.labels[e]} todas "
                "las demás celdas están bloqueadas (ya publicadas), así que su valor se deduce "
                "exactamente. Desbloquee alguna de ellas o agregue categorías."
            )
    everything = [st.cells[i] for i in np.flatnonzero(~is_locked)]
    best = audit(table, everything, sensitive=[name], protection=protection).intervals[name]
    return (
        f"No se puede proteger la celda {name!r}: aun ocultando todas las celdas no bloqueadas, "
        f"un atacante sabe que vale entre {best.lower:g} y {best.upper:g}, un rango de "
        f"{best.width:g}, menor que la protección pedida ({protection:g}). Reduzca la "
        "protección, desbloquee celdas o agregue categorías."
    )
