"""Indicators benchmark: every catalogue indicator with all its disaggregations over a million
events, against pandas computing the same counts in the same run.

Builds (once, cached in ``bench/_work/``) a Guatemala workspace with the shipped population and
two synthetic sources: a police-like victims export of 1,000,000 rows over 2011-2020 (one row
per victim; incidents of 1-3 victims share ``HECHO``; ICCS codes for every indicator; sex, age,
pueblo, relationship, weapon, real INE municipality codes) and a judiciary export of homicide
cases (counting unit ``case``, for the clearance proxy). Then, in one process:

- ``ciudadana``: ``compute_indicators(all_disaggregations=True)`` from the warehouse file: for
  each of the catalogue's indicators, the year alone and each allowed disaggregation crossed
  with the year, with zero cells, intervals, instability flags, empirical-Bayes rates for
  municipalities and age-standardised rates (``--repeat`` runs; the median is reported, the
  first, cold run included);
- ``pandas``: the same numerator counts and the population denominators per cell, from
  DataFrames of the warehouse's current tables, read once and reported apart (``pandas_load``),
  with rates but no intervals. Every count pandas finds is checked against ciudadana's.

Wall and CPU seconds are both reported, with the load average: the machine is shared, and
wall time under contention says little. Target: <= 5 s and faster than pandas.

Usage:
    .venv/bin/python bench/indicators.py                  # 1,000,000 rows, 3 repeats
    .venv/bin/python bench/indicators.py --rows 100000    # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
GENERATOR_VERSION = 1
TARGET_SECONDS = 5.0

SPEC = """\
id: bench/pnc-victimas
title: Exportación policial sintética (benchmark de indicadores)
institution: PNC
country: GTM
unit: victim
date_semantics: occurrence
reader: {format: csv, encoding: utf-8, delimiter: ","}
fields:
  record_id: {column: REGISTRO, required: true}
  incident_id: {column: HECHO}
  date_occurrence: {column: FECHA, formats: ["%d/%m/%Y"], required: true}
  territory: {column: MUNICIPIO, parse: territory, level: 2}
  weapon:
    column: ARMA
    map: {FUEGO: firearm, BLANCA: knife, CONTUNDENTE: blunt, OTRA: other}
    unknown: [IGNORADA]
  offence:
    column: DELITO
    map:
      HOMICIDIO: "0101"
      FEMICIDIO: "0101.01"
      VIF: "0201.02"
      LESIONES: "02011"
      VIOLACION: "03011"
      AGRESION SEXUAL: "03012"
      EXTORSION: "02051"
      ROBO: "04011"
      ROBO DE VEHICULO: "040121"
      HURTO: "0502"
victim:
  sex: {column: SEXO, map: {M: male, F: female}, unknown: [I]}
  age: {column: EDAD, parse: integer, unknown: ["999"]}
  pueblo:
    column: PUEBLO
    map: {MAYA: maya, LADINO: ladino, GARIFUNA: garifuna, XINKA: xinka}
    unknown: [NO INDICA]
  relationship:
    column: RELACION
    map: {PAREJA: partner, EXPAREJA: ex_partner, FAMILIAR: other_relative,
          CONOCIDO: acquaintance, DESCONOCIDO: stranger}
    unknown: [IGNORADA]
"""
CASES_SPEC = """\
id: bench/oj-casos
title: Casos judiciales sintéticos (benchmark de indicadores)
institution: OJ
country: GTM
unit: case
date_semantics: registration
reader: {format: csv, encoding: utf-8, delimiter: ","}
fields:
  record_id: {column: CAUSA, required: true}
  date_registration: {column: INGRESO, formats: ["%d/%m/%Y"], required: true}
  department: {column: DEPARTAMENTO, parse: territory, level: 1}
  offence: {column: DELITO, map: {HOMICIDIO: "0101", FEMICIDIO: "0101.01"}}
