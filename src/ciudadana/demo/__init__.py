"""A synthetic Guatemala seen by several institutions, with its ground truth.

``simulate`` draws residents on the real territory, incidents calibrated to published figures,
the victims and aggressors involved, and what each institution recorded; it writes each
institution's export in its own shape and with its own faults, and the truth behind them.

Example:
    >>> from pathlib import Path
    >>> from ciudadana.demo import simulate
    >>> result = simulate(Path("demo-out"), persons=50_000)  # doctest: +SKIP
    >>> result.files["exports/pnc_hechos_2015_2020.csv"]  # doctest: +SKIP
    1612
"""

from ciudadana.demo.simulate import InvalidSimulation, SimulationResult, simulate

__all__ = ["InvalidSimulation", "SimulationResult", "simulate"]
