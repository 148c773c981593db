"""Prosecutor (MP) complaints: an XLSX workbook, one sheet per year of registration.

Each sheet has a title in row 1, group headers merged over their columns in row 2 ("DATOS DE LA
DENUNCIA", "DATOS DEL HECHO", "DATOS DE LA VÍCTIMA", "DATOS DEL SINDICADO"), field names in row 3
(the victim's and the accused's columns share names: NOMBRES, APELLIDOS...) and data from row 4.
One row per victim of each complaint; offences are legal articles, not ICCS.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

from ciudadana.demo.exports.common import (
    NOT_MUNICIPALITIES,
    Export,
    Person,
    cui_faults,
    day_to_date,
    dmy,
    impossible_date,
    name_faults,
    person,
    refusals,
)
from ciudadana.demo.exports.labels import article, case_numbers, prosecutor_office
from ciudadana.demo.faults import Fault, Injector, Record, finalize
from ciudadana.demo.involvement import ICCS_CODES
from ciudadana.demo.world import World

SOURCE = "MP"
GROUPS: list[tuple[str, str, list[str]]] = [
    ("DENUNCIA", "DATOS DE LA DENUNCIA", ["NO. CASO", "FECHA REGISTRO", "FISCALÍA"]),
    ("HECHO", "DATOS DEL HECHO", ["FECHA HECHO", "DEPARTAMENTO", "MUNICIPIO", "DELITO"]),
    (
        "VÍCTIMA",
        "DATOS DE LA VÍCTIMA",
        ["NOMBRES", "APELLIDOS", "SEXO", "EDAD", "DPI", "PUEBLO"],
    ),
    (
        "SINDICADO",
        "DATOS DEL SINDICADO",
        ["NOMBRES", "APELLIDOS", "SEXO", "EDAD", "DPI", "RELACIÓN CON LA VÍCTIMA"],
    ),
]
#: Field keys as used in ``truth/faults`` ("GROUP/FIELD"), in column order.
FIELDS: list[str] = [f"{g}/{f}" for g, _, fields in GROUPS for f in fields]
DATE_FIELDS = {"DENUNCIA/FECHA REGISTRO", "HECHO/FECHA HECHO"}
NUMBER_FIELDS = {"VÍCTIMA/EDAD", "SINDICADO/EDAD"}
RELATION_LABELS = ("CÓNYUGE O CONVIVIENTE", "EX CONVIVIENTE", "FAMILIAR", "CONOCIDO", "DESCONOCIDO")
CREATED = dt.datetime(2021, 2, 1, 8, 0, 0)


def file_name(world: World) -> str:
    return f"mp_denuncias_{world.years[0]}_{world.years[-1]}.xlsx"


def build(world: World, rng: np.random.Generator) -> list[Record]:
    """Clean records, one per victim of every complaint, ordered by date of registration."""
    inc, inv, cov, ref = world.incidents, world.involvement, world.coverage, world.ref
    starts = np.searchsorted(inv.event, np.arange(inc.n + 1))
    cases = case_numbers(world)
    chosen = np.flatnonzero(cov.mp)
    chosen = chosen[np.lexsort((chosen, cov.mp_day[chosen]))]
    records = []
    for i in chosen.tolist():
        m = int(inc.muni[i])
        a = int(inv.aggressor[i])
        agg = person(world, a) if a >= 0 else None
        reg = int(cov.mp_day[i])
        for v in range(starts[i], starts[i + 1]):
            p = person(world, int(inv.person[v]))
            age = int(inv.age[v])
            values = {
                "DENUNCIA/NO. CASO": cases[i],
                "DENUNCIA/FECHA REGISTRO": dmy(reg),
                "DENUNCIA/FISCALÍA": prosecutor_office(world, i, p.sex),
                "HECHO/FECHA HECHO": dmy(inc.day[i]),
                "HECHO/DEPARTAMENTO": ref.dept_names[ref.muni_dept[m]].upper(),
                "HECHO/MUNICIPIO": ref.muni_names[m].upper(),
                "HECHO/DELITO": article(ICCS_CODES[inv.iccs[v]], p.sex, age, rng),
                "VÍCTIMA/NOMBRES": p.given().upper(),
                "VÍCTIMA/APELLIDOS": p.surnames().upper(),
                "VÍCTIMA/SEXO": ("MASCULINO", "FEMENINO")[p.sex],
                "VÍCTIMA/EDAD": str(age),
                "VÍCTIMA/DPI": p.cui if age >= 18 else "",
                "VÍCTIMA/PUEBLO": p.pueblo.upper() if rng.random() < 0.7 else "NO INDICA",
                "SINDICADO/NOMBRES": agg.given().upper() if agg else "NN",
                "SINDICADO/APELLIDOS": agg.surnames().upper() if agg else "",
                "SINDICADO/SEXO": ("MASCULINO", "FEMENINO")[agg.sex] if agg else "",
                "SINDICADO/EDAD": str(agg.age_on(inc.day[i])) if agg else "",
                "SINDICADO/DPI": agg.cui if agg and agg.age_on(inc.day[i]) >= 18 else "",
                "SINDICADO/RELACIÓN CON LA VÍCTIMA": RELATION_LABELS[inv.relation[i]]
                if agg
                else "",
            }
            rec = Record(
                values=values,
                key=cases[i],
                event=i + 1,
                victim=p.id,
                aggressor=agg.id if agg else 0,
                sheet=str(day_to_date(reg).year),
            )
            if reg - inc.day[i] > 60:
                rec.faults.append(
                    Fault("DENUNCIA/FECHA REGISTRO", "late-registration", dmy(inc.day[i]), dmy(reg))
                )
            records.append(rec)
    return records


def inject(world: World, rng: np.random.Generator, records: list[Record]) -> list[Record]:
    """The prosecutor export's faults; returns records in file order."""
    victims = {r.victim: person(world, r.victim - 1) for r in records}
    accused: dict[int, Person] = {
        r.aggressor: person(world, r.aggressor - 1) for r in records if r.aggressor
    }
    inj = Injector(rng, records)
    n = refusals(len(records))
    inj.refuse(
        "impossible-date",
        "HECHO/FECHA HECHO",
        n,
        lambda r, v: impossible_date(int(world.incidents.day[r.event - 1]), rng),
    )
    inj.refuse(
        "unknown-municipality",
        "HECHO/MUNICIPIO",
        n,
        lambda r, v: NOT_MUNICIPALITIES[int(rng.integers(len(NOT_MUNICIPALITIES)))].upper(),
    )
    inj.refuse("blank-required", "DENUNCIA/NO. CASO", n, lambda r, v: "")
    inj.apply(
        "date-shift",
        "HECHO/FECHA HECHO",
        0.03,
        lambda r, v: dmy(int(world.incidents.day[r.event - 1]) + int(rng.choice([-2, -1, 1, 2]))),
    )
    for role, people, group in (
        ("victim", victims, "VÍCTIMA"),
        ("aggressor", accused, "SINDICADO"),
    ):
        name_faults(inj, f"{group}/NOMBRES", str.upper, people, 0.025, role, "given")
        name_faults(inj, f"{group}/APELLIDOS", str.upper, people, 0.025, role, "surnames")
    cui_faults(inj, "VÍCTIMA/DPI", 0.25, 0.02)
    cui_faults(inj, "SINDICADO/DPI", 0.45, 0.03)
    inj.apply(
        "age-unknown",
        "SINDICADO/EDAD",
        0.15,
        lambda r, v: "",
        lambda r: r.values["SINDICADO/EDAD"] != "",
    )
    copies = inj.duplicate(0.02)
    return finalize(rng, records, copies, first_row=4)


