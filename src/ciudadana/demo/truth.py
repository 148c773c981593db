"""The ground truth: persons, events, victims, counts, places, coverage, record map and faults.

Large tables are Parquet (dictionary-encoded strings, written with pyarrow); small ones are
UTF-8 CSV. ``write_truth`` returns the row count of every file it wrote.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ciudadana.demo.categories import CATEGORIES, RELATIONS, WEAPONS
from ciudadana.demo.coverage import VERDICTS
from ciudadana.demo.exports.common import Export
from ciudadana.demo.faults import fault_rows, map_rows
from ciudadana.demo.involvement import ICCS_CODES
from ciudadana.demo.population import AGE_GROUPS, SEXES, age_group_index
from ciudadana.demo.reference import PUEBLOS
from ciudadana.demo.world import World

_MAP_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("file", pa.string()),
        ("sheet", pa.string()),
        ("row", pa.int32()),
        ("record_key", pa.string()),
        ("event_id", pa.int32()),
        ("victim_id", pa.int32()),
        ("aggressor_id", pa.int32()),
        ("duplicate_of_row", pa.int32()),
        ("must_refuse", pa.bool_()),
    ]
)
_FAULT_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("file", pa.string()),
        ("sheet", pa.string()),
        ("row", pa.int32()),
        ("field", pa.string()),
        ("kind", pa.string()),
        ("original_value", pa.string()),
        ("written_value", pa.string()),
        ("must_refuse", pa.bool_()),
    ]
)


def _labels(values: np.ndarray, labels: tuple[str, ...] | list[str]) -> pa.Array:
    """Dictionary-encoded labels; negative indices become nulls."""
    idx = np.asarray(values).astype(np.int32)
    return pa.DictionaryArray.from_arrays(
        pa.array(idx, mask=idx < 0), pa.array(list(labels), pa.string())
    )


def _dates(days: np.ndarray) -> pa.Array:
    days = np.asarray(days).astype(np.int32)
    return pa.array(days, pa.int32(), mask=days < 0).cast(pa.date32())


def _ids(values: np.ndarray) -> pa.Array:
    """1-based ids from 0-based indices; -1 becomes null."""
    v = np.asarray(values).astype(np.int64)
    return pa.array(v + 1, pa.int32(), mask=v < 0)


def _write(table: pa.Table, path: Path) -> int:
    pq.write_table(table, path, compression="zstd")
    return table.num_rows


def persons_table(world: World) -> pa.Table:
    """Every resident with names, sex, birth, pueblo, residence and CUI."""
    r, pools, ref = world.residents, world.pools, world.ref
    n = r.names
    involved_v = np.bincount(world.involvement.person, minlength=r.n)
    agg = world.involvement.aggressor
    involved_a = np.bincount(agg[agg >= 0], minlength=r.n)
    cui = pc.utf8_lpad(pa.array(r.cui).cast(pa.string()), width=13, padding="0")
    return pa.table(
        {
            "person_id": pa.array(np.arange(1, r.n + 1, dtype=np.int32)),
            "nombre1": _labels(n.given1, pools.given),
            "nombre2": _labels(n.given2, pools.given),
            "apellido1": _labels(n.surname1, pools.surnames),
            "apellido2": _labels(n.surname2, pools.surnames),
            "apellido_casada": _labels(n.married, pools.surnames),
            "sexo": _labels(r.sex, SEXES),
            "fecha_nacimiento": _dates(r.birth),
            "pueblo": _labels(r.pueblo, PUEBLOS),
            "codigo_municipio": _labels(r.muni, ref.muni_codes),
            "cui": cui,
            "codigo_municipio_cui": _labels(r.cui_muni, ref.muni_codes),
            "veces_victima": pa.array(involved_v.astype(np.int16)),
            "veces_agresor": pa.array(involved_a.astype(np.int16)),
        }
    )


def events_table(world: World) -> pa.Table:
    """Every incident with place, time, people and what each source saw."""
    inc, inv, cov, ref = world.incidents, world.involvement, world.coverage, world.ref
    main = np.flatnonzero(inv.first)
    seen_inacif = np.zeros(inc.n, dtype=bool)
    np.logical_or.at(seen_inacif, inv.event[cov.inacif], True)
    seen_ine = np.zeros(inc.n, dtype=bool)
    np.logical_or.at(seen_ine, inv.event[cov.ine], True)
    minutes = inc.minute.astype(np.int32)
    hours = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]
    return pa.table(
        {
            "event_id": pa.array(np.arange(1, inc.n + 1, dtype=np.int32)),
            "categoria": _labels(inc.category, [c.key for c in CATEGORIES]),
            "iccs": _labels(inv.iccs[main], ICCS_CODES),
            "fecha": _dates(inc.day),
            "hora": _labels(minutes, hours),
            "codigo_departamento": _labels(ref.muni_dept[inc.muni], ref.dept_codes),
            "codigo_municipio": _labels(inc.muni, ref.muni_codes),
            "lat": pa.array(inc.lat),
            "lon": pa.array(inc.lon),
            "hotspot_id": _labels(inc.hotspot, [h.id for h in world.hotspots]),
            "outbreak_id": _labels(inc.outbreak, [o.id for o in world.outbreaks]),
            "victimas": pa.array(inc.n_victims),
            "arma": _labels(inc.weapon, WEAPONS),
            "relacion": _labels(inv.relation, RELATIONS),
            "agresor_id": _ids(inv.aggressor),
            "repite_evento": _ids(inv.repeat_of),
            "visto_pnc": pa.array(cov.pnc),
            "visto_mp": pa.array(cov.mp),
            "visto_inacif": pa.array(seen_inacif),
            "visto_ine": pa.array(seen_ine),
            "visto_medidas": pa.array(cov.protection),
            "visto_oj": pa.array(cov.court),
            "registrado": pa.array(cov.recorded(inv)),
            "fecha_registro_mp": _dates(np.where(cov.mp, cov.mp_day, -1)),
            "fecha_medida": _dates(np.where(cov.protection, cov.protection_day, -1)),
            "fecha_ingreso_oj": _dates(cov.court_day),
            "fecha_sentencia": _dates(cov.ruling_day),
            "fallo": _labels(cov.verdict, VERDICTS),
        }
    )


def victims_table(world: World) -> pa.Table:
    """One row per victim of every incident."""
    inc, inv, cov, r, ref = (
        world.incidents,
        world.involvement,
        world.coverage,
        world.residents,
        world.ref,
    )
    e = inv.event
    hom = inc.category[e] == [c.key for c in CATEGORIES].index("homicidio")
    return pa.table(
        {
            "event_id": pa.array(e + 1),
            "person_id": pa.array(inv.person + 1),
            "victima_principal": pa.array(inv.first),
            "iccs": _labels(inv.iccs, ICCS_CODES),
            "sexo": _labels(r.sex[inv.person], SEXES),
            "edad": pa.array(inv.age),
            "grupo_edad": _labels(age_group_index(inv.age), AGE_GROUPS),
            "pueblo": _labels(r.pueblo[inv.person], PUEBLOS),
            "fecha": _dates(inc.day[e]),
            "codigo_municipio": _labels(inc.muni[e], ref.muni_codes),
            "relacion": _labels(inv.relation[e], RELATIONS),
            "agresor_id": _ids(inv.aggressor[e]),
            "fecha_muerte": _dates(np.where(hom, cov.death_day, -1)),
            "visto_inacif": pa.array(cov.inacif),
            "visto_ine": pa.array(cov.ine),
            "fecha_registro_ine": _dates(np.where(cov.ine, cov.ine_day, -1)),
        }
    )


def counts_table(world: World) -> pa.Table:
    """True victims (and incidents, under their main victim) by month, place, ICCS, sex, age."""
    v = victims_table(world)
    v = v.append_column("anio", pc.year(v["fecha"])).append_column("mes", pc.month(v["fecha"]))
    v = v.append_column("incidente", pc.cast(v["victima_principal"], pa.int64()))
    v = v.append_column(
        "codigo_departamento",
        pc.utf8_slice_codeunits(pc.cast(v["codigo_municipio"], pa.string()), 0, 2),
    )
    keys = ["anio", "mes", "codigo_departamento", "codigo_municipio", "iccs", "sexo", "grupo_edad"]
    t = v.select(keys + ["incidente"]).cast(
        pa.schema(
            [(k, pa.string()) if k not in ("anio", "mes") else (k, pa.int64()) for k in keys]
            + [("incidente", pa.int64())]
        )
    )
    g = t.group_by(keys).aggregate([("incidente", "count"), ("incidente", "sum")])
    g = g.rename_columns(keys + ["victimas", "incidentes"])
    return g.sort_by([(k, "ascending") for k in keys])


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> int:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)


def places_files(world: World, truth: Path) -> dict[str, int]:
    """``hotspots.csv`` and ``outbreaks.csv``."""
    ref, inc = world.ref, world.incidents
    from ciudadana.demo.exports.common import iso

    counts = np.bincount(inc.hotspot[inc.hotspot >= 0], minlength=len(world.hotspots))
    out = {
        "hotspots.csv": _csv(
            truth / "hotspots.csv",
            [
                "hotspot_id",
                "nombre",
                "codigo_municipio",
                "lat",
                "lon",
                "categorias",
                "proporcion",
                "eventos",
            ],
            [
                [
                    h.id,
                    h.name,
                    ref.muni_codes[h.muni],
                    h.lat,
                    h.lon,
                    "|".join(h.categories),
                    h.share,
                    int(counts[k]),
                ]
                for k, h in enumerate(world.hotspots)
            ],
        )
    }
    by_key = {c.key: c for c in CATEGORIES}
    out["outbreaks.csv"] = _csv(
        truth / "outbreaks.csv",
        [
            "outbreak_id",
            "categoria",
            "iccs",
            "codigo_municipio",
            "municipio",
            "inicio",
            "fin",
            "eventos_extra",
            "esperado_sin_brote",
        ],
        [
            [
                o.id,
                o.category,
                by_key[o.category].iccs,
                ref.muni_codes[o.muni],
                ref.muni_names[o.muni],
                iso(o.start),
                iso(o.end),
                o.size,
                o.baseline,
            ]
            for o in world.outbreaks
        ],
    )
    return out


def write_truth(world: World, exports: list[Export], truth: Path) -> dict[str, int]:
    """Write every truth file into ``truth`` and return their row counts."""
    truth.mkdir(parents=True, exist_ok=True)
    rows = {
        "persons.parquet": _write(persons_table(world), truth / "persons.parquet"),
        "events.parquet": _write(events_table(world), truth / "events.parquet"),
        "victims.parquet": _write(victims_table(world), truth / "victims.parquet"),
        "counts.parquet": _write(counts_table(world), truth / "counts.parquet"),
    }
    mapped = [m for e in exports for m in map_rows(e.source, e.file, e.records)]
    faults = [f for e in exports for f in fault_rows(e.source, e.file, e.records)]
    rows["record_map.parquet"] = _write(
        pa.Table.from_pylist(mapped, schema=_MAP_SCHEMA), truth / "record_map.parquet"
    )
    rows["faults.parquet"] = _write(
        pa.Table.from_pylist(faults, schema=_FAULT_SCHEMA), truth / "faults.parquet"
    )
    rows.update(places_files(world, truth))
    return rows
