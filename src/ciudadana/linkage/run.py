"""``ciudadana link``: persons and events across sources, into the restricted registry.

One run reads the current loads (read-only), links the victims of each event across sources
(events), then every person across sources and roles (persons), honours every clerical decision,
keeps identifiers stable from the last run, reconciles the counts of the validation table, and
writes it all in one transaction: if the process dies half-way, the registry stays as it was.
Then the records of each linked person that disagree join the quality diagnosis
(``linkage.discrepancies``: rule ``same-person-differs``, its own transaction).

Example:
    >>> report = link_workspace(open_workspace("demo"))  # doctest: +SKIP
    >>> [r["kind"] for r in report.runs]  # doctest: +SKIP
    ['events', 'persons']
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import N_, _, current_language, translate
from ciudadana.linkage.backends import database_api
from ciudadana.linkage.cluster import cluster
from ciudadana.linkage.discrepancies import record_discrepancies
from ciudadana.linkage.model import train_and_score
from ciudadana.linkage.prepare import linkage_table
from ciudadana.linkage.reconcile import reconcile
from ciudadana.linkage.references import reference_edges
from ciudadana.linkage.registry import decision_edges, read_snapshot, stable_ids
from ciudadana.linkage.rows import best_probability, pair_rows, registry_rows, run_row, triples
from ciudadana.linkage.settings import load_settings
from ciudadana.warehouse import Warehouse, open_reader
from ciudadana.warehouse.registers import commit_linkage
from ciudadana.workspace import Workspace

Progress = Callable[[str], None]
KINDS = ("events", "persons")

#: Fields that identify a person, as a person reads them.
IDENTIFYING = {
    N_("nombres"): ("given1", "surname1"),
    N_("número de identidad"): ("id_number",),
    N_("fecha de nacimiento"): ("birth_date",),
}


@dataclass
class LinkReport:
    """What a run did: one entry per kind linked, notes, where the time went."""

    workspace: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    reconciled: dict[str, Any] = field(default_factory=dict)
    #: what comparing the records of each linked person added to the quality diagnosis
    #: (``ciudadana.linkage.discrepancies``): findings, rows compared, loads rescored.
    quality: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _filled(table: pa.Table, column: str) -> int:
    col = table.column(column)
    return len(col) - col.null_count


def _field_names(names: set[str]) -> str:
    return ", ".join(sorted(translate(n, current_language()) for n in names))


def source_fields(table: pa.Table) -> dict[str, set[str]]:
    """The identifying fields each source carries in at least one record."""
    out: dict[str, set[str]] = {}
    for source in sorted(set(table.column("source_id").to_pylist())):
        part = table.filter(pc.equal(table["source_id"], source))
        out[source] = {
            name for name, cols in IDENTIFYING.items() if any(_filled(part, c) for c in cols)
        }
    return out


def check_sources(table: pa.Table) -> list[str]:
    """Notes on what each source lacks; an error when the sources share nothing to link on."""
    fields = source_fields(table)
    notes = []
    if len(fields) > 1:
        for source, own in fields.items():
            others = set().union(*(f for s, f in fields.items() if s != source))
            if not own & others:
                raise CiudadanaError(
                    _(
                        "La fuente «{source}» no comparte con las demás ningún campo para enlazar "
                        "personas: trae {own}; las demás traen {others}. Declare en su "
                        "especificación los nombres (full_name, o given_names y surnames) o el "
                        "número de identidad (id_number), o enlace sin ella con --source."
                    ).format(
                        source=source,
                        own=_field_names(own) or _("ningún campo de identidad"),
                        others=_field_names(others) or _("ninguno"),
                    ),
                    code="linkage-no-common-field",
                )
    for source in fields:
        part = table.filter(pc.equal(table["source_id"], source))
        if len(part) and _filled(part, "id_number") == 0:
            notes.append(
                _(
                    "La fuente «{source}» no trae ningún número de identidad en sus {n} "
                    "registros: sus personas se enlazan por nombres, edad, sexo y lugar, con "
                    "menos certeza. Pida el DPI a la institución si lo registra."
                ).format(source=source, n=len(part))
            )
    return notes


def events_input(table: pa.Table) -> pa.Table:
    """What event linkage compares: victims whose event has a date of occurrence, and the
    victims of protection orders (dated by the order, days after the event)."""
    dated = pc.or_(
        pc.is_valid(table["occurrence_date"]),
        pc.and_(pc.equal(table["counting_unit"], "order"), pc.is_valid(table["event_date"])),
    )
    return table.filter(pc.and_(pc.equal(table["role"], "victim"), dated))


def persons_input(table: pa.Table) -> pa.Table:
    """Records with something that identifies a person (a name, a number, a birth date)."""
    mask = pc.or_(
        pc.or_(pc.is_valid(table["surname1"]), pc.is_valid(table["given1"])),
        pc.or_(pc.is_valid(table["id_number"]), pc.is_valid(table["birth_date"])),
    )
    return table.filter(mask)


def link_workspace(
    ws: Workspace,
    *,
    kinds: Sequence[str] = KINDS,
    settings: dict[str, str | Path] | None = None,
    backend: str = "duckdb",
    spark: Any | None = None,
    sources: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> LinkReport:
    """Link the current loads of ``ws`` and write the registry in one transaction.

    Args:
        ws: the workspace.
        kinds: ``events`` and/or ``persons``.
        settings: kind -> settings file or shipped name (default: the kind's own).
        backend: ``duckdb`` (default) or ``spark``.
        spark: a Spark session to use with ``backend="spark"``.
        sources: only these sources (``gtm/pnc-hechos``...); default all.
        progress: called with a Spanish description of each step.
    """
    say = progress or (lambda _m: None)
    unknown = set(kinds) - set(KINDS)
    if unknown or not kinds:
        raise CiudadanaError(
            _("Tipo de enlace desconocido: {kinds}; use events y/o persons.").format(
                kinds=", ".join(sorted(unknown)) or _("(ninguno)")
            ),
            code="unknown-linkage-kind",
        )
    chosen = {k: load_settings((settings or {}).get(k, k)) for k in kinds}
    report = LinkReport(str(ws.root))
    t0 = time.perf_counter()
    started = dt.datetime.now()
    say(_("Leyendo las cargas vigentes"))
    Warehouse.open(ws.warehouse_path).close()  # brings the schema up to date (migrations)
    con = open_reader(ws.warehouse_path)
    try:
        snap = read_snapshot(con, sources)
    finally:
        con.close()
    if not snap.rows:
        raise CiudadanaError(
            (
                _(
                    "No hay personas que enlazar en las cargas vigentes de {sources}. Cargue "
                    "exportaciones con víctimas o agresores (`ciudadana ingest`)."
                ).format(sources=", ".join(sources))
                if sources
                else _(
                    "No hay personas que enlazar en las cargas vigentes. Cargue exportaciones "
                    "con víctimas o agresores (`ciudadana ingest`)."
                )
            ),
            code="linkage-no-records",
        )
    say(_("Preparando nombres, números y fechas"))
    table = linkage_table(snap.rows)
    report.notes += check_sources(table)
    report.timings["prepare"] = time.perf_counter() - t0
    sources_of = dict(zip(table["uid"].to_pylist(), table["source_id"].to_pylist(), strict=True))
    decided = {frozenset(p) for k in KINDS for p in sum(decision_edges(snap.decisions, k), [])}
    runs: list[dict[str, Any]] = []
    rows: dict[str, list[pa.Table | None]] = defaultdict(list)
    run_id = snap.next_run_id
    event_edges: list[tuple[int, int, float]] = []
    if "events" in kinds:
        t = time.perf_counter()
        loaded = chosen["events"]
        records = events_input(table)
        say(_("Enlazando hechos entre fuentes"))
        scored = train_and_score(
            records, loaded.settings, database_api(backend, spark=spark), progress=say
        )
        must, cannot = decision_edges(snap.decisions, "events")
        scored_pairs = triples(scored.pairs)
        cut = loaded.settings.thresholds.match
        uids = records["uid"].to_pylist()
        exclusive = {
            u: (src, key or str(u))
            for u, src, key in zip(
                uids,
                records["source_id"].to_pylist(),
                records["event_key"].to_pylist(),
                strict=True,
            )
        }
        clusters = cluster(
            uids, scored_pairs, cut, must_link=must, cannot_link=cannot, exclusive=exclusive
        )
        ids = stable_ids(clusters, snap.previous["events"], "H", snap.next_number["events"])
        event_edges = [(a, b, p) for a, b, p in scored_pairs if p >= cut and ids[a] == ids[b]]
        event_edges += [(a, b, 1.0) for a, b in must]
        say(_("Conciliando las cifras"))
        rec = reconcile(
            records.to_pylist(),
            ids,
            snap.validations,
            single_source_categories=loaded.settings.single_source_categories,
        )
        pair_table, linked, review = pair_rows(run_id, "events", scored, loaded, decided)
        rows["restricted.event_registry"].append(
            registry_rows(
                run_id, ids, sources_of, best_probability(scored_pairs, ids, cut), "event_id"
            )
        )
        rows["restricted.link_pairs"].append(pair_table)
        for target, items in (
            ("reconciled_counts", rec.counts),
            ("reconciled_source_counts", rec.source_counts),
            ("restricted.link_worklist", rec.worklist),
        ):
            if items:
                rows[target].append(pa.Table.from_pylist([{"run_id": run_id, **r} for r in items]))
        counts = {
            "records": len(records),
            "links": linked,
            "clusters": len(set(ids.values())),
            "decisions_applied": len(must) + len(cannot),
            "review_pairs": review,
        }
        runs.append(
            run_row(run_id, "events", backend, loaded, scored, snap, counts, scored.notes, started)
        )
        report.reconciled = {
            "events": rec.events,
            "cells": len(rec.counts),
            "worklist": len(rec.worklist),
        }
        report.timings["events"] = time.perf_counter() - t
        report.runs.append({"kind": "events", "run_id": run_id, **counts, "notes": scored.notes})
        run_id += 1
    if "persons" in kinds:
        t = time.perf_counter()
        loaded = chosen["persons"]
        records = persons_input(table)
        say(_("Enlazando personas entre fuentes"))
        scored = train_and_score(
            records, loaded.settings, database_api(backend, spark=spark), progress=say
        )
        must, cannot = decision_edges(snap.decisions, "persons")
        scored_pairs = triples(scored.pairs)
        cut = loaded.settings.thresholds.match
        cited = reference_edges(
            table.select(
                ["uid", "source_id", "role", "record_id", "related_record_id", "given1", "surname1"]
            ).to_pylist()
        )
        extra = event_edges + cited
        clusters = cluster(
            table["uid"].to_pylist(), scored_pairs + extra, cut, must_link=must, cannot_link=cannot
        )
        ids = stable_ids(clusters, snap.previous["persons"], "P", snap.next_number["persons"])
        pair_table, linked, review = pair_rows(run_id, "persons", scored, loaded, decided)
        rows["restricted.person_registry"].append(
            registry_rows(
                run_id,
                ids,
                sources_of,
                best_probability(scored_pairs + extra, ids, cut),
                "person_id",
            )
        )
        rows["restricted.link_pairs"].append(pair_table)
        counts = {
            "records": len(table),
            "links": linked,
            "clusters": len(set(ids.values())),
            "decisions_applied": len(must) + len(cannot),
            "review_pairs": review,
        }
        runs.append(
            run_row(run_id, "persons", backend, loaded, scored, snap, counts, scored.notes, started)
        )
        report.timings["persons"] = time.perf_counter() - t
        report.runs.append({"kind": "persons", "run_id": run_id, **counts, "notes": scored.notes})
    say(_("Guardando el registro (una sola transacción)"))
    t = time.perf_counter()
    tables = {
        k: pa.concat_tables([t for t in v if t is not None], promote_options="default")
        for k, v in rows.items()
        if any(t is not None for t in v)
    }
    with Warehouse.open(ws.warehouse_path) as wh:
        commit_linkage(wh, runs, tables)
    report.timings["write"] = time.perf_counter() - t
    if "persons" in kinds:
        t = time.perf_counter()
        say(_("Comparando los registros de cada persona enlazada (calidad del dato)"))
        try:
            report.quality = record_discrepancies(ws, progress=say)
        except CiudadanaError as exc:
            report.notes.append(
                _("No se compararon los registros enlazados: {problem}").format(problem=exc)
            )
        else:
            report.notes += report.quality.get("notes", [])
        report.timings["quality"] = time.perf_counter() - t
    report.timings["total"] = time.perf_counter() - t0
    return report
