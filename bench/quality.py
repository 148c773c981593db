"""Quality benchmark: diagnose a 1,000,000-row load, beside the time to ingest it, same run.

Uses the synthetic police export of ``bench/ingest.py`` (same generator, same cached file in
``bench/_work/``: Latin-1, dd/mm/yyyy, real INE municipality codes, DPI numbers, addresses and
points, ~0.5 % bad rows). Each repeat, on a fresh workspace, runs in its own subprocess (peak
RSS from ``os.wait4``):

- ``ingest``: ``ingest_file`` of the export (its spec copied to the workspace's ``specs/``, so
  the diagnosis finds it by name as it would any institution's own spec);
- ``quality``: ``diagnose`` of that load (every standard rule; the received file is read again
  for the format checks);
- ``outputs``: the row-level CSV for the institution and the HTML report.

Usage:
    .venv/bin/python bench/quality.py                    # 1,000,000 rows, 1 repeat
    .venv/bin/python bench/quality.py --rows 100000 --repeat 3

``--simulator``: recall per kind of injected fault and precision per rule on the simulator's
exports (``ciudadana demo``'s pipeline: simulate, ingest, ``diagnose``, ``link_workspace``),
scored by ``ciudadana.quality.evaluate.score_faults`` twice on the same workspace: after the
diagnosis (exact keys only: *before*) and after person linkage added the linked records that
disagree (*after*). The ingested workspace is cached in ``bench/_work/``.

    .venv/bin/python bench/quality.py --simulator                     # 1,000,000 persons
    .venv/bin/python bench/quality.py --simulator --persons 100000 --seed 11
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import ingest as ingest_bench  # noqa: E402  (bench/ingest.py: the generator and its spec)

WORK = HERE / "_work"
CASES = ("ingest", "quality", "outputs")


def child(case: str, csv_path: Path, ws_dir: Path) -> dict[str, Any]:
    """One measurement; only the work itself is inside the clock."""
    from ciudadana.workspace import open_workspace

    ws = open_workspace(ws_dir)
    started = time.perf_counter()
    if case == "ingest":
        from ciudadana.ingest import ingest_file

        report = ingest_file(ws, ingest_bench.SPEC.stem, csv_path)
        return {
            "seconds": time.perf_counter() - started,
            "rows_in": report.rows_in,
            "loaded": report.loaded,
            "quarantined": report.quarantined,
        }
    if case == "quality":
        from ciudadana.quality import diagnose

        report = diagnose(ws)
        load = report.loads[-1]
        return {
            "seconds": time.perf_counter() - started,
            "findings": report.findings,
            "scores": load.scores,
            "timings": report.timings,
        }
    if case == "outputs":
        from ciudadana.quality.export import write_findings_csv
        from ciudadana.quality.html.render import write_html

        rows = write_findings_csv(ws, ws_dir / "hallazgos.csv")
        csv_s = time.perf_counter() - started
        write_html(ws, ws_dir / "calidad.html")
        return {
            "seconds": time.perf_counter() - started,
            "csv_s": csv_s,
            "csv_rows": rows,
            "html_kb": (ws_dir / "calidad.html").stat().st_size // 1024,
        }
    raise ValueError(case)


def run_child(case: str, csv_path: Path, ws_dir: Path) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        case,
        "--csv",
        str(csv_path),
        "--ws",
        str(ws_dir),
    ]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy, started = ingest_bench._busy_cpu_seconds(), time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        others = ingest_bench._busy_cpu_seconds() - busy - usage.ru_utime - usage.ru_stime
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.stderr.write(err.read().decode("utf-8", "replace"))
            raise SystemExit(f"{case} failed: {' '.join(cmd)}")
        out.seek(0)
        result = json.loads(out.read().decode("utf-8").strip().splitlines()[-1])
    result["peak_mib"] = usage.ru_maxrss / 1024
    result["process_s"] = wall
    result["other_cores"] = max(others, 0.0) / wall
    return result


def fresh_workspace(path: Path) -> Path:
    from ciudadana.bootstrap import init_workspace

    if path.exists():
        shutil.rmtree(path)
    init_workspace(path)
    (path / "specs").mkdir(exist_ok=True)
    shutil.copy(ingest_bench.SPEC, path / "specs" / ingest_bench.SPEC.name)
    return path


# -- the simulator: recall per kind of fault, before and after linkage ---------------------------

ACROSS = ("age-off", "date-shift", "second-given-missing", "surnames-swapped")


def ingested(persons: int, seed: int, first: int, last: int) -> Path:
    """A workspace with the simulator's exports ingested as ``ciudadana demo`` does (cached)."""
    from ciudadana.bootstrap import init_workspace
    from ciudadana.demo import simulate
    from ciudadana.demo_run import DEMO_SPECS
    from ciudadana.ingest import ingest_file
    from ciudadana.workspace import open_workspace

    folder = WORK / f"quality_sim_{persons}_s{seed}_{first}_{last}"
    if (folder / ".complete").exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    init_workspace(folder, country="GTM", with_population=False)
    ws = open_workspace(folder)
    out = folder / "simulacion"
    simulate(out, seed=seed, persons=persons, first_year=first, last_year=last)
    exports = sorted((out / "exports").iterdir())
    for prefix, spec in DEMO_SPECS:
        for file in (f for f in exports if f.name.startswith(prefix)):
            ingest_file(ws, spec, file)
    (folder / ".complete").write_text("1")
    return folder


