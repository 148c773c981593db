"""``truth/coverage.csv``: how much of reality each source recorded, and what nobody saw.

Example:
    >>> COLUMNS[:3]
    ['fuente', 'archivo', 'categoria']
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ciudadana.demo.categories import CATEGORIES
from ciudadana.demo.exports.common import Export
from ciudadana.demo.world import World

COLUMNS = [
    "fuente",
    "archivo",
    "categoria",
    "iccs",
    "incidentes_verdaderos",
    "incidentes_registrados",
    "victimas_verdaderas",
    "victimas_registradas",
    "cobertura_incidentes",
    "cobertura_victimas",
    "filas_archivo",
    "filas_duplicadas",
    "filas_a_rechazar",
]


def coverage_rows(world: World, exports: list[Export]) -> list[dict[str, object]]:
    """One row per source and category, plus ALGUNA (any source) and NINGUNA (none)."""
    inc, inv, cov = world.incidents, world.involvement, world.coverage
    by_source = {e.source: e for e in exports if e.records}
    victim_seen = {
        "PNC": cov.pnc[inv.event],
        "MP": cov.mp[inv.event],
        "INACIF": cov.inacif,
        "INE": cov.ine,
        "OJ": cov.court[inv.event] & inv.first,
        "OJ-MEDIDAS": cov.protection[inv.event] & inv.first,
    }
    recorded = cov.recorded(inv)
    any_victim = recorded[inv.event]
    victim_seen["ALGUNA"] = any_victim
    victim_seen["NINGUNA"] = ~any_victim
    files = {e.source: e.file for e in exports}
    files["INE"] = next((e.file for e in exports if e.source == "INE" and "vif" in e.file), "")
    rows = []
    for source, seen in victim_seen.items():
        event_seen = np.zeros(inc.n, dtype=bool)
        np.logical_or.at(event_seen, inv.event[seen], True)
        if source == "NINGUNA":
            event_seen = ~recorded
        for c_index, cat in enumerate(CATEGORIES):
            in_cat = inc.category == c_index
            v_cat = in_cat[inv.event]
            true_i, true_v = int(in_cat.sum()), int(v_cat.sum())
            if source in ("INACIF",) and cat.key != "homicidio":
                continue
            if source == "INE" and cat.key != "vif":
                continue
            rec_i = int((event_seen & in_cat).sum())
            rec_v = int((seen & v_cat).sum())
            lines = dups = refuse = 0
            export = by_source.get(source)
            if export is not None:
                for r in export.records:
                    if r.event and inc.category[r.event - 1] == c_index:
                        lines += 1
                        dups += r.duplicate_of is not None
                        refuse += r.refused
            rows.append(
                {
                    "fuente": source,
                    "archivo": files.get(source, ""),
                    "categoria": cat.key,
                    "iccs": cat.iccs,
                    "incidentes_verdaderos": true_i,
                    "incidentes_registrados": rec_i,
                    "victimas_verdaderas": true_v,
                    "victimas_registradas": rec_v,
                    "cobertura_incidentes": round(rec_i / true_i, 4) if true_i else "",
                    "cobertura_victimas": round(rec_v / true_v, 4) if true_v else "",
                    "filas_archivo": lines,
                    "filas_duplicadas": dups,
                    "filas_a_rechazar": refuse,
                }
            )
    return rows


def write_coverage(world: World, exports: list[Export], path: Path) -> int:
    """Write ``coverage.csv``; returns its row count."""
    rows = coverage_rows(world, exports)
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)


def overall(world: World) -> dict[str, float]:
    """Share of all incidents each source recorded (for ``SimulationResult.coverage``)."""
    inc, inv, cov = world.incidents, world.involvement, world.coverage
    out = {}
    for name, mask in (
        ("PNC", cov.pnc),
        ("MP", cov.mp),
        ("OJ", cov.court),
        ("OJ-MEDIDAS", cov.protection),
    ):
        out[name] = round(float(mask.mean()), 4) if inc.n else 0.0
    keys = [c.key for c in CATEGORIES]
    hom = inc.category[inv.event] == keys.index("homicidio")
    vif = inc.category[inv.event] == keys.index("vif")
    out["INACIF (víctimas de homicidio)"] = (
        round(float(cov.inacif[hom].mean()), 4) if hom.any() else 0.0
    )
    out["INE (víctimas de VIF)"] = round(float(cov.ine[vif].mean()), 4) if vif.any() else 0.0
    out["ALGUNA"] = round(float(cov.recorded(inv).mean()), 4) if inc.n else 0.0
    return out
