"""The release database, read-only: the only module of the portal that speaks SQL.

The portal opens one file, the release's ``publicacion.sqlite``, as immutable (SQLite takes no
locks and never writes); each thread gets its own connection. The small tables (release
information, indicators, territories, codes, files) are read once when the store opens; the
observations are read per query, through the table's indexes.

Example:
    >>> store = ReleaseStore(Path("publicacion/2020.12.31"))  # doctest: +SKIP
    >>> store.info["version"]  # doctest: +SKIP
    '2020.12.31'
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ciudadana.publish.layout import DATABASE, OBSERVATION_COLUMNS, check_release

Row = dict[str, Any]

#: Columns a query may filter on, and the SQL that filters each.
FILTERS = {
    "year": "o.year = ?",
    "territory": "o.territory = ?",
    "parent": "t.parent = ?",
    "sex": "o.sex = ?",
    "age": "o.age = ?",
    "pueblo": "o.pueblo = ?",
    "relationship": "o.relationship = ?",
    "weapon": "o.weapon = ?",
}
_SELECT = ", ".join(
    "coalesce(t.name, o.territory) as territory_name" if c == "territory_name" else f"o.{c}"
    for c in OBSERVATION_COLUMNS
)
_OBSERVATIONS_SQL = f"""
select {_SELECT}, coalesce(t.sort, 1000000000) as territory_sort
from observations as o
left join territories as t
    on t.code = o.territory
where o.indicator = ?
    and o.grouping = ?"""
_SORTED_DIMS = ("sex", "age", "pueblo", "relationship", "weapon")
_DIMENSION_ORDER = (*_SORTED_DIMS, "conf_status", "territory_level")


class ReleaseStore:
    """One release folder opened read-only, its small tables in memory.

    Args:
        folder: a release folder (``manifest.json`` and ``publicacion.sqlite``).

    Raises:
        NoRelease: ``folder`` is not a release.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = check_release(Path(folder)).resolve()
        self.path = self.folder / DATABASE
        self._local = threading.local()
        con = self.connection()
        self.info: dict[str, str] = dict(con.execute("select key, value from release_info"))
        self.indicators: list[Row] = [
            {
                **r,
                "iccs": json.loads(r["iccs"] or "[]"),
                "groupings": json.loads(r["groupings"] or "[]"),
            }
            for r in self._rows("select * from indicators order by sort, code")
        ]
        self.indicator = {i["code"]: i for i in self.indicators}
        self.territories: list[Row] = self._rows(
            "select code, name, level, parent from territories order by sort, code"
        )
        self.territory = {t["code"]: t for t in self.territories}
        self.codes: dict[str, list[Row]] = {d: [] for d in _DIMENSION_ORDER}
        for r in self._rows(
            "select dimension, code, label_es, label_en from codes order by dimension, sort, code"
        ):
            self.codes.setdefault(r["dimension"], []).append(r)
        self.codes = {d: rows for d, rows in self.codes.items() if rows}
        self.code_sort = {
            dim: {r["code"]: i for i, r in enumerate(rows)} for dim, rows in self.codes.items()
        }
        self.files: dict[str, Row] = {
            r["path"]: r for r in self._rows("select * from files order by path")
        }

    @property
    def version(self) -> str:
        return self.info.get("version", self.folder.name)

    @property
    def country(self) -> str:
        """The code of the country (the territory without a parent)."""
        if "country" in self.info:
            return self.info["country"]
        return next((t["code"] for t in self.territories if t["level"] == "country"), "")

    def connection(self) -> sqlite3.Connection:
        """This thread's read-only connection (opened on first use)."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(
                f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            con.row_factory = sqlite3.Row
            self._local.con = con
        return con

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        return [dict(r) for r in self.connection().execute(sql, params)]

    def observations(self, indicator: str, grouping: str, filters: dict[str, Any]) -> list[Row]:
        """The published cells of one grouping of an indicator, filtered and in display order:
        period, territory (the release's order), then the categories in code-list order.

        Args:
            indicator: indicator code.
            grouping: a published grouping, e.g. ``year+department+sex``.
            filters: column (a key of ``FILTERS``) -> value; ``None`` values are ignored.
        """
        sql = _OBSERVATIONS_SQL
        params: list[Any] = [indicator, grouping]
        for name, value in filters.items():
            if value is not None:
                sql += f"\n    and {FILTERS[name]}"
                params.append(value)
        rows = self._rows(sql, tuple(params))
        big = 1_000_000
        sorts = [self.code_sort.get(d, {}) for d in _SORTED_DIMS]

        def key(r: Row) -> tuple[Any, ...]:
            cats = []
            for dim, order in zip(_SORTED_DIMS, sorts, strict=True):
                cats += [order.get(r[dim], big), r[dim]]
            return (r["time_period"], r["territory_sort"], r["territory"], *cats)

        rows.sort(key=key)
        for r in rows:
            del r["territory_sort"]
            if r["unstable"] is not None:
                r["unstable"] = bool(r["unstable"])
            r["suppressed"] = r["conf_status"] != "F"
        return rows

    def has_age(self, indicator: str, grouping: str, age: str) -> bool:
        """Whether ``grouping`` of ``indicator`` has cells for the age group ``age``."""
        found = self.connection().execute(
            "select 1 from observations where indicator = ? and grouping = ? and age = ? limit 1",
            (indicator, grouping, age),
        )
        return found.fetchone() is not None

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
