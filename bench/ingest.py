"""Ingest benchmark: a million-row police-like CSV, the whole ingest against a bare DuckDB read.

Writes a deterministic synthetic export (Latin-1, ``dd/mm/yyyy`` dates, comma separated, real
INE municipality codes, ~0.5 % bad rows) to ``bench/_work/`` (git-ignored), then times, in the
same run and on that same file, each case in its own subprocess:

- ``bare-file``: DuckDB ``read_csv`` with explicit column types and ``dateformat`` into a new
  ``.duckdb`` file (the baseline the issue names), from connect to close;
- ``bare-memory``: the same read into an in-memory database;
- ``init``: ``init_workspace`` (ICCS, territories, population): reported apart, not part of
  the ingest's time;
- ``ingest``: ``ingest_file`` of the export into that fresh workspace (spec, hash, copy, read,
  validate, map, stage, commit).

Every repeat uses a fresh database file and workspace. Reported per case: median and min wall
time, CPU time of the work (all threads), peak RSS (``ru_maxrss`` of that child, from
``os.wait4``), the whole subprocess's wall time (with interpreter start and imports), and how
many cores other processes kept busy meanwhile (the machine is shared; ``/proc/stat``).
Targets: ingest >= 400,000 rows/s and <= 4x ``bare-file`` (on medians).

Usage:
    .venv/bin/python bench/ingest.py                      # 1,000,000 rows, 3 repeats
    .venv/bin/python bench/ingest.py --rows 100000        # a quick run
    .venv/bin/python bench/ingest.py --profile            # + where the ingest's time goes
    .venv/bin/python bench/ingest.py --wait-idle 60       # wait for a quiet machine per case
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
SPEC = HERE / "specs" / "police-bench.yaml"
WORK = HERE / "_work"
GENERATOR_VERSION = 1  # bump when the generator changes: cached files are named by it

TARGET_ROWS_PER_S = 400_000
TARGET_RATIO = 4.0

# -- the synthetic export --------------------------------------------------------------------

HEADERS = [
    "ID_INCIDENTE",
    "FECHA_HECHO",
    "HORA_HECHO",
    "FECHA_REGISTRO",
    "COD_MUNICIPIO",
    "DEPARTAMENTO",
    "AREA",
    "DELITO",
    "ARMA",
    "SEXO_VICTIMA",
    "EDAD_VICTIMA",
    "DPI_VICTIMA",
    "DIRECCION",
    "LATITUD",
    "LONGITUD",
]
# DuckDB types for the bare read (explicit, no sniffing): codes stay text.
BARE_TYPES = {
    "ID_INCIDENTE": "VARCHAR",
    "FECHA_HECHO": "DATE",
    "HORA_HECHO": "VARCHAR",
    "FECHA_REGISTRO": "DATE",
    "COD_MUNICIPIO": "VARCHAR",
    "DEPARTAMENTO": "VARCHAR",
    "AREA": "VARCHAR",
    "DELITO": "VARCHAR",
    "ARMA": "VARCHAR",
    "SEXO_VICTIMA": "VARCHAR",
    "EDAD_VICTIMA": "INTEGER",
    "DPI_VICTIMA": "VARCHAR",
    "DIRECCION": "VARCHAR",
    "LATITUD": "DOUBLE",
    "LONGITUD": "DOUBLE",
}
OFFENCES = {  # label -> share of rows
    "HURTO": 0.24,
    "ROBO": 0.19,
    "LESIONES": 0.19,
    "EXTORSION": 0.10,
    "HOMICIDIO": 0.08,
    "ROBO DE VEHICULO": 0.07,
    "HURTO DE VEHICULO": 0.06,
    "VIOLACION": 0.04,
    "FEMICIDIO": 0.02,
    "SECUESTRO": 0.01,
}
WEAPONS = {
    "ARMA DE FUEGO": 0.35,
    "ARMA BLANCA": 0.15,
    "CONTUNDENTE": 0.08,
    "NINGUNA": 0.25,
    "OTRA": 0.05,
    "IGNORADA": 0.12,
}
SEXES = {"HOMBRE": 0.60, "MUJER": 0.37, "IGNORADO": 0.03}
AREAS = {"URBANA": 0.70, "RURAL": 0.25, "": 0.05}
PLACES = [
    "EL CENTRO",
    "SAN JOSÉ",
    "PEÑA BLANCA",
    "LAS MAÑANITAS",
    "EL ÁNGEL",
    "LOS ENCINOS",
    "SANTA MÓNICA",
    "BELÉN",
    "LA ESPERANZA",
    "FRENTE AL MERCADO",
]
BAD_MUNICIPALITIES = ["0125", "2218", "2399", "0000", "9901"]
FIRST_DAY = dt.date(2019, 1, 1)
DAYS = (dt.date(2024, 12, 31) - FIRST_DAY).days + 1
BAD_SHARE = 0.005  # half impossible dates (31/02/2019), half unknown municipality codes


def _municipalities() -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """INE municipality codes (level 2), their department's name as police write it, lat, lon."""
    path = resources.files("ciudadana.standards") / "territories" / "gtm" / "divisions.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    departments = {r["code"]: _police_name(r["name"]) for r in rows if r["level"] == "1"}
    munis = [r for r in rows if r["level"] == "2"]
    return (
        [r["code"] for r in munis],
        [departments[r["parent_code"]] for r in munis],
        np.array([float(r["lat"] or "nan") for r in munis]),
        np.array([float(r["lon"] or "nan") for r in munis]),
    )


