"""Judiciary (OJ / CIDEJ) cases and rulings: CSV, UTF-8, ISO dates.

One row per case (one accused, the main victim): the case number, the court, the department,
the date the case entered, the offence as a legal article, the MP case it comes from, the
accused's name, sex and DPI, the victim's name ("RESERVADO" for sexual violence and minors, as
the law requires), and the ruling (date, verdict, years of prison) or "EN TRÁMITE".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ciudadana.demo.categories import CATEGORIES
from ciudadana.demo.coverage import VERDICTS
from ciudadana.demo.exports.common import (
    Export,
    cui_faults,
    day_to_date,
    impossible_date,
    iso,
    name_faults,
    person,
    refusals,
    write_csv,
)
from ciudadana.demo.exports.labels import article, case_numbers, court
from ciudadana.demo.faults import Injector, Record, finalize
from ciudadana.demo.involvement import ICCS_CODES
from ciudadana.demo.names import typo
from ciudadana.demo.world import World

SOURCE = "OJ"
COLUMNS = [
    "NUMERO_CAUSA",
    "ORGANO_JURISDICCIONAL",
    "DEPARTAMENTO",
    "FECHA_INGRESO",
    "DELITO",
    "REFERENCIA_MP",
    "SINDICADO",
    "SEXO_SINDICADO",
    "DPI_SINDICADO",
    "AGRAVIADO",
    "FECHA_SENTENCIA",
    "FALLO",
    "PENA_ANIOS",
]
WOMEN_COURT = {"0101.01", "0201.02", "03011", "03012"}


def file_name(world: World) -> str:
    return f"oj_casos_sentencias_{world.years[0]}_{world.years[-1]}.csv"


def build(world: World, rng: np.random.Generator) -> list[Record]:
    """Clean records, one per case that reached a court, by date of entry."""
    inc, inv, cov, ref = world.incidents, world.involvement, world.coverage, world.ref
    main = np.flatnonzero(inv.first)
    cases = case_numbers(world)
    chosen = np.flatnonzero(cov.court)
    chosen = chosen[np.lexsort((chosen, cov.court_day[chosen]))]
    seq: dict[tuple[int, int], int] = {}
    records = []
    for i in chosen.tolist():
        v = int(main[i])
        victim = person(world, int(inv.person[v]))
        accused = person(world, int(inv.aggressor[i]))
        code = ICCS_CODES[inv.iccs[v]]
        number, name = court(world, i, code in WOMEN_COURT and victim.sex == 1)
        year = day_to_date(int(cov.court_day[i])).year
        seq[(number, year)] = seq.get((number, year), 0) + 1
        reserved = CATEGORIES[inc.category[i]].key == "violencia_sexual" or inv.age[v] < 18
        ruled = cov.verdict[i] >= 0
        records.append(
            Record(
                values={
                    "NUMERO_CAUSA": f"{number:05d}-{year}-{seq[(number, year)]:05d}",
                    "ORGANO_JURISDICCIONAL": name,
                    "DEPARTAMENTO": ref.dept_names[ref.muni_dept[inc.muni[i]]],
                    "FECHA_INGRESO": iso(int(cov.court_day[i])),
                    "DELITO": article(code, victim.sex, int(inv.age[v]), rng),
                    "REFERENCIA_MP": cases[i],
                    "SINDICADO": accused.full().upper(),
                    "SEXO_SINDICADO": ("M", "F")[accused.sex],
                    "DPI_SINDICADO": accused.cui if accused.age_on(int(inc.day[i])) >= 18 else "",
                    "AGRAVIADO": "RESERVADO" if reserved else victim.full().upper(),
                    "FECHA_SENTENCIA": iso(int(cov.ruling_day[i])) if ruled else "",
                    "FALLO": VERDICTS[cov.verdict[i]] if ruled else "EN TRÁMITE",
                    "PENA_ANIOS": str(int(cov.sentence[i])) if cov.sentence[i] > 0 else "",
                },
                key=f"{number:05d}-{year}-{seq[(number, year)]:05d}",
                event=i + 1,
                victim=victim.id,
                aggressor=accused.id,
            )
        )
    return records


def inject(world: World, rng: np.random.Generator, records: list[Record]) -> list[Record]:
    """The judiciary export's faults; returns records in file order."""
    victims = {r.victim: person(world, r.victim - 1) for r in records}
    accused = {r.aggressor: person(world, r.aggressor - 1) for r in records}
    inj = Injector(rng, records)
    n = refusals(len(records))
    inj.refuse(
        "impossible-date",
        "FECHA_INGRESO",
        n,
        lambda r, v: impossible_date(int(world.coverage.court_day[r.event - 1]), rng, "iso"),
    )
    inj.refuse("blank-required", "NUMERO_CAUSA", n, lambda r, v: "")
    inj.apply("typo", "REFERENCIA_MP", 0.02, lambda r, v: _digit_typo(v, rng))
    name_faults(inj, "SINDICADO", str.upper, accused, 0.03, "aggressor")
    name_faults(inj, "AGRAVIADO", str.upper, victims, 0.03, "victim")
    cui_faults(inj, "DPI_SINDICADO", 0.3, 0.02)
    copies = inj.duplicate(0.01)
    return finalize(rng, records, copies, first_row=2)


def _digit_typo(value: str, rng: np.random.Generator) -> str:
    digits = [i for i, c in enumerate(value) if c.isdigit()]
    if not digits:
        return typo(value, rng)
    i = digits[int(rng.integers(len(digits)))]
    return value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1 :]


def write(world: World, out_dir: Path, rng: np.random.Generator) -> Export:
    """Build, spoil and write the judiciary export."""
    records = inject(world, rng, build(world, rng))
    name = file_name(world)
    write_csv(out_dir / name, COLUMNS, ([r.values[c] for c in COLUMNS] for r in records))
    return Export(SOURCE, name, records)
