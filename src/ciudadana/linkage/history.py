"""One person's history across police, prosecutor, forensic institute, courts and protection
orders, from the current registry. Restricted: for authorised staff on the workspace's machine,
never for the portal.

Example:
    >>> h = person_history(open_workspace("demo"), "P0000042")  # doctest: +SKIP
    >>> [r["source_id"] for r in h["records"]]  # doctest: +SKIP
    ['gtm/pnc-hechos', 'gtm/mp-denuncias', 'gtm/oj-medidas']
"""

from __future__ import annotations

from textwrap import dedent
from typing import Any

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.standards.identity import normalize_cui
from ciudadana.warehouse import Warehouse, open_reader
from ciudadana.workspace import Workspace


def history_sql() -> str:
    """Every record of the persons given (``$ids``), with its event, as each source wrote it."""
    return dedent(
        """
        select
            r.person_id,
            r.source_id,
            r.role,
            r.load_id,
            r.row_number,
            r.match_probability,
            er.event_id,
            e.record_id,
            e.incident_id,
            e.related_record_id,
            e.iccs_code,
            c.label_es as offence,
            e.date_occurrence,
            e.date_registration,
            coalesce(e.date_occurrence, e.reference_date, e.date_registration) as date,
            e.territory_code,
            t.name as territory,
            e.outcome,
            e.date_end,
            p.sex,
            p.age,
            i.full_name,
            i.given_names,
            i.surnames,
            i.id_number
        from restricted.current_person_registry as r
        left join events as e
            using (load_id, row_number)
        left join persons as p
            using (load_id, row_number, role)
        left join restricted.person_identity as i
            using (load_id, row_number, role)
        left join restricted.current_event_registry as er
            using (load_id, row_number)
        left join iccs as c
            on c.code = e.iccs_code
        left join territories as t
            on t.code = e.territory_code and t.country = e.country
        where r.person_id in (select unnest($ids))
        order by r.person_id, date nulls last, r.source_id, r.row_number
        """
    )


def _written_name(row: dict[str, Any]) -> str | None:
    if row.get("full_name"):
        return row["full_name"]
    parts = [row.get("given_names"), row.get("surnames")]
    return " ".join(p for p in parts if p) or None


def find_persons(ws: Workspace, ref: str) -> list[str]:
    """Person identifiers for ``ref``: a person id (``P0000042``) or an identity number."""
    Warehouse.open(ws.warehouse_path).close()
    con = open_reader(ws.warehouse_path)
    try:
        ref = ref.strip()
        digits = normalize_cui(ref)
        if digits.isdigit() and len(digits) >= 6:
            found = con.execute(
                """
                select distinct r.person_id
                from restricted.current_person_registry as r
                join restricted.person_identity as i
                    using (load_id, row_number, role)
                where regexp_replace(i.id_number, '[^0-9]', '', 'g') = ?
                order by 1
                """,
                [digits],
            ).fetchall()
        else:
            found = con.execute(
                "select distinct person_id from restricted.current_person_registry "
                "where person_id = ?",
                [ref.upper()],
            ).fetchall()
    finally:
        con.close()
    return [f for (f,) in found]


def person_history(ws: Workspace, ref: str) -> dict[str, Any]:
    """The records of the person ``ref`` (id or identity number), oldest first.

    Raises:
        CiudadanaError: when the registry has no such person (or was never built).
    """
    ids = find_persons(ws, ref)
    if not ids:
        raise CiudadanaError(
            _(
                "No hay ninguna persona «{ref}» en el registro vigente. Revise el identificador "
                "(P0000042) o el número de DPI; si nunca enlazó, ejecute `ciudadana link`."
            ).format(ref=ref),
            code="person-not-found",
        )
    con = open_reader(ws.warehouse_path)
    try:
        cur = con.execute(history_sql(), {"ids": ids})
        names = [d[0] for d in cur.description]
        records = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
    for r in records:
        r["name"] = _written_name(r)
    return {
        "ref": ref,
        "person_ids": ids,
        "names": sorted({r["name"] for r in records if r["name"]}),
        "id_numbers": sorted({normalize_cui(r["id_number"]) for r in records if r["id_number"]}),
        "sources": sorted({r["source_id"] for r in records}),
        "roles": sorted({r["role"] for r in records}),
        "events": len({r["event_id"] or (r["load_id"], r["row_number"]) for r in records}),
        "records": records,
    }
