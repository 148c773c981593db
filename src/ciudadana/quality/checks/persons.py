"""Consistency across records of one person: records that share an exact key (a valid identity
number; a case reference from a court case to the prosecutor's complaint) and disagree on the
person's sex, age, name, or on the date of the fact they both describe.

A diagnosis uses only exact keys: probabilistic record linkage (names, dates, places) is
``linkage/``'s job. After a person linkage run, ``ciudadana.quality.linked`` runs this same
check again with the linked persons as one more key (``Context.link_run_id``): what only they
show is added to the diagnosis, marked with the linkage run.
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
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from textwrap import dedent
from typing import Any, ClassVar

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from ciudadana.i18n import _, current_language, translate
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
LINKED = "linked"  # the key of pairs person linkage made (``linked_pairs.sql``)


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
        params = {"load_ids": self.ids, "max_group": self.params.max_group}
        ctx.script("people.sql", params)
        if ctx.link_run_id is not None:
            ctx.script("linked_pairs.sql", params)
        self.load_later(ctx)
        self.load_frequencies(ctx)
        cur = ctx.execute(pairs_sql())
        width = len(PERSON.split(","))
        pairs = [(p[0], p[1 : 1 + width], p[1 + width :]) for p in cur.fetchall()]
        loads = ctx.by_id()
        with _collector_paused():
            if ctx.link_run_id is None:
                found = self.judge(pairs, loads)
            else:
                found = self.linked_only(ctx, pairs, loads, ctx.link_run_id)
        if found:
            table = pa.Table.from_pylist(found)  # noqa: F841 (scanned by DuckDB)
            ctx.con.register("_q_person_findings", table)
            ctx.execute(f"insert into {FINDINGS} by name select * from _q_person_findings")
            ctx.con.unregister("_q_person_findings")
        ctx.add_checked(
            checked_sql(self.dimension, self.rule.id, ctx.link_run_id is not None),
            [ctx.link_run_id],
        )

    def linked_only(
        self, ctx: Context, pairs: list[tuple[str, tuple, tuple]], loads: dict, link_run_id: int
    ) -> list[dict[str, Any]]:
        """What comparing every pair (exact keys and linked persons) finds on the rows of a
        linked pair, less what the stored diagnosis already found there: the same votes and
        comparison of names, over more records of each person. (Rows no linked pair touches
        are judged as the diagnosis judged them: their pairs did not change.)"""
        rows = {x[:2] for kind, a, b in pairs if kind == LINKED for x in (a, b)}
        touching = [p for p in pairs if p[1][:2] in rows or p[2][:2] in rows]
        known = set(
            ctx.execute(
                "select load_id, row_number, field from quality_findings "
                "where rule = ? and link_run_id is null",
                [self.rule.id],
            ).fetchall()
        )
        out = []
        for f in self.judge(touching, loads):
            key = (f["load_id"], f["row_number"], f["field"])
            if key[:2] not in rows or key in known:
                continue
            detail = _("{detail} (registros enlazados, corrida {run})").format(
                detail=f["detail"], run=link_run_id
            )
            out.append({**f, "detail": detail, "link_run_id": link_run_id})
        return out

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
        votes: dict[tuple, bool] = {}  # (record, attr, witness) -> agrees
        self._births: dict[tuple, tuple[tuple, dict]] = {}  # (record, attr) -> mine, witnesses'
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
            if _witness(a) != _witness(b):
                self.vote(a, b, votes, seen)
                names.append((a, b))
        for _score, a, b in best_reference.values():
            self.vote(a, b, votes, seen)
            names.append((a, b))
        tally: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # (record, attr) -> ok, no
        for (record, attr, _by), agrees in votes.items():
            tally[(record, attr)][0 if agrees else 1] += 1
        out = []
        for (record, attr), (ok, no) in tally.items():
            if no and (no > ok or ok == 0 or _odd_birth(*self._births.get((record, attr), ()))):
                a, b, value, other = seen[(record, attr)]
                out.append(self.finding(loads, a, attr, value, b, other))
        out += self.judge_names(names, loads)
        cells: dict[tuple, dict[str, Any]] = {}  # one finding per cell (the date of a row's
        for f in out:  # victim and of its aggressor is one cell)
            if f is not None:
                cells.setdefault((f["load_id"], f["row_number"], f["field"]), f)
        return list(cells.values())

    def judge_names(self, names: list[tuple[tuple, tuple]], loads: dict[int, LoadInfo]) -> list:
        """Each pair's differences of name (``quality.names``), on the writing that holds them.
        Where the comparison cannot tell which writing that is (surnames in another order,
        another name, a slip in two equally common words), the odd one out carries it: a
        record is flagged when more witnesses differ from it than write the name as it does."""
        out: list[dict[str, Any] | None] = []
        done: set[tuple] = set()
        clear: dict[tuple, set] = defaultdict(set)  # record -> witnesses writing it the same
        unclear: dict[tuple, set] = defaultdict(set)  # (record, part) -> witnesses that differ
        held: dict[tuple, tuple] = {}

        def flag(me: tuple, other: tuple, part: str, kind: str) -> None:
            key = (*me[:3], part)
            if key in done or me[0] not in loads:
                return
            done.add(key)
            detail = _("{difference} frente a {source} (fila relacionada)").format(
                difference=translate(KINDS_ES[kind], current_language()), source=other[3]
            )
            out.append(self.finding(loads, me, part, None, other, None, detail))

        for a, b in names:
            pa_, pb = _parts(a), _parts(b)
            if not (pa_.known() and pb.known()):
                continue  # a record without a name is no witness of one
            diffs = compare_names(pa_, pb, self.frequency)
            kinds = [{d.kind for d in diffs if d.side == side} for side in ("a", "b")]
            both = kinds[0] & kinds[1]  # kinds the comparison puts on both writings
            for me, other, side in ((a, b, "a"), (b, a, "b")):
                if not diffs:
                    clear[me[:3]].add(_witness(other))
                for d in (d for d in diffs if d.side == side):
                    if d.kind in both:
                        unclear[(me[:3], d.part)].add(_witness(other))
                        held[(me[:3], d.part)] = (me, other, d.kind)
                    else:
                        flag(me, other, d.part, d.kind)
        for (record, part), differ in unclear.items():
            if len(differ) > len(clear[record]) or not clear[record]:
                me, other, kind = held[(record, part)]
                flag(me, other, part, kind)
        return out

    def vote(self, a: tuple, b: tuple, votes: dict, seen: dict) -> None:
        """Compare sex, age and (same fact only) the date; note who agrees with each record.

        A witness is a record, but copies of one row in the same load (same values: an
        exported row repeated) are one witness. A difference that a tolerance allows (an age
        up to two years off between dates a month or more apart; a date a source may give
        days later) is no vote either way: it neither accuses nor clears. Nor are two ages
        that agree only if the birthday fell in the few days between their dates (a chance
        under one in ten): 19 and 20 four days apart.
        """
        same_role = a[2] == b[2]
        date_a, date_b = a[4] or a[5], b[4] or b[5]
        days = (date_b - date_a).days if date_a and date_b else None
        code_a, code_b = a[6] or "", b[6] or ""
        deaths = code_a.startswith(DEATHS) and code_b.startswith(DEATHS)
        section = code_a[:2] == code_b[:2]
        same_fact = (
            same_role
            and days is not None
            and (deaths or (abs(days) <= self.params.same_event_days and section))
        )
        checks: list[tuple[str, Any, Any, bool | None]] = []
        if a[7] and b[7]:
            checks.append(("sex", a[7], b[7], a[7] == b[7]))
        if a[8] is not None and b[8] is not None and days is not None:
            # 1 - drift: the chance of these two ages (a birthday anywhere in the year)
            drift = abs(b[8] - a[8] - days / 365.25)
            limit = 0.99 if abs(days) <= 31 else 1.99
            checks.append(("age", a[8], b[8], True if drift < 0.9 else _no(drift < limit)))
            for me, other, witness in ((a, b, _witness(b)), (b, a, _witness(a))):
                key = (me[:3], f"{me[2]}.age")
                mine = self._births.setdefault(key, (_born(me), {}))
                mine[1][witness] = _born(other)
        if same_fact and a[4] and b[4]:
            gap = (b[4] - a[4]).days
            later = self.later_days(b[3] if gap > 0 else a[3])
            checks.append(("date_occurrence", a[4], b[4], gap == 0 or _no(abs(gap) <= later)))
        sides = ((a, b, _witness(b), 0), (b, a, _witness(a), 1))
        for attr, va, vb, agree in checks:
            if agree is None:
                continue
            for me, other, witness, i in sides:
                field = attr if attr == "date_occurrence" else f"{me[2]}.{attr}"
                votes[(me[:3], field, witness)] = agree
                if not agree:
                    seen[(me[:3], field)] = (me, other, *((va, vb) if i == 0 else (vb, va)))

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
            or _("{source} (fila relacionada) dice {value} para la misma persona").format(
                source=other[3], value=_text(theirs)
            ),
        }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Judging makes many small objects and no cycles: the cyclic garbage collector would
    only walk them again and again (a third of the time on the 1,000,000-person demo)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _born(p: tuple) -> tuple[float, float]:
    """When a record's person was born, by its age and date: (after, at the latest], in days."""
    day = (p[4] or p[5]).toordinal()
    return day - (p[8] + 1) * 365.25, day - p[8] * 365.25


