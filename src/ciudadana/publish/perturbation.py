"""The perturbation LPs that certify a withheld cell's protection (``suppression.protect``).

For a cell to protect, HiGHS finds the cheapest pair of perturbations of the table, one moving
the cell up and one down, their spread at least ``protection``, that keep every equation and
every count >= 0 and leave locked cells alone. Each is a table the attacker cannot tell from
the true one; the cells it moves must be withheld. To stay small, each LP spans only the cells
near the one it protects (a few equations away) and grows only when that falls short.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ciudadana.publish import lp

#: A cell's perturbations: cell index -> change, moving it up; and moving it down.
Moves = tuple[dict[int, float], dict[int, float]]

RADII = (2, None)  # neighbourhoods tried for a perturbation LP; None: all it reaches


def perturbations(
    st,
    targets: list[int],
    hidden: NDArray[np.bool_],
    movable: NDArray[np.bool_],
    weight: NDArray[np.float64],
    protection: float,
    *,
    radii: tuple[int | None, ...] = RADII,
    elastic: bool = False,
) -> list[Moves | None]:
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
        again = perturbations(
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
        self.ready: Moves | None = None
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

    def moves(self, x: NDArray[np.float64]) -> Moves | None:
        k = len(self.cells)
        noise = 1e-7 * max(1.0, self.protection)
        if x[-1] > noise:
            return None  # the neighbourhood falls short
        up, down = x[:k] - x[k : 2 * k], x[2 * k : 3 * k] - x[3 * k : 4 * k]
        return (
            {self.cells[j]: float(up[j]) for j in np.flatnonzero(np.abs(up) > noise)},
            {self.cells[j]: float(down[j]) for j in np.flatnonzero(np.abs(down) > noise)},
        )


def _solve(jobs: list[_Job]) -> list[Moves | None]:
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
