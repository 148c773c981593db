"""Reconciled counts: victims counted once across sources, where record linkage has run.

``ciudadana link`` writes ``current_reconciled_counts``: victims per month, department, 4-digit
ICCS category and sex, each counted once however many sources recorded them. Indicators read
them as one more source, ``reconciled`` (``basis: reconciled``), which ``--source auto`` prefers
when the indicator counts victims by date of occurrence and every grouping asked for is one
the reconciled counts have (department, sex, quarter, month).

Example:
    >>> "current_reconciled_counts" in reconciled_sql()
    True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

RECONCILED = "reconciled"
#: The groupings reconciled counts can give (besides the year).
RECONCILED_DIMS = frozenset({"department", "sex", "quarter", "month"})


def reconciled_sql() -> str:
    """Reconciled counts as rows of the base (columns of ``facts.base_sql``'s records)."""
    return f"""\
reconciled as (
    select
        0 as load_id,
        row_number() over () as row_number,
        '{RECONCILED}' as source_id,
        '{RECONCILED}' as counting_unit,
        category as iccs_code,
        null::ubigint as incident_key,
        victims::double as n,
        make_date(year, month, 1) as date_occurrence,
        make_date(year, month, 1) as date_registration,
        make_date(year, month, 1) as reference_date,
        true as month_known,
        true as quarter_known,
        department_code as territory_code,
        department_code,
        sex,
        null::integer as age_lo,
        null::integer as age_hi,
        null as pueblo,
        null as relationship,
        null as weapon,
        null::varchar[] as other_codes
    from current_reconciled_counts
    where category is not null
)"""


def has_reconciled(run: Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]) -> bool:
    """Whether the warehouse has reconciled counts (the linkage tables exist and hold rows)."""
    (exists,) = run(
        "select count(*) from information_schema.tables "
        "where table_schema = 'main' and table_name = 'current_reconciled_counts'",
        {},
    )[0]
    if not exists:
        return False
    return bool(run("select count(*) from current_reconciled_counts", {})[0][0])


def reconcilable(groupings: Sequence[Sequence[str]]) -> bool:
    """Whether reconciled counts can give every one of ``groupings``."""
    return all(set(g) <= RECONCILED_DIMS for g in groupings)
