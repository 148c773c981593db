"""Train a Splink model from settings and score the blocked pairs, on any Splink backend.

:func:`train_and_score` takes a table of records (pyarrow), validated settings and a Splink
database API (DuckDB by default, Spark for scale: see ``backends.py``). It drops comparisons
the data cannot feed (a column empty in every record) with a note, estimates the probability
that two random records match from deterministic rules, u by random sampling and m by EM on
each training rule (skipping rules that block no pair, with a note), then predicts. It returns
the scored pairs and the trained model as JSON, saved with the run.

Example:
    >>> scored = train_and_score(records, load_settings("persons").settings)  # doctest: +SKIP
    >>> scored.pairs.column_names[:3]  # doctest: +SKIP
    ['uid_l', 'uid_r', 'match_probability']
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from splink import Linker
from splink.internals.database_api import DatabaseAPI
from splink.internals.exceptions import SplinkException

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.linkage.comparisons import Comparison
from ciudadana.linkage.settings import Settings, blocking_rule, rule_columns

log = logging.getLogger("ciudadana.linkage")

Progress = Callable[[str], None]


@dataclass
class Scored:
    """Scored pairs (``uid_l``, ``uid_r``, ``match_probability``, ``match_weight``), the model."""

    pairs: pa.Table
    model: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    comparisons: list[str] = field(default_factory=list)


def _filled(table: pa.Table, column: str) -> bool:
    if column not in table.column_names:
        return False
    col = table.column(column)
    return len(col) - col.null_count > 0


def usable_comparisons(table: pa.Table, settings: Settings) -> tuple[list[Comparison], list[str]]:
    """Comparisons whose first column has data somewhere; a note for each one dropped."""
    kept, notes = [], []
    for comp in settings.comparisons:
        cols = comp.columns()
        missing = [c for c in cols if c not in table.column_names]
        if missing:
            raise CiudadanaError(
                _(
                    "La comparación «{name}» necesita las columnas {columns}, que la tabla de "
                    "registros no tiene. Revise la configuración de enlace (docs/linkage.md "
                    "lista las columnas)."
                ).format(name=comp.output_name, columns=", ".join(missing)),
                code="linkage-missing-column",
            )
        if _filled(table, comp.presence_column()):
            kept.append(comp)
        else:
            notes.append(
                _(
                    "Ningún registro trae «{column}»: la comparación «{name}» no se usa en este "
                    "enlace."
                ).format(column=comp.presence_column(), name=comp.output_name)
            )
    if not kept:
        raise CiudadanaError(
            _(
                "Ningún registro trae datos que se puedan comparar (nombres, número de "
                "identidad, fechas, lugar). Revise que las especificaciones de las fuentes lean "
                "esos campos."
            ),
            code="linkage-no-fields",
        )
    return kept, notes


def _usable_rules(table: pa.Table, rules: list[Any]) -> list[Any]:
    return [r for r in rules if all(_filled(table, c) for c in rule_columns(r))]


def _register(db_api: DatabaseAPI, records: pa.Table, settings: Settings) -> list[Any]:
    """One input table, or one per source for ``link_only``/``link_and_dedupe``."""
    spark = db_api.sql_dialect.sql_dialect_str == "spark"

    def native(table: pa.Table) -> Any:  # Spark takes pandas; DuckDB takes Arrow as it is
        return table.to_pandas() if spark else table

    column = settings.source_column
    if settings.link_type == "dedupe_only" or not column:
        return [db_api.register(native(records))]
    parts = []
    for value in sorted(set(records.column(column).to_pylist())):
        part = records.filter(pc.equal(records[column], value)).drop_columns([column])
        parts.append(db_api.register(native(part), table_name=f"fuente_{value}"))
    return parts


def train_and_score(
    records: pa.Table,
    settings: Settings,
    db_api: DatabaseAPI | None = None,
    *,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> Scored:
    """Train on ``records`` and return every blocked pair scoring at least ``threshold``.

    Args:
        records: one row per record, with the settings' ``unique_id`` and columns.
        settings: validated settings (see :func:`ciudadana.linkage.settings.load_settings`).
        db_api: a Splink database API; a new in-memory DuckDB one by default.
        threshold: lowest match probability kept (default: the review threshold).
        progress: called with a Spanish description of each step.
    """
    say = progress or (lambda _m: None)
    quiet = not log.isEnabledFor(logging.DEBUG)
    splink_log = logging.getLogger("splink")
    level = splink_log.level
    if quiet:  # Splink reports every EM iteration; --debug shows them
        splink_log.setLevel(logging.ERROR)
    try:
        return _train_and_score(records, settings, db_api, threshold, say)
    finally:
        splink_log.setLevel(level)


def _train_and_score(
    records: pa.Table,
    settings: Settings,
    db_api: DatabaseAPI | None,
    threshold: float | None,
    say: Progress,
) -> Scored:
    if len(records) < 2:
        empty = pa.table(
            {
                "uid_l": pa.array([], pa.int64()),
                "uid_r": pa.array([], pa.int64()),
                "match_probability": pa.array([], pa.float64()),
                "match_weight": pa.array([], pa.float64()),
            }
        )
        note = f"Solo {len(records)} registro(s) que comparar: no hay pares que puntuar."
        return Scored(empty, {}, [note])
    if db_api is None:
        from ciudadana.linkage.backends import database_api

        db_api = database_api("duckdb")
    rules = [*settings.blocking, *settings.training.em]
    if settings.training.deterministic:
        rules += settings.training.deterministic.rules
    unknown = sorted({c for r in rules for c in rule_columns(r)} - set(records.column_names))
    if unknown:
        raise CiudadanaError(
            _(
                "Las reglas de bloqueo o de entrenamiento usan columnas que no existen: "
                "{unknown}. Las columnas de los registros son: {columns} (docs/linkage.md)."
            ).format(unknown=", ".join(unknown), columns=", ".join(records.column_names)),
            code="linkage-missing-column",
        )
    comparisons, notes = usable_comparisons(records, settings)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    blocking = _usable_rules(records, settings.blocking)
    if not blocking:
        raise CiudadanaError(
            _(
                "Ninguna regla de bloqueo tiene datos: los registros no comparten los campos por "
                "los que se buscan pares. Agregue reglas en la configuración o lea más campos."
            ),
            code="linkage-no-blocking",
        )
    trimmed = settings.model_copy(update={"blocking": blocking, "comparisons": comparisons})
    linker = Linker(
        _register(db_api, records, settings),
        trimmed.splink_settings(),
        log_level=logging.INFO if log.isEnabledFor(logging.DEBUG) else None,
    )
    training = settings.training
    if training.deterministic and training.probability_two_random_records_match is None:
        rules = _usable_rules(records, training.deterministic.rules)
        if rules:
            say(_("Estimando la probabilidad a priori de un par verdadero"))
            linker.training.estimate_probability_two_random_records_match(
                [blocking_rule(r, settings.pair_condition) for r in rules],
                recall=training.deterministic.recall,
            )
    say(_("Estimando u (pares al azar)"))
    linker.training.estimate_u_using_random_sampling(
        max_pairs=training.u_max_pairs, seed=training.seed, num_chunks=training.u_chunks
    )
    timings["u"] = time.perf_counter() - t
    t = time.perf_counter()
    trained = False
    for rule in training.em:
        if not _usable_rules(records, [rule]):
            notes.append(_("Regla de entrenamiento {rule} sin datos: omitida.").format(rule=rule))
            continue
        say(_("Entrenando m por EM sobre {rule}").format(rule=rule))
        # A session that degenerates (an m of 0) must leave the model as it was: Splink has
        # already stored its estimates when it fails, so they are put back by hand.
        saved = copy.deepcopy(linker._settings_obj.core_model_settings)
        sessions = len(linker._em_training_sessions)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                blocking_rule(rule),
                estimate_without_term_frequencies=training.em_without_term_frequencies,
            )
            trained = True
        except (SplinkException, ValueError, ZeroDivisionError) as exc:
            log.info("EM on %s failed: %s", rule, exc)
            linker._settings_obj.core_model_settings = saved
            del linker._em_training_sessions[sessions:]
            notes.append(
                _(
                    "La sesión de EM sobre {rule} no converge con estos datos: se omite y m queda "
                    "con lo que estimaron las demás."
                ).format(rule=rule)
            )
    if not trained:
        notes.append(_("Ninguna regla de EM pudo entrenar m: se usan los valores iniciales."))
    _floor_m(linker, training.m_floor)
    timings["em"] = time.perf_counter() - t
    t = time.perf_counter()
    say(_("Puntuando los pares"))
    cut = settings.thresholds.review if threshold is None else threshold
    predictions = linker.inference.predict(threshold_match_probability=cut)
    uid = settings.unique_id
    arrow = predictions.as_pandas_dataframe()
    pairs = pa.table(
        {
            "uid_l": pa.array(arrow[f"{uid}_l"].to_numpy(), pa.int64()),
            "uid_r": pa.array(arrow[f"{uid}_r"].to_numpy(), pa.int64()),
            "match_probability": pa.array(arrow["match_probability"].to_numpy(), pa.float64()),
            "match_weight": pa.array(arrow["match_weight"].to_numpy(), pa.float64()),
        }
    )
    timings["predict"] = time.perf_counter() - t
    model = linker.misc.save_model_to_json()
    predictions.drop_table_from_database_and_remove_from_cache()
    return Scored(pairs, model, notes, timings, [c.output_name for c in comparisons])


def _floor_m(linker: Linker, floor: float) -> None:
    """No m below ``floor``: one disagreeing field (a misspelt municipality) must not veto a
    pair that everything else says is the same. EM on few pairs drives some m to 1e-50."""
    if floor <= 0:
        return
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level or level._fix_m_probability:
                continue
            m = level.m_probability
            if isinstance(m, float) and m < floor:
                level.m_probability = floor


def pairs_above(pairs: pa.Table, threshold: float) -> pa.Table:
    """The pairs whose match probability reaches ``threshold``."""
    return pairs.filter(pc.greater_equal(pairs["match_probability"], threshold))
