"""Linear programs ``min c x  s.t.  A x = b,  lower <= x <= upper`` on HiGHS, called directly.

SciPy's ``linprog(method="highs")`` runs the same solver, but its wrapper walks every column in
Python after each solve, and disclosure control solves many programs of thousands of columns:
that walk cost more than HiGHS itself on a national release. This module hands HiGHS the
matrix as it is and reads back only the solution.

Example:
    >>> from scipy import sparse
    >>> result = solve(np.array([1.0, 1.0]), sparse.csr_matrix([[1.0, -1.0]]), np.array([2.0]))
    >>> result.status, result.x.tolist()
    (0, [2.0, 0.0])
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

#: ``linprog``'s status codes, so callers read the same: solved, infeasible, unbounded.
OPTIMAL, INFEASIBLE, UNBOUNDED, OTHER = 0, 2, 3, 4

_STATUS = {
    highspy.HighsModelStatus.kOptimal: OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: UNBOUNDED,
}


@dataclass(frozen=True)
class Solution:
    status: int
    x: NDArray[np.float64]
    message: str


def solve(
    costs: NDArray[np.float64],
    a_eq: sparse.spmatrix,
    b_eq: NDArray[np.float64],
    lower: ArrayLike = 0.0,
    upper: ArrayLike = np.inf,
) -> Solution:
    """Minimise ``costs @ x`` subject to ``a_eq @ x == b_eq`` and the bounds on ``x``.

    ``lower`` and ``upper`` are a number for every column or one per column.
    """
    n = len(costs)
    matrix = sparse.csc_matrix(a_eq)
    if matrix.shape != (len(b_eq), n):
        raise ValueError(f"A_eq is {matrix.shape}, expected ({len(b_eq)}, {n})")
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(b_eq)
    lp.col_cost_ = np.asarray(costs, dtype=np.float64)
    lp.col_lower_ = np.broadcast_to(np.asarray(lower, dtype=np.float64), n).copy()
    lp.col_upper_ = np.broadcast_to(np.asarray(upper, dtype=np.float64), n).copy()
    lp.row_lower_ = lp.row_upper_ = np.asarray(b_eq, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(b_eq)
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    highs = _solver()
    highs.passModel(lp)
    highs.run()
    model_status = highs.getModelStatus()
    if model_status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
        # Presolve can stop without telling which; the simplex without it tells.
        highs.setOptionValue("presolve", "off")
        try:
            highs.run()
        finally:
            highs.setOptionValue("presolve", "choose")
        model_status = highs.getModelStatus()
    status = _STATUS.get(model_status, OTHER)
    x = np.array(highs.getSolution().col_value) if status == OPTIMAL else np.full(n, np.nan)
    return Solution(status, x, highs.modelStatusToString(model_status))


_LOCAL = threading.local()


def _solver() -> highspy._Highs:
    """One silent HiGHS per thread. (``highspy.Highs`` prints a banner to standard output when
    it is made, which would break ``--json`` output and the control workers' pipe; its base
    class, which ``highspy`` exports, does not.)"""
    highs = getattr(_LOCAL, "highs", None)
    if highs is None:
        highs = _LOCAL.highs = highspy._Highs()
        highs.setOptionValue("output_flag", False)
    return highs
