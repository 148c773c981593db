"""``ciudadana mse``: the cases no institution recorded, per category (and year, department),
from the capture histories of the current event registry.

Each event (one victim of one event) has the set of sources that recorded it. Per 4-digit ICCS
category, the sources that record that category somewhere are the lists; with three or more,
:func:`ciudadana.linkage.mse.select_model` estimates the total. Only counts are stored
(``mse_estimates``, schema main).

Example:
    >>> result = estimate_unrecorded(ws, by=["year"], category="0201")  # doctest: +SKIP
    >>> result["estimates"][0]["sources"]  # doctest: +SKIP
    ['mp-denuncias', 'oj-medidas', 'pnc-hechos']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from textwrap import dedent
from typing import Any

import numpy as np
import pyarrow as pa

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.linkage.mse import average_models, histories, select_model
from ciudadana.warehouse import Warehouse, open_reader
from ciudadana.warehouse.registers import replace_mse_estimates
from ciudadana.workspace import Workspace

DIMENSIONS = {"year": "year", "department": "department_code"}
MIN_OBSERVED = 20


def events_sql() -> str:
    """One row per event of the current registry: category, year, department, its sources."""
    return dedent(
        """
        select
            r.event_id,
            mode(substr(e.iccs_code, 1, 4)) as category,
            mode(year(coalesce(e.date_occurrence, e.reference_date))) as year,
            mode(e.department_code) as department_code,
            list(distinct r.source_id order by r.source_id) as sources
        from restricted.current_event_registry as r
        join events as e
            using (load_id, row_number)
        group by r.event_id
        """
    )


def capture_counts(events: Sequence[dict[str, Any]], sources: Sequence[str]) -> list[int]:
    """How many events have each capture history over ``sources`` (Rcapture's order).

    Example:
        >>> capture_counts([{"sources": ["a", "b"]}, {"sources": ["c"]}], ["a", "b", "c"])
        [0, 1, 0, 0, 0, 0, 1]
    """
    t = len(sources)
    index = {tuple(h): i for i, h in enumerate(histories(t).tolist())}
    counts = [0] * len(index)
    for ev in events:
        h = tuple(int(s in ev["sources"]) for s in sources)
        if any(h):
            counts[index[h]] += 1
    return counts


def estimate_unrecorded(
    ws: Workspace,
    *,
    by: Sequence[str] = (),
    category: str | None = None,
    criterion: str = "bic",
    average: bool = False,
    store: bool = True,
) -> dict[str, Any]:
    """Estimate the total per category and the strata of ``by`` (year, department).

    By default the model of smallest BIC is chosen (as Rcapture's ``closedpMS.t``); with
    ``average``, the models are averaged with ``criterion`` weights (see
    :func:`ciudadana.linkage.mse.average_models`).
    """
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise CiudadanaError(
            _("--by {unknown}: use year y/o department.").format(unknown=", ".join(unknown)),
            code="invalid-option",
        )
    if criterion not in ("aic", "bic"):
        raise CiudadanaError(_("--criterion: use aic o bic."), code="invalid-option")
    Warehouse.open(ws.warehouse_path).close()
    con = open_reader(ws.warehouse_path)
    try:
        (run_id,) = con.execute(
            "select max(run_id) from restricted.link_runs where kind = 'events'"
        ).fetchone()
        if run_id is None:
            raise CiudadanaError(
                _("Aún no hay hechos enlazados: ejecute `ciudadana link` primero."),
                code="no-event-registry",
            )
        cur = con.execute(events_sql())
        names = [d[0] for d in cur.description]
        events = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
    if category:
        events = [e for e in events if e["category"] == category]
    by_category: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for ev in events:
        by_category[ev["category"]].append(ev)
    estimates, notes = [], []
    for cat, evs in sorted(by_category.items(), key=lambda kv: str(kv[0])):
        sources = sorted({s for e in evs for s in e["sources"]})
        strata: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for ev in evs:
            strata[tuple(ev[DIMENSIONS[d]] for d in by)].append(ev)
        for key, group in sorted(strata.items(), key=lambda kv: str(kv[0])):
            values = dict(zip(by, key, strict=True))
            row = _estimate(cat, sources, group, criterion, average)
            row["year"] = values.get("year")
            row["department_code"] = values.get("department")
            estimates.append(row)
        if len(sources) < 3:
            notes.append(
                _(
                    "Categoría {category}: solo {n} fuente(s) ({sources}); hacen falta tres o más "
                    "para estimar lo no registrado."
                ).format(category=cat, n=len(sources), sources=", ".join(sources))
            )
    if store and estimates:
        table = pa.Table.from_pylist([{"run_id": run_id, **e} for e in estimates])
        with Warehouse.open(ws.warehouse_path) as wh:
            replace_mse_estimates(wh, run_id, table)
    method = "average" if average else "select"
    return {
        "run_id": run_id,
        "criterion": criterion,
        "method": method,
        "estimates": estimates,
        "notes": notes,
    }


def _estimate(
    category: str | None,
    sources: list[str],
    events: Sequence[dict[str, Any]],
    criterion: str,
    average: bool = False,
) -> dict[str, Any]:
    short = [s.split("/")[-1] for s in sources]
    row: dict[str, Any] = {
        "category": category,
        "sources": short,
        "observed": len(events),
        "model": None,
        "criterion": criterion,
        "estimate": None,
        "stderr": None,
        "lower": None,
        "upper": None,
        "deviance": None,
        "df": None,
        "note": None,
    }
    if len(sources) < 3:
        row["note"] = "menos de tres fuentes"
        return row
    counts = capture_counts(events, sources)
    overlaps = Counter(len(e["sources"]) for e in events)
    if len(events) < MIN_OBSERVED or overlaps[1] == len(events):
        row["note"] = "muy pocos casos o ninguno en dos fuentes"
        return row
    try:
        if average:
            chosen = average_models(np.array(counts), len(sources), criterion=criterion)
        else:
            chosen = select_model(np.array(counts), len(sources), criterion=criterion).best
    except (ValueError, np.linalg.LinAlgError) as exc:
        row["note"] = f"sin modelo estimable ({exc})"
        return row
    row.update(
        model=chosen.model,
        estimate=chosen.abundance,
        stderr=chosen.stderr,
        lower=chosen.lower,
        upper=chosen.upper,
        deviance=chosen.deviance,
        df=chosen.df,
    )
    return row
