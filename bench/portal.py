"""Portal benchmark: the public API under a bounded load on loopback, against Datasette serving
the same release file in the same run.

Both servers run in their own subprocess on 127.0.0.1, one process each, with uvicorn and the
same HTTP implementation (``httptools`` when installed, else ``h11``) and no access log:

- ``ours``: ``create_app(release)`` under ``uvicorn.Server`` (``log_level=warning``);
- ``datasette``: ``datasette serve --immutable publicacion.sqlite --setting sql_time_limit_ms
  5000 --setting default_cache_ttl 300``, through Datasette's own command line, with uvicorn's
  log level lowered to ``warning`` as for ours (``datasette serve`` itself logs every request at
  ``info``; ``--datasette-as-shipped`` runs it exactly as shipped). The file is named once, with
  ``--immutable``: named twice, Datasette would attach it twice.

The workload mixes four kinds of query, equally often, cycling through a fixed shuffled list
(``--seed``): ``department`` (an indicator by department in one year), ``series`` (the yearly
series of a department or a municipality), ``municipality`` (an indicator by municipality in
one year, ~340 rows) and ``catalogue`` (the indicator catalogue). For Datasette the same rows
come from its SQL API (``/publicacion.json?sql=...&_shape=array`` with named parameters: its
fast path, the same join to the territories for the names and the same order); ``--datasette-api
table`` uses its table JSON view with column filters instead. Before any load, every distinct
query is asked once of each server, one at a time: both must answer 200 with the same rows (count,
keys, order, numerator, value, conf_status). Those first answers are also the cold figures (ours
builds each body once and keeps it: the release never changes).

The load generator is a separate process (asyncio, raw HTTP/1.1 keep-alive on ``--clients``
connections, requests back to back, no compression asked unless ``--gzip``); it warms up
(``--warmup`` s) and then measures (``--duration`` s) each system in turn, the order alternating
between repeats. Reported per system: requests/s, latency p50/p95/p99 (all and per kind),
errors (non-200 or broken connections), the CPU the server and the generator used during the
measurement (in cores), and the server's peak RSS. Targets (issue): p95 <= 20 ms for the
aggregate queries (department, series, municipality) and >= 3x Datasette's requests/s.

Without ``--release``, builds (once, cached in ``bench/_work/portal/``) a demo workspace with
``run_demo(persons=--persons, 2015-2020)`` and serves its latest release.

Usage:
    .venv/bin/python bench/portal.py                              # 100,000 persons, 3 repeats
    .venv/bin/python bench/portal.py --release DIR --duration 10  # an existing release folder
    .venv/bin/python bench/portal.py --write                      # + bench/RESULTS_portal.md
    .venv/bin/python bench/portal.py --json                       # one JSON object on stdout
    .venv/bin/python bench/portal.py --profile /tmp/ours.prof     # cProfile of our server
    .venv/bin/python bench/portal.py --no-cache     # ours without its response cache (diagnosis)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import importlib.util
import json
import multiprocessing as mp
import os
import random
import re
import shlex
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work" / "portal"
RESULTS = HERE / "RESULTS_portal.md"
HOST = "127.0.0.1"
DB_NAME = "publicacion"  # Datasette names the database after the file's stem

TARGET_P95_MS = 20.0
TARGET_RATIO = 3.0
KINDS = ("department", "series", "municipality", "catalogue")
AGGREGATE = ("department", "series", "municipality")

# -- the servers ------------------------------------------------------------------------------

OURS_SERVER = """
import cProfile, sys
from pathlib import Path
import uvicorn
from ciudadana.portal import create_app

release, port, http, profile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
if sys.argv[5] == "no-cache":  # every request builds its body again (diagnosis only)
    from ciudadana.portal.cache import ResponseCache
    ResponseCache.get = lambda self, key: None
config = uvicorn.Config(
    create_app(Path(release)), host="127.0.0.1", port=port, log_level="warning",
    access_log=False, http=http, workers=1,
)
server = uvicorn.Server(config)
prof = cProfile.Profile() if profile else None
if prof:
    prof.enable()
