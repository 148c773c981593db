"""``ciudadana demo``: a synthetic country, end to end, through the product's own pipeline.

The simulator (``ciudadana.demo``) writes the exports of several institutions of one synthetic
reality, as they arrive by e-mail, with its ground truth beside them; each export is then
ingested with its shipped spec like any real file. Later links of the chain join here as they
land.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ciudadana.analysis import IndicatorRequest, compute_indicators
from ciudadana.bootstrap import init_workspace
from ciudadana.demo import simulate
from ciudadana.i18n import _, current_language
from ciudadana.ingest import ingest_file
from ciudadana.linkage import link_workspace
from ciudadana.publish.release import build_release
from ciudadana.quality import diagnose, read_report
from ciudadana.quality.export import write_findings_csv
from ciudadana.quality.html.render import write_html
from ciudadana.warehouse import open_reader
from ciudadana.workspace import CONFIG_NAME, open_workspace

# Export file prefix -> the shipped spec that reads it. Population first: rates need it.
DEMO_SPECS: list[tuple[str, str]] = [
    ("ine_poblacion_municipio_sexo_edad_", "gtm/ine-poblacion-demo"),
    ("pnc_hechos_", "gtm/pnc-hechos"),
    ("mp_denuncias_", "gtm/mp-denuncias"),
    ("inacif_necropsias_", "gtm/inacif-necropsias"),
    ("oj_casos_sentencias_", "gtm/oj-casos"),
    ("oj_medidas_seguridad_", "gtm/oj-medidas"),
    ("ine_vif_departamento_sexo_", "gtm/ine-vif-departamento"),
]

Progress = Callable[[str, float], None]

# What the summary shows: the homicide rate (SDG 16.1.1), femicide and intrafamily violence.
HEADLINE = ["VC_IHR_PSRC", "VC_FEM_RATE", "VC_IFV_RATE"]


@dataclass
class DemoReport:
    """What the demo made and where: the workspace, the simulation, every load."""

    workspace: str
    simulation: str
    seed: int
    persons: int
    years: list[int]
    loads: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    quality: list[dict[str, Any]] = field(default_factory=list)
    quality_report: str | None = None
    linkage: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    release: dict[str, Any] = field(default_factory=dict)
    dashboard: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return sum(r["rows_in"] for r in self.loads)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rows_in"] = self.rows_in
        data["loaded"] = sum(r["loaded"] for r in self.loads)
        data["quarantined"] = sum(r["quarantined"] for r in self.loads)
        return data


def run_demo(
    directory: Path,
    *,
    seed: int = 20240601,
    persons: int = 1_000_000,
    first_year: int = 2015,
    last_year: int = 2020,
    progress: Progress | None = None,
    release: bool = True,
) -> DemoReport:
    """Simulate a country into ``directory/simulacion`` and ingest every export.

    Running it again with the same parameters changes nothing (every file is already loaded);
    another seed or size makes new exports that supersede the earlier loads of each period.

    Example:
        >>> report = run_demo(tmp_path / "demo", persons=20_000, first_year=2019)  # doctest: +SKIP
        >>> report.rows_in == sum(r["loaded"] + r["quarantined"] for r in report.loads)
        True
    """
    say = progress or (lambda _msg, _frac: None)
    directory = Path(directory).resolve()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    say(_("Creando el espacio de trabajo"), 0.0)
    if (directory / CONFIG_NAME).exists():
        ws = open_workspace(directory)
    else:
        # The simulated country brings its own population table: the pack's is not loaded.
        init_workspace(directory, country="GTM", with_population=False)
        ws = open_workspace(directory)
    timings["workspace"] = time.perf_counter() - start

    t = time.perf_counter()
    out = directory / "simulacion"
    say(_("Simulando el país y las exportaciones de cada institución"), 0.05)
    simulation = simulate(
        out, seed=seed, persons=persons, first_year=first_year, last_year=last_year
    )
    timings["simulate"] = time.perf_counter() - t

    report = DemoReport(
        str(directory), str(out), seed, persons, [first_year, last_year], timings=timings
    )
    exports = sorted((out / "exports").iterdir())
    t = time.perf_counter()
    for i, (prefix, spec) in enumerate(DEMO_SPECS):
        for file in (f for f in exports if f.name.startswith(prefix)):
            say(_("Cargando {file}").format(file=file.name), 0.3 + 0.7 * i / len(DEMO_SPECS))
            report.loads.append(ingest_file(ws, spec, file).to_dict())
    timings["ingest"] = time.perf_counter() - t

    t = time.perf_counter()
    say(_("Diagnosticando la calidad de cada fuente"), 0.85)
    diagnosis = diagnose(ws)
    timings["quality"] = time.perf_counter() - t

    t = time.perf_counter()
    say(_("Enlazando personas y hechos entre instituciones"), 0.9)
    linked = link_workspace(ws)
    report.linkage = {
        "runs": linked.runs,
        "reconciled": linked.reconciled,
        "quality": linked.quality,
    }
    timings["linkage"] = time.perf_counter() - t

    # The scorecards and reports after linkage: they count the linked records that disagree.
    t = time.perf_counter()
    con = open_reader(ws.warehouse_path)
    try:
        diagnosis = read_report(con, [s.load_id for s in diagnosis.loads], diagnosis.run_id)
    finally:
        con.close()
    report.quality = [
        {
            "load_id": s.load_id,
            "source_id": s.source_id,
            "file": s.file_name,
            "findings": s.findings,
            "overall": s.overall,
            "scores": s.scores,
        }
        for s in diagnosis.loads
    ]
    quality_dir = directory / "calidad"
    quality_dir.mkdir(exist_ok=True)
    names_in = "en" if current_language() == "en" else "es"  # the catalogue's two languages
    write_html(ws, quality_dir / "informe_calidad.html", lang=names_in)
    # Row by row, with the values as received: for the institutions, not for publication.
    write_findings_csv(ws, quality_dir / "hallazgos_por_fila.csv")
    report.quality_report = str(quality_dir / "informe_calidad.html")
    timings["quality"] += time.perf_counter() - t

    t = time.perf_counter()
    say(_("Calculando indicadores"), 0.95)
    request = IndicatorRequest(codes=HEADLINE, smooth=False, lang=names_in)
    result = compute_indicators(ws, request)
    names = {i["code"]: i["name"] for i in result.indicators}
    report.indicators = [
        {
            "code": r["indicator"],
            "name": names[r["indicator"]],
            "year": r["year"],
            "source": r["source"],
            "numerator": r["numerator"],
            "value": r["value"],
            "lower": r["lower"],
            "upper": r["upper"],
        }
        for r in result.rows
        if r["grouping"] == "year"
    ]
    timings["indicators"] = time.perf_counter() - t

    released = None
    if release:
        t = time.perf_counter()
        say(_("Preparando la publicación de datos abiertos (control de divulgación)"), 0.97)
        released = build_release(ws)
        report.release = {
            "version": released.version,
            "folder": str(released.folder),
            "rows": released.rows,
            "disclosure": released.disclosure,
        }
        timings["release"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - start
    report.notes.append(
        _(
            "Cobertura de cada fuente y la verdad del simulador: {truth}. Lo rechazado, con fila "
            "y motivo: `ciudadana quarantine --workspace {workspace}`."
        ).format(truth=simulation.truth_dir, workspace=directory)
    )
    report.notes.append(
        _("Todos los indicadores: `ciudadana indicators --workspace {workspace}`.").format(
            workspace=directory
        )
    )
    if released is not None:
        report.notes.append(
            _("La publicación de datos abiertos (sin datos personales): {folder}.").format(
                folder=released.folder
            )
        )
    return report
