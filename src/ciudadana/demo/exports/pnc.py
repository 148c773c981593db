"""Police (PNC) incidents: one row per victim, Latin-1, semicolons, dd/mm/yyyy, names in capitals.

The statistics section's export as it arrives by e-mail: Windows line ends, municipality and
department *names* (often misspelt), the police's own offence labels (not ICCS), the weapon, the
victim's name, sex, age and DPI (mostly blank), and for some incidents the exact point with a
decimal comma (restricted data: exact coordinates).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ciudadana.demo.categories import CATEGORIES, WEAPONS
from ciudadana.demo.exports.common import (
    NOT_MUNICIPALITIES,
    Export,
    Person,
    cui_faults,
    day_to_date,
    dmy,
    impossible_date,
    misspell,
    name_faults,
    person,
    refusals,
    siblings,
    write_csv,
)
from ciudadana.demo.faults import Fault, Injector, Record, finalize
from ciudadana.demo.involvement import ICCS_CODES
from ciudadana.demo.world import World

SOURCE = "PNC"
COLUMNS = [
    "NO_HECHO",
    "FECHA",
    "HORA",
    "DEPARTAMENTO",
    "MUNICIPIO",
    "DELITO",
    "ARMA",
    "NOMBRE_VICTIMA",
    "SEXO",
    "EDAD",
    "DPI",
    "LATITUD",
    "LONGITUD",
]
LABELS = {
    "homicidio": "HOMICIDIO",
    "vif": "VIOLENCIA INTRAFAMILIAR",
    "violencia_sexual": "VIOLACIÓN",
    "extorsion": "EXTORSIÓN",
    "robo": "ROBO A PEATÓN",
    "robo_vehiculo": "ROBO DE VEHÍCULO",
    "desaparicion": "DESAPARECIDO",
}
WEAPON_LABELS = {
    "arma_fuego": "ARMA DE FUEGO",
    "arma_blanca": "ARMA BLANCA",
    "contundente": "ARMA CONTUNDENTE",
    "estrangulamiento": "ESTRANGULAMIENTO",
    "otra": "OTRA",
}


def file_name(world: World) -> str:
    return f"pnc_hechos_{world.years[0]}_{world.years[-1]}.csv"


def _coord(value: float) -> str:
    return f"{value:.6f}".replace(".", ",")


def build(world: World, rng: np.random.Generator) -> list[Record]:
    """The clean records, one per victim of every incident the police recorded."""
    inc, inv, ref = world.incidents, world.involvement, world.ref
    starts = np.searchsorted(inv.event, np.arange(inc.n + 1))
    seq: dict[int, int] = {}
    records = []
    for i in np.flatnonzero(world.coverage.pnc).tolist():
        cat = CATEGORIES[inc.category[i]]
        year = day_to_date(inc.day[i]).year
        seq[year] = seq.get(year, 0) + 1
        m = int(inc.muni[i])
        label = LABELS[cat.key]
        weapon = WEAPON_LABELS[WEAPONS[inc.weapon[i]]] if inc.weapon[i] >= 0 else ""
        if cat.key == "robo":
            weapon = ("ARMA DE FUEGO", "ARMA BLANCA", "SIN ARMA")[int(rng.integers(3))]
        if cat.key == "robo_vehiculo" and rng.random() < 0.5:
            label = "ROBO DE MOTOCICLETA"
        with_point = rng.random() < (0.6 if cat.key == "homicidio" else 0.35)
        for v in range(starts[i], starts[i + 1]):
            p = person(world, int(inv.person[v]))
            if ICCS_CODES[inv.iccs[v]] == "03012":
                label = "AGRESIÓN SEXUAL"
            adult = inv.age[v] >= 18
            records.append(
                Record(
                    values={
                        "NO_HECHO": f"{year}{seq[year]:06d}",
                        "FECHA": dmy(inc.day[i]),
                        "HORA": f"{inc.minute[i] // 60:02d}:{inc.minute[i] % 60:02d}",
                        "DEPARTAMENTO": ref.dept_names[ref.muni_dept[m]].upper(),
                        "MUNICIPIO": ref.muni_names[m].upper(),
                        "DELITO": label,
                        "ARMA": weapon,
                        "NOMBRE_VICTIMA": p.full().upper(),
                        "SEXO": ("HOMBRE", "MUJER")[p.sex],
                        "EDAD": str(int(inv.age[v])),
                        "DPI": p.cui if adult else "",
                        "LATITUD": _coord(inc.lat[i]) if with_point else "",
                        "LONGITUD": _coord(inc.lon[i]) if with_point else "",
                    },
                    key=f"{year}{seq[year]:06d}",
                    event=i + 1,
                    victim=p.id,
                )
            )
    return records


def inject(world: World, rng: np.random.Generator, records: list[Record]) -> list[Record]:
    """The police export's faults; returns the records in file order."""
    ref = world.ref
    people: dict[int, Person] = {r.victim: person(world, r.victim - 1) for r in records}
    inj = Injector(rng, records)
    n = refusals(len(records))
    inj.refuse("impossible-date", "FECHA", n, lambda r, v: impossible_date(_day(r, world), rng))
    inj.refuse(
        "unknown-municipality",
        "MUNICIPIO",
        n,
        lambda r, v: NOT_MUNICIPALITIES[int(rng.integers(len(NOT_MUNICIPALITIES)))].upper(),
    )
    inj.refuse("blank-required", "DELITO", n, lambda r, v: "")
    code_of = {name.upper(): i for i, name in enumerate(ref.muni_names)}
    inj.apply(
        "municipality-misspelt",
        "MUNICIPIO",
        0.10,
        lambda r, v: misspell(
            ref.muni_names[_muni(world, r)],
            rng,
            ref.muni_aliases[_muni(world, r)],
            siblings(world, _muni(world, r)),
        ).upper(),
        lambda r: r.values["MUNICIPIO"] in code_of,
    )
    inj.apply("date-shift", "FECHA", 0.03, lambda r, v: dmy(_day(r, world) + _shift(rng)))
    inj.apply("name-unknown", "NOMBRE_VICTIMA", 0.05, lambda r, v: "NO IDENTIFICADO")
    name_faults(inj, "NOMBRE_VICTIMA", str.upper, people, 0.03)
    inj.apply("sex-unknown", "SEXO", 0.01, lambda r, v: "IGNORADO")
    inj.apply("age-unknown", "EDAD", 0.08, lambda r, v: "")
    inj.apply(
        "age-off", "EDAD", 0.05, lambda r, v: _age_off(v, rng), lambda r: r.values["EDAD"] != ""
    )
    cui_faults(inj, "DPI", 0.65, 0.02)
    for rec in records:
        lat, lon = rec.values["LATITUD"], rec.values["LONGITUD"]
        if lat and not rec.faults and rng.random() < 0.02:
            rec.values["LATITUD"], rec.values["LONGITUD"] = lon, lat
            rec.faults.append(Fault("LATITUD", "coordinates-swapped", lat, lon))
            rec.faults.append(Fault("LONGITUD", "coordinates-swapped", lon, lat))
    copies = inj.duplicate(0.015)
    return finalize(rng, records, copies, first_row=2)


def _day(rec: Record, world: World) -> int:
    return int(world.incidents.day[rec.event - 1])


def _muni(world: World, rec: Record) -> int:
    return int(world.incidents.muni[rec.event - 1])


def _shift(rng: np.random.Generator) -> int:
    return int(rng.choice([-3, -2, -1, 1, 1, 1, 2, 3]))


def _age_off(value: str, rng: np.random.Generator) -> str:
    return str(max(0, int(value) + int(rng.choice([-3, -2, -1, 1, 2, 3]))))


def write(world: World, out_dir: Path, rng: np.random.Generator) -> Export:
    """Build, spoil and write the police export."""
    records = inject(world, rng, build(world, rng))
    name = file_name(world)
    write_csv(
        out_dir / name,
        COLUMNS,
        ([r.values[c] for c in COLUMNS] for r in records),
        encoding="latin-1",
        delimiter=";",
        newline="\r\n",
    )
    return Export(SOURCE, name, records)
