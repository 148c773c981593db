"""The attacker's view of a count table with suppressed cells: feasibility intervals by LP.

A table is a set of cells with true non-negative integer values tied by additive equations (a
total equals the sum of its parts). Once some cells are suppressed, an attacker who knows every
published cell, every equation and that counts are never negative bounds each suppressed cell
by linear programming: the *feasibility interval* of the literature (Hundepool et al., Handbook
on Statistical Disclosure Control, 2nd ed., 2024, section 4.2.2, Example 3 after Geurts, 1992;
Fischetti and Salazar-González, 2000). As in tau-ARGUS, the attacker solves the LP relaxation
(no integrality): the intervals are never narrower than the integer ones.

Published cells are constants, so only equations with a suppressed cell matter, and the
suppressed cells split into connected components (two suppressed cells are connected when an
equation names both). Each component is its own small LP, and the min and max of many cells of
one component are solved in one call to HiGHS as independent blocks of one block-diagonal LP.

Example:
    >>> table = LinearTable({"total": 10, "a": 2, "b": 8}, [("total", ("a", "b"))])
    >>> result = audit(table, {"a"}, sensitive={"a"}, protection=2)
    >>> result.intervals["a"], sorted(result.exposed)
    (Interval(lower=2.0, upper=2.0), ['a'])
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ciudadana.errors import CiudadanaError
from ciudadana.publish import lp

Cell = Hashable
"""A table cell: any hashable key with a stable ``repr``, e.g. ``("muni", "0101", "F")``."""

_MAX_BLOCK_VARIABLES = 20_000  # variables of one block-diagonal LP (many objectives at once)
_MAX_BLOCKS = 64


class InconsistentTable(CiudadanaError):
    """The values do not satisfy the table's equations, or an equation names an unknown cell."""

    code = "inconsistent-table"


class UnknownCell(CiudadanaError):
    """A cell passed to ``audit`` or ``protect`` is not a cell of the table."""

    code = "unknown-cell"


def cell_key(cell: Cell) -> tuple[str, str]:
    """The stable sort key of a cell (type name, ``repr``): the same order in every run."""
    return (type(cell).__name__, repr(cell))


def tolerance(protection: float) -> float:
    """Numerical slack when comparing an LP width with the protection asked for."""
    return 1e-6 * max(1.0, abs(protection))


def check_protection(protection: float) -> float:
    """``protection`` as a float, or a clear error when it is negative or not a number."""
    if (
        isinstance(protection, bool)
        or not isinstance(protection, numbers.Real)
        or not math.isfinite(protection)
        or protection < 0
    ):
        raise ValueError(
            f"La protección debe ser un número finito mayor o igual que cero, no {protection!r}."
        )
    return float(protection)