"""
OFFENCES = {
    "HURTO": 0.20,
    "ROBO": 0.17,
    "LESIONES": 0.15,
    "VIF": 0.15,
    "EXTORSION": 0.09,
    "HOMICIDIO": 0.08,
    "ROBO DE VEHICULO": 0.06,
    "VIOLACION": 0.05,
    "AGRESION SEXUAL": 0.03,
    "FEMICIDIO": 0.02,
}


def _pick(rng: np.random.Generator, labels: list[str], p: list[float], n: int) -> np.ndarray:
    arr = np.asarray(p, dtype=float)
    return np.asarray(labels, dtype=object)[rng.choice(len(labels), size=n, p=arr / arr.sum())]


def _municipalities() -> tuple[list[str], dict[str, str]]:
    import csv
    from importlib import resources

    path = resources.files("ciudadana.standards") / "territories" / "gtm" / "divisions.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["code"] for r in rows if r["level"] == "2"], {
        r["code"]: r["parent_code"] for r in rows if r["level"] == "2"
    }


def generate(folder: Path, rows: int, seed: int) -> tuple[Path, Path]:
    """Write the victims export and the judiciary cases export; return their paths."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    codes, parent = _municipalities()
    weights = 1.0 / np.arange(1, len(codes) + 1) ** 0.8
    size = rng.choice([1, 2, 3], size=rows, p=[0.85, 0.11, 0.04])
    incident = np.repeat(np.arange(rows), size)[:rows]  # rows of one incident are consecutive
    n_inc = int(incident[-1]) + 1
    first_day = np.datetime64("2011-01-01")
    days = (np.datetime64("2021-01-01") - first_day).astype(int)
    inc_day = rng.integers(0, days, size=n_inc)
    inc_muni = rng.choice(len(codes), size=n_inc, p=weights / weights.sum())
    inc_offence = _pick(rng, list(OFFENCES), list(OFFENCES.values()), n_inc)
    inc_weapon = _pick(
        rng, ["FUEGO", "BLANCA", "CONTUNDENTE", "OTRA", "IGNORADA", ""], [5, 2, 1, 1, 1, 3], n_inc
    )
    day_text = np.datetime_as_string(first_day + np.arange(days), unit="D").astype(object)
    day_text = np.array([f"{d[8:10]}/{d[5:7]}/{d[0:4]}" for d in day_text], dtype=object)
    offence = inc_offence[incident]
    female_only = np.isin(offence, ["FEMICIDIO"])
    sex = _pick(rng, ["M", "F", "I"], [0.55, 0.42, 0.03], rows)
    sex[female_only] = "F"
    age = rng.integers(0, 95, size=rows).astype(object).astype(str)
    age[rng.random(rows) < 0.04] = "999"
    table = pa.table(
        {
            "REGISTRO": pa.array(np.char.add("R", np.arange(rows).astype(str))),
            "HECHO": pa.array(np.char.add("H", incident.astype(str))),
            "FECHA": pa.array(day_text[inc_day[incident]].astype(str)),
            "MUNICIPIO": pa.array(np.asarray(codes)[inc_muni[incident]]),
            "DELITO": pa.array(offence.astype(str)),
            "ARMA": pa.array(inc_weapon[incident].astype(str)),
            "SEXO": pa.array(sex.astype(str)),
            "EDAD": pa.array(age.astype(str)),
            "PUEBLO": pa.array(
                _pick(
                    rng,
                    ["MAYA", "LADINO", "GARIFUNA", "XINKA", "NO INDICA"],
                    [40, 45, 1, 1, 13],
                    rows,
                ).astype(str)
            ),
            "RELACION": pa.array(
                _pick(
                    rng,
                    ["PAREJA", "EXPAREJA", "FAMILIAR", "CONOCIDO", "DESCONOCIDO", "IGNORADA"],
                    [10, 5, 10, 20, 40, 15],
                    rows,
                ).astype(str)
            ),
        }
    )
    victims = folder / f"victimas_{rows}_s{seed}_v{GENERATOR_VERSION}.csv"
    pacsv.write_csv(table, victims, pacsv.WriteOptions(quoting_style="needed"))
    homicides = np.flatnonzero(np.isin(inc_offence, ["HOMICIDIO", "FEMICIDIO"]))
    taken = homicides[rng.random(homicides.size) < 0.35]
    lag = rng.integers(0, 400, size=taken.size)
    cases = pa.table(
        {
            "CAUSA": pa.array([f"C{i}" for i in range(taken.size)]),
            "INGRESO": pa.array(day_text[np.minimum(inc_day[taken] + lag, days - 1)].astype(str)),
            "DEPARTAMENTO": pa.array([parent[codes[m]] for m in inc_muni[taken]]),
            "DELITO": pa.array(inc_offence[taken].astype(str)),
        }
    )
    judiciary = folder / f"casos_{rows}_s{seed}_v{GENERATOR_VERSION}.csv"
    pacsv.write_csv(cases, judiciary, pacsv.WriteOptions(quoting_style="needed"))
    return victims, judiciary


