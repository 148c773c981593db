"""``simulate``: write a synthetic country's institutional exports and its ground truth.

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     result = simulate(Path(tmp), persons=5_000, first_year=2019, last_year=2020)
    ...     sorted(result.files)[0]
    'README.md'
"""

from __future__ import annotations

import hashlib
import json
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from ciudadana import __version__
from ciudadana.demo.coverage_report import overall, write_coverage
from ciudadana.demo.exports import inacif, ine, mp, oj, pnc, protection
from ciudadana.demo.exports.common import Export, prefetch
from ciudadana.demo.truth import write_truth
from ciudadana.demo.world import build_world, rng_for
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _

Progress = Callable[[str, float], None]
MIN_PERSONS = 2_000
YEAR_RANGE = (2009, 2030)


class InvalidSimulation(CiudadanaError):
    """The parameters of a simulation, or its output folder, cannot be used."""

    code = "invalid-simulation"


@dataclass
class SimulationResult:
    """What ``simulate`` wrote.

    Attributes:
        out_dir: the folder written.
        seed, persons, first_year, last_year: the parameters.
        files: path relative to ``out_dir`` -> data rows (README and manifest: lines, 0).
        truth_dir: the folder of the ground-truth files.
        coverage: share of incidents (victims for INACIF and INE) each source recorded.
        timings: seconds per stage, and ``total``.
    """

    out_dir: Path
    seed: int
    persons: int
    first_year: int
    last_year: int
    files: dict[str, int] = field(default_factory=dict)
    truth_dir: Path = Path()
    coverage: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def simulate(
    out_dir: Path,
    *,
    seed: int = 20240601,
    persons: int = 300_000,
    first_year: int = 2015,
    last_year: int = 2020,
    progress: Progress | None = None,
) -> SimulationResult:
    """Simulate ``persons`` residents over ``first_year``-``last_year`` and write everything.

    The same parameters always give byte-identical files. ``out_dir`` must be empty, missing, or
    a previous simulation's folder (its files, listed in its ``manifest.json``, are replaced).

    Args:
        out_dir: where to write ``exports/``, ``truth/``, ``README.md`` and ``manifest.json``.
        seed: the random seed.
        persons: residents materialised; event counts scale with it (about 36,000 incidents
            over six years per million).
        first_year, last_year: the years simulated (2009-2030; calibrated on 2012-2024).
        progress: called with a stage name and the fraction done (0-1).

    Returns:
        The files written with their row counts, the coverage of each source and the timings.

    Raises:
        InvalidSimulation: bad parameters or an output folder holding other files.
    """
    _check(out_dir, persons, first_year, last_year)
    report = progress or (lambda stage, done: None)
    timings: dict[str, float] = {}
    start = clock = time.perf_counter()

    def lap(stage: str, done: float) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now
        report(stage, done)

    years = range(first_year, last_year + 1)
    world = build_world(seed, persons, years)
    lap("world", 0.35)
    exports_dir, truth_dir = out_dir / "exports", out_dir / "truth"
    exports_dir.mkdir(parents=True, exist_ok=True)
    inv = world.involvement
    prefetch(world, np.concatenate([inv.person, inv.aggressor]))
    exports: list[Export] = []
    for module in (pnc, mp, inacif, oj, protection):
        exports.append(module.write(world, exports_dir, rng_for(seed, f"export:{module.SOURCE}")))
        lap(f"export:{module.SOURCE}", 0.35 + 0.08 * len(exports))
    exports.append(ine.write_vif(world, exports_dir))
    exports.append(ine.write_population(world, exports_dir))
    lap("export:INE", 0.8)
    files = {f"exports/{e.file}": e.rows for e in exports}
    for name, rows in write_truth(world, exports, truth_dir).items():
        files[f"truth/{name}"] = rows
    files["truth/coverage.csv"] = write_coverage(world, exports, truth_dir / "coverage.csv")
    lap("truth", 0.95)
    files["README.md"] = _write_readme(out_dir, seed, persons, years, files)
    _write_manifest(out_dir, seed, persons, years, files)
    files["manifest.json"] = 0
    lap("manifest", 1.0)
    timings["total"] = round(time.perf_counter() - start, 3)
    return SimulationResult(
        out_dir=out_dir,
        seed=seed,
        persons=persons,
        first_year=first_year,
        last_year=last_year,
        files=dict(sorted(files.items())),
        truth_dir=truth_dir,
        coverage=overall(world),
        timings=timings,
    )


def _check(out_dir: Path, persons: int, first_year: int, last_year: int) -> None:
    if persons < MIN_PERSONS:
        raise InvalidSimulation(
            _(
                "persons={persons}: se necesitan al menos {minimum} residentes para repartir "
                "víctimas y agresores sin contradicciones. Aumente persons."
            ).format(persons=persons, minimum=MIN_PERSONS)
        )
    lo, hi = YEAR_RANGE
    if not lo <= first_year <= last_year <= hi:
        raise InvalidSimulation(
            _("años {first}-{last}: use first_year <= last_year, ambos entre {lo} y {hi}.").format(
                first=first_year, last=last_year, lo=lo, hi=hi
            )
        )
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise InvalidSimulation(
            _("{path} existe y no es una carpeta. Indique otra ruta.").format(path=out_dir)
        )
    manifest = out_dir / "manifest.json"
    if manifest.is_file():
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8"))
            listed = [out_dir / f["path"] for f in previous["files"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidSimulation(
                _(
                    "{path} no es un manifiesto de simulación legible ({problem}). "
                    "Bórrelo o indique otra carpeta."
                ).format(path=manifest, problem=exc)
            ) from exc
        for path in listed + [manifest]:
            if path.is_file() and out_dir.resolve() in path.resolve().parents:
                path.unlink()
    elif any(out_dir.iterdir()):
        raise InvalidSimulation(
            _(
                "{path} no está vacía y no contiene una simulación anterior (manifest.json). "
                "Indique una carpeta vacía o nueva."
            ).format(path=out_dir)
        )


def _write_readme(
    out_dir: Path, seed: int, persons: int, years: range, files: dict[str, int]
) -> int:
    template = (
        resources.files("ciudadana.demo").joinpath("data", "README_demo.md").read_text("utf-8")
    )
    listing = "\n".join(f"| `{path}` | {_es(rows)} |" for path, rows in sorted(files.items()))
    text = string.Template(template).substitute(
        seed=seed,
        persons=_es(persons),
        first_year=years[0],
        last_year=years[-1],
        y0=years[0],
        y1=years[-1],
        listing=listing,
        version=__version__,
    )
    (out_dir / "README.md").write_text(text, encoding="utf-8")
    return text.count("\n")


def _es(number: int) -> str:
    """A whole number as Spanish texts print it: 300 000."""
    return f"{number:,}".replace(",", "\u00a0")


def _write_manifest(
    out_dir: Path, seed: int, persons: int, years: range, files: dict[str, int]
) -> None:
    entries = []
    for path in sorted(files):
        data = (out_dir / path).read_bytes()
        entries.append(
            {
                "path": path,
                "rows": files[path],
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    manifest = {
        "generator": f"ciudadana.demo {__version__}",
        "parameters": {
            "seed": seed,
            "persons": persons,
            "first_year": years[0],
            "last_year": years[-1],
        },
        "files": entries,
    }
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