@dataclass(frozen=True)
class LinearTable:
    """Cells with their true counts and the additive equations that tie them.

    Args:
        values: the true non-negative integer value of every cell.
        equations: ``(total, parts)`` pairs, each meaning
            ``values[total] == sum(values[p] for p in parts)``. ``(a, (b,))`` ties two cells
            that must be equal (the same count in two releases).

    Raises:
        InconsistentTable: a value is not a non-negative integer, an equation names a cell
            without a value, or an equation does not hold; every problem is listed at once.

    Example:
        >>> table = LinearTable(
        ...     {"Q1": 5, "ene": 1, "feb": 2, "mar": 2},
        ...     [("Q1", ("ene", "feb", "mar"))],
        ... )
        >>> table.values["Q1"]
        5
    """

    values: Mapping[Cell, int]
    equations: Sequence[tuple[Cell, tuple[Cell, ...]]]
    _structure: _Structure = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        values: dict[Cell, int] = {}
        for cell, value in self.values.items():
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                problems.append(f"la celda {cell!r} vale {value!r}: debe ser un entero >= 0")
            else:
                values[cell] = int(value)
        equations: list[tuple[Cell, tuple[Cell, ...]]] = []
        for n, equation in enumerate(self.equations, start=1):
            try:
                total, parts = equation
                parts = tuple(parts)
            except (TypeError, ValueError):
                problems.append(f"la ecuación {n} no es un par (total, partes): {equation!r}")
                continue
            equations.append((total, parts))
            missing = [c for c in (total, *parts) if c not in self.values]
            if missing:
                names = ", ".join(repr(c) for c in dict.fromkeys(missing))
                problems.append(
                    f"la ecuación {n} ({_label(total, parts)}) nombra {names} sin valor"
                )
            elif all(c in values for c in (total, *parts)):
                whole, summed = values[total], sum(values[p] for p in parts)
                if whole != summed:
                    problems.append(
                        f"la ecuación {n} ({_label(total, parts)}) no se cumple: "
                        f"{total!r} vale {whole} y la suma de sus partes, {summed}"
                    )
        if problems:
            shown = problems[:20]
            more = f"\n  ... y {len(problems) - 20} más" if len(problems) > 20 else ""
            raise InconsistentTable(
                "La tabla no es coherente:\n  "
                + "\n  ".join(shown)
                + more
                + "\nCorrija los valores o las ecuaciones antes de proteger la tabla."
            )
        object.__setattr__(self, "values", MappingProxyType(values))
        object.__setattr__(self, "equations", tuple(equations))
        object.__setattr__(self, "_structure", _Structure(values, equations))


def _label(total: Cell, parts: Sequence[Cell]) -> str:
    shown = " + ".join(repr(p) for p in parts[:6]) + (" + ..." if len(parts) > 6 else "")
    return f"{total!r} = {shown or '0'}"


