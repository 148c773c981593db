"""Linkage settings are versioned files, checked at once, with errors that say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from ciudadana.linkage.cluster import cluster, pairwise_scores
from ciudadana.linkage.comparisons import REGISTRY
from ciudadana.linkage.registry import stable_ids
from ciudadana.linkage.settings import (
    InvalidSettings,
    load_settings,
    parse_settings,
    shipped_settings_names,
)

GOOD = """\
name: prueba
version: 1
blocking: [[surname1]]
comparisons:
  - {type: surnames}
  - {type: exact, column: sex}
training: {em: [[surname1]]}
"""


def test_shipped_settings_are_valid_versioned_and_compile_for_duckdb_and_spark() -> None:
    assert {"persons", "events"} <= set(shipped_settings_names())
    for name in ("persons", "events"):
        loaded = load_settings(name)
        assert loaded.settings.version >= 1 and len(loaded.sha256) == 64
        creator = loaded.settings.splink_settings()
        for dialect in ("duckdb", "spark"):
            compiled = creator.get_settings(dialect).as_dict()
            assert len(compiled["comparisons"]) == len(loaded.settings.comparisons)


def test_a_comparison_of_an_unknown_type_is_refused_with_its_line_and_the_known_types() -> None:
    text = GOOD.replace("{type: exact, column: sex}", "{type: apellidoz}")
    with pytest.raises(InvalidSettings) as err:
        parse_settings(text, path="mi-enlace.yaml")
    message = str(err.value)
    assert "mi-enlace.yaml" in message and "línea 6" in message
    assert "«apellidoz» no es una comparación conocida" in message
    assert "surnames" in message and "docs/linkage.md" in message


def test_every_problem_of_a_settings_file_is_listed_at_once() -> None:
    text = GOOD.replace("version: 1", "version: 0").replace("training:", "entrenamiento:")
    with pytest.raises(InvalidSettings) as err:
        parse_settings(text)
    assert "2 problema(s)" in str(err.value) or "3 problema(s)" in str(err.value)
    assert "campo no previsto" in str(err.value)


def test_a_missing_settings_file_names_the_shipped_ones() -> None:
    with pytest.raises(InvalidSettings, match="persons"):
        load_settings(Path("/no/existe.yaml"))


def test_every_comparison_type_is_documented() -> None:
    text = (Path(__file__).parent.parent / "docs" / "linkage.md").read_text("utf-8")
    assert sorted(t for t in REGISTRY if f"`{t}`" not in text) == []


def test_a_reviewers_different_keeps_records_apart_even_through_other_links() -> None:
    pairs = [(1, 2, 0.99), (2, 3, 0.98), (3, 4, 0.97)]
    ids = cluster([1, 2, 3, 4], pairs, 0.9, cannot_link=[(1, 4)])
    assert ids[1] != ids[4]
    assert ids[1] == ids[2]
    joined = cluster([1, 2, 3], [(1, 2, 0.2)], 0.9, must_link=[(1, 3)])
    assert joined[1] == joined[3] != joined[2]


def test_one_to_one_clustering_takes_the_most_probable_free_partner() -> None:
    side = {1: "a", 2: "a", 10: "b"}
    ids = cluster([1, 2, 10], [(1, 10, 0.99), (2, 10, 0.95)], 0.5, one_to_one=True, side=side)
    assert ids[1] == ids[10] and ids[2] != ids[10]


def test_identifiers_survive_a_rerun_and_a_split_gives_a_new_one() -> None:
    first = stable_ids({1: 1, 2: 1, 3: 1}, {}, "P", 1)
    assert set(first.values()) == {"P0000001"}
    split = stable_ids({1: 1, 2: 1, 3: 3}, first, "P", 2)
    assert split[1] == split[2] == "P0000001" and split[3] == "P0000002"


def test_pairwise_scores_count_links_within_clusters() -> None:
    scores = pairwise_scores({1: 1, 2: 1, 3: 3, 4: 3}, {1: 7, 2: 7, 3: 7, 4: 8})
    assert (scores["true_links"], scores["predicted_links"], scores["correct_links"]) == (3, 2, 1)
