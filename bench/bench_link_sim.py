"""The simulator part of bench/link.py: truth from ``simulacion/truth/record_map.parquet``."""

from __future__ import annotations

from pathlib import Path

import duckdb

SHEET_ROWS = 1_000_000
SOURCES = {
    "PNC": "gtm/pnc-hechos",
    "MP": "gtm/mp-denuncias",
    "INACIF": "gtm/inacif-necropsias",
    "OJ": "gtm/oj-casos",
    "OJ-MEDIDAS": "gtm/oj-medidas",
}


def truth_keys(workspace: Path) -> dict[str, dict[tuple[int, int, str], int]]:
    """(load_id, row_number, role) -> true person id, and -> true (event, victim) id."""
    con = duckdb.connect(str(Path(workspace) / "almacen.duckdb"), read_only=True)
    loads = dict(con.execute("select source_id, load_id from current_loads").fetchall())
    con.close()
    truth = Path(workspace) / "simulacion" / "truth" / "record_map.parquet"
    rows = duckdb.sql(
        f"select source, sheet, row, event_id, victim_id, aggressor_id from '{truth}'"
    ).fetchall()
    sheets = sorted({s for src, s, *_ in rows if src == "MP"})
    person: dict[tuple[int, int, str], int] = {}
    event: dict[tuple[int, int, str], int] = {}
    for src, sheet, row, event_id, victim, aggressor in rows:
        load = loads.get(SOURCES[src])
        if load is None:
            continue
        number = (sheets.index(sheet) + 1) * SHEET_ROWS + row if src == "MP" else row
        if victim:
            person[(load, number, "victim")] = victim
            event[(load, number, "victim")] = event_id * 10_000_000 + victim
        if aggressor:
            person[(load, number, "aggressor")] = aggressor
    return {"person": person, "event": event}


