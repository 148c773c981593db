"""Consistency across records of one person: records that share an exact key (a valid identity
number; a case reference from a court case to the prosecutor's complaint) and disagree on the
person's sex, age, name, or on the date of the fact they both describe.

Only exact keys: probabilistic record linkage (names, dates, places) is ``linkage/``'s job.
Where several records of one person are compared, a record is flagged when more of them
disagree with it than agree (so the odd one out carries the finding); names are compared by
kind of difference and put on the writing that holds it (``ciudadana.quality.names``).

Example rule::

    - id: same-person-differs
      type: cross-source-persons
      params: {same_event_days: 7}
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from textwrap import dedent
from typing import Any, ClassVar

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from ciudadana.ingest.sql import lit
from ciudadana.quality.context import FINDINGS, Context, LoadInfo
from ciudadana.quality.names import KINDS_ES, NameParts, compare_names
from ciudadana.quality.registry import Check, register
from ciudadana.quality.rules import rules_for

PERSON = (
    "load_id, row_number, role, source_id, date_occurrence, reference_date, iccs_code, sex, "
    "age, idn, full_name, given_names, surnames"
)
DEATHS = ("0101", "0109")


class PersonParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    same_event_days: int = 7
    max_group: int = 30
    #: a source whose date of occurrence may come this many days after another's (the date of
    #: death of a forensic institute). Set in that source's own rules.
    date_may_be_later_by_days: int = 0


@register
class CrossSourcePersons(Check):
    """Records of one person (same valid identity number or case reference) that disagree."""

    type: ClassVar[str] = "cross-source-persons"
    dimension: ClassVar[str] = "cross-source"
    Params = PersonParams
    cross: ClassVar[bool] = True

    def run(self, ctx: Context) -> None:
        if not self.ids:
            return
        ctx.script("people.sql", {"load_ids": self.ids, "max_group": self.params.max_group})
        self.load_later(ctx)
        self.load_frequencies(ctx)
        cur = ctx.execute(pairs_sql())
        pairs = cur.fetchall()
        width = len(PERSON.split(","))
        found = self.judge([(p[0], p[1 : 1 + width], p[1 + width :]) for p in pairs], ctx.by_id())
        if found:
            table = pa.Table.from_pylist(found)  # noqa: F841 (scanned by DuckDB)
            ctx.con.register("_q_person_findings", table)
            ctx.execute(f"insert into {FINDINGS} by name select * from _q_person_findings")
            ctx.con.unregister("_q_person_findings")
        ctx.add_checked(
            dedent(f"""
                select p.load_id, date_trunc('month', p.reference_date)::date as period,
                       {lit(self.dimension)} as dimension, {lit(self.rule.id)} as rule,
                       null as field, count(distinct p.row_number) as checked
                from _q_people as p
                semi join (
                    select a_load as load_id, a_row as row_number from _q_pairs
                    union
                    select b_load, b_row from _q_pairs
                ) as k using (load_id, row_number)
                where p.diagnosed
                group by all
            """)
        )

    def later_days(self, source_id: str) -> int:
        """Days a source's date of occurrence may trail another's (its own rules say)."""
        return self._later.get(source_id, self.params.date_may_be_later_by_days)

    def load_later(self, ctx: Context) -> None:
        self._later: dict[str, int] = {}
        specs = ctx.execute("select distinct source_id, spec_name from loads").fetchall()
        for source_id, spec_name in specs:
            rule = rules_for(spec_name, ctx.workspace_specs).get(self.rule.id)
            if rule is not None and "date_may_be_later_by_days" in rule.params:
                self._later[source_id] = int(rule.params["date_may_be_later_by_days"])

    def load_frequencies(self, ctx: Context) -> None:
        """How often each folded name word is written, when the name checks counted them."""
        self._frequency: dict[str, int] = {}
        if "name-units" in ctx.built:
            rows = ctx.execute("select folded, total from _q_unit_stats").fetchall()
            self._frequency = {word: int(n) for word, n in rows}

    def frequency(self, word: str) -> int:
        return self._frequency.get(word, 0) if self._frequency else 0

    def judge(self, pairs: list[tuple[str, tuple, tuple]], loads: dict[int, LoadInfo]) -> list:
        """Findings from the compared pairs: votes per record and attribute, then names."""
        votes: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # (record, attr) -> [ok, no]
        seen: dict[tuple, tuple] = {}
        names: list[tuple[tuple, tuple]] = []
        best_reference: dict[tuple, tuple[int, tuple, tuple]] = {}
        for kind, a, b in pairs:
            if kind == "case-reference":
                score = _name_gap(a, b)
                key = a[:3]
                if key not in best_reference or score < best_reference[key][0]:
                    best_reference[key] = (score, a, b)
                continue
            self.vote(a, b, votes, seen, loads)
            names.append((a, b))
        for _, a, b in best_reference.values():
            self.vote(a, b, votes, seen, loads)
            names.append((a, b))
        out = []
        for (record, attr), (ok, no) in votes.items():
            if no and (no > ok or ok == 0):
                a, b, value, other = seen[(record, attr)]
                out.append(self.finding(loads, a, attr, value, b, other))
        done = set()
        for a, b in names:
            pa_, pb = _parts(a), _parts(b)
            for d in compare_names(pa_, pb, self.frequency):
                me, other = (a, b) if d.side == "a" else (b, a)
                key = (me[0], me[1], me[2], d.part)
                if key in done or me[0] not in loads:
                    continue
                done.add(key)
                detail = f"{KINDS_ES[d.kind]} frente a {other[3]} (fila relacionada)"
                out.append(self.finding(loads, me, d.part, None, other, None, detail))
        return [f for f in out if f is not None]

    def vote(self, a: tuple, b: tuple, votes: dict, seen: dict, loads: dict) -> None:
        """Compare sex, age and (same fact only) the date; count agreements per record."""
        same_role = a[2] == b[2]
        date_a, date_b = a[4] or a[5], b[4] or b[5]
        days = (date_b - date_a).days if date_a and date_b else None
        deaths = all((x[6] or "").startswith(DEATHS) for x in (a, b))
        section = (a[6] or "")[:2] == (b[6] or "")[:2]
        same_fact = (
            same_role
            and days is not None
            and (deaths or (abs(days) <= self.params.same_event_days and section))
        )
        checks: list[tuple[str, Any, Any, bool]] = []
        if a[7] and b[7]:
            checks.append(("sex", a[7], b[7], a[7] == b[7]))
        if a[8] is not None and b[8] is not None and days is not None:
            drift = b[8] - a[8] - days / 365.25
            limit = 0.99 if abs(days) <= 31 else 1.99
            checks.append(("age", a[8], b[8], abs(drift) < limit))
        if same_fact and a[4] and b[4]:
            gap = (b[4] - a[4]).days
            later = self.later_days(b[3] if gap > 0 else a[3])
            checks.append(("date_occurrence", a[4], b[4], gap == 0 or abs(gap) <= later))
        for attr, va, vb, agree in checks:
            for me, other, mine, theirs in ((a, b, va, vb), (b, a, vb, va)):
                field = attr if attr == "date_occurrence" else f"{me[2]}.{attr}"
                slot = votes[(me[:3], field)]
                slot[0 if agree else 1] += 1
                if not agree:
                    seen[(me[:3], field)] = (me, other, mine, theirs)

    def finding(
        self,
        loads: dict[int, LoadInfo],
        me: tuple,
        field: str,
        value: Any,
        other: tuple,
        theirs: Any,
        detail: str | None = None,
    ) -> dict[str, Any] | None:
        info = loads.get(me[0])
        if info is None:
            return None
        name = field if "." in field or field == "date_occurrence" else f"{me[2]}.{field}"
        text = _text(value)
        return {
            "load_id": me[0],
            "row_number": me[1],
            "field": name,
            "column_name": info.mapped_fields().get(name),
            "value": text,
            "rule": self.rule.id,
            "dimension": self.dimension,
            "severity": self.rule.severity,
            "related_load_id": other[0],
            "related_row_number": other[1],
            "detail": detail
            or f"{other[3]} (fila relacionada) dice {_text(theirs)} para la misma persona",
        }


def _text(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return None if value is None else str(value)


def _parts(p: tuple) -> NameParts:
    full, given, surnames = p[10], p[11], p[12]
    if full is not None:
        return NameParts(full=full)
    return NameParts(given=given, surnames=surnames)


def _name_gap(a: tuple, b: tuple) -> int:
    return len(compare_names(_parts(a), _parts(b)))


def pairs_sql() -> str:
    cols_a = ", ".join(f"a.{c.strip()}" for c in PERSON.split(","))
    cols_b = ", ".join(f"b.{c.strip()}" for c in PERSON.split(","))
    return dedent(f"""
        select k.key_kind, {cols_a}, {cols_b}
        from _q_pairs as k
        join _q_people as a
            on a.load_id = k.a_load and a.row_number = k.a_row and a.role = k.a_role
        join _q_people as b
            on b.load_id = k.b_load and b.row_number = k.b_row and b.role = k.b_role
    """)
