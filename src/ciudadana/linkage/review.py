"""Clerical review: the uncertain pairs of the last run, out to a CSV a person fills in, and the
decisions back in. Decisions are kept for ever and no automatic run overrides them: a pair
declared ``misma`` is joined, one declared ``distinta`` is kept apart even when other links
would join it (see ``cluster.py``).

The CSV carries names and identity numbers: it is restricted data. Keep it inside the workspace
and delete it once imported.

Example:
    >>> export_review(ws, ws.root / "revision" / "pares.csv")  # doctest: +SKIP
    {'path': '.../revision/pares.csv', 'pairs': 159}
    >>> import_decisions(ws, ws.root / "revision" / "pares.csv", reviewer="ana")  # doctest: +SKIP
    {'stored': 12, 'same': 9, 'different': 3, 'undecided': 147}
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path
from textwrap import dedent
from typing import Any

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.warehouse import Warehouse, open_reader
from ciudadana.warehouse.registers import record_link_decisions
from ciudadana.workspace import Workspace

SIDE = ("fuente", "registro", "nombre", "dpi", "sexo", "edad", "fecha", "lugar", "delito")
KEY = ("carga", "fila", "rol")
COLUMNS = (
    ["tipo", "probabilidad"]
    + [f"{c}_a" for c in KEY + SIDE]
    + [f"{c}_b" for c in KEY + SIDE]
    + ["decision", "revisor", "nota"]
)
DECISIONS = {
    "misma": "same",
    "mismo": "same",
    "same": "same",
    "si": "same",
    "sí": "same",
    "distinta": "different",
    "distinto": "different",
    "different": "different",
    "no": "different",
}
KIND_NAMES = {"personas": "persons", "hechos": "events", "persons": "persons", "events": "events"}


def review_pairs_sql() -> str:
    """The review pairs of the latest run of each kind that no decision in force covers."""
    return dedent(
        """
        with latest as (
            select kind, max(run_id) as run_id
            from restricted.link_runs
            group by kind
        ),
        decided as (
            select kind, load_id_l, row_number_l, role_l, load_id_r, row_number_r, role_r
            from restricted.link_decisions
            where superseded_by is null
        )
        select p.*
        from restricted.link_pairs as p
        join latest
            using (kind, run_id)
        where p.status = 'review'
          and not exists (
            select 1
            from decided as d
            where d.kind = p.kind
              and ((d.load_id_l, d.row_number_l, d.role_l, d.load_id_r, d.row_number_r, d.role_r)
                   = (p.load_id_l, p.row_number_l, p.role_l, p.load_id_r, p.row_number_r, p.role_r)
                or (d.load_id_l, d.row_number_l, d.role_l, d.load_id_r, d.row_number_r, d.role_r)
                   = (p.load_id_r, p.row_number_r, p.role_r, p.load_id_l, p.row_number_l, p.role_l))
          )
        order by p.kind, p.match_probability desc
        """
    )


def record_sql() -> str:
    """What a reviewer sees of one record."""
    return dedent(
        """
        select
            l.source_id as fuente,
            coalesce(e.record_id, e.incident_id) as registro,
            coalesce(i.full_name, concat_ws(' ', i.given_names, i.surnames)) as nombre,
            i.id_number as dpi,
            p.sex as sexo,
            p.age as edad,
            coalesce(e.date_occurrence, e.reference_date) as fecha,
            e.territory_code as lugar,
            e.iccs_code as delito
        from persons as p
        join loads as l
            using (load_id)
        left join events as e
            using (load_id, row_number)
        left join restricted.person_identity as i
            using (load_id, row_number, role)
        where p.load_id = ? and p.row_number = ? and p.role = ?
        """
    )


def _record(con: Any, load_id: int, row_number: int, role: str) -> dict[str, Any]:
    cur = con.execute(record_sql(), [load_id, row_number, role])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    return dict(zip(names, row, strict=True)) if row else {n: None for n in names}


def export_review(ws: Workspace, path: Path, *, kind: str | None = None) -> dict[str, Any]:
    """Write the pairs left for review, side by side, to ``path`` (UTF-8 CSV with BOM)."""
    Warehouse.open(ws.warehouse_path).close()
    con = open_reader(ws.warehouse_path)
    try:
        cur = con.execute(review_pairs_sql())
        names = [d[0] for d in cur.description]
        pairs = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        if kind:
            pairs = [p for p in pairs if p["kind"] == KIND_NAMES.get(kind, kind)]
        rows = []
        for p in pairs:
            a = _record(con, p["load_id_l"], p["row_number_l"], p["role_l"])
            b = _record(con, p["load_id_r"], p["row_number_r"], p["role_r"])
            row = {"tipo": "personas" if p["kind"] == "persons" else "hechos"}
            row["probabilidad"] = f"{p['match_probability']:.3f}"
            for side, rec, suffix in ((a, p, "l"), (b, p, "r")):
                tag = "a" if suffix == "l" else "b"
                row[f"carga_{tag}"] = rec[f"load_id_{suffix}"]
                row[f"fila_{tag}"] = rec[f"row_number_{suffix}"]
                row[f"rol_{tag}"] = rec[f"role_{suffix}"]
                for column in SIDE:
                    row[f"{column}_{tag}"] = side[column]
            rows.append(row)
    finally:
        con.close()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: ("" if row.get(c) is None else row.get(c)) for c in COLUMNS})
    return {"path": str(path), "pairs": len(rows)}


def _parse(path: Path, reviewer: str | None) -> tuple[list[dict[str, Any]], int]:
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text("latin-1")
    reader = csv.DictReader(text.splitlines())
    needed = {"tipo", "carga_a", "fila_a", "rol_a", "carga_b", "fila_b", "rol_b", "decision"}
    missing = sorted(needed - set(reader.fieldnames or []))
    if missing:
        raise CiudadanaError(
            _(
                "{file}: faltan las columnas {columns}. Use el archivo que escribió "
                "`ciudadana link-review export` sin cambiar sus encabezados."
            ).format(file=path.name, columns=", ".join(missing)),
            code="invalid-review-file",
        )
    decisions, problems, undecided = [], [], 0
    for number, row in enumerate(reader, start=2):
        value = (row.get("decision") or "").strip().lower()
        if not value:
            undecided += 1
            continue
        if value not in DECISIONS:
            problems.append(
                _(
                    '  fila {row}, campo "decision": «{value}» no es una decisión; escriba misma '
                    "o distinta (o déjela vacía)."
                ).format(row=number, value=row["decision"])
            )
            continue
        try:
            keys = {
                "load_id_l": int(row["carga_a"]),
                "row_number_l": int(row["fila_a"]),
                "load_id_r": int(row["carga_b"]),
                "row_number_r": int(row["fila_b"]),
            }
        except (TypeError, ValueError):
            problems.append(
                _("  fila {row}: carga o fila no es un número; no las edite.").format(row=number)
            )
            continue
        kind = KIND_NAMES.get((row.get("tipo") or "").strip().lower())
        if kind is None:
            problems.append(
                _('  fila {row}, campo "tipo": use personas o hechos.').format(row=number)
            )
            continue
        decisions.append(
            {
                "kind": kind,
                **keys,
                "role_l": row["rol_a"].strip(),
                "role_r": row["rol_b"].strip(),
                "decision": DECISIONS[value],
                "reviewer": (row.get("revisor") or "").strip() or reviewer,
                "note": (row.get("nota") or "").strip() or None,
            }
        )
    if problems:
        raise CiudadanaError(
            _(
                "{file}: {n} fila(s) con problemas; no se guardó ninguna decisión:\n{problems}\n"
                "Corrija esas filas y vuelva a importar."
            ).format(file=path.name, n=len(problems), problems="\n".join(problems)),
            code="invalid-review-file",
        )
    return decisions, undecided


def import_decisions(ws: Workspace, path: Path, *, reviewer: str | None = None) -> dict[str, Any]:
    """Store the decisions written in a review CSV (all of them, or none when a row is wrong)."""
    path = Path(path)
    if not path.is_file():
        raise CiudadanaError(
            _("No existe el archivo {file}. Revise la ruta.").format(file=path),
            code="file-not-found",
        )
    decisions, undecided = _parse(path, reviewer)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    with Warehouse.open(ws.warehouse_path) as wh:
        unknown = []
        for d in decisions:
            for side in ("l", "r"):
                found = wh.con.execute(
                    "select 1 from persons where load_id = ? and row_number = ? and role = ?",
                    [d[f"load_id_{side}"], d[f"row_number_{side}"], d[f"role_{side}"]],
                ).fetchone()
                if not found:
                    unknown.append(
                        _("carga {load}, fila {row}").format(
                            load=d[f"load_id_{side}"], row=d[f"row_number_{side}"]
                        )
                    )
        if unknown:
            raise CiudadanaError(
                _(
                    "{file}: el almacén no tiene {n} de los registros citados ({records}). No se "
                    "guardó ninguna decisión; exporte de nuevo con `ciudadana link-review export`."
                ).format(file=path.name, n=len(unknown), records="; ".join(unknown[:5])),
                code="invalid-review-file",
            )
        for d in decisions:
            d.update({"file_name": path.name, "file_sha256": sha})
            d["decided_at"] = dt.datetime.now()
        stored = record_link_decisions(wh, decisions)
    same = sum(d["decision"] == "same" for d in decisions)
    return {
        "stored": stored,
        "same": same,
        "different": len(decisions) - same,
        "undecided": undecided,
    }
