"""Whatever mix of good and bad rows arrives, nothing is lost: rows in = loaded + quarantined,
each quarantined row has an error finding with its row number, and exactly the rows made valid
are loaded, with the values they were sent with.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ciudadana.ingest import ingest_file
from ciudadana.workspace import open_workspace

PLACES = {  # as written -> code in the territory pack
    "0101": "0101",
    "101": "0101",
    "0108": "0108",
    "Mixco": "0108",
    "Cobán": "1601",
    "COBAN": "1601",
    "Sololá": "0701",
    "Santa Lucía Utatlán": "0704",
    "San Pedro Carchá": "1609",
    "": None,
}
OFFENCES = {"Homicidio": "0101", "lesiones": "02011", "ROBO": "0401", "Violación": "03011"}
SEXES = {"Mujer": "female", "hombre": "male", "": "unknown"}

# Each defect: the cell it spoils, what it writes there, the finding expected on that column.
DEFECTS = {
    "impossible-date": (
        "fecha",
        ["31/02/2019", "2019-02-01", "32/01/2019", "ayer"],
        "invalid-date",
    ),
    "no-date": ("fecha", [""], "missing-value"),
    "no-id": ("numero", [""], "missing-value"),
    "unknown-place": (
        "municipio",
        ["9999", "2501", "0199", "0", "Narnia del Norte"],
        "unknown-territory",
    ),
    "unmapped-offence": ("delito", ["Estafa", "Extorsión", "0101"], "unmapped-offence"),
    "no-offence": ("delito", [""], "missing-offence"),
    "unmapped-sex": ("sexo", ["X", "Desconocido", "Otro"], "unmapped-value"),
    "age-not-a-number": ("edad", ["treinta", "3O", "2.5"], "invalid-number"),
    "age-out-of-range": ("edad", ["150", "-1"], "out-of-range"),
}
STRUCTURAL = ("missing-cell", "extra-cell")
COLUMNS = ("numero", "fecha", "municipio", "delito", "sexo", "edad")
ID_TEXT = st.text(alphabet="abcñÑáéíóúü ,;\"'\n-_0123456789", max_size=12)


@dataclass
class Row:
    """One generated row: its cells and what the ingestion must do with it."""

    cells: list[str]
    expected: tuple[object, ...] | None = None  # the loaded values when valid
    errors: set[tuple[str | None, str]] = field(default_factory=set)  # (column, code)
    structural: str | None = None
    blank_line: bool = False


@st.composite
def rows(draw: st.DrawFn, index: int) -> Row:
    if draw(st.integers(0, 19)) == 0:
        return Row([], blank_line=True)
    record = f"R{index}-{draw(ID_TEXT)}-{index}"
    date = draw(st.dates(dt.date(2019, 1, 1), dt.date(2019, 12, 31)))
    place = draw(st.sampled_from(sorted(PLACES)))
    offence = draw(st.sampled_from(sorted(OFFENCES)))
    sex = draw(st.sampled_from(sorted(SEXES)))
    age = draw(st.one_of(st.just(""), st.integers(0, 120).map(str)))
    values = [record, date.strftime("%d/%m/%Y"), place, offence, sex, age]
    cells = dict(zip(COLUMNS, values, strict=True))
    kind = draw(st.sampled_from(["good"] * 6 + ["defects"] * 3 + ["structural"]))
    if kind == "good":
        expected = (
            record,
            date,
            PLACES[place],
            OFFENCES[offence],
            SEXES[sex],
            int(age) if age else None,
        )
        return Row(list(cells.values()), expected)
    if kind == "structural":
        how = draw(st.sampled_from(STRUCTURAL))
        values = list(cells.values())
        values = (
            values[:-1]
            if how == "missing-cell"
            else [*values, draw(st.sampled_from(["x", "0", "de más"]))]
        )
        return Row(values, None, {(None, "malformed-row")}, structural=how)
    one_per_cell = st.lists(
        st.sampled_from(sorted(DEFECTS)), min_size=1, max_size=2, unique_by=lambda d: DEFECTS[d][0]
    )
    errors = set()
    for defect in draw(one_per_cell):
        column, values, code = DEFECTS[defect]
        cells[column] = draw(st.sampled_from(values))
        errors.add((column, code))
    return Row(list(cells.values()), None, errors)


@st.composite
def files(draw: st.DrawFn) -> list[Row]:
    generated = [draw(rows(i)) for i in range(draw(st.integers(1, 25)))]
    data = [r for r in generated if not r.blank_line]
    extra = sum(r.structural == "extra-cell" for r in generated)
    # A row's width is the header's unless most rows agree on another: a file where most rows
    # carry one more cell is a file of another shape, not rows with a cell too many.
    assume(data and extra * 2 < len(data))
    return generated


def csv_text(generated: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in generated:
        if row.blank_line:
            out.write("\n")
        else:
            writer.writerow(row.cells)
    return out.getvalue()


SPEC = """\
id: prueba/propiedades
title: Denuncias generadas
institution: PNC
unit: complaint
date_semantics: registration
reader: {format: csv, encoding: utf-8, delimiter: ","}
fields:
  record_id: {column: numero, required: true}
  date_registration: {column: fecha, formats: ["%d/%m/%Y"], required: true}
  territory: {column: municipio, parse: territory, level: 2}
  offence:
    column: delito
    map: {Homicidio: "0101", Lesiones: "02011", Robo: "0401", "Violación": "03011"}