def workspace_for(rows: int, seed: int) -> tuple[Path, dict[str, float]]:
    """The cached benchmark workspace (built on first use) and how long building took."""
    from ciudadana.bootstrap import init_workspace
    from ciudadana.ingest import ingest_file
    from ciudadana.workspace import open_workspace

    root = WORK / f"indicators_ws_{rows}_s{seed}_v{GENERATOR_VERSION}"
    if (root / "almacen.duckdb").exists() and (root / ".complete").exists():
        return root, json.loads((root / ".complete").read_text())
    shutil.rmtree(root, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    victims, judiciary = generate(WORK, rows, seed)
    timings["generate_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    init_workspace(root)
    ws = open_workspace(root)
    timings["init_s"] = round(time.perf_counter() - t, 2)
    specs = {"victims": WORK / "indicators-victimas.yaml", "cases": WORK / "indicators-casos.yaml"}
    specs["victims"].write_text(SPEC, encoding="utf-8")
    specs["cases"].write_text(CASES_SPEC, encoding="utf-8")
    t = time.perf_counter()
    loaded = ingest_file(ws, specs["victims"], victims).loaded
    loaded += ingest_file(ws, specs["cases"], judiciary).loaded
    timings["ingest_s"] = round(time.perf_counter() - t, 2)
    timings["rows_loaded"] = loaded
    (root / ".complete").write_text(json.dumps(timings))
    return root, timings


# -- the same counts with pandas ------------------------------------------------------------

UNITS = {
    "victims": {"victim", "complaint"},
    "events": {"victim", "complaint", "event"},
    "cases": {"case"},
}
DATES = {
    "occurrence": "date_occurrence",
    "registration": "date_registration",
    "reference": "reference_date",
}
QUINQUENNIAL = [f"{a:02d}-{a + 4:02d}" for a in range(0, 80, 5)] + ["80+"]
BROAD = ["00-14", "15-29", "30-44", "45-59", "60+"]


class PandasIndicators:
    """Numerator counts and population denominators per cell, with pandas, from DataFrames of
    the warehouse's current tables (events, victims, offences, territories, population)."""

    def __init__(self, db: Path, country: str) -> None:
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        q = lambda sql: con.sql(sql).df()  # noqa: E731
        self.events = q(
            "select load_id, row_number, source_id, record_id, incident_id, counting_unit, "
            "iccs_code, date_occurrence, date_registration, reference_date, territory_code, "
            f"department_code, weapon from current_events where country = '{country}'"
        )
        self.victims = q(
            "select load_id, row_number, sex, age, pueblo, relationship "
            "from current_persons where role = 'victim'"
        )
        self.offences = q("select load_id, row_number, iccs_code from current_event_offences")
        self.places = q(
            f"select code, level, parent_code from territories where country = '{country}'"
        )
        self.population = q(
            f"select year, territory_code, sex, age_min, age_max, population "
            f"from current_population where country = '{country}'"
        )
        con.close()

    @staticmethod
    def keys_of(row: dict[str, Any], dims: list[str]) -> tuple[Any, ...]:
        """The cell of one of ciudadana's rows, as this class keys it."""
        out: list[Any] = []
        for d in dims:
            if d in ("department", "municipality"):
                out.append(row["territory"])
            elif d in ("age_group", "age_broad"):
                out.append(row["age"])
            elif d in ("quarter", "month"):
                tail = row["time_period"].split("-", 1)[1]
                out.append(0 if tail == "U" else int(tail.lstrip("Q")))
            else:
                out.append(row[d])
        return tuple(out)

    def _base(self) -> Any:
        import numpy as np
        import pandas as pd

        base = self.events.merge(self.victims, how="left", on=["load_id", "row_number"])
        places = self.places.set_index("code")
        level = base["territory_code"].map(places["level"])
        parent = base["territory_code"].map(places["parent_code"])
        dept = base["department_code"].fillna(
            pd.Series(np.where(level == 1, base["territory_code"], parent), index=base.index)
        )
        base["department"] = dept.fillna("unknown")
        base["municipality"] = base["territory_code"].where(level == 2, "unknown")
        for col in ("sex", "pueblo", "relationship", "weapon"):
            base[col] = base[col].fillna("unknown")
        age = base["age"]
        base["age_group"] = (
            pd.cut(age, list(range(0, 85, 5)) + [1000], right=False, labels=QUINQUENNIAL)
            .astype(object)
            .fillna("unknown")
        )
        base["age_broad"] = (
            pd.cut(age, [0, 15, 30, 45, 60, 1000], right=False, labels=BROAD)
            .astype(object)
            .fillna("unknown")
        )
        return base

    def _records(self, base: Any, count: Any, codes: list[str], source: str) -> Any:
        hit = self.offences[self.offences["iccs_code"].isin(codes)][["load_id", "row_number"]]
        keys = hit.drop_duplicates()
        rec = base.merge(keys, on=["load_id", "row_number"])
        rec = rec[rec["counting_unit"].isin(UNITS[count.unit]) & (rec["source_id"] == source)]
        day = rec[DATES[count.date]]
        rec = rec[day.notna()].copy()
        day = rec[DATES[count.date]]
        rec["year"], rec["quarter"], rec["month"] = day.dt.year, day.dt.quarter, day.dt.month
        v = count.victim
        if v.sex:
            rec = rec[rec["sex"].isin(v.sex)]
        if v.known_age or v.age_min is not None or v.age_max is not None:
            rec = rec[rec["age"].notna()]
        if v.age_min is not None:
            rec = rec[rec["age"] >= v.age_min]
        if v.age_max is not None:
            rec = rec[rec["age"] <= v.age_max]
        if count.unit == "events":
            rec["key"] = rec["incident_id"].fillna(rec["record_id"])
            rec = rec.sort_values(["load_id", "row_number"]).drop_duplicates(["source_id", "key"])
        return rec

    def _denominators(self, sex: str) -> dict[str, Any]:
        pop = self.population
        pop = pop[pop["sex"].isin(["female", "male"] if sex == "all" else [sex])]
        places = self.places.set_index("code")
        pop = pop.assign(department=pop["territory_code"].map(places["parent_code"]))
        return {
            "year": pop.groupby("year")["population"].sum(),
            "department": pop.groupby(["year", "department"])["population"].sum(),
            "municipality": pop.groupby(["year", "territory_code"])["population"].sum(),
        }

    def compute(self, used: list[dict[str, Any]]) -> dict[tuple[Any, ...], float]:
        """Every indicator's numerator per cell (each allowed disaggregation with the year),
        from the sources ciudadana used, with the rates where the population has the cell."""
        from ciudadana.analysis.indicators import load_catalogue
        from ciudadana.standards.iccs import load_iccs

        iccs = load_iccs()
        base = self._base()
        pops = {sex: self._denominators(sex) for sex in ("all", "female")}
        out: dict[tuple[Any, ...], float] = {}
        for meta in used:
            if not meta["sources_used"]:
                continue
            ind = load_catalogue().get(meta["code"])
            codes = sorted(
                {
                    c
                    for code in ind.numerator.iccs
                    for c in [code, *(o.code for o in iccs.descendants(code))]
                }
            )
            rec = self._records(base, ind.numerator, codes, meta["sources_used"][0])
            if ind.denominator.count is not None and ind.denominator.nested:
                self._records(base, ind.denominator.count, codes, meta["sources_used"][0])
            for dims in [[]] + [[d] for d in ind.disaggregations]:
                counts = rec.groupby(["year", *dims]).size()
                if ind.denominator.population is not None and len(dims) <= 1:
                    den = pops[ind.denominator.population.sex].get((dims or ["year"])[0])
                    if den is not None:
                        _rates = counts / den.reindex(counts.index)  # noqa: F841
                label = "+".join(["year", *dims])
                for key, n in counts.items():
                    key = key if isinstance(key, tuple) else (key,)
                    out[(ind.code, label, *key)] = float(n)
        return out


def run_ciudadana(root: Path) -> tuple[float, float, Any]:
    """Wall and CPU seconds (every thread of the process) of the whole computation."""
    from ciudadana.analysis.indicators import IndicatorRequest, compute_indicators
    from ciudadana.workspace import open_workspace

    ws = open_workspace(root)
    t, cpu = time.perf_counter(), time.process_time()
    result = compute_indicators(ws, IndicatorRequest(all_disaggregations=True))
    return time.perf_counter() - t, time.process_time() - cpu, result


def compare(result: Any, expected: dict[tuple[Any, ...], float]) -> int:
    """Check pandas' counts against ciudadana's rows; return how many cells were compared."""
    ours: dict[tuple[Any, ...], float] = {}
    for row in result.rows:
        dims = row["grouping"].split("+")[1:]
        key = (row["indicator"], row["grouping"], row["year"], *PandasIndicators.keys_of(row, dims))
        ours[key] = row["numerator"]
    wrong = [k for k, v in expected.items() if ours.get(k, 0) != v]
    if wrong:
        sample = [(k, expected[k], ours.get(k)) for k in wrong[:5]]
        raise SystemExit(f"pandas and ciudadana differ in {len(wrong)} cells, e.g. {sample}")
    return len(expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    root, build = workspace_for(args.rows, args.seed)
    print(f"workspace {root.name}: {build}", file=sys.stderr)
    load_before = os.getloadavg()[0]
    ours, ours_cpu = [], []
    result = None
    for _ in range(args.repeat):
        seconds, cpu, result = run_ciudadana(root)
        ours.append(seconds)
        ours_cpu.append(cpu)
    assert result is not None
    t, cpu = time.perf_counter(), time.process_time()
    pandas = PandasIndicators(root / "almacen.duckdb", country="GTM")
    load_s, load_cpu = time.perf_counter() - t, time.process_time() - cpu
    pandas_runs, pandas_cpu, expected = [], [], {}
    for _ in range(args.repeat):
        t, cpu = time.perf_counter(), time.process_time()
        expected = pandas.compute(result.indicators)
        pandas_runs.append(time.perf_counter() - t)
        pandas_cpu.append(time.process_time() - cpu)
    cells = compare(result, expected)
    median = statistics.median
    figures = {
        "rows": args.rows,
        "events_loaded": build.get("rows_loaded"),
        "indicators": len(result.indicators),
        "groupings": len({(r["indicator"], r["grouping"]) for r in result.rows}),
        "output_rows": len(result.rows),
        "cells_checked_against_pandas": cells,
        "ciudadana_s": [round(x, 3) for x in ours],
        "ciudadana_cpu_s": [round(x, 3) for x in ours_cpu],
        "ciudadana_median_s": round(median(ours), 3),
        "ciudadana_warm_median_s": round(median(ours[1:] or ours), 3),
        "pandas_load_s": round(load_s, 3),
        "pandas_load_cpu_s": round(load_cpu, 3),
        "pandas_s": [round(x, 3) for x in pandas_runs],
        "pandas_cpu_s": [round(x, 3) for x in pandas_cpu],
        "pandas_median_s": round(median(pandas_runs), 3),
        "pandas_load_plus_median_s": round(load_s + median(pandas_runs), 3),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cores": os.cpu_count(),
        "target_s": TARGET_SECONDS,
    }
    figures["meets_target"] = (
        figures["ciudadana_median_s"] <= TARGET_SECONDS
        and figures["ciudadana_median_s"] < figures["pandas_median_s"]
    )
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
