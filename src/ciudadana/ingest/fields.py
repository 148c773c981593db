"""The kinds of field a spec can declare, compiled into typed columns, ``_parsed`` and checks.

Each function takes the :class:`~ciudadana.ingest.compile.Compiler` of one file: dates (one
column or day/month/year parts), numbers, CUI/DPI numbers, and values resolved on their distinct
values (value maps, territories, offences).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ciudadana.i18n import _
from ciudadana.ingest import lookups
from ciudadana.ingest.spec import FieldSpec
from ciudadana.ingest.sql import col, lit
from ciudadana.ingest.vocabulary import CODE_LISTS, UNKNOWN
from ciudadana.standards.identity import cui_valid_sql

if TYPE_CHECKING:
    from ciudadana.ingest.compile import Compiler

DEFAULT_DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S", "%d/%m/%y"]


def compile_cui(c: Compiler, name: str, fs: FieldSpec) -> None:
    """A CUI/DPI: cleaned of spaces, dots and dashes, checked; an invalid one only warns."""
    text, label = c.source(fs, name)
    r, u, label = c.cell(fs, name, f"regexp_replace({text}, '[\\s.\\-]', '', 'g')", label)
    c.typed(col("p", name), cui_valid_sql(r))
    p = col("p", name)
    c.emit(name, f"case when {u} then null else {r} end")
    c.emit(name, f"case when {u} then 'missing' when {p} then 'valid' else 'invalid' end", "s")
    c.check(
        f"not {u} and not {p}",
        name,
        label,
        r,
        "invalid-id-number",
        lit(
            _(
                "no es un CUI/DPI válido (13 dígitos con dígito verificador). Se cargó "
                "marcado como inválido."
            )
        ),
        severity="warning",
    )


def compile_number(
    c: Compiler, name: str, fs: FieldSpec, r: str, u: str, label: str, parse: str
) -> None:
    """An integer or a number, with its admitted range (an age: 0 to 120 unless declared)."""
    text = r if not fs.thousands else f"replace({r}, {lit(fs.thousands)}, '')"
    if fs.decimal != ".":
        text = f"replace({text}, {lit(fs.decimal)}, '.')"
    number = f"try_cast({text} as double)"
    if parse == "integer":
        number = f"(case when {number} = floor({number}) then {number}::bigint end)"
    c.typed(col("p", name), number)
    p = col("p", name)
    is_age = name == "age" or name.endswith(".age")
    low = fs.min if fs.min is not None else (0 if is_age else None)
    high = fs.max if fs.max is not None else (120 if is_age else None)
    outside = " or ".join(
        [f"{p} < {low}"] * (low is not None) + [f"{p} > {high}"] * (high is not None)
    )
    # A value that only warns is kept out of the warehouse: the row loads, the value is NULL.
    keep = f" when {outside} then null" if outside and fs.on_invalid == "warn" else ""
    c.emit(name, f"case when {u} then null{keep} else {p} end")
    if is_age:
        c.emit(name, f"case when {u} then 'unknown' else 'recorded' end", "s")
    what = _("un número entero") if parse == "integer" else _("un número")
    c.check(
        f"not {u} and {p} is null",
        name,
        label,
        r,
        "invalid-number",
        lit(_("no es {what}. Corrija la fila.").format(what=what)),
        fs,
    )
    if outside:
        rng = _("entre {low} y {high}").format(
            low=low if low is not None else "-∞", high=high if high is not None else "∞"
        )
        kept = _(" Se cargó la fila sin este valor.") if keep else ""
        c.check(
            f"not {u} and ({outside})",
            name,
            label,
            r,
            "out-of-range",
            lit(_("está fuera del rango admitido ({range}).").format(range=rng) + kept),
            fs,
        )


def compile_date(c: Compiler, name: str, fs: FieldSpec) -> None:
    """A date from one column (declared formats, Excel serials) or from day/month/year parts."""
    low = dt.date(int(fs.min), 1, 1) if fs.min is not None else dt.date(1900, 1, 1)
    high = dt.date(int(fs.max), 12, 31) if fs.max is not None else c.today
    if fs.parts is not None:
        parts = {k: c.column(v, fs, name) for k, v in fs.parts.items()}
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
        c.typed(col("k", name), precision)
        k = col("k", name)
        text = f"concat_ws('/', {d}, {m}, {y})"
        c.typed(col("r", name), text)
        c.typed(col("u", name), f"({k} is null)")
        r, u = col("r", name), col("u", name)
        parsed = (
            f"case {k} when 'day' then try_strptime({y} || '-' || {m} || '-' || {d}, "
            f"'%Y-%m-%d') when 'month' then try_strptime({y} || '-' || {m} || '-1', "
            f"'%Y-%m-%d') when 'year' then try_strptime({y} || '-1-1', '%Y-%m-%d') "
            "end::date"
        )
        c.emit(name, k, "s")
    else:
        r, u, label = c.cell(fs, name)
        formats = "[" + ", ".join(lit(f) for f in fs.formats or DEFAULT_DATE_FORMATS) + "]"
        parsed = f"try_strptime({r}, {formats})::date"
        if fs.excel_serial:
            serial = (
                f"case when regexp_full_match({r}, '[0-9]{{1,6}}(\\.[0-9]+)?') "
                f"then date '1899-12-30' + floor({r}::double)::integer end"
            )
            parsed = f"coalesce({parsed}, {serial})"
        c.emit(name, f"case when {u} then null else 'day' end", "s")
    c.typed(col("p", name), f"case when {u} then null else {parsed} end")
    p = col("p", name)
    outside = f"({p} < {lit(low.isoformat())}::date or {p} > {lit(high.isoformat())}::date)"
    keep = f" when {outside} then null" if fs.on_invalid == "warn" else ""
    c.emit(name, f"case when {u} then null{keep} else {p} end")
    if fs.required:
        c.require(u, name, label, r, _("falta la fecha, que es obligatoria"))
    hint = (
        _("Use uno de los formatos declarados ({formats})").format(formats=", ".join(fs.formats))
        if fs.formats
        else _("Corrija la fila o declare «formats» en la especificación")
    )
    c.check(
        f"not {u} and {p} is null",
        name,
        label,
        r,
        "invalid-date",
        lit(_("no es una fecha válida. {hint}.").format(hint=hint)),
        fs,
    )
    c.check(
        outside,
        name,
        label,
        r,
        "date-out-of-range",
        lit(
            _("está fuera del periodo admitido ({low} a {high}). Corrija la fila.").format(
                low=low.isoformat(), high=high.isoformat()
            )
        ),
        fs,
    )


def compile_lookup(
    c: Compiler, name: str, fs: FieldSpec, r: str, u: str, label: str, parse: str
) -> None:
    """A territory, an offence or a category: resolved in Python on its distinct values."""
    raw = c.source(fs, name)[0]
    parent_sql = None
    if parse == "territory":
        parent_spec = c.spec.fields.get(fs.parent or "")
        if parent_spec is not None:
            parent_sql = c.source(parent_spec, fs.parent or "")[0]
        level = fs.level or (1 if name == "department" else None)
        resolver = lookups.territory_resolver(c.spec.country, fs, level)
    elif parse in ("offence", "iccs"):
        resolver = lookups.offence_resolver(fs)
    elif CODE_LISTS.get(name.split(".")[-1]) is None and fs.map is None:
        c.emit(name, f"case when {u} then null else {r} end")
        return
    else:
        resolver = lookups.category_resolver(name, fs)
    table, alias = c.lookup(raw, parent_sql, resolver)
    lid = col("lid", name)
    c.typed(lid, f"{alias}.id")
    values = col("lv", name)
    if parse in ("offence", "iccs"):
        c.typed(values, f"{alias}.vals")
        c.emit(name, f"case when {u} then []::varchar[] else {values} end")
        c.emit(name, r, "n")
        c.check(
            u,
            name,
            label,
            f"coalesce({r}, '')",
            "missing-offence",
            lit(_("falta el delito. Complete la fila.")),
            severity="error",
        )
    elif parse == "territory":
        c.typed(values, f"{alias}.vals[1]")
        c.typed(col("lx", name), f"{alias}.extra")
        c.emit(name, values)
        c.emit(name, col("lx", name), "x")
    else:
        c.typed(values, f"{alias}.vals[1]")
        c.emit(name, f"case when {u} then {lit(UNKNOWN)} else {values} end")
    for severity in ("error", "warning"):
        flag = col(f"l{severity[0]}", name)  # "le:" an error answer, "lw:" a warning
        c.typed(flag, f"({alias}.problem is not null and {alias}.severity = '{severity}')")
        c.check(
            flag,
            name,
            label,
            r,
            "",
            f"{alias}.message",
            severity=severity,
            code_sql=f"{alias}.problem",
            join=f"join {table} as {alias} on {alias}.id = {lid}",
        )
