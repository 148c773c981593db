"""Forensic institute (INACIF) autopsies: CSV, UTF-8 with BOM, Excel serial dates.

One row per homicide victim autopsied: date of death and of the autopsy as Excel serial numbers,
cause of death by mechanism, manner of death (some homicides stay "INDETERMINADA"), sex, age
("IGNORADO" when unknown), the municipality code written as a number without its leading zero
(101 for 0101), and the name and DPI when the body was identified.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ciudadana.demo.categories import WEAPONS
from ciudadana.demo.exports.common import (
    Export,
    cui_faults,
    day_to_date,
    excel_serial,
    impossible_date,
    name_faults,
    person,
    refusals,
    write_csv,
)
from ciudadana.demo.faults import Injector, Record, finalize
from ciudadana.demo.world import World

SOURCE = "INACIF"
COLUMNS = [
    "REGISTRO",
    "SEDE",
    "FECHA_FALLECIMIENTO",
    "FECHA_NECROPSIA",
    "CAUSA_MUERTE",
    "MANERA_MUERTE",
    "SEXO",
    "EDAD",
    "COD_MUNICIPIO",
    "NOMBRE",
    "DPI",
]
CAUSES = {
    "arma_fuego": "HERIDAS PRODUCIDAS POR PROYECTIL DE ARMA DE FUEGO",
    "arma_blanca": "HERIDAS PRODUCIDAS POR ARMA BLANCA",
    "contundente": "TRAUMA CRANEOENCEFÁLICO POR OBJETO CONTUNDENTE",
    "estrangulamiento": "ASFIXIA POR ESTRANGULAMIENTO",
    "otra": "POLITRAUMATISMO",
}
INVALID_CODES = ("2399", "1740", "0", "2300", "1599")


def file_name(world: World) -> str:
    return f"inacif_necropsias_{world.years[0]}_{world.years[-1]}.csv"


def build(world: World, rng: np.random.Generator) -> list[Record]:
    """Clean records, one per homicide victim autopsied, in order of autopsy."""
    inc, inv, cov, ref = world.incidents, world.involvement, world.coverage, world.ref
    rows = np.flatnonzero(cov.inacif)
    rows = rows[np.lexsort((rows, cov.inacif_day[rows]))]
    seq: dict[int, int] = {}
    records = []
    for v in rows.tolist():
        i = int(inv.event[v])
        p = person(world, int(inv.person[v]))
        year = day_to_date(int(cov.inacif_day[v])).year
        seq[year] = seq.get(year, 0) + 1
        dept = int(ref.muni_dept[inc.muni[i]])
        site = "SEDE CENTRAL ZONA 3" if dept == 0 else f"SEDE {ref.dept_names[dept].upper()}"
        age = p.age_on(int(cov.death_day[v]))
        records.append(
            Record(
                values={
                    "REGISTRO": f"INACIF-{year}-{seq[year]:05d}",
                    "SEDE": site,
                    "FECHA_FALLECIMIENTO": str(excel_serial(int(cov.death_day[v]))),
                    "FECHA_NECROPSIA": str(excel_serial(int(cov.inacif_day[v]))),
                    "CAUSA_MUERTE": CAUSES[WEAPONS[inc.weapon[i]]],
                    "MANERA_MUERTE": "HOMICIDIO" if rng.random() < 0.94 else "INDETERMINADA",
                    "SEXO": ("M", "F")[p.sex],
                    "EDAD": str(age),
                    "COD_MUNICIPIO": str(int(ref.muni_codes[inc.muni[i]])),
                    "NOMBRE": p.full(),
                    "DPI": p.cui if age >= 18 else "",
                },
                key=f"INACIF-{year}-{seq[year]:05d}",
                event=i + 1,
                victim=p.id,
            )
        )
    return records


def inject(world: World, rng: np.random.Generator, records: list[Record]) -> list[Record]:
    """The forensic export's faults; returns records in file order."""
    people = {r.victim: person(world, r.victim - 1) for r in records}
    inj = Injector(rng, records)
    n = refusals(len(records))
    inj.refuse(
        "impossible-date",
        "FECHA_FALLECIMIENTO",
        n,
        lambda r, v: impossible_date(int(world.incidents.day[r.event - 1]), rng),
    )
    inj.refuse(
        "municipality-code-invalid",
        "COD_MUNICIPIO",
        n,
        lambda r, v: INVALID_CODES[int(rng.integers(len(INVALID_CODES)))],
    )
    inj.refuse("blank-required", "FECHA_FALLECIMIENTO", n, lambda r, v: "")
    inj.apply("date-shift", "FECHA_FALLECIMIENTO", 0.02, lambda r, v: str(int(v) + 1))
    inj.apply("name-unknown", "NOMBRE", 0.07, lambda r, v: "NO IDENTIFICADO")
    unknown = lambda r: r.values["NOMBRE"] == "NO IDENTIFICADO"  # noqa: E731
    inj.apply(
        "cui-missing", "DPI", 1.0, lambda r, v: "", lambda r: unknown(r) and r.values["DPI"] != ""
    )
    inj.apply("age-unknown", "EDAD", 0.06, lambda r, v: "IGNORADO")
    inj.apply(
        "age-off",
        "EDAD",
        0.10,
        lambda r, v: str(max(0, int(v) + int(rng.choice([-3, -2, -1, 1, 2, 3])))),
        lambda r: r.values["EDAD"].isdigit(),
    )
    name_faults(inj, "NOMBRE", str, people, 0.02)
    cui_faults(inj, "DPI", 0.5, 0.015)
    copies = inj.duplicate(0.01)
    return finalize(rng, records, copies, first_row=2)


def write(world: World, out_dir: Path, rng: np.random.Generator) -> Export:
    """Build, spoil and write the forensic export."""
    records = inject(world, rng, build(world, rng))
    name = file_name(world)
    write_csv(
        out_dir / name,
        COLUMNS,
        ([r.values[c] for c in COLUMNS] for r in records),
        encoding="utf-8-sig",
        newline="\r\n",
    )
    return Export(SOURCE, name, records)
