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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", choices=CASES)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--ws", type=Path)
    args = parser.parse_args()
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