class _Structure:
    """A table as arrays: cells in a stable order, values, and each equation's coefficients."""

    def __init__(self, values: Mapping[Cell, int], equations: Sequence[tuple[Cell, tuple]]):
        self.cells: list[Cell] = sorted(values, key=cell_key)
        self.index: dict[Cell, int] = {c: i for i, c in enumerate(self.cells)}
        self.value: NDArray[np.float64] = np.array([values[c] for c in self.cells], dtype=float)
        self.labels: list[str] = []
        self.eq_cells: list[NDArray[np.int64]] = []
        self.eq_coefs: list[NDArray[np.float64]] = []
        self.cell_eqs: list[list[int]] = [[] for _ in self.cells]
        for total, parts in equations:
            coefs: dict[int, float] = {self.index[total]: 1.0}
            for part in parts:
                i = self.index[part]
                coefs[i] = coefs.get(i, 0.0) - 1.0
            coefs = {i: a for i, a in sorted(coefs.items()) if a != 0.0}
            if not coefs:
                continue  # a == a: no information
            e = len(self.eq_cells)
            self.eq_cells.append(np.fromiter(coefs, dtype=np.int64, count=len(coefs)))
            self.eq_coefs.append(np.fromiter(coefs.values(), dtype=float, count=len(coefs)))
            self.labels.append(_label(total, parts))
            for i in coefs:
                self.cell_eqs[i].append(e)
        self.neighbours: list[NDArray[np.int64]] = [
            np.unique(np.concatenate([self.eq_cells[e] for e in eqs]))
            if eqs
            else np.zeros(0, dtype=np.int64)
            for eqs in self.cell_eqs
        ]

    def indices(self, cells: Iterable[Cell], role: str) -> list[int]:
        """Sorted table indices of ``cells``; an error naming the unknown ones."""
        found: set[int] = set()
        unknown: list[Cell] = []
        for cell in cells:
            try:
                found.add(self.index[cell])
            except (KeyError, TypeError):
                unknown.append(cell)
        if unknown:
            names = ", ".join(repr(c) for c in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
            raise UnknownCell(
                f"Las celdas {role} {names} no están en la tabla. "
                "Use las mismas claves que en `values`."
            )
        return sorted(found)

    def mask(self, indices: Iterable[int]) -> NDArray[np.bool_]:
        out = np.zeros(len(self.cells), dtype=bool)
        out[list(indices)] = True
        return out

    def components(self, suppressed: NDArray[np.bool_]) -> list[tuple[list[int], list[int]]]:
        """Connected components of the suppressed cells: (cells, equations naming them)."""
        parent = {int(i): int(i) for i in np.flatnonzero(suppressed)}

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        touched: list[tuple[int, int]] = []
        for e, idx in enumerate(self.eq_cells):
            hidden = idx[suppressed[idx]]
            if len(hidden) == 0:
                continue
            root = find(int(hidden[0]))
            for i in hidden[1:]:
                other = find(int(i))
                if other != root:
                    parent[other] = root
            touched.append((e, int(hidden[0])))
        groups: dict[int, tuple[list[int], list[int]]] = {}
        for i in parent:
            groups.setdefault(find(i), ([], []))[0].append(i)
        for e, i in touched:
            groups[find(i)][1].append(e)
        return [(sorted(cells), eqs) for cells, eqs in groups.values()]

    def system(
        self, cells: Sequence[int], eqs: Sequence[int], suppressed: NDArray[np.bool_]
    ) -> tuple[sparse.csr_matrix, NDArray[np.float64]]:
        """``A x = b`` over the suppressed ``cells`` once every published cell is a constant."""
        local = {g: n for n, g in enumerate(cells)}
        rows: list[int] = []
        cols: list[int] = []
        data: list[float] = []
        rhs = np.zeros(len(eqs))
        for r, e in enumerate(eqs):
            idx, coefs = self.eq_cells[e], self.eq_coefs[e]
            hidden = suppressed[idx]
            for i, a in zip(idx[hidden], coefs[hidden], strict=True):
                rows.append(r)
                cols.append(local[int(i)])
                data.append(float(a))
            rhs[r] = -float(coefs[~hidden] @ self.value[idx[~hidden]])
        matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(eqs), len(cells)))
        return matrix, rhs

    def bounds(self, suppressed: NDArray[np.bool_]) -> dict[int, tuple[float, float]]:
        """The attacker's (min, max) of every suppressed cell."""
        out: dict[int, tuple[float, float]] = {}
        for cells, eqs in self.components(suppressed):
            matrix, rhs = self.system(cells, eqs, suppressed)
            jobs = [(n, sense) for n in range(len(cells)) for sense in (1.0, -1.0)]
            found = extremes(matrix, rhs, jobs)
            for n, c in enumerate(cells):
                out[c] = (_snap(found[2 * n]), _snap(found[2 * n + 1]))
        return out