def _police_name(name: str) -> str:
    """ "Sacatepéquez" -> "SACATEPEQUEZ": police exports write names in capitals, unaccented."""
    bare = unicodedata.normalize("NFKD", name)
    return "".join(c for c in bare if not unicodedata.combining(c)).upper()


def _pick(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    labels = np.array(list(shares), dtype=object)
    p = np.array(list(shares.values()))
    return labels[rng.choice(len(labels), size=n, p=p / p.sum())]


def _cuis(rng: np.random.Generator, n: int, munis: np.ndarray) -> np.ndarray:
    """Valid DPI numbers (8-digit serial, verifier, 4-digit municipality of registration)."""
    serial = rng.integers(10_000_000, 99_999_999, size=n)
    while True:
        digits = serial[:, None] // 10 ** np.arange(7, -1, -1) % 10
        check = (digits * np.arange(2, 10)).sum(axis=1) % 11
        bad = check == 10
        if not bad.any():
            break
        serial[bad] += 1
    text = np.char.add(serial.astype(str), check.astype(str))
    return np.char.add(text, munis.astype(str)).astype(object)


def generate(path: Path, rows: int, seed: int) -> dict[str, int]:
    """Write the synthetic export; returns how many bad rows of each kind it holds."""
    rng = np.random.default_rng(seed)
    codes, dept_names, lats, lons = _municipalities()
    weights = 1.0 / np.arange(1, len(codes) + 1) ** 0.9
    rng.shuffle(weights[1:])  # the capital (0101) stays the busiest
    muni = rng.choice(len(codes), size=rows, p=weights / weights.sum())
    code_text = np.array(codes, dtype=object)[muni]
    short = (rng.random(rows) < 0.2) & np.array([c.startswith("0") for c in code_text])
    code_cell = np.where(short, np.array([c[1:] for c in code_text], dtype=object), code_text)

    day_text = np.array(
        [(FIRST_DAY + dt.timedelta(days=d)).strftime("%d/%m/%Y") for d in range(DAYS + 64)],
        dtype=object,
    )
    occurred = rng.integers(0, DAYS, size=rows)
    registered = occurred + np.minimum(rng.geometric(0.35, size=rows) - 1, 60)
    occurred_cell = day_text[occurred]
    registered_cell = day_text[registered]
    hours = np.array([f"{h:02d}:{m:02d}" for h in range(24) for m in range(0, 60, 5)], object)
    hour_cell = hours[rng.integers(0, len(hours), size=rows)]

    ages = np.array([str(a) for a in range(100)], dtype=object)
    age = rng.integers(0, 99, size=rows)
    age[rng.random(rows) < 0.05] = 99
    age_cell = ages[age]
    age_cell[rng.random(rows) < 0.02] = ""

    dpi = _cuis(rng, rows, code_text)
    dpi_draw = rng.random(rows)
    dpi[dpi_draw < 0.15] = ""
    wrong = (dpi_draw >= 0.15) & (dpi_draw < 0.16)  # a wrong verifier digit: a warning only
    dpi[wrong] = [v[:8] + str((int(v[8]) + 1) % 10) + v[9:] for v in dpi[wrong]]

    place = np.array(PLACES, dtype=object)[rng.integers(0, len(PLACES), size=rows)]
    street = rng.integers(1, 40, size=rows)
    block = rng.integers(1, 99, size=rows)
    zone = rng.integers(1, 25, size=rows)
    address = [
        f'"{s}A. CALLE {b}-{s + 3} Z.{z}, {p}"'
        for s, b, z, p in zip(street, block, zone, place, strict=True)
    ]
    lat = np.round(lats[muni] + rng.normal(0, 0.02, size=rows), 5)
    lon = np.round(lons[muni] + rng.normal(0, 0.02, size=rows), 5)
    no_point = rng.random(rows) < 0.10
    lat_cell = np.where(no_point, "", lat.astype(str)).astype(object)
    lon_cell = np.where(no_point, "", lon.astype(str)).astype(object)

    bad = rng.choice(rows, size=int(rows * BAD_SHARE), replace=False)
    bad_dates, bad_codes = bad[: len(bad) // 2], bad[len(bad) // 2 :]
    occurred_cell[bad_dates] = "31/02/2019"
    code_cell[bad_codes] = np.array(BAD_MUNICIPALITIES, dtype=object)[
        rng.integers(0, len(BAD_MUNICIPALITIES), size=len(bad_codes))
    ]

    columns = [
        [f"PNC-{i:08d}" for i in range(1, rows + 1)],
        occurred_cell,
        hour_cell,
        registered_cell,
        code_cell,
        np.array(dept_names, dtype=object)[muni],
        _pick(rng, AREAS, rows),
        _pick(rng, OFFENCES, rows),
        _pick(rng, WEAPONS, rows),
        _pick(rng, SEXES, rows),
        age_cell,
        dpi,
        address,
        lat_cell,
        lon_cell,
    ]
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="latin-1", newline="") as fh:
        fh.write(",".join(HEADERS) + "\r\n")
        fh.write("\r\n".join(map(",".join, zip(*columns, strict=True))))
        fh.write("\r\n")
    os.replace(tmp, path)
    return {"bad_dates": len(bad_dates), "bad_codes": len(bad_codes)}


def export_for(rows: int, seed: int) -> tuple[Path, dict[str, int]]:
    """The export for (rows, seed), generated once and kept in ``bench/_work/``."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"police_{rows}_s{seed}_v{GENERATOR_VERSION}.csv"
    meta = path.with_suffix(".json")
    if not (path.exists() and meta.exists()):
        started = time.perf_counter()
        bad = generate(path, rows, seed)
        bad["generate_s"] = round(time.perf_counter() - started, 2)
        meta.write_text(json.dumps(bad))
    return path, json.loads(meta.read_text())


# -- one measurement (run in a subprocess) ----------------------------------------------------


def bare_read_sql() -> str:
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in BARE_TYPES.items()) + "}"
    return f"""
        create table police as
        select *
        from read_csv(?, header = true, delim = ',', quote = '"', escape = '"',
                      encoding = 'latin-1', dateformat = '%d/%m/%Y', auto_detect = false,
                      columns = {columns}, store_rejects = true)
    """


class _Clock:
    """Wall and CPU time (all threads of this process) since creation."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> dict[str, float]:
        return {"seconds": time.perf_counter() - self.wall, "cpu": time.process_time() - self.cpu}


def child(case: str, csv_path: Path, target: Path, spec: Path) -> dict[str, Any]:
    """Run one measurement; only the work itself is inside the clock (not imports)."""
    import duckdb

    if case in ("bare-file", "bare-memory"):
        clock = _Clock()
        con = duckdb.connect(str(target) if case == "bare-file" else ":memory:")
        con.execute(bare_read_sql(), [str(csv_path)])
        (rows,) = con.execute("select count(*) from police").fetchone()
        (rejected,) = con.execute("select count(*) from reject_errors").fetchone()
        con.close()
        return {**clock.read(), "rows": rows, "rejected": rejected}
    if case == "init":
        from ciudadana.bootstrap import init_workspace

        clock = _Clock()
        report = init_workspace(target)
        return {**clock.read(), "territories": report.territories}
    if case == "ingest":
        from ciudadana.ingest import ingest_file
        from ciudadana.workspace import open_workspace

        clock = _Clock()
        report = ingest_file(open_workspace(target), spec, csv_path)
        timing = clock.read()
        keep = ("status", "rows_in", "loaded", "quarantined", "warnings", "quarantined_by_reason")
        return {**timing, **{k: getattr(report, k) for k in keep}}
    raise ValueError(case)


def _busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (``/proc/stat``)."""
    with open("/proc/stat") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(max_wait: float, threshold: float = 0.25) -> float:
    """Wait (up to ``max_wait`` s) until other processes use under ``threshold`` cores over one
    second; returns the last reading. The machine is shared: this lowers the noise, no more.
    """
    deadline = time.perf_counter() + max_wait
    while True:
        busy, own = _busy_cpu_seconds(), time.process_time()
        time.sleep(1.0)
        others = _busy_cpu_seconds() - busy - (time.process_time() - own)
        if others < threshold or time.perf_counter() > deadline:
            return others


def run_child(case: str, csv_path: Path, target: Path) -> dict[str, Any]:
    """Run :func:`child` in a fresh interpreter and add, from the parent's side: its peak RSS
    (``ru_maxrss`` of this very child, from ``os.wait4``), the whole process's wall time, and
    how many cores other processes kept busy meanwhile (the machine is shared).
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", case]
    cmd += ["--csv", str(csv_path), "--target", str(target), "--spec", str(SPEC)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy, started = _busy_cpu_seconds(), time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not a running max
        wall = time.perf_counter() - started
        others = _busy_cpu_seconds() - busy - usage.ru_utime - usage.ru_stime
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if code != 0:
            sys.stderr.write(err.read().decode("utf-8", "replace"))
            raise SystemExit(f"{case} failed (exit {code}): {' '.join(cmd)}")
        result = json.loads(out.read().decode("utf-8").strip().splitlines()[-1])
    result["peak_mib"] = usage.ru_maxrss / 1024
    result["process_s"] = wall
    result["other_cores"] = max(others, 0.0) / wall
    return result


def _fresh(path: Path) -> Path:
    if path.is_dir():
        shutil.rmtree(path)
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return path


# -- the run ---------------------------------------------------------------------------------


def measure(
    csv_path: Path, rows: int, repeat: int, keep: bool, wait_idle: float
) -> dict[str, list[dict]]:
    """Each repeat runs every case once, interleaved, on fresh files and workspaces."""
    runs: dict[str, list[dict]] = defaultdict(list)
    for i in range(repeat):
        db = _fresh(WORK / f"bare_{i}.duckdb")
        ws = _fresh(WORK / f"ws_{i}")
        for case, target in (("bare-file", db), ("bare-memory", db), ("init", ws), ("ingest", ws)):
            if wait_idle and case != "init":
                wait_for_quiet(wait_idle)
            runs[case].append(run_child(case, csv_path, target))
        r = runs["ingest"][-1]
        if r["loaded"] + r["quarantined"] != rows or r["rows_in"] != rows:
            raise SystemExit(f"ingest lost rows: {r}")
        print(
            f"  repeat {i + 1}/{repeat}: "
            + ", ".join(
                f"{k} {v[-1]['seconds']:.2f} s (others {v[-1]['other_cores']:.1f} cores)"
                for k, v in runs.items()
            ),
            file=sys.stderr,
            flush=True,
        )
        if not keep:
            _fresh(db)
            _fresh(ws)
    return runs


LABELS = {
    "bare-file": "bare read_csv -> .duckdb file",
    "bare-memory": "bare read_csv -> memory",
    "init": "init_workspace (apart)",
    "ingest": "ingest_file (whole ingest)",
}


def table(runs: dict[str, list[dict]], rows: int) -> tuple[str, dict[str, dict[str, float]]]:
    """The results as a Markdown table, and the figures the verdict needs."""
    base = statistics.median(r["seconds"] for r in runs["bare-file"])
    lines = [
        "| what | median s | min s | rows/s (median) | ratio to bare-file (median) "
        "| peak MiB (max) | CPU s (median) | process s (median) | other cores busy (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    summary = {}
    for case, label in LABELS.items():
        secs = [r["seconds"] for r in runs[case]]
        med, low = statistics.median(secs), min(secs)
        peak = max(r["peak_mib"] for r in runs[case])
        cpu = statistics.median(r["cpu"] for r in runs[case])
        process = statistics.median(r["process_s"] for r in runs[case])
        others = statistics.median(r["other_cores"] for r in runs[case])
        rate = f"{rows / med:,.0f}" if case != "init" else "-"
        ratio = f"{med / base:.2f}" if case != "init" else "-"
        lines.append(
            f"| {label} | {med:.2f} | {low:.2f} | {rate} | {ratio} | {peak:,.0f} | {cpu:.2f} "
            f"| {process:.2f} | {others:.2f} |"
        )
        summary[case] = {"median_s": med, "min_s": low, "peak_mib": peak, "cpu_s": cpu}
    return "\n".join(lines), summary


def verdict(summary: dict[str, dict[str, float]], rows: int) -> str:
    """PASS/FAIL on the medians, and the best case (min over min) for context."""
    lines = []
    for stat in ("median_s", "min_s"):
        secs = summary["ingest"][stat]
        rate, ratio = rows / secs, secs / summary["bare-file"][stat]
        ok_rate, ok_ratio = rate >= TARGET_ROWS_PER_S, ratio <= TARGET_RATIO
        head = ("PASS" if ok_rate and ok_ratio else "FAIL") if stat == "median_s" else "best run"
        lines.append(
            f"{head} ({stat.removesuffix('_s')}s): ingest {rate:,.0f} rows/s "
            f"(target >= {TARGET_ROWS_PER_S:,}: {'pass' if ok_rate else 'fail'}), "
            f"{ratio:.2f}x bare read into a file (target <= {TARGET_RATIO:g}x: "
            f"{'pass' if ok_ratio else 'fail'})"
        )
    return "\n".join(lines)


# -- where the time goes (--profile) ------------------------------------------------------------


class _TimedConnection:
    """Wraps a DuckDB connection: times every ``execute``/``sql``/``executemany`` statement."""

    def __init__(self, con: Any, log: list[tuple[str, float, float]]) -> None:
        self._con, self._log = con, log

    def _timed(self, method: str, sql: str, *args: Any, **kwargs: Any) -> Any:
        # DuckDB's replacement scans look for Python objects (``from arrow``) in the frame that
        # calls it, which is now this one: register the caller's Arrow tables for the call.
        import pyarrow as pa

        caller = sys._getframe(2).f_locals
        scanned = [k for k, v in caller.items() if isinstance(v, pa.Table) and k in str(sql)]
        for name in scanned:
            self._con.register(name, caller[name])
        clock = _Clock()
        try:
            return getattr(self._con, method)(sql, *args, **kwargs)
        finally:
            spent = clock.read()
            # ASCII whitespace only: str.split() would also eat the \x1f inside lookup keys.
            text = re.sub(r"[ \t\r\n]+", " ", str(sql)).strip()
            self._log.append((text, spent["seconds"], spent["cpu"]))
            for name in scanned:
                self._con.unregister(name)

    def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return self._timed("execute", sql, *args, **kwargs)

    def executemany(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return self._timed("executemany", sql, *args, **kwargs)

    def sql(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return self._timed("sql", sql, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile(csv_path: Path, rows: int) -> str:
    """One ingest in this process, with timers around its phases and every DuckDB statement.

    CPU is process time (all DuckDB threads); "in SQL" is the wall time of the statements run on
    the warehouse connection inside the phase (the rest is Python, or DuckDB called elsewhere).
    """
    from ciudadana.bootstrap import init_workspace
    from ciudadana.ingest import compile as compile_mod
    from ciudadana.ingest import csv_reader, pipeline, readers, staging, typed
    from ciudadana.warehouse import store
    from ciudadana.workspace import open_workspace

    phases: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    statements: list[tuple[str, float, float]] = []

    def add(label: str, spent: dict[str, float], first: int) -> None:
        phases[label][0] += spent["seconds"]
        phases[label][1] += spent["cpu"]
        phases[label][2] += sum(st[1] for st in statements[first:])
        phases[label][3] = _rss_mib()

    def timed(original: Any, label: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            clock, first = _Clock(), len(statements)
            try:
                return original(*args, **kwargs)
            finally:
                add(label, clock.read(), first)

        return wrapper

    def open_timed(cls: type, path: Path, *, create: bool = False) -> Any:
        clock = _Clock()
        wh = open_original(cls, path, create=create)
        wh.con = _TimedConnection(wh.con, statements)
        add("open warehouse + migrate", clock.read(), len(statements))
        return wh

    targets = [
        (pipeline, "load_spec", "load + validate spec"),
        (pipeline, "sha256_file", "sha256 of the file"),
        (pipeline, "keep_raw", "copy to raw/"),
        (readers, "read_csv", "read: read_csv into _raw"),
        (csv_reader, "detect_encoding", "  of which detect_encoding"),
        (readers, "_drop_non_data_rows", "read: blank-row scan/delete"),
        (compile_mod, "build_lookups", "compile: distinct keys (one scan) + Python lookups"),
        (typed, "create_tables", "compile: _parsed + _findings tables"),
        (staging.Stager, "run", "stage: _stage_* views"),
        (pipeline, "_counts", "counts"),
        (pipeline, "_period", "period"),
        (store.Warehouse, "commit_load", "commit: inserts into the warehouse + commit"),
        (pipeline, "_by_reason", "findings by reason"),
        (store.Warehouse, "close", "close"),
    ]
    order = [label for _, _, label in targets]
    order.insert(3, "open warehouse + migrate")
    for label in order:
        phases[label] = [0.0, 0.0, 0.0, 0.0]
    ws_dir = _fresh(WORK / "ws_profile")
    init_workspace(ws_dir)
    ws = open_workspace(ws_dir)
    open_original = store.Warehouse.open.__func__
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in targets]
    for owner, name, label in targets:
        setattr(owner, name, timed(getattr(owner, name), label))
    store.Warehouse.open = classmethod(open_timed)
    try:
        clock = _Clock()
        report = pipeline.ingest_file(ws, SPEC, csv_path)
        total = clock.read()
    finally:
        store.Warehouse.open = classmethod(open_original)
        for owner, name, original in originals:
            setattr(owner, name, original)
    lines = [
        f"Profile of one ingest of {rows:,} rows ({report.loaded:,} loaded, "
        f"{report.quarantined:,} quarantined): {total['seconds']:.2f} s wall, "
        f"{total['cpu']:.2f} s CPU",
        "",
        "| phase | wall s | share | CPU s | in SQL s | RSS after, MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, (wall, cpu, sql, rss) in phases.items():
        share = wall / total["seconds"]
        lines.append(f"| {label} | {wall:.2f} | {share:.0%} | {cpu:.2f} | {sql:.2f} | {rss:,.0f} |")
    lines.append(f"\nPeak RSS of this process (it also ran init): {_peak_rss_mib():,.0f} MiB")
    lines += ["", "Slowest statements on the warehouse connection:", ""]
    lines += ["| wall s | CPU s | statement (first 140 characters) |", "|---:|---:|---|"]
    for sql, wall, cpu in sorted(statements, key=lambda x: -x[1])[:16]:
        lines.append(f"| {wall:.2f} | {cpu:.2f} | `{sql[:140].replace('|', '/')}` |")
    in_sql = sum(st[1] for st in statements)
    lines.append(
        f"\n{len(statements)} statements, {in_sql:.2f} s in all "
        f"({total['seconds'] - in_sql:.2f} s outside statements on the warehouse connection)."
    )
    dump = WORK / "profile_statements.sql"
    dump.write_text(
        "".join(f"-- {w:.3f} s wall, {c:.3f} s CPU\n{sql};\n\n" for sql, w, c in statements),
        encoding="utf-8",
    )
    lines.append(f"Every statement with its times: {dump.relative_to(HERE.parent)}")
    _fresh(ws_dir)
    return "\n".join(lines)


# -- command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20_261)
    parser.add_argument("--profile", action="store_true", help="also profile one ingest")
    parser.add_argument("--profile-only", action="store_true", help="only profile one ingest")
    parser.add_argument("--keep", action="store_true", help="keep databases and workspaces")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="S",
        help="before each timed case, wait up to S seconds for other processes to go quiet",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spec", type=Path, default=SPEC, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.csv, args.target, args.spec), default=str))
        return 0

    import duckdb

    csv_path, meta = export_for(args.rows, args.seed)
    size = csv_path.stat().st_size / 2**20
    print(
        f"export: {csv_path.relative_to(HERE.parent)} ({args.rows:,} rows, {size:,.1f} MiB, "
        f"{meta['bad_dates'] + meta['bad_codes']:,} bad rows; generated in "
        f"{meta['generate_s']} s)\nmachine: {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, DuckDB {duckdb.__version__}, numpy {np.__version__}",
        flush=True,
    )
    if not args.profile_only:
        runs = measure(csv_path, args.rows, args.repeat, args.keep, args.wait_idle)
        text, summary = table(runs, args.rows)
        ingest = runs["ingest"][-1]
        bare = runs["bare-file"][-1]
        print(f"\n{args.repeat} repeats, each on a fresh database/workspace:\n")
        print(text)
        print(
            f"\ningest: rows_in {ingest['rows_in']:,}, loaded {ingest['loaded']:,}, "
            f"quarantined {ingest['quarantined']:,} {ingest['quarantined_by_reason']} "
            f"(expected {meta['bad_dates'] + meta['bad_codes']:,}), warnings "
            f"{ingest['warnings']:,}; bare read: {bare['rows']:,} rows, "
            f"{bare['rejected']:,} rejected"
        )
        print(verdict(summary, args.rows))
    if args.profile or args.profile_only:
        print("\n" + profile(csv_path, args.rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