try:
    server.run()
except KeyboardInterrupt:  # uvicorn raises the SIGINT again once it has shut down
    pass
finally:
    if prof:
        prof.disable()
        prof.dump_stats(profile)
"""
# ``datasette serve`` as shipped, but with uvicorn configured as for ours (log level, HTTP).
DATASETTE_SERVER = """
import sys
import uvicorn
run = uvicorn.run
http = sys.argv[1]

def quiet_run(app, **kwargs):
    run(app, **{**kwargs, "log_level": "warning", "access_log": False, "http": http})

uvicorn.run = quiet_run
import click
from datasette.cli import cli
try:
    cli(sys.argv[2:], prog_name="datasette", standalone_mode=False)
except (KeyboardInterrupt, click.exceptions.Abort):  # stopped with SIGINT
    pass
"""


def http_impl() -> str:
    return "httptools" if importlib.util.find_spec("httptools") else "h11"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_ours(
    release: Path, port: int, profile: Path | None, no_cache: bool = False
) -> subprocess.Popen:
    args = [sys.executable, "-c", OURS_SERVER, str(release), str(port), http_impl()]
    args += [str(profile or ""), "no-cache" if no_cache else "cache"]
    return subprocess.Popen(args, cwd=ROOT)


def start_datasette(release: Path, port: int, as_shipped: bool) -> subprocess.Popen:
    db = str(release / "publicacion.sqlite")
    serve = ["serve", "--immutable", db, "-h", HOST, "-p", str(port)]
    serve += ["--setting", "sql_time_limit_ms", "5000", "--setting", "default_cache_ttl", "300"]
    if as_shipped:
        exe = Path(sys.executable).with_name("datasette")
        return subprocess.Popen(
            [str(exe), *serve], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    return subprocess.Popen([sys.executable, "-c", DATASETTE_SERVER, http_impl(), *serve])


def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes, float]:
    """One GET on a fresh connection: status, body, seconds (request sent to body read)."""
    con = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        t = time.perf_counter()
        con.request("GET", path, headers={"Accept-Encoding": "identity"})
        resp = con.getresponse()
        body = resp.read()
        return resp.status, body, time.perf_counter() - t
    finally:
        con.close()


def wait_ready(proc: subprocess.Popen, port: int, path: str, timeout: float = 120.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        try:
            if get(port, path, timeout=5)[0] == 200:
                return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not answer {path} within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def memory_mb(pid: int) -> dict[str, float]:
    """Peak (VmHWM) and current (VmRSS) resident memory of a process, in MB."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out["peak_rss_mb" if key == "VmHWM" else "rss_mb"] = round(
                int(value.split()[0]) / 1024, 1
            )
    return out


# -- the release and the workload -------------------------------------------------------------


