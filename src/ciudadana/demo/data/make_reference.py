"""Rebuild the simulator's reference tables from the public files they derive from.

Not imported by the package: run it by hand from a checkout that has the shared data folder,

    python src/ciudadana/demo/data/make_reference.py /path/to/shared/data

It writes ``municipalities.csv`` and ``age_structure.csv`` beside itself (see ``SOURCES.md``).
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
YEARS = range(2016, 2021)
# Municipalities created after the 2002 census, absent from the old projections: their population
# is carved out of the parent municipality with an approximate share chosen by us.
NEW_MUNICIPALITIES = {
    "0514": ("0507", 0.23),
    "1021": ("1002", 0.29),
    "1230": ("1218", 0.50),
    "1332": ("1315", 0.20),
    "1333": ("1322", 0.33),
    "1617": ("1613", 0.29),
    "1713": ("1705", 0.25),
    "1714": ("1708", 0.36),
    "1911": ("1901", 0.13),
}
A2SIT_COLUMNS = {
    "Maya": "maya",
    "Garifu": "garifuna",
    "Xinca": "xinka",
    "Afrodesc": "afrodescendiente",
    "Mest": "ladina",
    "Extranjera": "extranjera",
    "Rural": "rural",
    "Delitos": "delitos_100k",
    "ViolenciaMujer": "violencia_mujer_100k",
    "IntraFamViolencia": "vif_100k",
}


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def municipalities(shared: Path) -> None:
    codes = [
        f"{int(r['cod_municipio']):04d}"
        for r in _rows(shared / "gt/census2018/ine_codigos_municipios_340.csv")
    ]
    pop: dict[tuple[str, str, int], float] = {}
    path = shared / "gt/population/gt_proyecciones_municipales_2016_2020_sexo_area.csv"
    for r in _rows(path):
        if r["nivel"] == "municipio" and r["area"] == "total" and r["sexo"] != "total":
            pop[(r["codigo_ine"], r["sexo"], int(r["anio"]))] = float(r["poblacion"])
    for new, (parent, share) in NEW_MUNICIPALITIES.items():
        for sex in ("hombres", "mujeres"):
            for year in YEARS:
                total = pop[(parent, sex, year)]
                pop[(new, sex, year)] = total * share
                pop[(parent, sex, year)] = total * (1 - share)
    _match_census_departments(shared, codes, pop)
    path = shared / "gt/a2sit/A2SIT_GTM_Data_sheet.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, data = rows[4], rows[5:]
    a2sit = {r[0][2:]: dict(zip(header, r, strict=True)) for r in data}
    median_vm = sorted(
        float(r["ViolenciaMujer"]) for r in a2sit.values() if r["ViolenciaMujer"] not in ("", "NA")
    )[len(a2sit) // 2]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        ["codigo"]
        + [f"{s}_{y}" for s in ("hombres", "mujeres") for y in YEARS]
        + list(A2SIT_COLUMNS.values())
    )
    for code in codes:
        r = a2sit[code]
        values = []
        for col in A2SIT_COLUMNS:
            v = r[col]
            v = float(v) if v not in ("", "NA") else (median_vm if col == "ViolenciaMujer" else 0)
            values.append(f"{v:.4f}")
        w.writerow(
            [code]
            + [f"{pop[(code, s, y)]:.0f}" for s in ("hombres", "mujeres") for y in YEARS]
            + values
        )
    (HERE / "municipalities.csv").write_text(out.getvalue(), encoding="utf-8")


def _match_census_departments(
    shared: Path, codes: list[str], pop: dict[tuple[str, str, int], float]
) -> None:
    """Rescale departments so their 2018 shares are the 2018 census shares (national total kept)."""
    census = {
        f"{int(r['cod_depto']):02d}": float(r["poblacion_total"])
        for r in _rows(
            shared / "gt/census2018/censo2018_A5_1_poblacion_por_pueblo_departamento.csv"
        )
        if r["cod_depto"] != "00"
    }
    census_total = sum(census.values())

    def dept_total(dept: str, year: int) -> float:
        return sum(
            pop[(c, s, year)] for c in codes if c[:2] == dept for s in ("hombres", "mujeres")
        )

    national = {y: sum(dept_total(d, y) for d in census) for y in YEARS}
    factor = {d: census[d] / census_total / (dept_total(d, 2018) / national[2018]) for d in census}
    for y in YEARS:
        for key in [k for k in pop if k[2] == y]:
            pop[key] *= factor[key[0][:2]]
        scaled = sum(dept_total(d, y) for d in census)
        for key in [k for k in pop if k[2] == y]:
            pop[key] *= national[y] / scaled


def age_structure(shared: Path) -> None:
    import xlrd

    zpath = shared / "gt/population/INE_proyecciones_municipio_sexo_edad_simple_2011_2015.zip"
    totals: dict[tuple[str, str, str], float] = defaultdict(float)
    with zipfile.ZipFile(zpath) as z, tempfile.TemporaryDirectory() as tmp:
        for name in sorted(z.namelist()):
            if not name.endswith(".xls") or "(1)" in name:
                continue
            dept = Path(name).name[:2]
            z.extract(name, tmp)
            book = xlrd.open_workbook(Path(tmp) / name)
            sheet = book.sheet_by_index(4)  # 2015 ("Hoja5" in Zacapa's file)
            sex = None
            for i in range(sheet.nrows):
                row = sheet.row_values(i)
                label = str(row[0]).strip()
                if label in ("Hombres", "Mujeres"):
                    sex = label.lower()
                    continue
                if sex is None or not (label == "65+" or label.replace(".0", "").isdigit()):
                    continue
                age = "65+" if label == "65+" else str(int(float(label)))
                totals[(dept, sex, age)] += sum(float(v) for v in row[1:] if v not in ("", None))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["departamento", "sexo", "edad", "proporcion"])
    ages = [str(a) for a in range(65)] + ["65+"]
    for dept in sorted({k[0] for k in totals}):
        for sex in ("hombres", "mujeres"):
            total = sum(totals[(dept, sex, a)] for a in ages)
            for a in ages:
                w.writerow([dept, sex, a, f"{totals[(dept, sex, a)] / total:.6f}"])
    (HERE / "age_structure.csv").write_text(buf.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    shared_data = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")
    municipalities(shared_data)
    age_structure(shared_data)