def write(world: World, out_dir: Path, rng: np.random.Generator) -> Export:
    """Build, spoil and write the prosecutor's workbook."""
    records = inject(world, rng, build(world, rng))
    name = file_name(world)
    book = xlsxwriter.Workbook(str(out_dir / name), {"strings_to_numbers": False})
    book.set_properties(
        {
            "title": "Denuncias",
            "author": "SICOMP",
            "company": "Ministerio Público",
            "created": CREATED,
        }
    )
    title = book.add_format({"bold": True, "font_size": 12})
    group = book.add_format({"bold": True, "align": "center", "border": 1, "bg_color": "#D9E1F2"})
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheets: dict[str, list[Record]] = {}
    for rec in records:
        sheets.setdefault(rec.sheet, []).append(rec)
    for sheet_name in sorted(sheets):
        ws = book.add_worksheet(sheet_name)
        ws.merge_range(
            0,
            0,
            0,
            len(FIELDS) - 1,
            f"MINISTERIO PÚBLICO - DENUNCIAS REGISTRADAS EN {sheet_name}",
            title,
        )
        col = 0
        for _, label, fields in GROUPS:
            ws.merge_range(1, col, 1, col + len(fields) - 1, label, group)
            for f in fields:
                ws.write_string(2, col, f, head)
                col += 1
        for rec in sheets[sheet_name]:
            for c, key in enumerate(FIELDS):
                _cell(ws, rec.row - 1, c, key, rec.values[key], date)
    book.close()
    return Export(SOURCE, name, records)


def _cell(ws, row: int, col: int, key: str, value: str, date_format) -> None:
    if value == "":
        return
    if key in DATE_FIELDS:
        try:
            day, month, year = int(value[:2]), int(value[3:5]), int(value[6:])
            ws.write_datetime(row, col, dt.datetime(year, month, day), date_format)
            return
        except ValueError:
            pass
    if key in NUMBER_FIELDS and value.isdigit():
        ws.write_number(row, col, int(value))
        return
    ws.write_string(row, col, value)