def demo_release(persons: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The latest release of the cached demo workspace (built on first use)."""
    from ciudadana.publish.layout import latest_release

    root = WORK / f"demo_{persons}_s{seed}_2015_2020"
    marker = root / ".complete"
    if marker.exists():
        return latest_release(root), json.loads(marker.read_text())
    from ciudadana.demo_run import run_demo

    WORK.mkdir(parents=True, exist_ok=True)
    print(f"building the demo workspace {root} (once)...", file=sys.stderr)
    t = time.perf_counter()
    report = run_demo(root, seed=seed, persons=persons, first_year=2015, last_year=2020)
    built = {
        "build_s": round(time.perf_counter() - t, 1),
        "release_rows": report.release.get("rows"),
        "timings": {k: round(v, 1) for k, v in report.timings.items()},
    }
    marker.write_text(json.dumps(built))
    return latest_release(root), built


def _sql(where: str, order: str) -> str:
    from ciudadana.publish.layout import OBSERVATION_COLUMNS

    cols = ", ".join(
        "coalesce(t.name, o.territory) as territory_name" if c == "territory_name" else f"o.{c}"
        for c in OBSERVATION_COLUMNS
    )
    return (
        f"select {cols} from observations as o left join territories as t on t.code = o.territory"
        f" where o.indicator = :indicator and o.grouping = :grouping and {where} order by {order}"
    )


# Ours puts territories outside the list ("unknown") last: the same order here.
SQL_BY_YEAR = _sql("o.year = :year", "o.time_period, coalesce(t.sort, 1000000000), o.territory")
SQL_SERIES = _sql("o.territory = :territory", "o.time_period")
SQL_CATALOGUE = "select * from indicators order by sort, code"


def datasette_path(api: str, kind: str, params: dict[str, str]) -> str:
    """Datasette's URL for the same rows: its SQL API (default) or its table JSON view."""
    if api == "sql":
        sql = {"series": SQL_SERIES, "catalogue": SQL_CATALOGUE}.get(kind, SQL_BY_YEAR)
        return f"/{DB_NAME}.json?" + urlencode({"sql": sql, **params, "_shape": "array"})
    if kind == "catalogue":
        return f"/{DB_NAME}/indicators.json?_sort=sort&_shape=array&_size=max&_nosuggest=1"
    extra = {"_shape": "array", "_size": "max", "_nosuggest": "1", "_nocount": "1"}
    return f"/{DB_NAME}/observations.json?" + urlencode({**params, **extra})


def workload(release: Path, api: str, seed: int) -> list[dict[str, str]]:
    """Every distinct query of the mix: kind, our path, Datasette's path."""
    con = sqlite3.connect(f"file:{release / 'publicacion.sqlite'}?mode=ro&immutable=1", uri=True)
    indicators = [
        (code, json.loads(groupings), first, last)
        for code, groupings, first, last in con.execute(
            "select code, groupings, first_year, last_year from indicators order by sort, code"
        )
    ]
    places = dict(
        con.execute("select level, json_group_array(code) from territories group by level")
    )
    con.close()
    rng = random.Random(seed)
    departments = sorted(rng.sample(json.loads(places["department"]), 3))
    municipalities = sorted(rng.sample(json.loads(places["municipality"]), 3))
    out = [{"kind": "catalogue", "ours": "/api/v1/indicators", "params": {}}]
    for code, groupings, first, last in indicators:
        if first is None:
            continue
        for dim, kind in (("department", "department"), ("municipality", "municipality")):
            grouping = f"year+{dim}"
            if grouping not in groupings:
                continue
            for year in range(first, last + 1):
                ours = urlencode({"indicator": code, "by": dim, "year": year})
                params = {"indicator": code, "grouping": grouping, "year": str(year)}
                out.append({"kind": kind, "ours": f"/api/v1/observations?{ours}", "params": params})
            for place in departments if dim == "department" else municipalities:
                ours = urlencode({"indicator": code, "territory": place})
                params = {"indicator": code, "grouping": grouping, "territory": place}
                out.append({"kind": "series", "ours": f"/api/v1/series?{ours}", "params": params})
    for q in out:
        q["datasette"] = datasette_path(api, q["kind"], q.pop("params"))
    return out


def cycle(queries: list[dict[str, str]], seed: int) -> list[dict[str, str]]:
    """The load's fixed order: each kind equally often, shuffled with ``seed``."""
    rng = random.Random(seed)
    by_kind = {k: [q for q in queries if q["kind"] == k] for k in KINDS}
    per_kind = max(len(v) for v in by_kind.values())
    order: list[dict[str, str]] = []
    for items in by_kind.values():
        items = items[:]
        rng.shuffle(items)
        order += [items[i % len(items)] for i in range(per_kind)]
    rng.shuffle(order)
    return order


def _rows(kind: str, body: bytes, system: str) -> list[dict[str, Any]]:
    data = json.loads(body)
    if system == "ours":
        return data["indicators"] if kind == "catalogue" else data["rows"]
    return data


ROW_KEY = ("time_period", "territory", "sex", "age", "pueblo", "relationship", "weapon")


def verify(
    queries: list[dict[str, str]], ours_port: int, ds_port: int
) -> tuple[dict[str, Any], list[str]]:
    """Ask each distinct query once of each server (cold), compare the rows; the cold figures
    and the mismatches (empty when both agree everywhere)."""
    cold: dict[str, dict[str, list[float]]] = {
        s: {k: [] for k in KINDS} for s in ("ours", "datasette")
    }
    size: dict[str, dict[str, list[int]]] = {
        s: {k: [] for k in KINDS} for s in ("ours", "datasette")
    }
    rows_n: dict[str, list[int]] = {k: [] for k in KINDS}
    problems: list[str] = []
    for q in queries:
        kind = q["kind"]
        got = {}
        for system, port in (("ours", ours_port), ("datasette", ds_port)):
            status, body, seconds = get(port, q[system])
            cold[system][kind].append(seconds * 1000)
            size[system][kind].append(len(body))
            if status != 200:
                problems.append(f"{system} {status} for {q[system]}: {body[:200]!r}")
                break
            got[system] = _rows(kind, body, system)
        if len(got) < 2:
            continue
        ours, theirs = got["ours"], got["datasette"]
        rows_n[kind].append(len(ours))
        if len(ours) != len(theirs):
            problems.append(f"{q['ours']}: {len(ours)} rows, Datasette {len(theirs)}")
            continue
        if kind == "catalogue":
            a = [(r["code"], r["first_year"], r["last_year"]) for r in ours]
            b = [(r["code"], r["first_year"], r["last_year"]) for r in theirs]
        else:
            a = [
                (*(r[c] for c in ROW_KEY), r["numerator"], r["value"], r["conf_status"])
                for r in ours
            ]
            b = [
                (*(r[c] for c in ROW_KEY), r["numerator"], r["value"], r["conf_status"])
                for r in theirs
            ]
        if a != b:
            diff = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
            problems.append(f"{q['ours']}: row {diff} differs: {a[diff]} vs {b[diff]}")
    figures = {
        "queries": {k: len(v) for k, v in rows_n.items()},
        "rows_per_query": {k: round(statistics.mean(v), 1) if v else 0 for k, v in rows_n.items()},
        "bytes_per_response": {
            s: {k: round(statistics.mean(v)) if v else 0 for k, v in d.items()}
            for s, d in size.items()
        },
        "cold_ms": {
            s: {
                k: {"median": round(statistics.median(v), 2), "max": round(max(v), 2)}
                for k, v in d.items()
                if v
            }
            for s, d in cold.items()
        },
    }
    return figures, problems


# -- the load generator (its own process) -----------------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """Status, body bytes and whether the server will close, of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, close = -1, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = b"close" in value.lower()
    if chunked:
        total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            total += size
            if size == 0:
                return status, total, close
    if length >= 0:
        await reader.readexactly(length)
        return status, length, close
    return status, len(await reader.read()), True


async def _load(conf: dict[str, Any]) -> dict[str, Any]:
    import psutil

    port, clients, requests = conf["port"], conf["clients"], conf["requests"]
    encoding = "Accept-Encoding: gzip\r\n" if conf["gzip"] else ""
    wire = [
        (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: ciudadana-bench\r\n"
            f"Accept: application/json\r\n{encoding}\r\n"
        ).encode()
        for path, _kind in requests
    ]
    kinds = [k for _p, k in requests]
    server = psutil.Process(conf["server_pid"])
    loop_start = time.perf_counter()
    warm_end = loop_start + conf["warmup"]
    end = warm_end + conf["duration"]
    lat: dict[str, list[float]] = {k: [] for k in KINDS}
    status_counts: dict[str, int] = {}
    counters = {"broken": 0, "reconnects": 0, "bytes": 0}
    window: dict[str, float] = {}

    async def client(i: int) -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        j = i * len(wire) // clients
        while True:
            t0 = time.perf_counter()
            if t0 >= end:
                break
            n = j % len(wire)
            j += 1
            writer.write(wire[n])
            try:
                status, nbytes, close = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                status, nbytes, close = -1, 0, True
            t1 = time.perf_counter()
            if t0 >= warm_end and t1 <= end:
                if status == -1:
                    counters["broken"] += 1
                else:
                    lat[kinds[n]].append(t1 - t0)
                    counters["bytes"] += nbytes
                    key = str(status)
                    status_counts[key] = status_counts.get(key, 0) + 1
            if close:
                writer.close()
                counters["reconnects"] += 1
                reader, writer = await asyncio.open_connection(HOST, port)
        writer.close()

    async def clock() -> None:
        await asyncio.sleep(max(0.0, warm_end - time.perf_counter()))
        c = server.cpu_times()
        window.update(t=time.perf_counter(), cpu=time.process_time(), server=c.user + c.system)
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        c = server.cpu_times()
        wall = time.perf_counter() - window["t"]
        window["generator_cores"] = (time.process_time() - window["cpu"]) / wall
        window["server_cores"] = (c.user + c.system - window["server"]) / wall

    await asyncio.gather(clock(), *(client(i) for i in range(clients)))
    return {
        "latencies": lat,
        "status": status_counts,
        "broken": counters["broken"],
        "reconnects": counters["reconnects"],
        "bytes": counters["bytes"],
        "generator_cores": round(window["generator_cores"], 2),
        "server_cores": round(window["server_cores"], 2),
    }


def _generator_main(conf: dict[str, Any], pipe: Any) -> None:
    pipe.send(asyncio.run(_load(conf)))
    pipe.close()


def run_load(conf: dict[str, Any]) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    mine, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_generator_main, args=(conf, theirs))
    proc.start()
    result = mine.recv()
    proc.join()
    return result


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile of ``values`` in ms (linear interpolation), NaN when empty."""
    if not values:
        return float("nan")
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return (s[lo] + (s[hi] - s[lo]) * (pos - lo)) * 1000


def summarise(raw: dict[str, Any], duration: float) -> dict[str, Any]:
    lat = raw["latencies"]
    every = [x for v in lat.values() for x in v]
    aggregate = [x for k in AGGREGATE for x in lat[k]]
    ok = raw["status"].get("200", 0)
    return {
        "requests": len(every) + raw["broken"],
        "requests_per_s": round((len(every) + raw["broken"]) / duration, 1),
        "p50_ms": round(percentile(every, 50), 2),
        "p95_ms": round(percentile(every, 95), 2),
        "p99_ms": round(percentile(every, 99), 2),
        "max_ms": round(max(every) * 1000, 2) if every else None,
        "aggregate_p95_ms": round(percentile(aggregate, 95), 2),
        "errors": len(every) - ok + raw["broken"],
        "status": raw["status"],
        "reconnects": raw["reconnects"],
        "mb_per_s": round(raw["bytes"] / duration / 1e6, 2),
        "server_cores": raw["server_cores"],
        "generator_cores": raw["generator_cores"],
        "by_kind": {
            k: {
                "requests": len(v),
                "p50_ms": round(percentile(v, 50), 2),
                "p95_ms": round(percentile(v, 95), 2),
                "p99_ms": round(percentile(v, 99), 2),
            }
            for k, v in lat.items()
        },
    }


# -- report -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {"nproc": os.cpu_count(), "cpu": model, "python": sys.version.split()[0]}


def _med(runs: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 2)


def figures_table(fig: dict[str, Any]) -> str:
    ours, ds = fig["ours"], fig["datasette"]
    api = fig["config"]["datasette_api"]
    lines = [
        f"| median of {fig['config']['repeat']} runs | ours (FastAPI) | Datasette ({api} API) "
        "| ours / Datasette |",
        "|---|---|---|---|",
    ]
    rows = [
        ("requests/s", "requests_per_s", "{:.0f}"),
        ("p50 latency (ms)", "p50_ms", "{:.2f}"),
        ("p95 latency (ms)", "p95_ms", "{:.2f}"),
        ("p99 latency (ms)", "p99_ms", "{:.2f}"),
        ("p95, aggregate queries (ms)", "aggregate_p95_ms", "{:.2f}"),
        ("errors (non-200)", "errors", "{:.0f}"),
        ("server CPU (cores)", "server_cores", "{:.2f}"),
        ("generator CPU (cores)", "generator_cores", "{:.2f}"),
        ("MB/s sent", "mb_per_s", "{:.1f}"),
    ]
    for label, key, fmt in rows:
        a, b = ours["median"][key], ds["median"][key]
        ratio = f"{a / b:.2f}x" if key == "requests_per_s" and b else ""
        if key.endswith("_ms") and a:
            ratio = f"{b / a:.1f}x lower" if b >= a else f"{a / b:.1f}x higher"
        lines.append(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {ratio} |")
    lines.append(
        f"| peak RSS (MB) | {ours['memory']['peak_rss_mb']:.0f} | "
        f"{ds['memory']['peak_rss_mb']:.0f} | |"
    )
    lines += [
        "",
        "| p50 / p95 / p99 (ms) by kind | ours | Datasette | rows | bytes ours / Datasette "
        "| cold (first request), ours / Datasette |",
        "|---|---|---|---|---|---|",
    ]
    v = fig["verification"]
    size = v["bytes_per_response"]
    for k in KINDS:
        a, b = ours["median"]["by_kind"][k], ds["median"]["by_kind"][k]
        ca = v["cold_ms"]["ours"].get(k, {}).get("median", float("nan"))
        cb = v["cold_ms"]["datasette"].get(k, {}).get("median", float("nan"))
        lines.append(
            f"| {k} ({v['queries'][k]} queries) "
            f"| {a['p50_ms']:.2f} / {a['p95_ms']:.2f} / {a['p99_ms']:.2f} "
            f"| {b['p50_ms']:.2f} / {b['p95_ms']:.2f} / {b['p99_ms']:.2f} "
            f"| {v['rows_per_query'][k]:g} "
            f"| {size['ours'][k]:,} / {size['datasette'][k]:,} "
            f"| {ca:.1f} / {cb:.1f} ms |"
        )
    lines += ["", "| run | order | ours req/s | Datasette req/s | ratio | ours agg. p95 ms |"]
    lines.append("|---|---|---|---|---|---|")
    for i, (a, b) in enumerate(zip(ours["runs"], ds["runs"], strict=True)):
        lines.append(
            f"| {i + 1} | {fig['runs_order'][i]} | {a['requests_per_s']:.0f} "
            f"| {b['requests_per_s']:.0f} | {a['requests_per_s'] / b['requests_per_s']:.2f}x "
            f"| {a['aggregate_p95_ms']:.2f} |"
        )
    t = fig["targets"]
    lines += [
        "",
        f"- p95 of the aggregate queries <= {TARGET_P95_MS:g} ms: "
        f"**{'PASS' if t['p95_pass'] else 'FAIL'}** ({t['p95_ms']:.2f} ms, worst kind "
        f"{t['worst_kind']} {t['worst_kind_p95_ms']:.2f} ms)",
        f"- throughput >= {TARGET_RATIO:g}x Datasette: **{'PASS' if t['ratio_pass'] else 'FAIL'}**"
        f" ({t['ratio']:.2f}x, median of the runs' ratios)",
    ]
    return "\n".join(lines)


def write_results(fig: dict[str, Any], command: str) -> None:
    c, m = fig["config"], fig["machine"]
    variant = [
        name
        for name, on in (
            (f"{c['clients']} clients", c["clients"] != 4),
            ("Datasette table view", c["datasette_api"] == "table"),
            ("Datasette as shipped", c["as_shipped"]),
            ("gzip", c["gzip"]),
            ("our response cache off", c["no_cache"]),
        )
        if on
    ]
    title = f"## {dt.date.today().isoformat()}: {fig['release']['label']}"
    title += f" ({', '.join(variant)})" if variant else ""
    section = "\n".join(
        [
            title,
            "",
            f"Release `{fig['release']['version']}` ({fig['release']['observations']:,} "
            f"observation rows, {fig['release']['db_mb']:.1f} MB SQLite). Machine: "
            f"{m['nproc']} cores ({m['cpu']}), Python {m['python']}, load average "
            f"{fig['loadavg'][0]:.2f} before, {fig['loadavg'][1]:.2f} after. Servers: one process "
            f"each, uvicorn with `{c['http']}`, no access log"
            + (" for ours (Datasette as shipped, logging every request)" if c["as_shipped"] else "")
            + f". Load: {c['clients']} keep-alive clients, {c['warmup']:g} s warm-up then "
            f"{c['duration']:g} s per system, {c['repeat']} runs alternating the order"
            + (", gzip asked" if c["gzip"] else ", no compression")
            + (
                " (diagnosis: our response cache disabled, every body built again)"
                if c["no_cache"]
                else ""
            )
            + ". Datasette answers from its "
            + (
                "SQL API (`/publicacion.json?sql=...&_shape=array`)."
                if c["datasette_api"] == "sql"
                else "table JSON view (`/publicacion/observations.json?...&_shape=array`)."
            )
            + f" All {sum(fig['verification']['queries'].values())} distinct queries gave the "
            "same rows from both.",
            "",
            figures_table(fig),
            "",
            f"Command: `{command}`",
            "",
        ]
    )
    header = (
        "# Portal benchmark (`bench/portal.py`)\n\n"
        "The public API (`ciudadana serve`) under a bounded load on loopback, against Datasette "
        "0.65 serving the same release file, measured in the same run. Targets: p95 <= 20 ms for "
        "aggregate queries and >= 3x Datasette's requests/s. Method in the script's docstring.\n\n"
    )
    text = RESULTS.read_text("utf-8") if RESULTS.exists() else header
    pattern = re.compile(rf"^{re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = (
        pattern.sub(lambda _m: section, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section
    )
    RESULTS.write_text(text.rstrip() + "\n", "utf-8")


def profile_report(path: Path, top: int = 25) -> str:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# -- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", type=Path, help="a release folder (default: build a demo)")
    parser.add_argument("--persons", type=int, default=100_000, help="demo size (no --release)")
    parser.add_argument("--seed", type=int, default=20240601, help="demo seed and query order")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per system")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--datasette-api", choices=["sql", "table"], default="sql")
    parser.add_argument("--datasette-as-shipped", action="store_true")
    parser.add_argument("--gzip", action="store_true", help="ask for gzip (ours compresses)")
    parser.add_argument("--profile", type=Path, help="cProfile our server into this file")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="diagnosis: our server rebuilds every body (its response cache never hits)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS_portal.md")
    args = parser.parse_args()
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print

    built: dict[str, Any] = {}
    if args.release:
        release, label = args.release.resolve(), f"release {args.release.name}"
    else:
        release, built = demo_release(args.persons, args.seed)
        label = f"demo, {args.persons:,} persons, 2015-2020"
    db = release / "publicacion.sqlite"
    with sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True) as con:
        n_obs = con.execute("select count(*) from observations").fetchone()[0]
    info = {
        "folder": str(release),
        "version": release.name,
        "label": label,
        "observations": n_obs,
        "db_mb": round(db.stat().st_size / 1e6, 2),
        **({"built": built} if built else {}),
    }
    queries = workload(release, args.datasette_api, args.seed)
    order = cycle(queries, args.seed)
    say(f"release {release} ({n_obs:,} observations); {len(queries)} distinct queries")

    ours_port, ds_port = free_port(), free_port()
    loadavg = [os.getloadavg()[0]]
    ours = start_ours(release, ours_port, args.profile, args.no_cache)
    ds = start_datasette(release, ds_port, args.datasette_as_shipped)
    try:
        ready = {
            "ours_s": round(wait_ready(ours, ours_port, "/api/v1"), 2),
            "datasette_s": round(wait_ready(ds, ds_port, "/-/versions.json"), 2),
        }
        memory_start = {"ours": memory_mb(ours.pid), "datasette": memory_mb(ds.pid)}
        verification, problems = verify(queries, ours_port, ds_port)
        if problems:
            say("the two servers do not agree:\n  " + "\n  ".join(problems[:20]))
            return 1
        say(f"verified: same rows from both for all {len(queries)} queries")
        systems = {
            "ours": (ours, ours_port, [(q["ours"], q["kind"]) for q in order]),
            "datasette": (ds, ds_port, [(q["datasette"], q["kind"]) for q in order]),
        }
        runs: dict[str, list[dict[str, Any]]] = {"ours": [], "datasette": []}
        runs_order = []
        for r in range(args.repeat):
            names = ["ours", "datasette"] if r % 2 == 0 else ["datasette", "ours"]
            runs_order.append(" then ".join(names))
            for name in names:
                proc, port, requests = systems[name]
                raw = run_load(
                    {
                        "port": port,
                        "server_pid": proc.pid,
                        "clients": args.clients,
                        "requests": requests,
                        "warmup": args.warmup,
                        "duration": args.duration,
                        "gzip": args.gzip,
                    }
                )
                s = summarise(raw, args.duration)
                runs[name].append(s)
                say(
                    f"run {r + 1} {name:9s}: {s['requests_per_s']:8.1f} req/s  "
                    f"p50 {s['p50_ms']:6.2f}  p95 {s['p95_ms']:6.2f}  p99 {s['p99_ms']:6.2f} ms"
                    f"  errors {s['errors']}  server {s['server_cores']:.2f} cores  "
                    f"generator {s['generator_cores']:.2f} cores"
                )
        memory_end = {"ours": memory_mb(ours.pid), "datasette": memory_mb(ds.pid)}
    finally:
        stop(ours)
        stop(ds)
    loadavg.append(os.getloadavg()[0])

    fig: dict[str, Any] = {
        "release": info,
        "machine": machine(),
        "loadavg": [round(x, 2) for x in loadavg],
        "config": {
            "clients": args.clients,
            "duration": args.duration,
            "warmup": args.warmup,
            "repeat": args.repeat,
            "datasette_api": args.datasette_api,
            "as_shipped": args.datasette_as_shipped,
            "gzip": args.gzip,
            "http": http_impl(),
            "no_cache": args.no_cache,
            "seed": args.seed,
            "cycle_length": len(order),
        },
        "ready_s": ready,
        "verification": verification,
        "runs_order": runs_order,
    }
    for name in ("ours", "datasette"):
        rs = runs[name]
        median = {
            key: _med(rs, key)
            for key in (
                "requests_per_s",
                "p50_ms",
                "p95_ms",
                "p99_ms",
                "aggregate_p95_ms",
                "errors",
                "server_cores",
                "generator_cores",
                "mb_per_s",
            )
        }
        median["by_kind"] = {
            k: {
                q: round(statistics.median(r["by_kind"][k][q] for r in rs), 2)
                for q in ("p50_ms", "p95_ms", "p99_ms")
            }
            for k in KINDS
        }
        fig[name] = {
            "median": median,
            "runs": rs,
            "memory": {"start": memory_start[name], **memory_end[name]},
        }
    ratios = [
        a["requests_per_s"] / b["requests_per_s"]
        for a, b in zip(runs["ours"], runs["datasette"], strict=True)
    ]
    by_kind = fig["ours"]["median"]["by_kind"]
    worst = max(AGGREGATE, key=lambda k: by_kind[k]["p95_ms"])
    p95 = fig["ours"]["median"]["aggregate_p95_ms"]
    fig["targets"] = {
        "p95_ms": p95,
        "p95_target_ms": TARGET_P95_MS,
        "p95_pass": p95 <= TARGET_P95_MS,
        "worst_kind": worst,
        "worst_kind_p95_ms": by_kind[worst]["p95_ms"],
        "ratio": round(statistics.median(ratios), 2),
        "ratios": [round(x, 2) for x in ratios],
        "ratio_target": TARGET_RATIO,
        "ratio_pass": statistics.median(ratios) >= TARGET_RATIO,
    }
    command = shlex.join([".venv/bin/python", "bench/portal.py", *sys.argv[1:]])
    fig["command"] = command
    if args.profile:
        fig["profile"] = str(args.profile)
    if args.json:
        print(json.dumps(fig))
    else:
        print()
        print(figures_table(fig))
        if args.profile and args.profile.exists():
            print()
            print(profile_report(args.profile))
    if args.write:
        write_results(fig, command)
        say(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