def extremes(
    matrix: sparse.csr_matrix, rhs: NDArray[np.float64], jobs: Sequence[tuple[int, float]]
) -> list[float]:
    """Min (sense ``1.0``) or max (sense ``-1.0``) of one variable of ``{A x = b, x >= 0}`` per job.

    Many jobs share one HiGHS call: the LP is copied into independent diagonal blocks, each with
    its own objective, so each block's optimum is its job's optimum. The blocks carry a large cap
    on every variable (one unbounded max would make the whole call unbounded); a max that reaches
    the cap is solved again alone without it.
    """
    rows, width = matrix.shape
    if rows == 0:  # cells in no equation: anything from zero up
        return [0.0 if sense > 0 else math.inf for _, sense in jobs]
    cap = 1e3 * (1.0 + float(np.abs(rhs).sum()))
    per_call = max(1, min(_MAX_BLOCKS, _MAX_BLOCK_VARIABLES // max(width, 1)))
    out: list[float] = []
    for start in range(0, len(jobs), per_call):
        chunk = jobs[start : start + per_call]
        blocks = len(chunk)
        costs = np.zeros(blocks * width)
        for b, (j, sense) in enumerate(chunk):
            costs[b * width + j] = sense
        result = lp.solve(
            costs,
            sparse.kron(sparse.identity(blocks, format="csr"), matrix, format="csc"),
            np.tile(rhs, blocks),
            0.0,
            cap,
        )
        if result.status != 0:  # rare numerical trouble: one LP per job
            out.extend(_alone(matrix, rhs, j, sense) for j, sense in chunk)
            continue
        points = result.x.reshape(blocks, width)
        for b, (j, sense) in enumerate(chunk):
            value = float(points[b, j])
            out.append(_alone(matrix, rhs, j, sense) if sense < 0 and value >= cap / 2 else value)
    return out


def _alone(matrix: sparse.csr_matrix, rhs: NDArray[np.float64], j: int, sense: float) -> float:
    costs = np.zeros(matrix.shape[1])
    costs[j] = sense
    result = lp.solve(costs, matrix, rhs)
    if result.status == 3:
        return math.inf
    if result.status != 0:
        raise RuntimeError(f"HiGHS no resolvió el problema del atacante: {result.message}")
    return float(result.x[j])


def _snap(value: float) -> float:
    """LP noise off: a bound within 1e-7 of an integer is that integer; never below zero."""
    if math.isinf(value):
        return value
    nearest = round(value)
    value = float(nearest) if abs(value - nearest) <= 1e-7 * max(1.0, abs(value)) else value
    return max(value, 0.0)


@dataclass(frozen=True)
class Interval:
    """What an attacker can say about a suppressed cell: ``lower <= value <= upper``.

    Example:
        >>> Interval(3.0, 6.0).width
        3.0
    """

    lower: float
    upper: float

    @property
    def width(self) -> float:
        """``upper - lower`` (infinite when the attacker has no upper bound)."""
        return self.upper - self.lower


@dataclass(frozen=True)
class AuditResult:
    """The attacker's intervals and the sensitive cells left too exposed.

    Attributes:
        intervals: the feasibility interval of every suppressed cell.
        exposed: sensitive cells whose interval is narrower than the protection asked for
            (a sensitive cell that was published is exposed too: its interval has width 0).
    """

    intervals: Mapping[Cell, Interval]
    exposed: frozenset[Cell]

    def ok(self) -> bool:
        """True when no sensitive cell is exposed."""
        return not self.exposed


def audit(
    table: LinearTable,
    suppressed: Collection[Cell],
    *,
    sensitive: Collection[Cell],
    protection: float,
) -> AuditResult:
    """The attacker: bound every suppressed cell from the published cells and the equations.

    Every published cell (not in ``suppressed``) is known exactly; for each suppressed cell the
    attacker solves the min and the max of its value subject to the equations and ``x >= 0``
    (LP relaxation, no integrality). A sensitive cell is exposed when ``upper - lower`` is
    smaller than ``protection`` (the "sliding protection range" of tau-ARGUS).

    Args:
        table: the cells, their true values and their equations.
        suppressed: the cells withheld from publication.
        sensitive: the cells that need protection (usually the primary suppressions).
        protection: the smallest acceptable interval width, in the table's unit.

    Returns:
        The interval of every suppressed cell and the exposed sensitive cells.

    Raises:
        UnknownCell: a suppressed or sensitive cell is not in the table.

    Example:
        >>> table = LinearTable(
        ...     {"T": 9, "a": 1, "b": 3, "c": 5}, [("T", ("a", "b", "c"))]
        ... )
        >>> audit(table, {"a", "b"}, sensitive={"a"}, protection=3).intervals["a"]
        Interval(lower=0.0, upper=4.0)
    """
    protection = check_protection(protection)
    st = table._structure
    hidden = st.mask(st.indices(suppressed, "suprimidas"))
    targets = st.indices(sensitive, "sensibles")
    found = st.bounds(hidden)
    slack = tolerance(protection)
    intervals = {st.cells[i]: Interval(lo, hi) for i, (lo, hi) in sorted(found.items())}
    exposed = frozenset(
        st.cells[i]
        for i in targets
        if not hidden[i] or found[i][1] - found[i][0] < protection - slack
    )
    return AuditResult(MappingProxyType(intervals), exposed)