def _odd_birth(mine: tuple[float, float] | None = None, others: dict | None = None) -> bool:
    """The other records agree on when the person was born (two or more witnesses) and this
    record's age leaves it out: its age is the odd one out even where each comparison alone
    was within its tolerance (19 and 21 two years apart, beside 20 the same day)."""
    if not others or len(others) < 2 or mine is None:
        return False
    spans = list(others.values())

    def depth(x: float) -> int:
        return sum(1 for lo, hi in spans if lo < x <= hi)

    best = max(depth(hi) for _, hi in spans)
    lo, hi = mine
    return best >= 2 and max(depth(x) for x in [hi, *(h for _, h in spans if lo < h <= hi)]) < best


def _no(tolerated: bool) -> bool | None:
    """Disagree, unless a tolerance allows the difference (then: no vote)."""
    return None if tolerated else False


def _witness(p: tuple) -> tuple:
    """What a record says, with its load: two rows of one load saying the same are copies."""
    return (p[0], *p[2:])


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


def checked_sql(dimension: str, rule: str, linked: bool) -> str:
    """Rows compared, per load and month (``?``: the linkage run, or NULL). ``linked``: only
    the rows that a linked pair and no exact key compared (the diagnosis counted the others)."""
    pick = "key_kind = 'linked'" if linked else "true"
    exact = "key_kind <> 'linked'" if linked else "false"
    return dedent(f"""
        with compared as (
            select a_load as load_id, a_row as row_number from _q_pairs where {pick}
            union
            select b_load, b_row from _q_pairs where {pick}
        ),
        by_exact_key as (
            select a_load as load_id, a_row as row_number from _q_pairs where {exact}
            union
            select b_load, b_row from _q_pairs where {exact}
        )
        select p.load_id, date_trunc('month', p.reference_date)::date as period,
               {lit(dimension)} as dimension, {lit(rule)} as rule,
               null as field, count(distinct p.row_number) as checked,
               ?::integer as link_run_id
        from _q_people as p
        semi join compared using (load_id, row_number)
        anti join by_exact_key using (load_id, row_number)
        where p.diagnosed
        group by all
    """)


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
        order by k.a_load, k.a_row, k.a_role, k.b_load, k.b_row, k.b_role, k.key_kind
    """)
