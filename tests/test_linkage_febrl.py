"""Linkage quality on FEBRL 4a x 4b (the literature's standard synthetic benchmark), on a fixed
slice: the first 1,000 people of each file, whose true matches are known by their record id.
The whole files run in ``bench/link.py febrl`` beside Splink's own example settings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from ciudadana.linkage.cluster import cluster, pairwise_scores
from ciudadana.linkage.model import train_and_score
from ciudadana.linkage.settings import load_settings

SETTINGS = Path(__file__).resolve().parent.parent / "bench" / "settings" / "febrl4.yaml"
PEOPLE = 1_000


def _frame(path: Path, offset: int) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, skipinitialspace=True, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    df = df.apply(lambda s: s.str.strip()).replace({"": None})
    df["cluster"] = df["rec_id"].str.extract(r"^rec-(\d+)")[0].astype(int)
    df = df[df["cluster"] < PEOPLE].sort_values("rec_id").reset_index(drop=True)
    return df.assign(uid=[offset + i for i in range(len(df))], source=path.stem[-1])


def test_febrl_slice_links_with_f1_above_0_995(real_data: Path) -> None:
    folder = real_data / "linkage" / "febrl"
    if not (folder / "dataset4a.csv").is_file():
        pytest.skip("FEBRL is not in the shared data")
    a, b = _frame(folder / "dataset4a.csv", 0), _frame(folder / "dataset4b.csv", 100_000)
    assert len(a) == len(b) == PEOPLE
    both = pa.Table.from_pandas(
        pd.concat([a, b]).drop(columns=["rec_id", "cluster"]), preserve_index=False
    )
    settings = load_settings(SETTINGS).settings
    pairs = train_and_score(both, settings).pairs.to_pydict()
    truth = dict(zip(a["uid"], a["cluster"], strict=True)) | dict(
        zip(b["uid"], b["cluster"], strict=True)
    )
    triples = list(zip(pairs["uid_l"], pairs["uid_r"], pairs["match_probability"], strict=True))
    side = {u: ("a" if u < 100_000 else "b") for u in truth}
    clusters = cluster(
        list(truth), triples, settings.thresholds.match, one_to_one=settings.one_to_one, side=side
    )
    scores = pairwise_scores(clusters, truth)
    assert scores["f1"] >= 0.995, scores
