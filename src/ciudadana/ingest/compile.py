"""Compile a spec into SQL over ``_raw``: each field's value and the findings of each row.

The result is the temporary table ``_parsed``: ``__row``, one ``"v:<field>"`` column per field
(typed), a few ``"s:<field>"`` status columns, and ``__findings``, a list of structs
``{field, col, value, code, severity, reason}``; ``__error`` is true when any finding is an error.
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
    condition: str
    field: str
    column: str
    value: str
    code: str
    severity: str
    reason: str  # SQL expression


@dataclass
class Compiled:
    items: list[str] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    drift: list[tuple[str, str]] = field(default_factory=list)  # (spec name, header found)
    used_columns: dict[str, str] = field(default_factory=dict)


class Compiler:
    """Turns the fields of one spec into the ``_parsed`` table for one file."""

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

    @staticmethod
    def unknown(raw: str, fs: FieldSpec) -> str:
        if not fs.unknown:
            return f"({raw} is null)"
        markers = ", ".join(lit(u) for u in fs.unknown)
        return f"({raw} is null or {raw} in ({markers}))"

    def check(
        self,
        cond: str,
        name: str,
        col: str,
        value: str,
        code: str,
        reason: str,
        fs: FieldSpec | None = None,
        severity: str | None = None,
        code_sql: str | None = None,
    ) -> None:
        """Add a finding ``code`` for rows where ``cond`` holds; ``reason`` is SQL text."""
        sev = severity or ("error" if fs is None or fs.on_invalid == "quarantine" else "warning")
        self.out.checks.append(Check(cond, name, col, value, code_sql or lit(code), sev, reason))

    def require(self, missing: str, name: str, col: str, raw: str, what: str) -> None:
        """A required field without a value sends the row to quarantine (``missing-value``)."""
        reason = lit(f"{what}. Complete la fila.")
        self.check(
            missing, name, col, f"coalesce({raw}, '')", "missing-value", reason, severity="error"
        )

    def emit(self, name: str, sql: str, prefix: str = "v") -> None:
        self.out.items.append(f"{sql} as {ident(f'{prefix}:{name}')}")
        self.out.fields.add(name)

    # -- fields ------------------------------------------------------------------------------

    def compile_field(self, name: str, fs: FieldSpec, kind: str) -> None:
        parse = fs.parse if fs.parse != "auto" else kind
        if fs.parts is not None or parse == "date":
            return self._date(name, fs)
        raw, col = self.source(fs, name)
        unknown = self.unknown(raw, fs)
        if fs.required:
            self.require(unknown, name, col, raw, "falta un valor obligatorio")
        if parse == "text":
            self.emit(name, f"case when {unknown} then null else {raw} end")
        elif parse in ("integer", "number"):
            self._number(name, fs, raw, col, unknown, parse)
        elif parse == "cui":
            clean = f"regexp_replace({raw}, '[\\s.\\-]', '', 'g')"
            self.emit(name, f"case when {unknown} then null else {clean} end")
            status = (
                f"case when {unknown} then 'missing' when {cui_valid_sql(clean)} "
                "then 'valid' else 'invalid' end"
            )
            self.emit(name, status, "s")
            self.check(
                f"not {unknown} and not {cui_valid_sql(clean)}",
                name,
                col,
                raw,
                "invalid-id-number",
                lit(
                    "no es un CUI/DPI válido (13 dígitos con dígito verificador). Se "
                    "cargó marcado como inválido."
                ),
                severity="warning",
            )
        else:
            self._lookup(name, fs, raw, col, unknown, parse)

    def _number(
        self, name: str, fs: FieldSpec, raw: str, col: str, unknown: str, parse: str
    ) -> None:
        text = raw if not fs.thousands else f"replace({raw}, {lit(fs.thousands)}, '')"
        if fs.decimal != ".":
            text = f"replace({text}, {lit(fs.decimal)}, '.')"
        number = f"try_cast({text} as double)"
        if parse == "integer":
            number = f"case when {number} = floor({number}) then {number}::bigint end"
        low = fs.min if fs.min is not None else (0 if name.endswith("age") else None)
        high = fs.max if fs.max is not None else (120 if name.endswith("age") else None)
        outside = " or ".join(
            [f"{number} < {low}"] * (low is not None) + [f"{number} > {high}"] * (high is not None)
        )
        # A value that only warns is kept out of the warehouse: the row loads, the value is NULL.
        keep = f" when {outside} then null" if outside and fs.on_invalid == "warn" else ""
        self.emit(name, f"case when {unknown} then null{keep} else {number} end")
        if name.endswith(".age") or name == "age":
            self.emit(name, f"case when {unknown} then 'unknown' else 'recorded' end", "s")
        what = "un número entero" if parse == "integer" else "un número"
        self.check(
            f"not {unknown} and {number} is null",
            name,
            col,
            raw,
            "invalid-number",
            lit(f"no es {what}. Corrija la fila."),
            fs,
        )
        if outside:
            rng = f"entre {low if low is not None else '-∞'} y {high if high is not None else '∞'}"
            kept = " Se cargó la fila sin este valor." if keep else ""
            self.check(
                f"not {unknown} and ({outside})",
                name,
                col,
                raw,
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
            col = " + ".join(label for _, label in parts.values())
            markers = fs.unknown

            def known(sql: str) -> str:
                bad = ", ".join(lit(u) for u in markers) or "''"
                return f"({sql} is not null and {sql} not in ({bad}))"

            full = f"try_strptime({y} || '-' || {m} || '-' || {d}, '%Y-%m-%d')::date"
            month = f"try_strptime({y} || '-' || {m} || '-1', '%Y-%m-%d')::date"
            year = f"try_strptime({y} || '-1-1', '%Y-%m-%d')::date"
            value = (
                f"case when {known(y)} and {known(m)} and {known(d)} then {full} "
                f"when {known(y)} and {known(m)} then {month} "
                f"when {known(y)} then {year} end"
            )
            precision = (
                f"case when {known(y)} and {known(m)} and {known(d)} then 'day' "
                f"when {known(y)} and {known(m)} then 'month' "
                f"when {known(y)} then 'year' end"
            )
            raw = f"concat_ws('/', {d}, {m}, {y})"
            unknown = f"not {known(y)}"
            self.emit(name, precision, "s")
        else:
            raw, col = self.source(fs, name)
            unknown = self.unknown(raw, fs)
            formats = fs.formats or DEFAULT_DATE_FORMATS
            fmt_list = "[" + ", ".join(lit(f) for f in formats) + "]"
            value = f"try_strptime({raw}, {fmt_list})::date"
            if fs.excel_serial:
                serial = (
                    f"case when regexp_full_match({raw}, '[0-9]{{1,6}}(\\.[0-9]+)?') "
                    f"then date '1899-12-30' + floor({raw}::double)::integer end"
                )
                value = f"coalesce({value}, {serial})"
            value = f"case when {unknown} then null else {value} end"
            self.emit(name, f"case when {unknown} then null else 'day' end", "s")
        self.emit(name, value)
        if fs.required:
            self.require(unknown, name, col, raw, "falta la fecha, que es obligatoria")
        hint = (
            f"Use uno de los formatos declarados ({', '.join(fs.formats)})"
            if fs.formats
            else "Corrija la fila o declare «formats» en la especificación"
        )
        self.check(
            f"not {unknown} and {value} is null",
            name,
            col,
            raw,
            "invalid-date",
            lit(f"no es una fecha válida. {hint}."),
            fs,
        )
        self.check(
            f"{value} < {lit(low.isoformat())}::date or {value} > {lit(high.isoformat())}::date",
            name,
            col,
            raw,
            "date-out-of-range",
            lit(
                f"está fuera del periodo admitido ({low.isoformat()} a "
                f"{high.isoformat()}). Corrija la fila."
            ),
            fs,
        )

    def _lookup(
        self, name: str, fs: FieldSpec, raw: str, col: str, unknown: str, parse: str
    ) -> None:
        table = f"_lk_{self._lookups}"
        self._lookups += 1
        alias = f"l{self._lookups}"
        parent_sql = None
        if parse == "territory":
            parent_spec = self.field_spec(fs.parent) if fs.parent else None
            if parent_spec is not None:
                parent_sql = self.source(parent_spec, fs.parent or "")[0]
            level = fs.level or (1 if name == "department" else None)
            resolver = lookups.territory_resolver(self.spec.country, fs, level)
        elif parse == "offence" or parse == "iccs":
            resolver = lookups.offence_resolver(fs)
        else:
            if CODE_LISTS.get(name.split(".")[-1]) is None and fs.map is None:
                self.emit(name, f"case when {unknown} then null else {raw} end")
                return
            resolver = lookups.category_resolver(name, fs)
        lookups.build_lookup(self.con, table, raw, parent_sql, resolver)
        key = f"coalesce({parent_sql}, '')" if parent_sql else "''"
        self.out.joins.append(
            f"left join {table} as {alias} on {alias}.key = {key} || {lit(lookups.SEP)} || {raw}"
        )
        if parse in ("offence", "iccs"):
            self.emit(name, f"case when {unknown} then []::varchar[] else {alias}.vals end")
            self.emit(name, raw, "n")
            self.check(
                f"{unknown}",
                name,
                col,
                f"coalesce({raw}, '')",
                "missing-offence",
                lit("falta el delito. Complete la fila."),
                severity="error",
            )
        elif parse == "territory":
            self.emit(name, f"{alias}.vals[1]")
            self.emit(name, f"{alias}.extra", "x")
        else:
            blank = lit(UNKNOWN)
            self.emit(name, f"case when {unknown} then {blank} else {alias}.vals[1] end")
        for severity in ("error", "warning"):
            self.check(
                f"{alias}.problem is not null and {alias}.severity = '{severity}'",
                name,
                col,
                raw,
                "",
                f"{alias}.message",
                severity=severity,
                code_sql=f"{alias}.problem",
            )

    def field_spec(self, name: str | None) -> FieldSpec | None:
        return self.spec.fields.get(name or "")

    # -- the whole spec ---------------------------------------------------------------------------

    def run(self) -> Compiled:
        spec = self.spec
        for name, fs in spec.fields.items():
            if spec.unpivot is not None and name == "value":
                continue
            kind = EVENT_FIELDS[name]
            self.compile_field(name, fs, "offence" if name == "offence" else kind)
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
            cells_sum = " + ".join(f"coalesce({ident(f'v:cell:{h}')}, 0)" for h in unpivot.columns)
            self.out.items.append(f"{cells_sum} as __cell_sum")

    def _create(self) -> None:
        structs = []
        for c in self.out.checks:
            structs.append(
                f"case when {c.condition} then {{'field': {lit(c.field)}, 'col': {lit(c.column)}, "
                f"'value': ({c.value})::varchar, 'code': {c.code}, 'severity': {lit(c.severity)}, "
                f"'reason': {c.reason}}} end"
            )
        findings = (
            f"list_filter([{', '.join(structs)}], lambda x: x is not null)" if structs else ("[]")
        )
        items = ",\n    ".join(["r.__row", *self.out.items])
        joins = "\n".join(self.out.joins)
        self.con.execute(
            f"""
            create or replace temp table _pre as
            select
                {items},
                {findings} as __findings
            from _raw as r
            {joins}
            """
        )
        extra = ""
        if self.spec.unpivot is not None and self.spec.unpivot.check_total:
            extra = (
                ', case when "v:cell_total" is not null and __cell_sum <> "v:cell_total" then '
                "list_append(__findings, {'field': 'cell_total', 'col': "
                f"{lit(self.spec.unpivot.check_total)}, 'value': \"v:cell_total\"::varchar, "
                "'code': 'total-mismatch', 'severity': 'error', 'reason': 'no es la suma de las "
                "celdas de la fila (' || __cell_sum::varchar || '). Corrija la fila.'}) "
                "else __findings end as __findings2"
            )
        self.con.execute(
            f"""
            create or replace temp table _parsed as
            select * {("exclude (__findings), __findings2 as __findings" if extra else "")},
                   coalesce(list_bool_or(list_transform(
                       {"__findings2" if extra else "__findings"}, lambda x: x.severity = 'error'
                   )), false) as __error
            from (select *{extra} from _pre)
            """
        )
        self.con.execute("drop table _pre")