victim:
  sex: {column: sexo, map: {Mujer: female, Hombre: male}}
  age: {column: edad, parse: integer}
"""


@pytest.fixture(scope="module")
def example_dirs(
    gtm_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[], Path]:
    """A new folder per example: a copy of the workspace template and the spec."""

    def make() -> Path:
        folder = tmp_path_factory.mktemp("ejemplo")
        shutil.copytree(gtm_template, folder / "ws")
        (folder / "spec.yaml").write_text(SPEC, encoding="utf-8")
        return folder

    return make


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=files())
def test_every_row_is_loaded_or_quarantined_with_its_findings(
    example_dirs: Callable[[], Path], generated: list[Row]
) -> None:
    folder = example_dirs()
    file = folder / "generado.csv"
    file.write_text(csv_text(generated), encoding="utf-8")
    ws = open_workspace(folder / "ws")

    report = ingest_file(ws, folder / "spec.yaml", file)

    numbered, line = [], 1
    for row in generated:
        line += 1
        if not row.blank_line:
            numbered.append((line, row))
    assert report.rows_in == len(numbered)
    assert report.rows_in == report.loaded + report.quarantined

    con = duckdb.connect(str(ws.warehouse_path), read_only=True)
    try:
        loaded = con.execute(
            """
            select e.row_number, e.record_id, e.date_registration, e.territory_code, e.iccs_code,
                   p.sex, p.age
            from events as e
            join persons as p using (load_id, row_number)
            where e.load_id = ? and p.role = 'victim'
            order by e.row_number
            """,
            [report.load_id],
        ).fetchall()
        errors = con.execute(
            """
            select row_number, column_name, code
            from findings
            where load_id = ? and severity = 'error'
            """,
            [report.load_id],
        ).fetchall()
        quarantined = [
            r
            for (r,) in con.execute(
                "select row_number from restricted.quarantine where load_id = ? order by 1",
                [report.load_id],
            ).fetchall()
        ]
    finally:
        con.close()

    valid = [(n, *row.expected) for n, row in numbered if row.expected is not None]
    assert loaded == valid
    invalid = [n for n, row in numbered if row.expected is None]
    assert quarantined == invalid
    found: dict[int, set[tuple[str | None, str]]] = {}
    for row_number, column, code in errors:
        found.setdefault(row_number, set()).add((column, code))
    assert set(found) == set(invalid)  # every error names its row, and only refused rows
    for n, row in numbered:
        if row.expected is None:
            assert row.errors <= found[n], (n, row.cells)
