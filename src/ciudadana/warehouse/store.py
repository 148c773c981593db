"""Open, migrate and write the warehouse. Only this module writes it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from ciudadana.errors import CiudadanaError, WarehouseBusy
from ciudadana.i18n import _

log = logging.getLogger("ciudadana.sql")

STAGE_PREFIX = "_stage_"

# Target table -> the temporary staging table an ingest fills for it.
STAGED_TARGETS: dict[str, str] = {
    "events": "_stage_events",
    "event_offences": "_stage_event_offences",
    "persons": "_stage_persons",
    "restricted.person_identity": "_stage_person_identity",
    "restricted.event_location": "_stage_event_location",
    "aggregates": "_stage_aggregates",
    "population": "_stage_population",
    "restricted.quarantine": "_stage_quarantine",
    "findings": "_stage_findings",
}


@dataclass
class LoadRecord:
    """One row of ``loads``: where a load came from and what became of its rows."""

    load_id: int
    source_id: str
    spec_name: str
    spec_sha256: str
    file_name: str
    file_sha256: str
    raw_path: str
    file_bytes: int
    counting_unit: str
    date_semantics: str | None
    country: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    rows_skipped: int
    period_start: date | None
    period_end: date | None
    started_at: datetime
    finished_at: datetime
    ciudadana_version: str
    superseded_by: int | None = None
    columns: list[str] = field(default_factory=list)
    notes: str | None = None


@dataclass
class StagedLoad:
    """What an ingest staged on the warehouse connection, ready to be committed at once.

    ``tables`` lists the target tables (keys of ``STAGED_TARGETS``) whose staging table exists.
    ``supersedes`` lists earlier loads that this corrected re-delivery replaces.
    """

    record: LoadRecord
    tables: list[str] = field(default_factory=list)
    supersedes: list[int] = field(default_factory=list)


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("ciudadana.warehouse") / "migrations"
    found = []
    for item in folder.iterdir():
        match = re.fullmatch(r"(\d{3})_(\w+)\.sql", item.name)
        if match:
            found.append((int(match.group(1)), match.group(2), item.read_text("utf-8")))
    return sorted(found)


def _busy_error(path: Path, exc: Exception) -> WarehouseBusy:
    pid = re.search(r"PID (\d+)", str(exc))
    who = _(" (proceso {pid})").format(pid=pid.group(1)) if pid else ""
    return WarehouseBusy(
        _(
            "El almacén {path} está en uso por otro proceso{who}, probablemente otra carga. "
            "Espere a que termine y vuelva a intentarlo; nada se ha modificado."
        ).format(path=path, who=who)
    )


class Warehouse:
    """The read-write warehouse. Open it with :meth:`open`; it holds DuckDB's file lock.

    Example:
        >>> with Warehouse.open(tmp_path / "almacen.duckdb") as wh:  # doctest: +SKIP
        ...     wh.loads()
    """

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con

    @classmethod
    def open(cls, path: Path, *, create: bool = False) -> Warehouse:
        """Open (or with ``create`` make) the warehouse file and bring its schema up to date."""
        path = Path(path)
        if not create and not path.exists():
            raise CiudadanaError(
                _(
                    "No existe el almacén {path}. Cree un espacio de trabajo con "
                    "`ciudadana init DIR` o indique --workspace."
                ).format(path=path),
                code="no-warehouse",
            )
        try:
            con = duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise _busy_error(path, exc) from exc
            raise CiudadanaError(
                _("No se pudo abrir el almacén {path}: {problem}").format(path=path, problem=exc),
                code="warehouse-unreadable",
            ) from exc
        wh = cls(path, con)
        wh.migrate()
        return wh

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # -- schema -----------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply the numbered migrations not yet recorded; re-applying is a no-op."""
        self.con.execute(
            "create table if not exists schema_migrations "
            "(version integer primary key, name varchar, applied_at timestamp)"
        )
        done = {v for (v,) in self.con.execute("select version from schema_migrations").fetchall()}
        applied = []
        for version, name, sql in _migrations():
            if version in done:
                continue
            with self.transaction():
                self.con.execute(sql)
                self.con.execute(
                    "insert into schema_migrations values (?, ?, current_timestamp)",
                    [version, name],
                )
            applied.append(version)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("begin transaction")
        try:
            yield
        except BaseException:
            self.con.execute("rollback")
            raise
        self.con.execute("commit")

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run one statement, logging it at DEBUG (``--debug`` shows every statement)."""
        log.debug("%s\n-- params: %s", sql.strip(), params)
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    # -- reference data -----------------------------------------------------------------------

    def replace_reference(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        """Replace a reference table (``iccs``, ``territories``) with ``rows``, atomically."""
        if table not in {"iccs", "territories"}:
            raise ValueError(table)
        rows = list(rows)
        columns = [
            c
            for (c,) in self.con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'main' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
        ]
        placeholders = ", ".join("?" for _ in columns)
        with self.transaction():
            if table == "territories" and rows:
                countries = sorted({r["country"] for r in rows})
                self.con.execute(
                    "delete from territories where country in (select unnest(?))", [countries]
                )
            elif table == "iccs":
                self.con.execute("delete from iccs")
            self.con.executemany(
                f"insert into {table} values ({placeholders})",
                [[r.get(c) for c in columns] for r in rows],
            )
        return len(rows)

    # -- loads ------------------------------------------------------------------------------

    def next_load_id(self) -> int:
        (value,) = self.con.execute("select coalesce(max(load_id), 0) + 1 from loads").fetchone()
        return int(value)

    def find_identical_load(self, file_sha256: str, spec_sha256: str) -> dict[str, Any] | None:
        """The load that already took this very file with this very spec, if any."""
        return self._one(
            "select * from loads where file_sha256 = ? and spec_sha256 = ? "
            "order by load_id limit 1",
            [file_sha256, spec_sha256],
        )

    def overlapping_loads(self, source_id: str, start: date, end: date) -> list[dict[str, Any]]:
        """Current loads of ``source_id`` whose period lies within [start, end]."""
        return self._all(
            """
            select *
            from loads
            where source_id = ?
              and superseded_by is null
              and period_start >= ?
              and period_end <= ?
            order by load_id
            """,
            [source_id, start, end],
        )

    def load_departments(self, load_id: int) -> set[str]:
        """The departments a load's events fall in (empty for a load without events)."""
        rows = self.con.execute(
            "select distinct department_code from events "
            "where load_id = ? and department_code is not null",
            [load_id],
        ).fetchall()
        return {r[0] for r in rows}

    def commit_load(self, staged: StagedLoad) -> None:
        """Write a staged load in one transaction: all of it, or nothing at all."""
        rec = asdict(staged.record)
        columns = list(rec)
        with self.transaction():
            self.execute(
                f"insert into loads ({', '.join(columns)}) "
                f"values ({', '.join('?' for _ in columns)})",
                [rec[c] for c in columns],
            )
            for target in staged.tables:
                self.execute(f"insert into {target} by name select * from {STAGED_TARGETS[target]}")
            if staged.supersedes:
                self.execute(
                    "update loads set superseded_by = ? where load_id in (select unnest(?))",
                    [staged.record.load_id, staged.supersedes],
                )
        self.drop_staging()

    def drop_staging(self) -> None:
        """Drop what an ingest staged (views over its temporary tables)."""
        for name in STAGED_TARGETS.values():
            self.con.execute(f"drop view if exists temp.{name}")

    # -- reading ------------------------------------------------------------------------------

    def loads(self) -> list[dict[str, Any]]:
        return self._all("select * from loads order by load_id")

    def _all(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def _one(self, sql: str, params: Sequence[Any] | None = None) -> dict[str, Any] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    # -- quality diagnostics (ciudadana.quality) ------------------------------------------------

    # Target table -> the temporary staging table a diagnosis fills for it.
    QUALITY_STAGED = {
        "quality_findings": "_stage_quality_findings",
        "quality_scores": "_stage_quality_scores",
        "quality_loads": "_stage_quality_loads",
        "quality_checked": "_q_checked",
    }

    def next_quality_run_id(self) -> int:
        """The id the next diagnosis run takes."""
        (value,) = self.con.execute(
            "select coalesce(max(run_id), 0) + 1 from quality_runs"
        ).fetchone()
        return int(value)

    def commit_quality(self, run: dict[str, Any]) -> None:
        """Write one diagnosis in one transaction: its run, and for every load it diagnosed
        (``run["load_ids"]``) the staged findings, scores, denominators and load notes,
        replacing those of an earlier diagnosis of the same loads. All of it, or nothing.

        Example:
            >>> wh.commit_quality({"run_id": 1, "load_ids": [2], ...})  # doctest: +SKIP
        """
        columns = list(run)
        with self.transaction():
            self.execute(
                f"insert into quality_runs ({', '.join(columns)}) "
                f"values ({', '.join('?' for _ in columns)})",
                [run[c] for c in columns],
            )
            for target, staged in self.QUALITY_STAGED.items():
                self.execute(
                    f"delete from {target} where load_id in (select unnest(?))", [run["load_ids"]]
                )
                self.execute(
                    f"insert into {target} by name select ?::integer as run_id, * from {staged}",
                    [run["run_id"]],
                )
        self.drop_quality_staging()

    def drop_quality_staging(self) -> None:
        for name in self.QUALITY_STAGED.values():
            self.con.execute(f"drop table if exists temp.{name}")


def open_reader(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection for the links that read the warehouse (quality, analysis...)."""
    path = Path(path)
    if not path.exists():
        raise CiudadanaError(
            _("No existe el almacén {path}.").format(path=path), code="no-warehouse"
        )
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise _busy_error(path, exc) from exc
        raise
