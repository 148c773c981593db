"""``ciudadana init``: a new workspace with its warehouse, the common language and, where the
territory pack ships one, its default population table (ingested like any other source).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ciudadana.i18n import _, current_language
from ciudadana.ingest import LoadReport, ingest_file
from ciudadana.ingest.spec import find_spec
from ciudadana.standards.iccs import load_iccs
from ciudadana.standards.territory import load_pack
from ciudadana.warehouse import Warehouse
from ciudadana.workspace import Workspace, create_workspace


@dataclass
class InitReport:
    workspace: dict[str, str]
    iccs_categories: int
    territories: int
    population: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def refresh_reference(ws: Workspace) -> tuple[int, int]:
    """Load (again) the ICCS classification and the workspace's territory pack."""
    pack = load_pack(ws.territory_pack)
    rows = [
        {
            "country": pack.iso3,
            "code": d.code,
            "level": d.level,
            "name": d.name,
            "parent_code": d.parent_code,
            "lat": d.lat,
            "lon": d.lon,
        }
        for d in pack.divisions.values()
    ]
    iccs = [
        {
            k: r[k]
            for k in ("code", "level", "parent", "section", "label_es", "label_en", "national")
        }
        for r in load_iccs().rows()
    ]
    with Warehouse.open(ws.warehouse_path, create=True) as wh:
        return wh.replace_reference("iccs", iccs), wh.replace_reference("territories", rows)


def init_workspace(
    directory: Path,
    *,
    country: str = "GTM",
    language: str = "es",
    exist_ok: bool = False,
    with_population: bool = True,
) -> InitReport:
    """Create a workspace and fill its warehouse with the reference data it needs.

    Example:
        >>> report = init_workspace(tmp_path / "ws")  # doctest: +SKIP
        >>> report.territories
        362
    """
    load_pack(country)  # fails early, with the list of packs, on an unknown country
    ws = create_workspace(directory, country=country, language=language, exist_ok=exist_ok)
    n_iccs, n_territories = refresh_reference(ws)
    report = InitReport(ws.to_dict(), n_iccs, n_territories)
    pack = load_pack(ws.territory_pack)
    population = pack.population_path()
    spec_name = f"{pack.iso3.lower()}/poblacion-paquete"
    if with_population and population is not None:
        find_spec(spec_name)
        loaded: LoadReport = ingest_file(ws, spec_name, population)
        report.population = loaded.to_dict()
        english = current_language() == "en"
        report.notes.append(pack.population_note_en if english else pack.population_note_es)
    elif population is None:
        report.notes.append(
            _(
                "El paquete territorial no trae población: cargue una tabla de población con "
                "`ciudadana ingest` antes de calcular tasas."
            )
        )
    return report
