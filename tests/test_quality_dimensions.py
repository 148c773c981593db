"""Each quality dimension on small hand-made exports: the rows a person would flag, and no
other, flattened to ``(row, field, rule)``."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from ciudadana.ingest import ingest_file
from ciudadana.quality import diagnose
from ciudadana.standards.identity import make_cui
from ciudadana.workspace import Workspace

Query = Callable[..., list[tuple[object, ...]]]

HEADER = [
    "numero",
    "incidente",
    "referencia",
    "fecha_hecho",
    "fecha_registro",
    "municipio",
    "delito",
    "sexo",
    "edad",
    "estado_civil",
    "nombres",
    "apellidos",
    "dpi",
]
SPEC = """\
id: {id}
title: Prueba de calidad
institution: PNC
country: GTM
unit: victim
date_semantics: registration
reader: {{format: csv, encoding: utf-8, delimiter: ","}}
fields:
  record_id: {{column: numero, required: true}}
  incident_id: {{column: incidente}}
  related_record_id: {{column: referencia}}
  date_occurrence: {{column: fecha_hecho, formats: ["%d/%m/%Y"]}}
  date_registration: {{column: fecha_registro, formats: ["%d/%m/%Y"], required: true}}
  territory: {{column: municipio, parse: territory, level: 2, on_invalid: warn}}
  offence: {{column: delito, map: {{Homicidio: "0101", Femicidio: "0101.01", Lesiones: "02011"}}}}
victim:
  sex: {{column: sexo, map: {{Mujer: female, Hombre: male}}, unknown: [IGNORADO]}}
  age: {{column: edad, parse: integer}}
  marital_status:
    column: estado_civil
    map: {{Soltera: single, Casada: married, Unida: cohabiting}}
  given_names: {{column: nombres}}
  surnames: {{column: apellidos}}
  id_number: {{column: dpi}}
