"""One load: keep the file, read it, check every row, and commit all of it or nothing.

rows_in = loaded + quarantined, always (rows declared as titles, subtotals or blank lines
are counted apart as ``skipped``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ciudadana import __version__
from ciudadana.errors import CiudadanaError, UnreadableFile
from ciudadana.i18n import _
from ciudadana.ingest.compile import Compiler
from ciudadana.ingest.readers import RawTable, read_file
from ciudadana.ingest.spec import LoadedSpec, SourceSpec, load_spec
from ciudadana.ingest.staging import Stager
from ciudadana.warehouse import LoadRecord, StagedLoad, Warehouse
from ciudadana.workspace import Workspace

Progress = Callable[[str], None]


@dataclass
class LoadReport:
    """What one ``ingest`` did to one file. ``status``: loaded, already-loaded."""

    file: str
    source_id: str
    status: str
    load_id: int | None
    rows_in: int
    loaded: int
    quarantined: int
    skipped: int = 0
    warnings: int = 0
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    warnings_by_reason: dict[str, int] = field(default_factory=dict)
    supersedes: list[int] = field(default_factory=list)
    period: list[str | None] = field(default_factory=list)
    raw_path: str | None = None
    encoding: str | None = None
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def keep_raw(ws: Workspace, path: Path, sha: str) -> Path:
    """Copy the received file, unchanged, to ``raw/<sha256><suffix>`` (once)."""
    target = ws.raw_dir / f"{sha}{path.suffix.lower()}"
    if not target.exists():
        ws.raw_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return target


def _metadata(spec: SourceSpec, raw: RawTable, file_name: str) -> dict[str, str]:
    values = {}
    for name, rule in spec.reader.metadata.items():
        text = "\n".join(raw.title_lines) if rule.source == "title" else file_name
        match = re.search(rule.pattern, text)
        if not match:
            where = (
                _("las líneas de título") if rule.source == "title" else _("el nombre del archivo")
            )
            raise UnreadableFile(
                _(
                    "{file}: no encontré «{name}» en {where} (patrón {pattern}). Título leído: "
                    "{title}. Corrija reader.metadata o el archivo."
                ).format(
                    file=file_name,
                    name=name,
                    where=where,
                    pattern=repr(rule.pattern),
                    title=repr(text[:200]),
                )
            )
        values[name] = match.group(1)
    return values


def ingest_file(
    ws: Workspace,
    spec_ref: str | Path | LoadedSpec,
    file: Path,
    *,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> LoadReport:
    """Load one file with one spec into the workspace's warehouse.

    Example:
        >>> report = ingest_file(ws, "gtm/ine-vif", Path("VIF_2010.csv"))  # doctest: +SKIP
        >>> report.rows_in == report.loaded + report.quarantined
        True
    """
    say = progress or (lambda _msg: None)
    loaded = (
        spec_ref
        if isinstance(spec_ref, LoadedSpec)
        else load_spec(spec_ref, workspace_specs=ws.specs_dir)
    )
    spec = loaded.spec
    file = Path(file)
    if not file.is_file():
        raise UnreadableFile(_("No existe el archivo {file}. Revise la ruta.").format(file=file))
    started = dt.datetime.now()
    say(_("guardando copia íntegra"))
    sha = sha256_file(file)
    raw_path = keep_raw(ws, file, sha)
    with Warehouse.open(ws.warehouse_path) as wh:
        same = wh.find_identical_load(sha, loaded.sha256)
        if same is not None:
            return LoadReport(
                file=file.name,
                source_id=spec.id,
                status="already-loaded",
                load_id=same["load_id"],
                rows_in=same["rows_in"],
                loaded=0,
                quarantined=0,
                raw_path=str(raw_path),
                messages=[
                    _("{file} ya se cargó (carga {load}, {rows} filas); no se cambió nada.").format(
                        file=file.name, load=same["load_id"], rows=same["rows_loaded"]
                    )
                ],
            )
        try:
            return _load(wh, ws, loaded, file, raw_path, sha, started, say, today)
        finally:
            wh.drop_staging()


def _load(
    wh: Warehouse,
    ws: Workspace,
    loaded: LoadedSpec,
    file: Path,
    raw_path: Path,
    sha: str,
    started: dt.datetime,
    say: Progress,
    today: dt.date | None,
) -> LoadReport:
    spec, con = loaded.spec, wh.con
    say(_("leyendo"))
    raw = read_file(con, raw_path, spec.reader, file.name)
    if raw.rows_in == 0:
        raise UnreadableFile(
            _(
                "{file}: no tiene filas de datos (solo encabezados o títulos). Pida el archivo "
                "completo a la institución."
            ).format(file=file.name)
        )
    say(_("validando y mapeando"))
    compiled = Compiler(con, spec, raw, file.name, _metadata(spec, raw, file.name), today).run()
    load_id = wh.next_load_id()
    file_findings = [
        (
            "column-renamed",
            _(
                "{file}: la columna «{wanted}» llegó como «{got}». Se usó; confirme con la "
                "institución que es la misma."
            ).format(file=file.name, wanted=want, got=got),
        )
        for want, got in compiled.drift
    ] + _header_drift(wh, spec.id, raw.headers, file.name)
    tables = Stager(con, spec, compiled, raw, load_id, file.name, file_findings).run()
    counts = _counts(con)
    if counts["loaded"] + counts["quarantined"] != raw.rows_in:
        raise CiudadanaError(
            _(
                "{file}: error interno, {rows_in} filas leídas pero {loaded} cargadas + "
                "{quarantined} en cuarentena. No se guardó nada; informe este caso."
            ).format(
                file=file.name,
                rows_in=raw.rows_in,
                loaded=counts["loaded"],
                quarantined=counts["quarantined"],
            ),
            code="invariant-broken",
        )
    if counts["unexplained"]:
        raise CiudadanaError(
            _(
                "{file}: error interno, {n} filas en cuarentena sin un hallazgo de error que lo "
                "explique, o con él y cargadas. No se guardó nada; informe este caso."
            ).format(file=file.name, n=counts["unexplained"]),
            code="invariant-broken",
        )
    start, end = _period(con, spec)
    supersedes, beside = _superseded(wh, con, spec, start, end)
    record = LoadRecord(
        load_id=load_id,
        source_id=spec.id,
        spec_name=loaded.name,
        spec_sha256=loaded.sha256,
        file_name=file.name,
        file_sha256=sha,
        raw_path=str(raw_path.relative_to(ws.root)),
        file_bytes=raw_path.stat().st_size,
        counting_unit=spec.unit,
        date_semantics=spec.date_semantics,
        country=spec.country,
        rows_in=raw.rows_in,
        rows_loaded=counts["loaded"],
        rows_quarantined=counts["quarantined"],
        rows_skipped=raw.skipped,
        period_start=start,
        period_end=end,
        started_at=started,
        finished_at=dt.datetime.now(),
        ciudadana_version=__version__,
        columns=raw.headers,
    )
    say(_("guardando en el almacén"))
    wh.commit_load(StagedLoad(record, tables, supersedes))
    by_reason = _by_reason(wh, load_id)
    return LoadReport(
        file=file.name,
        source_id=spec.id,
        status="loaded",
        load_id=load_id,
        rows_in=raw.rows_in,
        loaded=counts["loaded"],
        quarantined=counts["quarantined"],
        skipped=raw.skipped,
        warnings=sum(by_reason["warning"].values()),
        quarantined_by_reason=by_reason["error"],
        warnings_by_reason=by_reason["warning"],
        supersedes=supersedes,
        period=[_iso(start), _iso(end)],
        raw_path=str(raw_path),
        encoding=raw.encoding,
        messages=(
            [
                _("Reemplaza la(s) carga(s) {loads} del mismo periodo (entrega corregida).").format(
                    loads=supersedes
                )
            ]
            if supersedes
            else []
        )
        + (
            [
                _(
                    "La(s) carga(s) {loads} cubren el mismo periodo en otros departamentos (un "
                    "archivo por región): siguen vigentes junto a esta. Si esta entrega las "
                    "corrige, inclúyalas en el mismo archivo."
                ).format(loads=beside)
            ]
            if beside
            else []
        ),
    )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _counts(con: Any) -> dict[str, int]:
    """Rows loaded and quarantined; ``unexplained``: quarantined rows without an error finding,
    or the reverse (none, by construction).
    """
    (loaded, quarantined, unexplained) = con.execute(
        """
        select
            count(*) filter (where not p.__error),
            count(*) filter (where p.__error),
            count(*) filter (where p.__error <> (e.__row is not null))
        from _parsed as p
        left join (
            select distinct __row
            from _findings
            where severity = 'error'
        ) as e using (__row)
        """
    ).fetchone()
    rejected = con.execute(
        "select count(*) from information_schema.tables where table_name = '_rejects'"
    ).fetchone()[0]
    if rejected:
        rejected = con.execute("select count(*) from _rejects").fetchone()[0]
    return {
        "loaded": int(loaded),
        "quarantined": int(quarantined) + int(rejected),
        "unexplained": int(unexplained),
    }


def _superseded(
    wh: Warehouse, con: Any, spec: SourceSpec, start: dt.date | None, end: dt.date | None
) -> tuple[list[int], list[int]]:
    """The current loads of this source and period that this load replaces (a corrected
    re-delivery), and those it leaves current because their events fall in departments this
    load has none of (one file per region and month, as some institutions send them)."""
    if not (start and end):
        return [], []
    earlier = [r["load_id"] for r in wh.overlapping_loads(spec.id, start, end)]
    if not earlier or spec.unit in ("aggregate", "population"):
        return earlier, []
    rows = con.execute(
        "select distinct department_code from _stage_events where department_code is not null"
    ).fetchall()
    mine = {r[0] for r in rows}
    replaced, beside = [], []
    for load_id in earlier:
        theirs = wh.load_departments(load_id)
        disjoint = bool(mine) and bool(theirs) and not (mine & theirs)
        (beside if disjoint else replaced).append(load_id)
    return replaced, beside


def _period(con: Any, spec: SourceSpec) -> tuple[dt.date | None, dt.date | None]:
    if spec.unit == "aggregate":
        sql = "select min(period_start), max(period_end) from _stage_aggregates"
    elif spec.unit == "population":
        sql = (
            "select make_date(min(year), 1, 1), make_date(max(year), 12, 31) from _stage_population"
        )
    else:
        sql = "select min(reference_date), max(reference_date) from _stage_events"
    start, end = con.execute(sql).fetchone()
    return start, end


def _by_reason(wh: Warehouse, load_id: int) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {"error": {}, "warning": {}}
    rows = wh.execute(
        """
        select severity, code, count(distinct coalesce(row_number, -1)) as n
        from findings
        where load_id = ?
        group by severity, code
        order by n desc, code
        """,
        [load_id],
    ).fetchall()
    for severity, code, n in rows:
        out.setdefault(severity, {})[code] = int(n)
    return out


def _header_drift(
    wh: Warehouse, source_id: str, headers: list[str], file_name: str
) -> list[tuple[str, str]]:
    previous = wh._one(
        "select load_id, columns from loads where source_id = ? order by load_id desc limit 1",
        [source_id],
    )
    if not previous or not previous["columns"]:
        return []
    before, now = set(previous["columns"]), set(headers)
    found = []
    if now - before:
        found.append(
            (
                "schema-drift",
                _("{file}: columnas nuevas respecto de la carga {load}: {columns}.").format(
                    file=file_name,
                    load=previous["load_id"],
                    columns=", ".join(sorted(now - before)),
                ),
            )
        )
    if before - now:
        found.append(
            (
                "schema-drift",
                _("{file}: faltan columnas que traía la carga {load}: {columns}.").format(
                    file=file_name,
                    load=previous["load_id"],
                    columns=", ".join(sorted(before - now)),
                ),
            )
        )
    return found
