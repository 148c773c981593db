"""Compile a spec into SQL over ``_raw``: each field's value and the findings of each row.

Every costly step (trimming, parsing a date or a number, checking a CUI, joining a lookup) runs
once per cell, into the temporary table ``_typed``: ``"r:<field>"`` the cell's text,
``"u:<field>"`` whether it says "unknown", ``"p:<field>"`` the parsed value, ``"l*:<field>"``
what a lookup answered. From it:

* ``_findings``: one row per finding ``(__row, field, col, value, code, severity, reason)``, each
  check a cheap filter on ``_typed``;
* ``_parsed``, a view: ``"v:<field>"`` the value to store, ``"s:<field>"`` statuses and
  ``__error``, true when the row has an error finding (it goes to quarantine).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from ciudadana.errors import UnreadableFile
from ciudadana.ingest import lookups
from ciudadana.ingest.columns import match_column, suggest_column
from ciudadana.ingest.readers import RawTable
from ciudadana.ingest.spec import FieldSpec, SourceSpec
from ciudadana.ingest.sql import ident, lit
from ciudadana.ingest.vocabulary import CODE_LISTS, EVENT_FIELDS, PERSON_FIELDS, UNKNOWN
from ciudadana.standards.identity import cui_valid_sql

DEFAULT_DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S", "%d/%m/%y"]


@dataclass
class Check:
    """A finding ``code`` for each row of ``_typed`` where ``condition`` holds."""

    condition: str
    field: str
    column: str
    value: str
    code: str  # SQL expression
    severity: str
    reason: str  # SQL expression


@dataclass
class Compiled:
    typed: list[str] = field(default_factory=list)  # costly, computed once into _typed
    items: list[str] = field(default_factory=list)  # cheap, in the _parsed view
    joins: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    drift: list[tuple[str, str]] = field(default_factory=list)  # (spec name, header found)
    used_columns: dict[str, str] = field(default_factory=dict)


def col(prefix: str, name: str) -> str:
    """The quoted column of ``_typed`` or ``_parsed`` holding ``prefix`` of field ``name``."""
    return ident(f"{prefix}:{name}")


class Compiler:
    """Turns the fields of one spec into ``_typed``, ``_findings`` and ``_parsed`` for one file."""

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
        self._lookups = 0

    # -- columns ---------------------------------------------------------------------------

    def column(self, wanted: str | int, fs: FieldSpec, name: str) -> tuple[str, str]:
        """(SQL of the trimmed cell, header label) for a column of the spec."""
        headers = self.raw.headers
        if isinstance(wanted, int):
            if wanted >= len(headers):
                raise UnreadableFile(
                    f"{self.file_name}: el campo «{name}» pide la columna {wanted + 1}, pero el "
                    f"archivo tiene {len(headers)}."
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
                    f"{self.file_name}: falta la columna «{wanted}» (campo «{name}»)."
                    + (f" ¿Es «{hint}»?" if hint else "")
                    + " Si la institución cambió el encabezado, agréguelo en «also» del campo; "
                    f"columnas del archivo: {', '.join(headers[:40])}."
                )
        self.out.used_columns[name] = headers[j]
        return f"nullif(trim(r.c{j}), '')", headers[j]

    def source(self, fs: FieldSpec, name: str) -> tuple[str, str]:
        """(SQL of the field's text, header label): a column, a constant or a metadata value."""
        if fs.value is not None:
            return lit(fs.value), "(constante)"
        if fs.metadata is not None:
            return lit(self.metadata.get(fs.metadata)), f"(metadato {fs.metadata})"
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
        """Store the field's text and its "unknown" flag in ``_typed``; returns their columns
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
        """A column of the ``_parsed`` view, from ``_typed`` columns only."""
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
    ) -> None:
        """A finding ``code`` for rows where ``cond`` holds; ``reason`` is SQL text."""
        sev = severity or ("error" if fs is None or fs.on_invalid == "quarantine" else "warning")
        self.out.checks.append(Check(cond, name, label, value, code_sql or lit(code), sev, reason))

    def require(self, unknown: str, name: str, label: str, raw: str, what: str) -> None:
        """A required field without a value sends the row to quarantine (``missing-value``)."""
        self.check(
            unknown,
            name,
            label,
            f"coalesce({raw}, '')",
            "missing-value",
            lit(f"{what}. Complete la fila."),
            severity="error",
        )

    # -- fields ------------------------------------------------------------------------------

    def compile_field(self, name: str, fs: FieldSpec, kind: str) -> None:
        parse = fs.parse if fs.parse != "auto" else kind
        if fs.parts is not None or parse == "date":
            return self._date(name, fs)
        if parse == "cui":
            return self._cui(name, fs)
        r, u, label = self.cell(fs, name)
        if fs.required:
            self.require(u, name, label, r, "falta un valor obligatorio")
        if parse == "text":
            self.emit(name, f"case when {u} then null else {r} end")
        elif parse in ("integer", "number"):
            self._number(name, fs, r, u, label, parse)
        else:
            self._lookup(name, fs, r, u, label, parse)

    def _cui(self, name: str, fs: FieldSpec) -> None:
        text, label = self.source(fs, name)
        r, u, label = self.cell(fs, name, f"regexp_replace({text}, '[\\s.\\-]', '', 'g')", label)
        self.typed(col("p", name), cui_valid_sql(r))
        p = col("p", name)
        self.emit(name, f"case when {u} then null else {r} end")
        self.emit(
            name, f"case when {u} then 'missing' when {p} then 'valid' else 'invalid' end", "s"
        )
        self.check(
            f"not {u} and not {p}",
            name,
            label,
            r,
            "invalid-id-number",
            lit(
                "no es un CUI/DPI válido (13 dígitos con dígito verificador). Se cargó "
                "marcado como inválido."
            ),
            severity="warning",
        )

    def _number(self, name: str, fs: FieldSpec, r: str, u: str, label: str, parse: str) -> None:
        text = r if not fs.thousands else f"replace({r}, {lit(fs.thousands)}, '')"
        if fs.decimal != ".":
            text = f"replace({text}, {lit(fs.decimal)}, '.')"
        number = f"try_cast({text} as double)"
        if parse == "integer":
            number = f"(case when {number} = floor({number}) then {number}::bigint end)"
        self.typed(col("p", name), number)
        p = col("p", name)
        is_age = name == "age" or name.endswith(".age")
        low = fs.min if fs.min is not None else (0 if is_age else None)
        high = fs.max if fs.max is not None else (120 if is_age else None)
        outside = " or ".join(
            [f"{p} < {low}"] * (low is not None) + [f"{p} > {high}"] * (high is not None)
        )
        # A value that only warns is kept out of the warehouse: the row loads, the value is NULL.
        keep = f" when {outside} then null" if outside and fs.on_invalid == "warn" else ""
        self.emit(name, f"case when {u} then null{keep} else {p} end")
        if is_age:
            self.emit(name, f"case when {u} then 'unknown' else 'recorded' end", "s")
        what = "un número entero" if parse == "integer" else "un número"
        self.check(
            f"not {u} and {p} is null",
            name,
            label,
            r,
            "invalid-number",
            lit(f"no es {what}. Corrija la fila."),
            fs,
        )
        if outside:
            rng = f"entre {low if low is not None else '-∞'} y {high if high is not None else '∞'}"
            kept = " Se cargó la fila sin este valor." if keep else ""
            self.check(
                f"not {u} and ({outside})",
                name,
                label,
                r,
                "out-of-range",
                lit(f"está fuera del rango admitido ({rng}).{kept}"),
                fs,
            )

    def _date(self, name: str, fs: FieldSpec) -> None:
        low = dt.date(int(fs.min), 1, 1) if fs.min is not None else dt.date(1900, 1, 1)
        high = dt.date(int(fs.max), 12, 31) if fs.max is not None else self.today
        if fs.parts is not None:
            parts = {k: self.column(v, fs, name) for k, v in fs.parts.items()}
            y, m, d = (parts.get(k, ("null", ""))[0] for k in ("year", "month", "day"))
            label = " + ".join(h for _, h in parts.values())
            bad = ", ".join(lit(x) for x in fs.unknown) or "''"

            def known(sql: str) -> str:
                return f"({sql} is not null and {sql} not in ({bad}))"

            day, month, year = known(d), known(m), known(y)
            precision = (
                f"case when {year} and {month} and {day} then 'day' "
                f"when {year} and {month} then 'month' when {year} then 'year' end"
            )
            self.typed(col("k", name), precision)
            k = col("k", name)
            text = f"concat_ws('/', {d}, {m}, {y})"
            self.typed(col("r", name), text)
            self.typed(col("u", name), f"({k} is null)")
            r, u = col("r", name), col("u", name)
            parsed = (
                f"case {k} when 'day' then try_strptime({y} || '-' || {m} || '-' || {d}, "
                f"'%Y-%m-%d') when 'month' then try_strptime({y} || '-' || {m} || '-1', "
                f"'%Y-%m-%d') when 'year' then try_strptime({y} || '-1-1', '%Y-%m-%d') "
                "end::date"
            )
            self.emit(name, k, "s")
        else:
            r, u, label = self.cell(fs, name)
            formats = "[" + ", ".join(lit(f) for f in fs.formats or DEFAULT_DATE_FORMATS) + "]"
            parsed = f"try_strptime({r}, {formats})::date"
            if fs.excel_serial:
                serial = (
                    f"case when regexp_full_match({r}, '[0-9]{{1,6}}(\\.[0-9]+)?') "
                    f"then date '1899-12-30' + floor({r}::double)::integer end"
                )
                parsed = f"coalesce({parsed}, {serial})"
            self.emit(name, f"case when {u} then null else 'day' end", "s")
        self.typed(col("p", name), f"case when {u} then null else {parsed} end")
        p = col("p", name)
        outside = f"({p} < {lit(low.isoformat())}::date or {p} > {lit(high.isoformat())}::date)"
        keep = f" when {outside} then null" if fs.on_invalid == "warn" else ""
        self.emit(name, f"case when {u} then null{keep} else {p} end")
        if fs.required:
            self.require(u, name, label, r, "falta la fecha, que es obligatoria")
        hint = (
            f"Use uno de los formatos declarados ({', '.join(fs.formats)})"
            if fs.formats
            else "Corrija la fila o declare «formats» en la especificación"
        )
        self.check(
            f"not {u} and {p} is null",
            name,
            label,
            r,
            "invalid-date",
            lit(f"no es una fecha válida. {hint}."),
            fs,
        )
        self.check(
            outside,
            name,
            label,
            r,
            "date-out-of-range",
            lit(
                f"está fuera del periodo admitido ({low.isoformat()} a "
                f"{high.isoformat()}). Corrija la fila."
            ),
            fs,
        )

    def _lookup(self, name: str, fs: FieldSpec, r: str, u: str, label: str, parse: str) -> None:
        self._lookups += 1
        table, alias = f"_lk_{self._lookups}", f"l{self._lookups}"
        raw = self.source(fs, name)[0]
        parent_sql = None
        if parse == "territory":
            parent_spec = self.spec.fields.get(fs.parent or "")
            if parent_spec is not None:
                parent_sql = self.source(parent_spec, fs.parent or "")[0]
            level = fs.level or (1 if name == "department" else None)
            resolver = lookups.territory_resolver(self.spec.country, fs, level)
        elif parse in ("offence", "iccs"):
            resolver = lookups.offence_resolver(fs)
        elif CODE_LISTS.get(name.split(".")[-1]) is None and fs.map is None:
            self.emit(name, f"case when {u} then null else {r} end")
            return
        else:
            resolver = lookups.category_resolver(name, fs)
        lookups.build_lookup(self.con, table, raw, parent_sql, resolver)
        key = f"coalesce({parent_sql}, '')" if parent_sql else "''"
        self.out.joins.append(
            f"left join {table} as {alias} on {alias}.key = {key} || {lit(lookups.SEP)} || {raw}"
        )
        for part in ("vals", "extra", "problem", "message", "severity"):
            self.typed(col(f"l{part}", name), f"{alias}.{part}")
        vals, problem = col("lvals", name), col("lproblem", name)
        if parse in ("offence", "iccs"):
            self.emit(name, f"case when {u} then []::varchar[] else {vals} end")
            self.emit(name, r, "n")
            self.check(
                u,
                name,
                label,
                f"coalesce({r}, '')",
                "missing-offence",
                lit("falta el delito. Complete la fila."),
                severity="error",
            )
        elif parse == "territory":
            self.emit(name, f"{vals}[1]")
            self.emit(name, col("lextra", name), "x")
        else:
            self.emit(name, f"case when {u} then {lit(UNKNOWN)} else {vals}[1] end")
        for severity in ("error", "warning"):
            self.check(
                f"{problem} is not null and {col('lseverity', name)} = '{severity}'",
                name,
                label,
                r,
                "",
                col("lmessage", name),
                severity=severity,
                code_sql=problem,
            )

    # -- the whole spec ---------------------------------------------------------------------------

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
        self._create()
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
                f"'no es la suma de las celdas de la fila (' || ({cells_sum})::varchar "
                "|| '). Corrija la fila.'",
                severity="error",
            )

    def _create(self) -> None:
        typed = ",\n    ".join(["r.__row", *self.out.typed])
        self.con.execute(
            f"""
            create or replace temp table _typed as
            select
                {typed}
            from _raw as r
            {chr(10).join(self.out.joins)}
            """
        )
        findings = [
            f"""
            select __row, {lit(c.field)} as field, {lit(c.column)} as col,
                   ({c.value})::varchar as value, {c.code} as code, {lit(c.severity)} as severity,
                   {c.reason} as reason
            from _typed
            where {c.condition}"""
            for c in self.out.checks
        ]
        self.con.execute(
            "create or replace temp table _findings as "
            + (
                "\nunion all\n".join(findings)
                if findings
                else "select null::bigint as __row, null::varchar as field, null::varchar as col, "
                "null::varchar as value, null::varchar as code, null::varchar as severity, "
                "null::varchar as reason where false"
            )
        )
        items = ",\n    ".join(["t.__row", *self.out.items])
        self.con.execute(
            f"""
            create or replace temp view _parsed as
            select
                {items},
                e.__row is not null as __error
            from _typed as t
            left join (
                select distinct __row from _findings where severity = 'error'
            ) as e using (__row)
            """
        )
