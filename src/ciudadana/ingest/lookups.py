"""Fields resolved in Python on their distinct values: value maps, territories, offences.

A file of a million rows has a few hundred distinct municipality names or offence labels;
resolving those once and joining the answer back keeps the rules in Python and the work in SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from ciudadana.errors import CiudadanaError, InvalidSpec
from ciudadana.i18n import _, current_language
from ciudadana.ingest.spec import FieldSpec
from ciudadana.ingest.sql import execute
from ciudadana.ingest.text import normalize_key
from ciudadana.ingest.vocabulary import CODE_LISTS, UNKNOWN


@dataclass(frozen=True)
class Answer:
    """What one distinct raw value resolves to."""

    values: tuple[str, ...] = ()
    extra: str | None = None  # territories: the code of the level-1 ancestor
    problem: str | None = None  # finding code
    message: str | None = None  # what a person should read
    severity: str = "error"


Resolver = Callable[[str | None, str | None], Answer]


@dataclass(frozen=True)
class Lookup:
    """A field resolved on its distinct values into the temp table ``table``.

    ``key_sql`` and ``parent_sql`` are SQL over the trimmed cells ``r``: the cell, and the cell
    of the level above (a territory's department), or None.
    """

    table: str
    key_sql: str
    parent_sql: str | None
    resolve: Resolver


def build_lookups(con: duckdb.DuckDBPyConnection, found: list[Lookup], cells: str) -> None:
    """Resolve every distinct key of every lookup, with one scan of ``cells`` (``_raw``'s
    trimmed cells, as ``r``).

    Each lookup becomes a temp table ``(id, k, p, vals, extra, problem, message, severity)``:
    ``k`` the cell, ``p`` its parent's cell ('' when none), then the :class:`Answer`.
    """
    if not found:
        return
    keys = _distinct_keys(con, found, cells)
    for lookup in found:
        rows = [
            (key, parent, lookup.resolve(key, parent))
            for key, parent in keys[(lookup.key_sql, lookup.parent_sql)]
        ]
        con.execute(
            f"""
            create or replace temp table {lookup.table} as
            select
                unnest(range(1, ? + 1))::integer as id,
                unnest(?::varchar[]) as k,
                unnest(?::varchar[]) as p,
                unnest(?::varchar[][]) as vals,
                unnest(?::varchar[]) as extra,
                unnest(?::varchar[]) as problem,
                unnest(?::varchar[]) as message,
                unnest(?::varchar[]) as severity
            """,
            [
                len(rows),
                [key for key, _, _ in rows],
                [parent or "" for _, parent, _ in rows],
                [list(dict.fromkeys(a.values)) for _, _, a in rows],  # each value once
                [a.extra for _, _, a in rows],
                [a.problem for _, _, a in rows],
                [a.message for _, _, a in rows],
                [a.severity for _, _, a in rows],
            ],
        )


def _distinct_keys(
    con: duckdb.DuckDBPyConnection, found: list[Lookup], cells: str
) -> dict[tuple[str, str | None], list[tuple[str, str | None]]]:
    """(key SQL, parent SQL) -> its distinct (key, parent) values with a key, in one scan."""
    exprs: list[str] = []  # each distinct SQL expression once, as column e<i>
    for lookup in found:
        for sql in (lookup.key_sql, lookup.parent_sql):
            if sql is not None and sql not in exprs:
                exprs.append(sql)
    sets = list(dict.fromkeys((lk.key_sql, lk.parent_sql) for lk in found))
    e = {sql: f"e{i}" for i, sql in enumerate(exprs)}
    columns = ", ".join(e.values())
    grouping = ", ".join(
        f"({e[key]}, {e[parent]})" if parent is not None else f"({e[key]})" for key, parent in sets
    )
    rows = execute(
        con,
        f"""
        select {columns}, grouping({columns}) as g
        from (
            select {", ".join(f"{sql} as {e[sql]}" for sql in exprs)}
            from {cells}
        )
        group by grouping sets ({grouping})
        """,
    ).fetchall()
    # grouping(e0, ..., e<n-1>): bit n-1-i is set when e<i> is not in the row's grouping set.
    n = len(exprs)
    out: dict[tuple[str, str | None], list[tuple[str, str | None]]] = {}
    routes = []
    for key, parent in sets:
        used = {exprs.index(key)} | ({exprs.index(parent)} if parent is not None else set())
        g = sum(1 << (n - 1 - i) for i in range(n) if i not in used)
        pj = exprs.index(parent) if parent is not None else None
        routes.append((g, exprs.index(key), pj, out.setdefault((key, parent), [])))
    for row in rows:
        for g, kj, pj, found_keys in routes:
            if row[n] == g and row[kj] is not None:
                found_keys.append((row[kj], row[pj] if pj is not None else None))
    return out


def category_resolver(name: str, spec: FieldSpec) -> Resolver:
    """Map a cell through ``spec.map`` (keys compared without case, accents or extra spaces)."""
    table = {normalize_key(k): v for k, v in (spec.map or {}).items()}
    allowed = CODE_LISTS.get(name.split(".")[-1])
    unknown = {normalize_key(u) for u in spec.unknown}

    def resolve(raw: str | None, _parent: str | None) -> Answer:
        key = normalize_key(raw or "")
        if key in unknown:
            return Answer((UNKNOWN,))
        if key in table:
            mapped = table[key]
            return Answer(tuple(mapped) if isinstance(mapped, list) else (mapped,))
        if not spec.map and allowed and key in allowed:
            return Answer((key,))
        if spec.default is not None:
            return Answer((spec.default,))
        expected = ", ".join(sorted(spec.map)) if spec.map else ", ".join(allowed or ())
        return Answer(
            (UNKNOWN,),
            problem="unmapped-value",
            message=_(
                "«{raw}» no está previsto (se esperaba uno de: {expected}). Agréguelo al mapa de "
                "«{name}» en la especificación o corrija la fila."
            ).format(raw=raw, expected=expected[:200], name=name),
            severity="error" if spec.on_invalid == "quarantine" else "warning",
        )

    return resolve


def offence_resolver(spec: FieldSpec) -> Resolver:
    """National code or label -> one or several ICCS codes (``map``, ``flags`` or ICCS itself)."""
    from ciudadana.standards.iccs import load_iccs

    iccs = load_iccs()
    table: dict[str, tuple[str, ...]] = {}
    for key, mapped in (spec.map or {}).items():
        codes = tuple(mapped) if isinstance(mapped, list) else (mapped,)
        for code in codes:
            if code not in iccs:
                raise InvalidSpec(
                    _(
                        "fields.offence.map: «{key}» -> «{code}», que no es un código ICCS. "
                        'Escriba códigos oficiales como "0101" o "02051" (docs/iccs.md).'
                    ).format(key=key, code=code)
                )
        table[normalize_key(key)] = codes
    unknown = {normalize_key(u) for u in spec.unknown}

    def resolve(raw: str | None, _parent: str | None) -> Answer:
        key = normalize_key(raw or "")
        if key in unknown:
            return _unmapped(raw, _("un marcador de «desconocido»"), spec)
        if key in table:
            return Answer(table[key])
        if spec.flags is not None:
            text = (raw or "").strip()
            if len(text) == len(spec.flags.codes):
                codes = tuple(
                    code
                    for char, code in zip(text, spec.flags.codes, strict=True)
                    if code and char == spec.flags.yes
                )
                if codes:
                    return Answer(codes)
            expected = _("un código de {n} posiciones válido").format(n=len(spec.flags.codes))
            return _unmapped(raw, expected, spec)
        if spec.parse == "iccs" or not spec.map:
            try:
                return Answer((iccs.normalize(raw or ""),))
            except CiudadanaError as exc:  # unknown or ambiguous code, with the reason
                return Answer((), problem="unknown-iccs-code", message=str(exc))
        return _unmapped(raw, _("una etiqueta del mapa"), spec)

    return resolve


def _unmapped(raw: str | None, expected: str, spec: FieldSpec) -> Answer:
    return Answer(
        (),
        problem="unmapped-offence",
        message=_(
            "el delito «{raw}» no tiene código ICCS (se esperaba {expected}). Agréguelo a "
            "fields.offence.map en la especificación o corrija la fila."
        ).format(raw=raw, expected=expected),
        severity="error" if spec.on_invalid == "quarantine" else "warning",
    )


def territory_resolver(country: str, spec: FieldSpec, level: int | None) -> Resolver:
    """A code or name -> the official code, with the parent (department) as context."""
    from ciudadana.standards.territory import load_pack

    pack = load_pack(country)
    unknown = {normalize_key(u) for u in spec.unknown}

    def resolve(raw: str | None, parent: str | None) -> Answer:
        if normalize_key(raw or "") in unknown:
            return Answer(
                (),
                problem="unknown-territory",
                message=_("«{raw}» es un marcador de territorio desconocido.").format(raw=raw),
                severity="warning",
            )
        parent_code = None
        if parent:
            found = pack.resolve(parent, level=1)
            parent_code = found.code
        resolution = pack.resolve(raw or "", level=level, parent=parent_code or parent)
        if resolution.code is None:
            problem = (
                "ambiguous-territory" if resolution.status == "ambiguous" else ("unknown-territory")
            )
            return Answer(
                (),
                problem=problem,
                message=_without_value(resolution.message(current_language()))
                + " "
                + _("Corrija la fila o agregue el nombre como alias en el paquete territorial."),
                severity="error" if spec.on_invalid == "quarantine" else "warning",
            )
        top = resolution.code
        while pack.divisions[top].parent_code:
            top = pack.divisions[top].parent_code
        if resolution.status == "fuzzy":
            return Answer(
                (resolution.code,),
                extra=top,
                problem="territory-approximate",
                message=_(
                    "«{raw}» se interpretó como {code} {name} (coincidencia aproximada)."
                ).format(raw=raw, code=resolution.code, name=pack.name(resolution.code)),
                severity="warning",
            )
        return Answer((resolution.code,), extra=top)

    return resolve


def _without_value(message: str) -> str:
    """The resolver's message starts with the value; the finding already shows it."""
    return re.sub(r'^"[^"]*":\s*', "", message)
