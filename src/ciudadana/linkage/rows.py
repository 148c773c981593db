"""The rows a linkage run writes: registry, pairs, the run's own record.

Example:
    >>> triples(pa.table({"uid_l": [1], "uid_r": [2], "match_probability": [0.97]}))
    [(1, 2, 0.97)]
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

import ciudadana
from ciudadana.linkage.model import Scored
from ciudadana.linkage.prepare import key_of
from ciudadana.linkage.registry import Snapshot
from ciudadana.linkage.settings import LoadedSettings


def triples(pairs: pa.Table) -> list[tuple[int, int, float]]:
    """Scored pairs as ``(uid_l, uid_r, match_probability)``."""
    return list(
        zip(
            pairs["uid_l"].to_pylist(),
            pairs["uid_r"].to_pylist(),
            pairs["match_probability"].to_pylist(),
            strict=True,
        )
    )


def best_probability(
    triples: Sequence[tuple[int, int, float]], ids: dict[int, str], cut: float
) -> dict[int, float]:
    """Each record's most probable link inside its own cluster."""
    best: dict[int, float] = {}
    for a, b, p in triples:
        if p >= cut and ids.get(a) is not None and ids.get(a) == ids.get(b):
            best[a] = max(best.get(a, 0.0), p)
            best[b] = max(best.get(b, 0.0), p)
    return best


def pair_rows(
    run_id: int, kind: str, scored: Scored, loaded: LoadedSettings, decided: set[frozenset[int]]
) -> tuple[pa.Table | None, int, int]:
    cut = loaded.settings.thresholds
    rows: dict[str, list[Any]] = defaultdict(list)
    linked = review = 0
    for a, b, p, w in zip(
        scored.pairs["uid_l"].to_pylist(),
        scored.pairs["uid_r"].to_pylist(),
        scored.pairs["match_probability"].to_pylist(),
        scored.pairs["match_weight"].to_pylist(),
        strict=True,
    ):
        if p >= cut.match:
            status = "linked"
            linked += 1
        elif p >= cut.review and frozenset((a, b)) not in decided:
            status = "review"
            review += 1
        else:
            continue
        (la, ra, rola), (lb, rb, rolb) = key_of(a), key_of(b)
        for name, value in (
            ("run_id", run_id),
            ("kind", kind),
            ("load_id_l", la),
            ("row_number_l", ra),
            ("role_l", rola),
            ("load_id_r", lb),
            ("row_number_r", rb),
            ("role_r", rolb),
            ("match_probability", p),
            ("match_weight", w),
            ("status", status),
        ):
            rows[name].append(value)
    return (pa.table(rows) if rows else None), linked, review


def registry_rows(
    run_id: int, ids: dict[int, str], sources: dict[int, str], best: dict[int, float], column: str
) -> pa.Table:
    rows: dict[str, list[Any]] = defaultdict(list)
    for uid, ident in ids.items():
        load_id, row_number, role = key_of(uid)
        rows["run_id"].append(run_id)
        rows[column].append(ident)
        rows["load_id"].append(load_id)
        rows["row_number"].append(row_number)
        if column == "person_id":
            rows["role"].append(role)
        rows["source_id"].append(sources[uid])
        rows["match_probability"].append(best.get(uid))
    return pa.table(rows)


def run_row(
    run_id: int,
    kind: str,
    backend: str,
    loaded: LoadedSettings,
    scored: Scored,
    snap: Snapshot,
    counts: dict[str, int],
    notes: list[str],
    started: dt.datetime,
) -> dict[str, Any]:
    s = loaded.settings
    return {
        "run_id": run_id,
        "kind": kind,
        "backend": backend,
        "settings_name": s.name,
        "settings_version": s.version,
        "settings_sha256": loaded.sha256,
        "settings_text": loaded.text,
        "model_json": json.dumps(scored.model, ensure_ascii=False, default=str),
        "match_threshold": s.thresholds.match,
        "review_threshold": s.thresholds.review,
        "load_ids": sorted({r["load_id"] for r in snap.rows}),
        "pairs_scored": len(scored.pairs),
        "notes": notes,
        "started_at": started,
        "finished_at": dt.datetime.now(),
        "ciudadana_version": ciudadana.__version__,
        **counts,
    }
