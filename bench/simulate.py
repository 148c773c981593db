"""Simulator benchmark: time and peak memory of ``ciudadana.demo.simulate``.

Each run happens in its own subprocess, so its peak resident memory (``ru_maxrss`` from
``os.wait4``) is that run's alone. Prints a table of wall time, the simulator's own stage
timings, peak RSS and the rows written; ``--json`` prints the raw figures.

Usage:
    .venv/bin/python bench/simulate.py                         # 100,000 and 1,000,000 persons
    .venv/bin/python bench/simulate.py --persons 300000        # one size
    .venv/bin/python bench/simulate.py --repeat 3 --json
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

STAGES = (
    "world",
    "export:PNC",
    "export:MP",
    "export:INACIF",
    "export:OJ",
    "export:OJ-MEDIDAS",
    "export:INE",
    "truth",
    "manifest",
)


def child(persons: int, first_year: int, last_year: int, seed: int, out: Path) -> None:
    """Run one simulation and print its result as JSON (runs in the subprocess)."""
    from ciudadana.demo import simulate

    result = simulate(out, seed=seed, persons=persons, first_year=first_year, last_year=last_year)
    exports = {k: v for k, v in result.files.items() if k.startswith("exports/")}
    print(
        json.dumps(
            {
                "timings": result.timings,
                "export_rows": sum(exports.values()),
                "events": result.files["truth/events.parquet"],
                "faults": result.files["truth/faults.parquet"],
                "bytes": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()),
            }
        )
    )


def run(persons: int, first_year: int, last_year: int, seed: int) -> dict[str, Any]:
    """One measured run in a fresh subprocess and a fresh folder."""
    tmp = Path(tempfile.mkdtemp(prefix="ciudadana-bench-"))
    try:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(persons),
            str(first_year),
            str(last_year),
            str(seed),
            str(tmp / "out"),
        ]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        stdout, stderr = proc.stdout.read(), proc.stderr.read()
        if status != 0:
            raise SystemExit(f"simulation failed:\n{stderr.decode()}")
        figures = json.loads(stdout.decode().strip().splitlines()[-1])
        figures.update(
            persons=persons,
            wall_s=round(wall, 2),
            peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        )
        return figures
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def table(runs: list[dict[str, Any]], first_year: int, last_year: int) -> str:
    """A Markdown table: medians over repeats for each size."""
    lines = [
        "| persons | years | wall s | simulate s | world s | exports s | truth s | "
        "peak RSS MB | events | export rows | faults | MB written |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for persons in sorted({r["persons"] for r in runs}):
        rs = [r for r in runs if r["persons"] == persons]

        def med(f, rs: list[dict[str, Any]] = rs) -> float:
            return statistics.median(f(r) for r in rs)

        exports = med(lambda r: sum(v for k, v in r["timings"].items() if k.startswith("export")))
        lines.append(
            f"| {persons:,} | {first_year}-{last_year} | {med(lambda r: r['wall_s']):.1f} | "
            f"{med(lambda r: r['timings']['total']):.1f} | "
            f"{med(lambda r: r['timings']['world']):.1f} | {exports:.1f} | "
            f"{med(lambda r: r['timings']['truth']):.1f} | "
            f"{med(lambda r: r['peak_rss_mb']):.0f} | {rs[0]['events']:,} | "
            f"{rs[0]['export_rows']:,} | {rs[0]['faults']:,} | {rs[0]['bytes'] / 1e6:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, action="append")
    parser.add_argument("--first-year", type=int, default=2015)
    parser.add_argument("--last-year", type=int, default=2020)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        persons, first, last, seed, out = args.child
        child(int(persons), int(first), int(last), int(seed), Path(out))
        return 0
    sizes = args.persons or [100_000, 1_000_000]
    runs = [
        run(p, args.first_year, args.last_year, args.seed)
        for p in sizes
        for _ in range(args.repeat)
    ]
    if args.json:
        print(json.dumps(runs, indent=2))
    else:
        print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        print(table(runs, args.first_year, args.last_year))
        print("\nstage timings (s), last run of each size:")
        for persons in sorted(set(sizes)):
            last = [r for r in runs if r["persons"] == persons][-1]
            stages = ", ".join(f"{s} {last['timings'].get(s, 0):.2f}" for s in STAGES)
            print(f"  {persons:,}: {stages}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
