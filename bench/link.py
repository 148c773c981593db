"""Benchmarks of ciudadana.linkage (figures and commands in bench/RESULTS_link.md).

    .venv/bin/python bench/link.py febrl            # FEBRL 4a x 4b: ours vs Splink's example
    .venv/bin/python bench/link.py sim              # the simulator: persons and events F1, time
    .venv/bin/python bench/link.py mse --seeds 20   # multiple-systems estimation coverage

Each measured run is a fresh subprocess (``--child``) so that peak memory (``ru_maxrss``) is its
own; the parent prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEBRL = Path(os.environ.get("CIUDADANA_FEBRL", "/work/shared/data/linkage/febrl"))
WORK = ROOT / "bench" / "_work"


# -- FEBRL ------------------------------------------------------------------------------------


def _febrl_frames():  # -> tuple[pd.DataFrame, pd.DataFrame]
    import pandas as pd

    frames = []
    for name in ("dataset4a.csv", "dataset4b.csv"):
        df = pd.read_csv(FEBRL / name, dtype=str, skipinitialspace=True, keep_default_na=False)
        df.columns = [c.strip() for c in df.columns]
        df = df.apply(lambda s: s.str.strip()).replace({"": None})
        df["cluster"] = df["rec_id"].str.extract(r"^(rec-\d+)")[0]
        frames.append(df)
    return frames[0], frames[1]


def _febrl_truth_f1(pairs, a, b, threshold: float, one_to_one: bool) -> dict:
    """F1 of clusters made at ``threshold`` (both methods clustered the same way)."""
    from ciudadana.linkage.cluster import cluster, pairwise_scores

    ids = list(range(len(a))) + [100_000 + i for i in range(len(b))]
    truth = {i: c for i, c in enumerate(a["cluster"])}
    truth.update({100_000 + i: c for i, c in enumerate(b["cluster"])})
    side = {i: ("a" if i < 100_000 else "b") for i in ids}
    triples = list(zip(pairs["uid_l"], pairs["uid_r"], pairs["match_probability"], strict=True))
    clusters = cluster(ids, triples, threshold, one_to_one=one_to_one, side=side)
    return pairwise_scores(clusters, truth)


def febrl_ours() -> dict:
    import pyarrow as pa

    from ciudadana.linkage.model import train_and_score
    from ciudadana.linkage.settings import load_settings

    a, b = _febrl_frames()
    t0 = time.perf_counter()
    a = a.assign(uid=range(len(a)), source="a")
    b = b.assign(uid=[100_000 + i for i in range(len(b))], source="b")
    both = pa.Table.from_pandas(
        __import__("pandas").concat([a, b]).drop(columns=["rec_id", "cluster"]),
        preserve_index=False,
    )
    settings = load_settings(ROOT / "bench" / "settings" / "febrl4.yaml").settings
    scored = train_and_score(both, settings)
    elapsed = time.perf_counter() - t0
    pairs = scored.pairs.to_pydict()
    scores = _febrl_truth_f1(pairs, a, b, settings.thresholds.match, settings.one_to_one)
    return {"method": "ciudadana (bench/settings/febrl4.yaml)", "seconds": elapsed, **scores}


def febrl_baseline() -> dict:
    """Splink's own FEBRL4 example (docs/demos/examples/duckdb/febrl4), detailed model."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    a, b = _febrl_frames()
    t0 = time.perf_counter()
    a = a.assign(uid=range(len(a)))
    b = b.assign(uid=[100_000 + i for i in range(len(b))])
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="uid",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI()
    linker = Linker(
        [
            db_api.register(a.drop(columns=["rec_id", "cluster"])),
            db_api.register(b.drop(columns=["rec_id", "cluster"])),
        ],
        settings,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    df = linker.inference.predict(threshold_match_probability=0.2).as_pandas_dataframe()
    elapsed = time.perf_counter() - t0
    pairs = {
        "uid_l": df["uid_l"].tolist(),
        "uid_r": df["uid_r"].tolist(),
        "match_probability": df["match_probability"].tolist(),
    }
    scores = _febrl_truth_f1(pairs, a, b, 0.5, one_to_one=False)
    return {"method": "Splink's FEBRL4 example (baseline)", "seconds": elapsed, **scores}


# -- running children ---------------------------------------------------------------------------


def run_child(job: str, *args: str) -> dict:
    """Run ``job`` in a fresh interpreter; its result plus its own peak memory."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", job, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{job} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child(job: str, args: list[str]) -> None:
    jobs = {"febrl-ours": febrl_ours, "febrl-baseline": febrl_baseline}
    if job in jobs:
        result = jobs[job]()
    else:
        from bench_link_sim import CHILD_JOBS  # type: ignore[import-not-found]

        result = CHILD_JOBS[job](args)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result, default=str))


def febrl(repeat: int) -> None:
    rows = []
    for _ in range(repeat):
        rows.append(run_child("febrl-baseline"))
        rows.append(run_child("febrl-ours"))
    print("| method | seconds | precision | recall | F1 | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['method']} | {r['seconds']:.2f} | {r['precision']:.5f} | {r['recall']:.5f} "
            f"| {r['f1']:.5f} | {r['peak_rss_mb']:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["febrl", "sim", "mse"], nargs="?")
    parser.add_argument("--child", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--years", default="2015-2020", help="simulated years (sim)")
    opts, rest = parser.parse_known_args()
    sys.path.insert(0, str(ROOT / "bench"))
    if opts.child:
        child(opts.child[0], opts.child[1:] + rest)
    elif opts.what == "febrl":
        febrl(opts.repeat)
    else:
        from bench_link_sim import main as sim_main  # type: ignore[import-not-found]

        sim_main(opts)


if __name__ == "__main__":
    main()
