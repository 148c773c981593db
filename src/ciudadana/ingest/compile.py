"""Compile a spec into SQL over ``_raw``: each field's value and the findings of each row.

Every costly step (trimming, parsing a date or a number, checking a CUI, joining a lookup) runs
once per cell, in the *typed* select over ``_raw`` (``ingest.typed``): ``"r:<field>"`` the
cell's text, ``"u:<field>"`` whether it says "unknown", ``"p:<field>"`` the parsed value,
``"lid:<field>"`` the row of the lookup that answered and ``"lv:"``/``"lx:"`` what it answered.
Each :class:`Check` is a condition on those columns. From them:

* ``_parsed``: ``"v:<field>"`` the value to store, ``"s:<field>"`` statuses, ``__error`` (an
  error check holds: the row goes to quarantine) and ``__flag`` (any check holds);
* ``_findings``: one row per finding ``(__row, field, col, value, code, severity, reason)``,
  the checks evaluated again on the flagged rows only.

The field kinds (dates, numbers, CUI, looked-up values) are compiled in ``ingest.fields``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from ciudadana.errors import UnreadableFile
from ciudadana.i18n import _
from ciudadana.ingest import fields, typed
from ciudadana.ingest.columns import match_column, suggest_column
from ciudadana.ingest.lookups import Lookup, Resolver, build_lookups
from ciudadana.ingest.readers import RawTable
from ciudadana.ingest.spec import FieldSpec, SourceSpec
from ciudadana.ingest.sql import col, format_sql, lit, trimmed
from ciudadana.ingest.vocabulary import EVENT_FIELDS, PERSON_FIELDS


@dataclass
class Check:
    """A finding ``code`` for each row where ``condition`` holds (SQL on the typed columns).

    ``join`` (SQL, may be empty) brings in the lookup table whose answer (code and message) the
    finding reports.
    """

    condition: str
    field: str
    column: str
    value: str
    code: str  # SQL expression
    severity: str
    reason: str  # SQL expression
    join: str = ""


@dataclass
class Compiled:
    cells: dict[int, str] = field(default_factory=dict)  # column j of _raw -> its text, t<j>
    typed: list[str] = field(default_factory=list)  # costly, computed once per cell
    items: list[str] = field(default_factory=list)  # the columns of _parsed, from typed ones
    joins: list[str] = field(default_factory=list)
    lookups: list[Lookup] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    drift: list[tuple[str, str]] = field(default_factory=list)  # (spec name, header found)
    used_columns: dict[str, str] = field(default_factory=dict)


def cell_sql(j: int) -> str:
    """The text of cell ``j`` of a ``_raw`` row, trimmed; NULL when blank."""
    return trimmed(f"c{j}")


class Compiler:
    """Turns the fields of one spec into ``_parsed`` and ``_findings`` for one file."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        spec: SourceSpec,
        raw: RawTable,
        file_name: str,
        metadata: dict[str, str],
        today: dt.date | None = None,
    ) -> None:
        self.con, self.spec, self.raw, self.file_name = con, spec, raw, file_name
        self.metadata = metadata
        self.today = today or dt.date.today()
        self.out = Compiled()

    # -- columns ---------------------------------------------------------------------------

    def column(self, wanted: str | int, fs: FieldSpec, name: str) -> tuple[str, str]:
        """(SQL of the trimmed cell, header label) for a column of the spec."""
        headers = self.raw.headers
        if isinstance(wanted, int):
            if wanted >= len(headers):
                raise UnreadableFile(
                    _(
                        "{file}: el campo «{field}» pide la columna {wanted}, pero el archivo "
                        "tiene {columns}."
                    ).format(
                        file=self.file_name, field=name, wanted=wanted + 1, columns=len(headers)
                    )
                )
            j = wanted
        else:
            j = match_column(wanted, headers)
            if j is None:
                for other in fs.also:
                    j = match_column(other, headers)
                    if j is not None:
                        if (wanted, headers[j]) not in self.out.drift:
                            self.out.drift.append((wanted, headers[j]))
                        break
            if j is None:
                hint = suggest_column(wanted, headers)
                raise UnreadableFile(
                    _("{file}: falta la columna «{column}» (campo «{field}»).").format(
                        file=self.file_name, column=wanted, field=name
                    )
                    + (" " + _("¿Es «{hint}»?").format(hint=hint) if hint else "")
                    + " "
                    + _(
                        "Si la institución cambió el encabezado, agréguelo en «also» del campo; "
                        "columnas del archivo: {headers}."
                    ).format(headers=", ".join(headers[:40]))
                )
        self.out.used_columns[name] = headers[j]
        self.out.cells[j] = cell_sql(j)
        return f"r.t{j}", headers[j]

    def source(self, fs: FieldSpec, name: str) -> tuple[str, str]:
        """(SQL of the field's text, header label): a column, a constant or a metadata value."""
        if fs.value is not None:
            return lit(fs.value), _("(constante)")
        if fs.metadata is not None:
            label = _("(metadato {name})").format(name=fs.metadata)
            return lit(self.metadata.get(fs.metadata)), label
        assert fs.column is not None
        sql, label = self.column(fs.column, fs, name)
        if fs.pattern is not None:
            sql = f"nullif(regexp_extract({sql}, {lit(fs.pattern)}, 1), '')"
        if fs.blank is not None:
            sql = f"coalesce({sql}, {lit(fs.blank)})"
        return sql, label

    def cell(
        self, fs: FieldSpec, name: str, text: str | None = None, label: str = ""
    ) -> tuple[str, str, str]:
        """The field's text and its "unknown" flag as typed columns; returns those columns
        and the header label. ``text`` overrides the text (a CUI cleaned of separators).
        """
        raw, label = (text, label) if text is not None else self.source(fs, name)
        self.typed(col("r", name), raw)
        r = col("r", name)
        markers = ", ".join(lit(u) for u in fs.unknown)
        self.typed(
            col("u", name), f"({r} is null or {r} in ({markers}))" if markers else f"({r} is null)"
        )
        return r, col("u", name), label

    def typed(self, alias: str, sql: str) -> None:
        self.out.typed.append(f"{sql} as {alias}")

    def emit(self, name: str, sql: str, prefix: str = "v") -> None:
        """A column of ``_parsed``, from typed columns only."""
        self.out.items.append(f"{sql} as {col(prefix, name)}")
        self.out.fields.add(name)

    def check(
        self,
        cond: str,
        name: str,
        label: str,
        value: str,
        code: str,
        reason: str,
        fs: FieldSpec | None = None,
        severity: str | None = None,
        code_sql: str | None = None,
        join: str = "",
    ) -> None:
        """A finding ``code`` for rows where ``cond`` holds; ``reason`` is SQL text."""
        sev = severity or ("error" if fs is None or fs.on_invalid == "quarantine" else "warning")
        check = Check(cond, name, label, value, code_sql or lit(code), sev, reason, join)
        self.out.checks.append(check)

    def require(self, unknown: str, name: str, label: str, raw: str, what: str) -> None:
        """A required field without a value sends the row to quarantine (``missing-value``)."""
        self.check(
            unknown,
            name,
            label,
            f"coalesce({raw}, '')",
            "missing-value",
            lit(_("{what}. Complete la fila.").format(what=what)),
            severity="error",
        )

    def lookup(self, key_sql: str, parent_sql: str | None, resolve: Resolver) -> tuple[str, str]:
        """Resolve ``key_sql`` on its distinct values; returns the table of the answers and the
        alias it is joined under.
        """
        n = len(self.out.lookups) + 1
        table, alias = f"_lk_{n}", f"l{n}"
        self.out.lookups.append(Lookup(table, key_sql, parent_sql, resolve))
        on = f"{alias}.k = {key_sql}"
        if parent_sql is not None:
            on += f" and {alias}.p = coalesce({parent_sql}, '')"
        self.out.joins.append(f"left join {table} as {alias} on {on}")
        return table, alias

    # -- the whole spec ---------------------------------------------------------------------------

    def compile_field(self, name: str, fs: FieldSpec, kind: str) -> None:
        parse = fs.parse if fs.parse != "auto" else kind
        if fs.parts is not None or parse == "date":
            return fields.compile_date(self, name, fs)
        if parse == "cui":
            return fields.compile_cui(self, name, fs)
        r, u, label = self.cell(fs, name)
        if fs.required:
            self.require(u, name, label, r, _("falta un valor obligatorio"))
        if parse == "text":
            self.emit(name, f"case when {u} then null else {r} end")
        elif parse in ("integer", "number"):
            fields.compile_number(self, name, fs, r, u, label, parse)
        else:
            fields.compile_lookup(self, name, fs, r, u, label, parse)

    def run(self) -> Compiled:
        spec = self.spec
        for name, fs in spec.fields.items():
            if spec.unpivot is not None and name == "value":
                continue
            self.compile_field(name, fs, "offence" if name == "offence" else EVENT_FIELDS[name])
        for role in ("victim", "aggressor"):
            for name, fs in getattr(spec, role).items():
                self.compile_field(f"{role}.{name}", fs, PERSON_FIELDS[name])
        if spec.unpivot is not None:
            self._unpivot()
        build_lookups(self.con, self.out.lookups, typed.cells_sql(self.out))
        typed.create_tables(self.con, self.out)
        return self.out

    def _unpivot(self) -> None:
        unpivot = self.spec.unpivot
        assert unpivot is not None
        cells = dict(unpivot.columns)
        if unpivot.check_total:
            cells[unpivot.check_total] = "total"
        for header, into in cells.items():
            fs = FieldSpec(
                column=header,
                parse=unpivot.parse,
                thousands=unpivot.thousands,
                blank=unpivot.blank,
                min=0,
            )
            self.compile_field(
                "cell_total" if into == "total" else f"cell:{header}", fs, unpivot.parse
            )
        if unpivot.check_total:
            total = col("p", "cell_total")
            cells_sum = " + ".join(f"coalesce({col('p', f'cell:{h}')}, 0)" for h in unpivot.columns)
            self.check(
                f"{total} is not null and {total} <> {cells_sum}",
                "cell_total",
                unpivot.check_total,
                f"{total}::varchar",
                "total-mismatch",
                format_sql(
                    _("no es la suma de las celdas de la fila ({sum}). Corrija la fila."),
                    sum=f"({cells_sum})::varchar",
                ),
                severity="error",
            )
