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

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
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
from ciudadana.publish.perturbation import Moves, perturbations

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
            message = (
                _(
                    "No se puede proteger la celda {cell}: es sensible pero está bloqueada (ya "
                    "publicada), y lo publicado no puede ocultarse. Quítela de `locked` o revise "
                    "la publicación anterior."
                )
                if i in set(prim)
                else _(
                    "No se puede proteger la celda {cell}: es forzada pero está bloqueada (ya "
                    "publicada), y lo publicado no puede ocultarse. Quítela de `locked` o revise "
                    "la publicación anterior."
                )
            )
            raise CannotProtect(message.format(cell=repr(st.cells[i])))
    weight = _weights(st, cost)
    fixed = st.mask(prim) | st.mask(forced_idx)
    pattern = _Pattern(st, fixed.copy(), prim, protection)
    if protection > 0:
        _cover(table, pattern, prim, is_locked, weight)
        _prune(pattern, ~fixed, weight, _Budget(None))
        pattern = _local_search(pattern, ~fixed, is_locked, weight)
    result = _audit(table, pattern.hidden, prim, protection)
    for _round in range(_REPAIR_ROUNDS):  # LP round-off only: the certificates rarely disagree
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

    def recertify(self, c: int, hidden: NDArray[np.bool_]) -> Moves | None:
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
        found = perturbations(pattern.st, batch, pattern.hidden, ~is_locked, weight, need)
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
        renewed: dict[int, Moves] = {}
        missing = []
        for c in pattern.relying_on(s):
            found = pattern.recertify(c, trial)
            if found is None:
                missing.append(c)
            else:
                renewed[c] = found
        if missing:
            budget.spend()
            solved = perturbations(
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
                (found,) = perturbations(
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


def _why(table: LinearTable, c: int, is_locked: NDArray[np.bool_], protection: float) -> str:
    """Why cell ``c`` cannot be protected, in words a user can act on."""
    st = table._structure
    name = st.cells[c]
    for e in st.cell_eqs[c]:
        others = [int(j) for j in st.eq_cells[e] if int(j) != c]
        if all(is_locked[j] for j in others):
            return _(
                "No se puede proteger la celda {cell}: en la ecuación {equation} todas las "
                "demás celdas están bloqueadas (ya publicadas), así que su valor se deduce "
                "exactamente. Desbloquee alguna de ellas o agregue categorías."
            ).format(cell=repr(name), equation=st.labels[e])
    everything = [st.cells[i] for i in np.flatnonzero(~is_locked)]
    best = audit(table, everything, sensitive=[name], protection=protection).intervals[name]
    return _(
        "No se puede proteger la celda {cell}: aun ocultando todas las celdas no bloqueadas, un "
        "atacante sabe que vale entre {lower} y {upper}, un rango de {width}, menor que la "
        "protección pedida ({protection}). Reduzca la protección, desbloquee celdas o agregue "
        "categorías."
    ).format(
        cell=repr(name),
        lower=f"{best.lower:g}",
        upper=f"{best.upper:g}",
        width=f"{best.width:g}",
        protection=f"{protection:g}",
    )
