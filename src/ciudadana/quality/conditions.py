"""Conditions over a record's canonical fields, as rules write them in YAML and compiled to SQL
over ``_q_rows``: a field against a constant (``value``, ``values``) or another field (``other``).

Example:
    >>> Condition(field="victim.age", op="<", value=18).sql()
    '"victim.age" < 18.0'
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from ciudadana.ingest.sql import ident, lit

Op = Literal["=", "!=", "<", "<=", ">", ">=", "in", "not-in", "is-null", "not-null", "starts-with"]


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    op: Op
    value: str | float | None = None
    values: list[str] = []
    other: str | None = None

    def sql(self) -> str:
        col = ident(self.field)
        if self.op == "is-null":
            return f"{col} is null"
        if self.op == "not-null":
            return f"{col} is not null"
        if self.op in ("in", "not-in"):
            neg = "not " if self.op == "not-in" else ""
            return f"{col}::varchar {neg}in ({', '.join(lit(v) for v in self.values)})"
        if self.op == "starts-with":
            return f"starts_with({col}::varchar, {lit(str(self.value))})"
        op = "<>" if self.op == "!=" else self.op
        if self.other is not None:
            return f"{col} {op} {ident(self.other)}"
        right = str(self.value) if isinstance(self.value, float | int) else lit(self.value)
        return f"{col} {op} {right}"

    def fields(self) -> set[str]:
        return {self.field} | ({self.other} if self.other else set())