def simulator(args: argparse.Namespace) -> None:
    from ciudadana.linkage import link_workspace
    from ciudadana.quality import diagnose
    from ciudadana.quality.evaluate import score_faults
    from ciudadana.workspace import open_workspace

    source = ingested(args.persons, args.seed, args.first_year, args.last_year)
    folder = source.with_name(source.name + "_run")
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(source, folder)
    ws = open_workspace(folder)
    truth = folder / "simulacion" / "truth"
    started = time.perf_counter()
    diagnose(ws)
    diagnose_s = time.perf_counter() - started
    before = score_faults(ws, truth)
    linked = link_workspace(ws)
    after = score_faults(ws, truth, cells=True)
    old = {k["kind"]: k for k in before.kinds}
    tied = linked_witness(ws, after.cells)
    print(
        f"\n{args.persons:,} persons, seed {args.seed}, {args.first_year}-{args.last_year}: "
        f"diagnose {diagnose_s:.1f} s; link {linked.timings['total']:.1f} s, of which the "
        f"comparison of linked records {linked.timings.get('quality', 0):.1f} s "
        f"({linked.quality.get('findings', 0):,} findings on "
        f"{linked.quality.get('records', 0):,} rows only linkage paired)\n"
    )
    print(
        "| kind | faults | comparable | recall before | recall after | of comparable, before "
        "| of comparable, after | linked to a witness | of those, after | found by (after) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for k in sorted(after.kinds, key=lambda k: (k["kind"] not in ACROSS, k["kind"])):
        b = old.get(k["kind"], {})
        mark = "**" if k["kind"] in ACROSS else ""
        n, found = tied.get(k["kind"], (0, 0))
        print(
            f"| {mark}{k['kind']}{mark} | {k['faults']:,} | {k['comparable']:,} | "
            f"{_f(b.get('recall'))} | {mark}{_f(k['recall'])}{mark} | "
            f"{_f(b.get('recall_comparable'))} | {mark}{_f(k['recall_comparable'])}{mark} | "
            f"{n:,} | {_f(found / n if n else None)} | {k['rules']} |"
        )
    prev = {r["rule"]: r for r in before.rules}
    print("\n| rule | findings before | precision before | findings after | precision after |")
    print("|---|---:|---:|---:|---:|")
    for r in after.rules:
        b = prev.get(r["rule"], {})
        print(
            f"| {r['rule']} | {b.get('findings', 0):,} | {_f(b.get('precision'))} | "
            f"{r['findings']:,} | {_f(r['precision'])} |"
        )
    if after.linked:
        print(
            f"| of which only linked records showed | | | {after.linked['findings']:,} | "
            f"{_f(after.linked['precision'])} |"
        )
    explained = within_tolerance(ws, after.cells)
    print("\nComparable faults missed whose written value every witness allows (the rule's own")
    print("tolerances: a birthday between two dates; a forensic date of death days after):\n")
    print("| kind | comparable | found | missed | of which allowed | recall without them |")
    print("|---|---:|---:|---:|---:|---:|")
    for k in after.kinds:
        if k["kind"] in explained:
            allowed = explained[k["kind"]]
            found = round(k["recall_comparable"] * k["comparable"])
            rest = k["comparable"] - allowed
            print(
                f"| {k['kind']} | {k['comparable']:,} | {found:,} | {k['comparable'] - found:,} "
                f"| {allowed:,} | {_f(found / rest if rest else None)} |"
            )


def within_tolerance(ws: Any, cells: list[dict[str, Any]]) -> dict[str, int]:
    """Missed comparable ages and dates whose written value each witness's record allows under
    ``same-person-differs``'s tolerances: an age that a birthday between the two dates explains
    (``persons.CrossSourcePersons.vote``), a forensic date 1-7 days after every witness's (a
    death in hospital days after the attack, ``date_may_be_later_by_days``)."""
    from ciudadana.warehouse import open_reader

    con = open_reader(ws.warehouse_path)
    try:
        known = {
            r[:3]: r[3:]
            for r in con.execute(
                "select p.load_id, p.row_number, p.role, "
                "coalesce(e.date_occurrence, e.reference_date), p.age, e.source_id "
                "from persons as p join events as e using (load_id, row_number)"
            ).fetchall()
        }
    finally:
        con.close()
    out = {"age-off": 0, "date-shift": 0}
    for c in cells:
        if c["kind"] not in out or c["found"]:
            continue
        day, age, source = known[(c["load_id"], c["row_number"], c["role"])]
        allowed = []
        for w in c["witnesses"]:
            their_day, their_age, _ = known[(w["load_id"], w["row_number"], w["role"])]
            if day is None or their_day is None:
                continue
            days = (their_day - day).days
            if c["kind"] == "date-shift":
                allowed.append("inacif" in source and 1 <= -days <= 7)
            elif age is not None and their_age is not None:
                drift = abs(their_age - age - days / 365.25)
                allowed.append(drift < (0.99 if abs(days) <= 31 else 1.99))
        out[c["kind"]] += bool(allowed) and all(allowed)
    return out


def linked_witness(ws: Any, cells: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Per kind: comparable faults whose record the person registry ties to one of the records
    that could show the fault (the rest are the linkage's misses), and how many were found."""
    from ciudadana.warehouse import open_reader

    con = open_reader(ws.warehouse_path)
    try:
        person = {
            (lo, ro, role): pid
            for lo, ro, role, pid in con.execute(
                "select load_id, row_number, role, person_id "
                "from restricted.current_person_registry"
            ).fetchall()
        }
    finally:
        con.close()
    out: dict[str, tuple[int, int]] = {}
    for c in cells:
        me = person.get((c["load_id"], c["row_number"], c["role"]))
        if me is None or not any(
            person.get((w["load_id"], w["row_number"], w["role"])) == me for w in c["witnesses"]
        ):
            continue
        n, found = out.get(c["kind"], (0, 0))
        out[c["kind"]] = (n + 1, found + bool(c["found"]))
    return out


def _f(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", choices=CASES)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--ws", type=Path)
    parser.add_argument("--simulator", action="store_true")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--first-year", type=int, default=2015)
    parser.add_argument("--last-year", type=int, default=2020)
    args = parser.parse_args()
    if args.simulator:
        args.seed = 20240601 if args.seed is None else args.seed
        simulator(args)
        return
    args.seed = 20261 if args.seed is None else args.seed
    if args.child:
        print(json.dumps(child(args.child, args.csv, args.ws), default=str))
        return
    csv_path, meta = ingest_bench.export_for(args.rows, args.seed)
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in CASES}
    for i in range(args.repeat):
        ws_dir = fresh_workspace(WORK / f"quality_ws_{i}")
        for case in CASES:
            runs[case].append(run_child(case, csv_path, ws_dir))
        print(
            f"  repeat {i + 1}/{args.repeat}: "
            + ", ".join(f"{c} {runs[c][-1]['seconds']:.1f} s" for c in CASES),
            file=sys.stderr,
        )
        shutil.rmtree(ws_dir)
    print(
        f"\n{args.rows:,} rows, seed {args.seed}, {args.repeat} repeat(s); file {csv_path.name} "
        f"({csv_path.stat().st_size / 1e6:.0f} MB, bad rows {meta})\n"
    )
    print("| step | median s | min s | rows/s (median) | peak MiB (max) | other cores busy |")
    print("|---|---:|---:|---:|---:|---:|")
    for case in CASES:
        secs = [r["seconds"] for r in runs[case]]
        med = statistics.median(secs)
        print(
            f"| {case} | {med:.2f} | {min(secs):.2f} | {args.rows / med:,.0f} | "
            f"{max(r['peak_mib'] for r in runs[case]):.0f} | "
            f"{statistics.median(r['other_cores'] for r in runs[case]):.1f} |"
        )
    last = runs["quality"][-1]
    print(f"\nfindings: {last['findings']:,}; scores: {json.dumps(last['scores'])}")
    print(
        "quality, seconds per rule (last run): "
        + ", ".join(
            f"{k} {v:.2f}" for k, v in sorted(last["timings"].items(), key=lambda kv: -kv[1])[:12]
        )
    )
    out = runs["outputs"][-1]
    print(
        f"outputs: CSV {out['csv_rows']:,} rows in {out['csv_s']:.1f} s; HTML {out['html_kb']} KB"
    )


if __name__ == "__main__":
    main()