"""
CUI = make_cui(23456789, "0101")
OTHER_CUI = make_cui(34567891, "0108")
SPACED = make_cui(45678912, "0101")


def row(n: int, **values: str) -> list[str]:
    base = {
        "numero": f"C{n}",
        "incidente": f"I{n}",
        "referencia": "",
        "fecha_hecho": "05/01/2020",
        "fecha_registro": "06/01/2020",
        "municipio": "Guatemala",
        "delito": "Lesiones",
        "sexo": "Mujer",
        "edad": "30",
        "estado_civil": "Soltera",
        "nombres": "ANA MARÍA",
        "apellidos": "GONZÁLEZ HERNÁNDEZ",
        "dpi": make_cui(10_000_000 + n, "0101"),
    }
    base.update(values)
    return [base[h] for h in HEADER]


def load(
    ws: Workspace, rows: list[list[str]], source: str = "prueba/calidad", name: str = "calidad"
) -> int:
    folder = ws.root / "recibido"
    folder.mkdir(exist_ok=True)
    spec = ws.specs_dir / f"{name}.yaml"
    spec.write_text(SPEC.format(id=source), encoding="utf-8")
    # The workspace's own rules for this source: the reference is rarely filled, not a gap.
    (ws.specs_dir / f"{name}.quality.yaml").write_text(
        "rules:\n  - id: missing-value\n    params: {exclude: [related_record_id]}\n",
        encoding="utf-8",
    )
    path = folder / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    report = ingest_file(ws, name, path)
    assert report.load_id is not None
    return report.load_id


def flat(query: Query, ws: Workspace, load_id: int, *rules: str) -> list[tuple]:
    """Findings of a load as ``(row, field, rule)``, sorted."""
    found = query(
        ws,
        "select row_number, field, rule from quality_findings "
        "where load_id = ? and rule in (select unnest(?)) order by 1, 2, 3",
        [load_id, list(rules)],
    )
    return [tuple(r) for r in found]


# Row 2 is the first data row (row 1 is the header), as a person counts them in Excel.
FILLER = [  # a corpus of common names, clean, each on its own day
    row(100 + i, fecha_hecho=f"{d:%d/%m/%Y}", fecha_registro=f"{d:%d/%m/%Y}")
    for i, d in enumerate(dt.date(2020, 3, 1) + dt.timedelta(days=k) for k in range(60))
]
CASES = [
    row(
        2,
        dpi=CUI,
        nombres="JUAN CARLOS",
        apellidos="PÉREZ LÓPEZ",
        sexo="Hombre",
        delito="Homicidio",
    ),
    row(3, sexo=""),  # missing sex
    row(4, sexo="IGNORADO"),  # unknown sex
    row(5, fecha_hecho="01/01/2020", fecha_registro="15/04/2020"),  # 105 days late
    row(6, fecha_hecho="10/02/2020", fecha_registro="05/02/2020"),  # occurred after
    row(7, delito="Femicidio", sexo="Hombre"),  # femicide, male victim
    row(8, edad="15", estado_civil="Casada"),  # married child
    row(9, dpi=f"{SPACED[:4]} {SPACED[4:9]} {SPACED[9:]}"),  # DPI with spaces
    row(10, dpi=CUI[:8] + str((int(CUI[8]) + 1) % 10) + CUI[9:]),  # wrong verifier
    row(11, municipio="SAN JOSE PINULA"),  # not the official name
    row(
        12,
        dpi=CUI,
        nombres="JUAN CARLOS",
        apellidos="PÉREZ LÓPEZ",
        sexo="Hombre",
        delito="Homicidio",
    ),  # exact copy of row 2
    row(13, incidente="I2", fecha_hecho="04/01/2020"),  # incident I2, other date
    row(14, edad="999"),  # refused: over 120
    row(15, nombres="MA. JOSÉ"),  # abbreviated
    row(16, apellidos="GARCÍA"),  # one surname
    row(17, apellidos="LÓPEZ DE REYES"),  # married form
    row(18, fecha_registro="31/02/2020"),  # impossible date
    row(19, edad="40", dpi=""),  # adult without DPI
    row(20, edad="10", dpi=""),  # child: no DPI expected
    row(21, apellidos="GONZALEZ HERNÁNDEZ"),  # accents dropped
    row(22, apellidos="GONZÁLEZ HERNNDEZ"),  # a typo
]
CASES[0][HEADER.index("numero")] = "C2"
CASES[10][HEADER.index("numero")] = "C2"  # the copy is a copy: same number, same incident
CASES[10][HEADER.index("incidente")] = "I2"
CASES[0][HEADER.index("incidente")] = "I2"


@pytest.fixture(scope="module")
def diagnosed(
    gtm_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Workspace, int]:
    import shutil

    from ciudadana.workspace import open_workspace

    root = tmp_path_factory.mktemp("calidad") / "ws"
    shutil.copytree(gtm_template, root)
    ws = open_workspace(root)
    load_id = load(ws, CASES + FILLER)
    diagnose(ws)
    return ws, load_id


@pytest.mark.parametrize(
    ("description", "rules", "expected"),
    [
        (
            "blank or unknown sex; an adult without DPI (a child has none)",
            ["missing-value"],
            [(3, "victim.sex"), (4, "victim.sex"), (19, "victim.id_number")],
        ),
        ("an age of 999 is refused by the ingest", ["out-of-range"], [(14, "victim.age")]),
        (
            "registered more than 60 days after the fact",
            ["registration-lag"],
            [(5, "date_registration")],
        ),
        (
            "occurrence after registration",
            ["occurrence-after-registration"],
            [(6, "date_occurrence")],
        ),
        ("a femicide whose victim is a man", ["femicide-victim-not-woman"], [(7, "victim.sex")]),
        ("a 15-year-old recorded as married", ["minor-married"], [(8, "victim.marital_status")]),
        (
            "a DPI written with spaces; a municipality without its accent",
            ["nonstandard-format"],
            [(9, "victim.id_number"), (11, "territory")],
        ),
        ("a DPI whose verifier digit fails", ["invalid-id-number"], [(10, "victim.id_number")]),
        ("an exact copy of an earlier row", ["exact-duplicate"], [(12, None)]),
        ("an impossible date refuses the row", ["invalid-date"], [(18, "date_registration")]),
        ("an abbreviated given name", ["name-abbreviated"], [(15, "victim.given_names")]),
        ("one surname", ["second-surname-missing"], [(16, "victim.surnames")]),
        ("a married form", ["married-form"], [(17, "victim.surnames")]),
        (
            "a surname without the accents every other record gives it",
            ["name-accents"],
            [(21, "victim.surnames")],
        ),
        ("a surname one keystroke from a common one", ["name-typo"], [(22, "victim.surnames")]),
    ],
)
def test_each_rule_flags_exactly_the_rows_a_person_would(
    diagnosed: tuple[Workspace, int],
    query: Query,
    description: str,
    rules: list[str],
    expected: list[tuple],
) -> None:
    ws, load_id = diagnosed
    found = [(r, f) for r, f, _ in flat(query, ws, load_id, *rules)]
    assert found == expected, description


def test_rows_of_one_incident_that_disagree_flag_the_odd_one_out(
    diagnosed: tuple[Workspace, int], query: Query
) -> None:
    ws, load_id = diagnosed
    assert flat(query, ws, load_id, "incident-disagrees") == [
        (13, "date_occurrence", "incident-disagrees")
    ]


def test_a_finding_on_a_personal_field_keeps_row_field_and_rule_but_no_value(
    diagnosed: tuple[Workspace, int], query: Query
) -> None:
    ws, load_id = diagnosed
    values = query(
        ws,
        "select distinct value from quality_findings where load_id = ? and (field like "
        "'%name%' or field like '%surname%' or field like '%id_number')",
        [load_id],
    )
    assert values == [(None,)]
    leaked = query(
        ws,
        "select count(*) from quality_findings where value in (?, 'JUAN CARLOS', "
        "'PÉREZ LÓPEZ', 'GONZALEZ HERNÁNDEZ')",
        [CUI],
    )
    assert leaked == [(0,)]


def test_scores_are_one_minus_failed_over_checked(
    diagnosed: tuple[Workspace, int], query: Query
) -> None:
    ws, load_id = diagnosed
    (checked, failed, score) = query(
        ws,
        "select checked, failed, score from quality_scores where load_id = ? and period is null "
        "and rule = 'missing-value' and field = 'victim.sex'",
        [load_id],
    )[0]
    assert (failed, checked) == (2, len(CASES) + len(FILLER) - 2)  # rows 14, 18 refused
    assert score == pytest.approx(1 - failed / checked)
    dims = dict(
        query(
            ws,
            "select dimension, score from quality_scores where load_id = ? and period is null "
            "and rule is null",
            [load_id],
        )
    )
    assert set(dims) >= {"completeness", "validity", "timeliness", "consistency", "uniqueness"}
    assert all(0 <= v <= 1 for v in dims.values())


def monthly(ws: Workspace, query: Query) -> tuple[int, int]:
    """Two years of a police source: Mixco ~20 a month with a spike of 80 in March 2019;
    Villa Nueva ~10 a month, silent from June to October 2019."""
    rows, n = [], 1000
    start = dt.date(2018, 1, 1)
    for m in range(24):
        month = dt.date(
            start.year + (start.month - 1 + m) // 12, (start.month - 1 + m) % 12 + 1, 10
        )
        day = month.strftime("%d/%m/%Y")
        plan = {
            "Mixco": 80 if (month.year, month.month) == (2019, 3) else 18 + m % 5,
            "Villa Nueva": 0 if (month.year == 2019 and 6 <= month.month <= 10) else 10,
        }
        for place, count in plan.items():
            for _ in range(count):
                n += 1
                rows.append(row(n, municipio=place, fecha_hecho=day, fecha_registro=day))
    load_id = load(ws, rows, "prueba/mensual", "mensual")
    diagnose(ws, [load_id])
    return load_id, n


def test_a_month_far_above_its_own_history_is_an_outlier(
    workspace: Workspace, query: Query
) -> None:
    load_id, _ = monthly(workspace, query)
    found = query(
        workspace,
        "select territory_code, strftime(period, '%Y-%m'), value from quality_findings "
        "where load_id = ? and rule = 'count-outlier'",
        [load_id],
    )
    assert ("0108", "2019-03", "80") in found
    assert all(t == "0108" or t == "0115" for t, _, _ in found)


def test_a_municipality_that_stops_reporting_is_flagged_for_each_silent_month(
    workspace: Workspace, query: Query
) -> None:
    load_id, _ = monthly(workspace, query)
    found = query(
        workspace,
        "select strftime(period, '%Y-%m') from quality_findings where load_id = ? "
        "and rule = 'silent-territory' and territory_code = '0115' order by 1",
        [load_id],
    )
    assert [m for (m,) in found] == ["2019-06", "2019-07", "2019-08", "2019-09", "2019-10"]


def test_two_sources_that_count_different_homicides_and_disagree_on_a_person(
    workspace: Workspace, query: Query
) -> None:
    a = [
        row(i, delito="Homicidio", fecha_hecho="10/03/2020", fecha_registro="10/03/2020")
        for i in range(30)
    ]
    a.append(
        row(
            99,
            delito="Homicidio",
            dpi=OTHER_CUI,
            edad="30",
            nombres="JUAN CARLOS",
            apellidos="PÉREZ LÓPEZ",
            sexo="Hombre",
            fecha_hecho="10/03/2020",
            fecha_registro="10/03/2020",
        )
    )
    b = [
        row(i, delito="Homicidio", fecha_hecho="10/03/2020", fecha_registro="10/03/2020")
        for i in range(8)
    ]
    b.append(
        row(
            98,
            delito="Homicidio",
            dpi=OTHER_CUI,
            edad="33",
            nombres="JUAN",
            apellidos="PÉREZ LÓPEZ",
            sexo="Hombre",
            fecha_hecho="10/03/2020",
            fecha_registro="10/03/2020",
            referencia="C99",
        )
    )
    b.append(row(97, referencia="C404", fecha_hecho="10/03/2020", fecha_registro="10/03/2020"))
    first = load(workspace, a, "prueba/policia", "policia")
    second = load(workspace, b, "prueba/forense", "forense")
    diagnose(workspace)
    gaps = query(
        workspace,
        "select load_id, territory_code, strftime(period, '%Y-%m'), value from quality_findings "
        "where rule = 'cross-source-homicides' order by 1",
    )
    assert gaps == [(first, "01", "2020-03", "31 vs 9"), (second, "01", "2020-03", "9 vs 31")]
    person = flat(query, workspace, second, "same-person-differs")
    assert person == [
        (10, "victim.age", "same-person-differs"),
        (10, "victim.given_names", "same-person-differs"),
    ]
    assert flat(query, workspace, first, "same-person-differs") == [
        (32, "victim.age", "same-person-differs")
    ]
    assert flat(query, workspace, second, "reference-not-found") == [
        (11, "related_record_id", "reference-not-found")
    ]
