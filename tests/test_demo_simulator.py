"""The demo simulator: deterministic, calibrated, and honest about every fault it injects."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from ciudadana.demo import InvalidSimulation, simulate
from ciudadana.demo.exports import mp
from ciudadana.demo.involvement import ICCS_CODES
from ciudadana.demo.names import cui_numbers
from ciudadana.standards.identity import check_cui, make_cui

SMALL = {"persons": 50_000, "first_year": 2019, "last_year": 2020}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    simulate(out, seed=7, **SMALL)
    return out


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_export(folder: Path, source: str, name: str) -> dict[str, dict[int, dict[str, str]]]:
    """Rows of one export as ``{sheet: {row number: {field: text}}}`` (spreadsheet numbering)."""
    path = folder / "exports" / name
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(path)
        sheets = {}
        for ws in book.worksheets:
            grid = {}
            for row in ws.iter_rows(min_row=4):
                values = [_display(c.value) for c in row] + [""] * len(mp.FIELDS)
                grid[row[0].row] = dict(zip(mp.FIELDS, values, strict=False))
            sheets[ws.title] = grid
        return sheets
    encoding, delimiter = ("latin-1", ";") if source == "PNC" else ("utf-8-sig", ",")
    text = path.read_bytes().decode(encoding)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = rows[0]
    return {"": {i + 1: dict(zip(header, r, strict=True)) for i, r in enumerate(rows) if i}}


def _exports(folder: Path) -> dict[str, dict[str, dict[int, dict[str, str]]]]:
    mapped = pq.read_table(folder / "truth/record_map.parquet", columns=["source", "file"])
    pairs = sorted(
        set(zip(*(mapped.column(c).to_pylist() for c in ("source", "file")), strict=True))
    )
    return {name: _read_export(folder, source, name) for source, name in pairs}


def test_same_seed_gives_byte_identical_files(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    simulate(again, seed=7, **SMALL)
    assert _hashes(again) == _hashes(demo)


def test_different_seed_gives_different_exports(demo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    simulate(other, seed=8, **SMALL)
    a, b = _hashes(demo), _hashes(other)
    changed = [k for k in a if k.startswith("exports/") and a[k] != b[k]]
    assert len(changed) >= 6  # the population table is the same for any seed


def test_manifest_lists_every_file_with_its_hash(demo: Path) -> None:
    import json

    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"] == {"seed": 7, **SMALL}
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = {k: v for k, v in _hashes(demo).items() if k != "manifest.json"}
    assert listed == on_disk


def test_every_fault_is_in_the_export_at_its_row_and_field(demo: Path) -> None:
    faults = pq.read_table(demo / "truth/faults.parquet").to_pylist()
    tables = _exports(demo)
    kinds = Counter(f["kind"] for f in faults)
    assert {"typo", "cui-missing", "duplicate", "impossible-date", "blank-required"} <= set(kinds)
    for f in faults:
        row = tables[f["file"]][f["sheet"]][f["row"]]
        if f["kind"] == "duplicate":
            assert row == tables[f["file"]][f["sheet"]][int(f["original_value"])], f
        else:
            assert row[f["field"]] == f["written_value"], f


def test_record_map_covers_every_row_of_every_export(demo: Path) -> None:
    mapped = Counter(
        pq.read_table(demo / "truth/record_map.parquet", columns=["file"]).column(0).to_pylist()
    )
    for name, sheets in _exports(demo).items():
        assert mapped[name] == sum(len(g) for g in sheets.values())


def test_refusable_rows_are_few_and_known(demo: Path) -> None:
    faults = pq.read_table(demo / "truth/faults.parquet").to_pylist()
    refused = [f for f in faults if f["must_refuse"]]
    by_file = Counter(f["file"] for f in refused)
    assert set(by_file) >= {"pnc_hechos_2019_2020.csv", "mp_denuncias_2019_2020.xlsx"}
    assert all(2 <= n <= 12 for n in by_file.values())
    assert {f["kind"] for f in refused} <= {
        "impossible-date",
        "unknown-municipality",
        "municipality-code-invalid",
        "blank-required",
    }


def test_coverage_file_matches_the_record_map(demo: Path) -> None:
    events = pq.read_table(demo / "truth/events.parquet", columns=["event_id", "categoria"])
    category = dict(zip(*(c.to_pylist() for c in events.columns), strict=True))
    rows = pq.read_table(demo / "truth/record_map.parquet").to_pylist()
    seen: dict[tuple[str, str], set[int]] = {}
    for r in rows:
        if r["event_id"]:
            seen.setdefault((r["source"], category[r["event_id"]]), set()).add(r["event_id"])
    with open(demo / "truth/coverage.csv", encoding="utf-8") as f:
        coverage = list(csv.DictReader(f))
    checked = 0
    for c in coverage:
        if c["fuente"] in ("PNC", "MP", "OJ", "OJ-MEDIDAS", "INACIF"):
            assert int(c["incidentes_registrados"]) == len(
                seen.get((c["fuente"], c["categoria"]), ())
            ), c
            checked += 1
    assert checked >= 20
    total = {c["categoria"]: int(c["incidentes_verdaderos"]) for c in coverage}
    anyone = {
        c["categoria"]: int(c["incidentes_registrados"])
        for c in coverage
        if c["fuente"] == "ALGUNA"
    }
    nobody = {
        c["categoria"]: int(c["incidentes_registrados"])
        for c in coverage
        if c["fuente"] == "NINGUNA"
    }
    assert all(anyone[k] + nobody[k] == total[k] for k in total)
    assert sum(nobody.values()) > 0


def test_identity_numbers_are_valid_except_the_injected_ones(demo: Path) -> None:
    faults = pq.read_table(demo / "truth/faults.parquet").to_pylist()
    broken = {
        (f["file"], f["sheet"], f["row"], f["field"])
        for f in faults
        if f["kind"] in ("cui-typo", "cui-transposed")
    }
    outcomes = Counter()
    for name, sheets in _exports(demo).items():
        for sheet, grid in sheets.items():
            for number, row in grid.items():
                for field, value in row.items():
                    if "DPI" in field and value:
                        expected_broken = (name, sheet, number, field) in broken
                        outcomes[(check_cui(value).valid, expected_broken)] += 1
    assert set(outcomes) == {(True, False), (False, True)}
    persons = pq.read_table(demo / "truth/persons.parquet", columns=["cui"]).column(0).to_pylist()
    assert len(set(persons)) == len(persons)
    assert all(check_cui(c).valid for c in persons[:2000])


def test_vectorised_cui_is_make_cui() -> None:
    import numpy as np

    codes = np.array([101, 1601, 2217, 1911] * 250)
    for value in cui_numbers(np.random.default_rng(3), 1000, codes).tolist():
        cui = f"{value:013d}"
        assert make_cui(int(cui[:8]), cui[9:]) == cui


def test_names_look_guatemalan(demo: Path) -> None:
    columns = ["apellido1", "apellido2", "apellido_casada", "sexo", "nombre2"]
    persons = pq.read_table(demo / "truth/persons.parquet", columns=columns).to_pydict()
    n = len(persons["sexo"])
    assert all(persons["apellido1"]) and all(persons["apellido2"])
    women = [
        m for m, s in zip(persons["apellido_casada"], persons["sexo"], strict=True) if s == "mujer"
    ]
    assert 0.1 < sum(m is not None for m in women) / len(women) < 0.4
    surnames = persons["apellido1"]
    assert 0.02 < sum(s.startswith(("de ", "del ")) for s in surnames) / n < 0.15
    assert sum(any(ord(ch) > 127 for ch in s) for s in surnames) / n > 0.2
    assert sum(g is not None for g in persons["nombre2"]) / n > 0.5
    common = Counter(surnames).most_common(1)[0]
    assert common[0] == "López" and common[1] > n * 0.02
    sheets = _read_export(demo, "MP", "mp_denuncias_2019_2020.xlsx")
    apellidos = [r["VÍCTIMA/APELLIDOS"] for g in sheets.values() for r in g.values()]
    two = sum(
        len(a.replace("DE LA ", "DE_LA_").replace("DE ", "DE_").split()) >= 2 for a in apellidos
    )
    assert two / len(apellidos) > 0.85


def test_police_export_is_latin1_with_day_month_year_dates(demo: Path) -> None:
    raw = (demo / "exports/pnc_hechos_2019_2020.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("latin-1")
    assert "\r\n" in text and "Ó" in text
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    faults = pq.read_table(demo / "truth/faults.parquet").to_pylist()
    impossible = {
        f["row"] for f in faults if f["kind"] == "impossible-date" and f["source"] == "PNC"
    }
    for number, row in enumerate(rows, start=2):
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", row["FECHA"]), row
        if number not in impossible:
            dt.datetime.strptime(row["FECHA"], "%d/%m/%Y")


def test_prosecutor_workbook_has_merged_multirow_headers(demo: Path) -> None:
    book = openpyxl.load_workbook(demo / "exports/mp_denuncias_2019_2020.xlsx")
    assert book.sheetnames[:2] == ["2019", "2020"]
    ws = book["2019"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:S1", "A2:C2", "D2:G2", "H2:M2", "N2:S2"} <= merged
    assert ws["A2"].value == "DATOS DE LA DENUNCIA"
    assert ws["H3"].value == ws["N3"].value == "NOMBRES"
    assert isinstance(ws["B4"].value, dt.datetime)
    assert str(ws["G4"].value).startswith(("Art.", "Dto."))


def test_iccs_codes_exist_in_the_classification() -> None:
    from ciudadana.standards.iccs import load_iccs

    iccs = load_iccs()
    assert all(code in iccs for code in ICCS_CODES)


def test_refuses_bad_parameters_and_foreign_folders(tmp_path: Path) -> None:
    with pytest.raises(InvalidSimulation, match="persons"):
        simulate(tmp_path / "a", persons=10)
    with pytest.raises(InvalidSimulation, match="años"):
        simulate(tmp_path / "a", first_year=2021, last_year=2020)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notas.txt").write_text("mío", encoding="utf-8")
    with pytest.raises(InvalidSimulation, match="no está vacía"):
        simulate(tmp_path / "b", persons=5_000)


def test_rerun_replaces_a_previous_simulation(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    simulate(out, persons=5_000, first_year=2018, last_year=2020)
    result = simulate(out, persons=5_000, first_year=2019, last_year=2020)
    names = {p.name for p in (out / "exports").iterdir()}
    assert names == {Path(f).name for f in result.files if f.startswith("exports/")}


@pytest.mark.slow
def test_homicide_rate_and_women_share_are_calibrated(tmp_path: Path) -> None:
    from ciudadana.demo.reference import load_reference

    result = simulate(tmp_path / "big", seed=11, persons=400_000, first_year=2015, last_year=2020)
    with open(next((tmp_path / "big/exports").glob("ine_poblacion*.csv")), encoding="utf-8") as f:
        population = Counter()
        for r in csv.DictReader(f):
            population[int(r["anio"])] += int(r["poblacion"])
    columns = ["iccs", "fecha", "sexo"]
    victims = pq.read_table(result.truth_dir / "victims.parquet", columns=columns).to_pylist()
    homicides = [v for v in victims if v["iccs"] in ("0101", "0101.01")]
    per_year = Counter(v["fecha"].year for v in homicides)
    ref = load_reference()
    expected = sum(ref.homicide_target(y)[0] * population[y] / 1e5 for y in population)
    assert abs(len(homicides) / expected - 1) < 0.12
    for year, n in per_year.items():
        assert abs(n / population[year] * 1e5 / ref.homicide_target(year)[0] - 1) < 0.3
    women = sum(v["sexo"] == "mujer" for v in homicides) / len(homicides)
    assert 0.09 < women < 0.19
    femicides = sum(v["iccs"] == "0101.01" for v in homicides)
    assert 0 < femicides < women * len(homicides)
    vif_path = next((tmp_path / "big/exports").glob("ine_vif*.csv"))
    lines = csv.reader(io.StringIO(vif_path.read_text(encoding="utf-8")))
    vif = [r for r in lines if r and r[0] == "Total república"]
    scale = {y: ref.population(y).sum() / population[y] for y in population}
    full = [int(r[4]) * scale[int(r[1])] for r in vif[1:]]
    assert all(27_000 < x < 36_000 for x in full)
