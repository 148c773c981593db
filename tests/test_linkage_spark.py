"""The same settings link on Splink's Spark backend (local mode) as on DuckDB.

Needs Java 17 and ``pip install pyspark`` (the ``spark`` extra); skipped without them.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from ciudadana.linkage.backends import database_api
from ciudadana.linkage.model import train_and_score
from ciudadana.linkage.prepare import linkage_table
from ciudadana.linkage.run import persons_input
from ciudadana.linkage.settings import load_settings

pytest.importorskip("pyspark")
if not shutil.which("java"):
    pytest.skip("Spark necesita Java 17 (no se encontró `java`)", allow_module_level=True)

GIVEN = ["María José", "Ana Lucía", "José Alberto", "Juan Carlos", "Rosa", "Pedro", "Dora Paola"]
SURNAMES = ["López", "García", "Pérez", "Hernández", "Tzul", "Cojulún", "Morales", "Cruz", "Ixcoy"]


def _people(n: int, seed: int = 3) -> list[dict[str, Any]]:
    """``n`` persons written by two sources, the second with typical faults."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        given, s1, s2 = rnd.choice(GIVEN), rnd.choice(SURNAMES), rnd.choice(SURNAMES)
        age, day = rnd.randint(18, 70), dt.date(2020, 1, 1) + dt.timedelta(rnd.randint(0, 360))
        muni = f"{rnd.randint(1, 22):02d}01"
        common = {"sex": rnd.choice(["male", "female"]), "age": age, "event_date": day}
        common |= {"date_occurrence": day, "territory_code": muni, "department_code": muni[:2]}
        rows.append(
            {"load_id": 1, "row_number": i + 2, "role": "victim", "source_id": "a",
             "given_names": given, "surnames": f"{s1} {s2}", **common}
        )  # fmt: skip
        faulty = rnd.choice([f"{s1} {s2}", s1, f"{s2} {s1}", f"{s1} de {s2}"])
        rows.append(
            {"load_id": 2, "row_number": i + 2, "role": "victim", "source_id": "b",
             "full_name": f"{given.upper()} {faulty.upper()}", **common}
        )  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from ciudadana.linkage.backends import spark_session

    session = spark_session(partitions=1, memory="1g")
    yield session
    session.stop()


@pytest.mark.slow
def test_persons_link_the_same_on_spark_local_mode_as_on_duckdb(spark: Any) -> None:
    records = persons_input(linkage_table(_people(60)))
    settings = load_settings("persons").settings
    training = settings.training.model_copy(  # fewer Spark jobs: one EM session, no prior
        update={
            "u_max_pairs": 2e3,
            "u_chunks": 1,
            "em": settings.training.em[:1],
            "deterministic": None,
            "probability_two_random_records_match": 0.01,
        }
    )
    settings = settings.model_copy(update={"training": training})
    found = {}
    for backend in ("duckdb", "spark"):
        api = database_api(backend, spark=spark if backend == "spark" else None)
        scored = train_and_score(records, settings, api)
        pairs = scored.pairs.to_pydict()
        found[backend] = {
            (a, b)
            for a, b, p in zip(
                pairs["uid_l"], pairs["uid_r"], pairs["match_probability"], strict=True
            )
            if p >= settings.thresholds.match
        }
    true_pairs = {(uid(1, i), uid(2, i)) for i in range(60)}
    assert len(found["duckdb"] & true_pairs) >= 30
    assert len(found["spark"] & true_pairs) >= len(found["duckdb"] & true_pairs) - 2
    assert len(found["spark"] ^ found["duckdb"]) <= 3


def uid(load_id: int, i: int) -> int:
    from ciudadana.linkage.prepare import uid_of

    return uid_of(load_id, i + 2, "victim")