def registry_scores(workspace: Path, sources: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Pairwise F1 of the current person and event registries against the simulator's truth."""
    from ciudadana.linkage.cluster import pairwise_scores

    truth = truth_keys(workspace)
    con = duckdb.connect(str(Path(workspace) / "almacen.duckdb"), read_only=True)
    persons = con.execute(
        "select load_id, row_number, role, person_id, source_id "
        "from restricted.current_person_registry"
    ).fetchall()
    events = con.execute(
        "select load_id, row_number, event_id, source_id from restricted.current_event_registry"
    ).fetchall()
    con.close()
    keep = {SOURCES[s] for s in sources} if sources else None
    pred_p = {
        (lo, ro, role): pid for lo, ro, role, pid, src in persons if keep is None or src in keep
    }
    pred_e = {(lo, ro, "victim"): eid for lo, ro, eid, src in events if keep is None or src in keep}
    return {
        "persons": pairwise_scores(pred_p, truth["person"]),
        "events": pairwise_scores(pred_e, truth["event"]),
    }


# -- the benchmark jobs (each runs in a fresh subprocess, see bench/link.py) -----------------------

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work"
THREE = ("PNC", "MP", "INACIF")


def demo_workspace(persons: int, seed: int, first: int = 2015, last: int = 2020) -> Path:
    """A demo workspace (simulated and ingested), made once and kept under bench/_work/."""
    from ciudadana.demo_run import run_demo

    folder = WORK / f"link_demo_{persons}_s{seed}_{first}_{last}"
    if not (folder / ".complete").exists():
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        run_demo(folder, seed=seed, persons=persons, first_year=first, last_year=last)
        (folder / ".complete").write_text("ok")
    return folder


def fresh_copy(folder: Path, name: str) -> Path:
    import shutil

    target = WORK / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(folder, target)
    return target


def job_sim_link(args: list[str]) -> dict:
    """Link a demo workspace (persons events), time it, score it against the truth."""
    import time

    from ciudadana.linkage import link_workspace
    from ciudadana.workspace import open_workspace

    persons, seed = int(args[0]), int(args[1])
    ws_dir = fresh_copy(demo_workspace(persons, seed), f"link_run_{persons}_s{seed}")
    t = time.perf_counter()
    report = link_workspace(open_workspace(ws_dir))
    seconds = time.perf_counter() - t
    scores_all = registry_scores(ws_dir)
    scores_three = registry_scores(ws_dir, THREE)
    return {
        "persons": persons,
        "seed": seed,
        "seconds": seconds,
        "timings": report.timings,
        "runs": report.runs,
        "all": scores_all,
        "three": scores_three,
        "workspace": str(ws_dir),
    }


def job_mse(args: list[str]) -> dict:
    """One seed: link, then estimate VIF (category 0201) from PNC, MP and protection orders
    with each rule; the same rules on the true capture histories (the oracle)."""
    import time

    from ciudadana.linkage import link_workspace
    from ciudadana.linkage.mse import average_models, select_model
    from ciudadana.linkage.mse_run import capture_counts, events_sql
    from ciudadana.workspace import open_workspace

    persons, seed, first, last = (int(a) for a in args[:4])
    ws_dir = fresh_copy(demo_workspace(persons, seed, first, last), f"mse_run_{seed}")
    t = time.perf_counter()
    link_workspace(open_workspace(ws_dir))
    con = duckdb.connect(str(ws_dir / "almacen.duckdb"), read_only=True)
    cur = con.execute(events_sql())
    names = [d[0] for d in cur.description]
    events = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    con.close()
    vif = [e for e in events if e["category"] == "0201"]
    sources = sorted({s for e in vif for s in e["sources"]})
    linked = capture_counts(vif, sources)
    path = Path(ws_dir) / "simulacion" / "truth" / "events.parquet"
    ((true_total, histories),) = duckdb.sql(
        f"""
        select count(*),
               list([visto_mp::int, visto_medidas::int, visto_pnc::int])
        from '{path}'
        where categoria = 'vif'
        """
    ).fetchall()
    seen = [{"sources": [s for s, v in zip(("mp", "medidas", "pnc"), h, strict=True) if v]}
            for h in histories]  # fmt: skip
    oracle = capture_counts(seen, ["mp", "medidas", "pnc"])
    rules = {
        "bic": lambda c: select_model(c, 3, criterion="bic").best,
        "aic": lambda c: select_model(c, 3, criterion="aic").best,
        "average": lambda c: average_models(c, 3, criterion="aic"),
    }
    out = {"seed": seed, "true_total": true_total, "sources": sources, "seconds": 0.0}
    for name, rule in rules.items():
        for key, counts in (("linked", linked), ("oracle", oracle)):
            f = rule(counts)
            out[f"{key}_{name}"] = {
                "model": f.model,
                "estimate": f.abundance,
                "lower": f.lower,
                "upper": f.upper,
                "observed": f.observed,
            }
    out["seconds"] = time.perf_counter() - t
    return out


CHILD_JOBS = {"sim-link": job_sim_link, "mse": job_mse}


def _fmt(s: dict) -> str:
    return f"{s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f}"


def main(opts) -> None:  # noqa: ANN001 (argparse namespace)
    import statistics
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from link import run_child  # type: ignore[import-not-found]

    if opts.what == "sim":
        sizes = [opts.persons] if opts.persons else [100_000]
        print("| persons | seed | link s | peak RSS MB | persons P / R / F1 (3 sources) "
              "| events P / R / F1 (3 sources) | persons F1 (5) | events F1 (5) |")  # fmt: skip
        print("|---:|---:|---:|---:|---|---|---:|---:|")
        for persons in sizes:
            demo_workspace(persons, 20240601)  # built outside the timed child
            for _ in range(opts.repeat):
                r = run_child("sim-link", str(persons), "20240601")
                print(
                    f"| {persons:,} | 20240601 | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} "
                    f"| {_fmt(r['three']['persons'])} | {_fmt(r['three']['events'])} "
                    f"| {r['all']['persons']['f1']:.4f} | {r['all']['events']['f1']:.4f} |"
                )
                print(f"<!-- timings {json_dumps(r['timings'])} runs {json_dumps(r['runs'])} -->")
        return
    import collections

    tally: dict[str, list[tuple[bool, float]]] = collections.defaultdict(list)
    print("| seed | true VIF | observed | BIC model | estimate | 95 % interval | AIC-averaged "
          "| interval | oracle BIC | oracle interval |")  # fmt: skip
    print("|---:|---:|---:|---|---:|---|---:|---|---:|---|")
    for seed in range(1, opts.seeds + 1):
        demo_workspace(opts.persons, seed, 2019, 2020)
        r = run_child("mse", str(opts.persons), str(seed), "2019", "2020")
        true = r["true_total"]
        for key in ("linked", "oracle"):
            for rule in ("bic", "aic", "average"):
                f = r[f"{key}_{rule}"]
                tally[f"{key} {rule}"].append(
                    (f["lower"] <= true <= f["upper"], abs(f["estimate"] - true) / true)
                )
        b, a, o = r["linked_bic"], r["linked_average"], r["oracle_bic"]

        def mark(f: dict, true: int = true) -> str:
            return "✓" if f["lower"] <= true <= f["upper"] else "✗"

        print(
            f"| {seed} | {true} | {b['observed']} | {b['model']} | {b['estimate']:.0f} "
            f"| {b['lower']:.0f} – {b['upper']:.0f} {mark(b)} | {a['estimate']:.0f} "
            f"| {a['lower']:.0f} – {a['upper']:.0f} {mark(a)} | {o['estimate']:.0f} "
            f"| {o['lower']:.0f} – {o['upper']:.0f} {mark(o)} |"
        )
    print()
    print(
        "| capture histories | rule | intervals covering the true total | median relative error |"
    )
    print("|---|---|---:|---:|")
    names = {"bic": "select by BIC (default)", "aic": "select by AIC", "average": "AIC-averaged"}
    for key, rows in tally.items():
        source, rule = key.split()
        covers = sum(c for c, _ in rows)
        median = statistics.median(e for _, e in rows)
        print(f"| {source} | {names[rule]} | {covers} of {len(rows)} | {median:.4f} |")


def json_dumps(value: object) -> str:
    import json

    return json.dumps(value, default=str)
