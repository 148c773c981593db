"""Protection orders (medidas de seguridad): CSV, UTF-8, dd/mm/yyyy, 4-digit municipality codes.

One row per order: the judge's court, the dates issued and expiring, the municipality code, the
victim's and the aggressor's names and DPI in separate given-name and surname columns, their
relationship and the measures ordered. The same victim and aggressor come back when violence
repeats, which is what record linkage has to find.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ciudadana.demo.categories import CATEGORIES
from ciudadana.demo.exports.common import (
    Export,
    cui_faults,
    day_to_date,
    dmy,
    impossible_date,
    name_faults,
    person,
    refusals,
    write_csv,
)
from ciudadana.demo.exports.inacif import INVALID_CODES
from ciudadana.demo.faults import Injector, Record, finalize
from ciudadana.demo.world import World

SOURCE = "OJ-MEDIDAS"
COLUMNS = [
    "CORRELATIVO",
    "JUZGADO",
    "FECHA_EMISION",
    "FECHA_VENCIMIENTO",
    "COD_MUNICIPIO",
    "VICTIMA_NOMBRES",
    "VICTIMA_APELLIDOS",
    "VICTIMA_DPI",
    "VICTIMA_SEXO",
    "VICTIMA_EDAD",
    "AGRESOR_NOMBRES",
    "AGRESOR_APELLIDOS",
    "AGRESOR_DPI",
    "RELACION",
    "LEY",
    "MEDIDAS",
]
RELATION_LABELS = ("ESPOSO(A)/CONVIVIENTE", "EX CONVIVIENTE", "FAMILIAR", "CONOCIDO", "DESCONOCIDO")
MEASURES = (
    "Art. 7 lit. a, c, d",
    "Art. 7 lit. a, c",
    "Art. 7 lit. c, d, f",
    "Art. 7 lit. a, b, c, d, e",
)


def file_name(world: World) -> str:
    return f"oj_medidas_seguridad_{world.years[0]}_{world.years[-1]}.csv"


def build(world: World, rng: np.random.Generator) -> list[Record]:
    """Clean records, one per order, by date issued."""
    inc, inv, cov, ref = world.incidents, world.involvement, world.coverage, world.ref
    main = np.flatnonzero(inv.first)
    chosen = np.flatnonzero(cov.protection)
    chosen = chosen[np.lexsort((chosen, cov.protection_day[chosen]))]
    seq: dict[int, int] = {}
    records = []
    for i in chosen.tolist():
        v = int(main[i])
        victim = person(world, int(inv.person[v]))
        agg = person(world, int(inv.aggressor[i]))
        issued = int(cov.protection_day[i])
        year = day_to_date(issued).year
        seq[year] = seq.get(year, 0) + 1
        m = int(inc.muni[i])
        u = rng.random()
        judge = (
            f"Juzgado de Paz de {ref.muni_names[m]}"
            if u < 0.6
            else f"Juzgado de Familia de {ref.dept_names[ref.muni_dept[m]]}"
        )
        women_law = victim.sex == 1 and CATEGORIES[inc.category[i]].key == "vif"
        days = int(rng.choice([90, 180, 180, 180, 365]))
        records.append(
            Record(
                values={
                    "CORRELATIVO": f"MS-{year}-{seq[year]:05d}",
                    "JUZGADO": judge,
                    "FECHA_EMISION": dmy(issued),
                    "FECHA_VENCIMIENTO": dmy(issued + days),
                    "COD_MUNICIPIO": ref.muni_codes[m],
                    "VICTIMA_NOMBRES": victim.given(),
                    "VICTIMA_APELLIDOS": victim.surnames(),
                    "VICTIMA_DPI": victim.cui if inv.age[v] >= 18 else "",
                    "VICTIMA_SEXO": ("M", "F")[victim.sex],
                    "VICTIMA_EDAD": str(int(inv.age[v])),
                    "AGRESOR_NOMBRES": agg.given(),
                    "AGRESOR_APELLIDOS": agg.surnames(),
                    "AGRESOR_DPI": agg.cui if agg.age_on(issued) >= 18 else "",
                    "RELACION": RELATION_LABELS[inv.relation[i]],
                    "LEY": "Dto. 22-2008" if women_law else "Dto. 97-96",
                    "MEDIDAS": MEASURES[int(rng.integers(len(MEASURES)))] + " Dto. 97-96",
                },
                key=f"MS-{year}-{seq[year]:05d}",
                event=i + 1,
                victim=victim.id,
                aggressor=agg.id,
            )
        )
    return records


def inject(world: World, rng: np.random.Generator, records: list[Record]) -> list[Record]:
    """The protection-order register's faults; returns records in file order."""
    victims = {r.victim: person(world, r.victim - 1) for r in records}
    aggressors = {r.aggressor: person(world, r.aggressor - 1) for r in records}
    inj = Injector(rng, records)
    n = refusals(len(records))
    inj.refuse(
        "impossible-date",
        "FECHA_EMISION",
        n,
        lambda r, v: impossible_date(int(world.coverage.protection_day[r.event - 1]), rng),
    )
    inj.refuse(
        "municipality-code-invalid",
        "COD_MUNICIPIO",
        n,
        lambda r, v: INVALID_CODES[int(rng.integers(len(INVALID_CODES)))].zfill(4),
    )
    inj.refuse("blank-required", "AGRESOR_NOMBRES", n, lambda r, v: "")
    for role, people, prefix in (
        ("victim", victims, "VICTIMA"),
        ("aggressor", aggressors, "AGRESOR"),
    ):
        name_faults(inj, f"{prefix}_NOMBRES", str, people, 0.03, role, "given")
        name_faults(inj, f"{prefix}_APELLIDOS", str, people, 0.03, role, "surnames")
    cui_faults(inj, "VICTIMA_DPI", 0.10, 0.02)
    cui_faults(inj, "AGRESOR_DPI", 0.25, 0.02)
    copies = inj.duplicate(0.015)
    return finalize(rng, records, copies, first_row=2)


def write(world: World, out_dir: Path, rng: np.random.Generator) -> Export:
    """Build, spoil and write the protection-order register."""
    records = inject(world, rng, build(world, rng))
    name = file_name(world)
    write_csv(out_dir / name, COLUMNS, ([r.values[c] for c in COLUMNS] for r in records))
    return Export(SOURCE, name, records)
