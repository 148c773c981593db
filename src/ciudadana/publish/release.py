"""``ciudadana release``: the warehouse, disclosure-controlled, as a versioned open-data release.

The release holds only what the indicator catalogue declares (rates, counts and intervals by
year and by each declared disaggregation, a few two-way tables), after primary and secondary
suppression (``control.py``), and the code lists; never a record, a name or a point. It is
written to ``publicacion/<version>/`` (``layout.py``): CSV that Excel opens, Parquet,
SDMX-CSV, GeoJSON boundaries, a DCAT catalogue, the read-only database the portal serves, and
a manifest that lists the loads it came from and every file's checksum.

The version is the date of the newest load and a digest of the loads and settings: the same
warehouse gives the same version and byte-identical files. What disclosure control needs of
the previous release (its true counts and which cells it withheld) is kept apart, in
``publicacion/control/``, which is never published.

Example:
    >>> report = build_release(Path("ciudadana-demo"))  # doctest: +SKIP
    >>> report.folder.name == report.version
    True
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

import ciudadana
from ciudadana.analysis.indicators import Catalogue, load_catalogue
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.publish.cells import Table, build_tables, cell_key, collect_rows
from ciudadana.publish.control import STATUS_FREE, control
from ciudadana.publish.layout import (
    CURRENT,
    MANIFEST,
    OBSERVATION_COLUMNS,
    releases_dir,
)
from ciudadana.publish.writing import write_release
from ciudadana.standards.territory import load_pack
from ciudadana.warehouse import open_reader
from ciudadana.workspace import Workspace, open_workspace

Progress = Callable[[str, float], None]
Row = dict[str, Any]
#: An age-standardised rate is published only above this many cases (WHO's advice; fewer
#: cases make it unstable and, in a small place, could hint at the victims' ages).
ASR_MIN_COUNT = 20
CONTROL = "control"


class NothingToRelease(CiudadanaError):
    """The warehouse holds no load to publish."""


@dataclass(frozen=True)
class ReleaseOptions:
    """How a release is made. ``protection`` defaults to the threshold."""

    threshold: int = 3
    protection: float | None = None
    licence: str = "CC-BY-4.0"
    licence_url: str = "https://creativecommons.org/licenses/by/4.0/"
    publisher: str | None = None

    @property
    def protection_level(self) -> float:
        return float(self.protection if self.protection is not None else self.threshold)


@dataclass
class ReleaseReport:
    """What ``build_release`` made."""

    version: str
    folder: Path
    unchanged: bool
    previous: str | None
    loads: int
    rows: int
    disclosure: dict[str, int] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "folder": str(self.folder),
            "unchanged": self.unchanged,
            "previous": self.previous,
            "loads": self.loads,
            "rows": self.rows,
            "disclosure": self.disclosure,
            "files": self.files,
        }


def _dicts(cursor: Any) -> list[Row]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _warehouse_facts(ws: Workspace) -> tuple[list[Row], list[Row]]:
    con = open_reader(ws.warehouse_path)
    try:
        loads = _dicts(
            con.execute(
                """
                select load_id, source_id, file_name, file_sha256 as sha256,
                       strftime(finished_at, '%Y-%m-%dT%H:%M:%SZ') as loaded_at,
                       rows_in, rows_loaded as loaded
                from current_loads
                order by load_id
                """
            )
        )
        territories = _dicts(
            con.execute(
                """
                select code, level, name, parent_code
                from territories
                where country = ?
                order by level, code
                """,
                [ws.country],
            )
        )
    finally:
        con.close()
    return loads, territories


def _version(loads: list[Row], options: ReleaseOptions, catalogue: Catalogue) -> tuple[str, str]:
    created = max(r["loaded_at"] for r in loads)
    basis = {
        "loads": [(r["load_id"], r["sha256"]) for r in loads],
        "options": [options.threshold, options.protection_level, options.licence],
        "catalogue": catalogue.model_dump(mode="json"),
        "ciudadana": ciudadana.__version__,
    }
    digest = hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()
    return f"{created[:10].replace('-', '.')}-{digest[:8]}", created


def _previous(root: Path, version: str) -> str | None:
    pointer = root / CURRENT
    if not pointer.is_file():
        return None
    current = pointer.read_text("utf-8").strip()
    if current != version:
        return current
    manifest = root / current / MANIFEST
    if manifest.is_file():
        return json.loads(manifest.read_text("utf-8")).get("previous_version")
    return None


def _load_control(root: Path, version: str | None, parents: dict[str, str]) -> dict | None:
    if version is None:
        return None
    path = root / CONTROL / f"{version}.parquet"
    if not path.is_file():
        return None
    rows = pq.read_table(path).to_pylist()
    status = {}
    for r in rows:
        status.setdefault((r["indicator"], int(r["year"])), {})[cell_key(r)] = r.pop("conf_status")
    return {
        (t.indicator, t.year): (t, status[(t.indicator, t.year)])
        for t in build_tables(rows, parents)
    }


def _published(table: Table, status: dict, names: dict[str, str], share: bool) -> list[Row]:
    out = []
    for key, row in table.rows.items():
        r = {c: row.get(c) for c in OBSERVATION_COLUMNS}
        r["territory_name"] = names.get(row["territory"], row["territory"])
        r["conf_status"] = status[key]
        if status[key] != STATUS_FREE:
            for c in ("numerator", "value", "lower", "upper", "unstable"):
                r[c] = None
            if share:
                r["denominator"] = None
        if r["numerator"] is None or r["numerator"] < ASR_MIN_COUNT:
            r["value_asr"] = r["lower_asr"] = r["upper_asr"] = None
        out.append(r)
    return out


def build_release(
    workspace: Workspace | Path | None,
    options: ReleaseOptions | None = None,
    *,
    progress: Progress | None = None,
) -> ReleaseReport:
    """Build (or confirm) the release of a workspace's warehouse.

    Args:
        workspace: an opened workspace or its folder (default: the current folder).
        options: threshold, protection, licence and publisher.
        progress: called with a message and a fraction done.

    Raises:
        NothingToRelease: the warehouse has no loads yet.
    """
    say = progress or (lambda _m, _f: None)
    ws = workspace if isinstance(workspace, Workspace) else open_workspace(workspace)
    options = options or ReleaseOptions()
    catalogue = load_catalogue()
    loads, territories = _warehouse_facts(ws)
    if not loads:
        raise NothingToRelease(
            _(
                "El almacén de {root} no tiene cargas: no hay nada que publicar. Cargue datos "
                "con `ciudadana ingest` (o pruebe `ciudadana demo`)."
            ).format(root=ws.root)
        )
    version, created = _version(loads, options, catalogue)
    root = releases_dir(ws.root)
    previous = _previous(root, version)
    parents = {t["code"]: t["parent_code"] for t in territories if t["parent_code"]}
    say(_("Calculando los indicadores que se publican"), 0.05)
    rows, notes = collect_rows(ws, catalogue)
    tables = build_tables(rows, parents)
    if not tables:
        raise NothingToRelease(
            _(
                "El almacén de {root} no tiene datos para ningún indicador del catálogo (solo "
                "{n} carga(s) de referencia): no hay nada que publicar. Cargue las "
                "exportaciones con `ciudadana ingest` (o pruebe `ciudadana demo`)."
            ).format(root=ws.root, n=len(loads))
        )
    say(_("Control de divulgación: supresión primaria y secundaria"), 0.35)
    shares = {i.code for i in catalogue.indicators if not i.per_population}
    report = control(
        tables,
        threshold=options.threshold,
        protection=options.protection_level,
        shares=shares,
        previous=_load_control(root, previous, parents),
    )
    pack = load_pack(ws.country)
    names = {t["code"]: t["name"] for t in territories}
    names[ws.country] = pack.name_es
    order = {c: i for i, c in enumerate(catalogue.codes())}
    territory_sort = {ws.country: -1} | {t["code"]: i for i, t in enumerate(territories)}
    published = []
    for table in tables:
        status = report.status[(table.indicator, table.year)]
        published += _published(table, status, names, table.indicator in shares)
    published.sort(
        key=lambda r: (
            order[r["indicator"]],
            r["grouping"].count("+"),
            r["grouping"],
            r["time_period"],
            territory_sort.get(r["territory"], 10**6),
            r["territory"],
            r["sex"],
            r["age"],
            r["pueblo"],
            r["relationship"],
            r["weapon"],
        )
    )
    info = {
        "version": version,
        "country": ws.country,
        "country_name": pack.name_es,
        "created": created,
        "threshold": str(options.threshold),
        "protection": str(options.protection_level),
        "licence": options.licence,
        "licence_url": options.licence_url,
        "previous_version": previous or "",
        "publisher": options.publisher or f"Ciudadana ({pack.name_es})",
        "ciudadana_version": ciudadana.__version__,
        "catalogue_version": catalogue.version,
    }
    say(_("Escribiendo los archivos de la publicación"), 0.75)
    tmp = root / f".{version}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    manifest = write_release(
        tmp,
        info=info,
        catalogue=catalogue,
        rows=published,
        territories=territories,
        loads=loads,
        notes=notes,
        disclosure=report.summary(),
        geo={
            level: pack.boundaries_path(n) for n, level in ((1, "department"), (2, "municipality"))
        },
    )
    folder = root / version
    unchanged = folder.is_dir() and _same(folder / MANIFEST, tmp / MANIFEST)
    if unchanged:
        shutil.rmtree(tmp)
    else:
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    _write_control(root / CONTROL / f"{version}.parquet", tables, report.status)
    (root / CURRENT).write_text(version + "\n", encoding="utf-8")
    say(_("Publicación lista"), 1.0)
    return ReleaseReport(
        version=version,
        folder=folder,
        unchanged=unchanged,
        previous=previous,
        loads=len(loads),
        rows=len(published),
        disclosure=report.summary(),
        files=manifest["files"],
    )


def _same(a: Path, b: Path) -> bool:
    return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()


def _write_control(path: Path, tables: list[Table], status: dict) -> None:
    """The true counts and each cell's status: for the next release's control, never public."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for t in tables:
        for key, row in t.rows.items():
            rows.append({**row, "conf_status": status[(t.indicator, t.year)][key]})
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, path, compression="zstd")
