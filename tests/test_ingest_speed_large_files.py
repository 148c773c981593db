"""What the faster ingest must keep: a large file is read on several threads and still every row
keeps the number it has in the file; cells are trimmed exactly as ``trim`` would; a person
without a name or a number gets no row of identity.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

import duckdb

from ciudadana.ingest import ingest_file
from ciudadana.ingest.sql import trimmed
from ciudadana.standards.identity import make_cui
from ciudadana.workspace import Workspace

if TYPE_CHECKING:
    from conftest import SmallSource

Query = Callable[..., list[tuple[object, ...]]]


def test_a_large_file_read_in_parallel_keeps_the_row_number_of_every_record(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    # Every record names its own row number (the header is row 1; a blank line is a row too),
    # so a row numbered wrongly anywhere in the 300,000 shows.
    rnd = random.Random(7)
    lines, malformed, bad_dates, two_lines, row = [], [], [], [], 1
    for _ in range(300_000):
        row += 1
        draw = rnd.random()
        if draw < 0.001:
            lines.append("")
        elif draw < 0.002:
            lines.append(f"R{row},01/02/2019,0101,Robo")
            malformed.append(row)
        elif draw < 0.003:
            lines.append(f'R{row},01/02/2019,0101,Robo,"Mujer\ncon salto",30')
            two_lines.append(row)  # one record, one row number; the value is not in the map
        elif draw < 0.004:
            lines.append(f"R{row},31/02/2019,0101,Robo,Hombre,30")
            bad_dates.append(row)
        else:
            lines.append(f"R{row},01/02/2019,{rnd.choice(['0101', '0108'])},Robo,Hombre,{row % 90}")
    file = small_source.csv("\n".join(lines) + "\n")
    report = ingest_file(workspace, small_source.spec(), file)

    assert report.rows_in == report.loaded + report.quarantined
    assert report.quarantined == len(malformed) + len(bad_dates) + len(two_lines)
    (wrong,) = query(
        workspace,
        "select count(*) from events where load_id = ? and record_id <> 'R' || row_number",
        [report.load_id],
    )[0]
    assert wrong == 0
    found = query(
        workspace,
        "select code, list(row_number order by row_number) from findings "
        "where load_id = ? group by code order by code",
        [report.load_id],
    )
    assert found == [
        ("invalid-date", bad_dates),
        ("malformed-row", malformed),
        ("unmapped-value", two_lines),
    ]


def test_cells_are_trimmed_of_exactly_the_spaces_trim_removes() -> None:
    con = duckdb.connect()
    (differ,) = con.execute(
        f"""
        select count(*) filter (where nullif(trim(x), '') is distinct from ({trimmed("x")}))
        from (
            select unnest([c, c || 'a', 'a' || c, ' ' || c || 'b', 'b' || c || ' ']) as x
            from (
                select chr(cp::integer) as c
                from range(1, 1114112) as t(cp)
                where cp not between 55296 and 57343
            )
        )
        """
    ).fetchone()
    assert differ == 0


def test_a_victim_without_name_or_number_gets_no_identity_row(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    spec = small_source.spec_text.replace(
        "  age: {column: edad, parse: integer}\n",
        "  age: {column: edad, parse: integer}\n  id_number: {column: dpi, parse: cui}\n",
    )
    rows = [
        ["A1", "01/02/2019", "0101", "Robo", "Mujer", "30", make_cui(12345678, "0101")],
        ["A2", "01/02/2019", "0101", "Robo", "Hombre", "40", ""],
        ["A3", "01/02/2019", "0101", "Robo", "Hombre", "41", "123"],
    ]
    header = (*small_source.header, "dpi")
    report = ingest_file(workspace, small_source.spec(spec), small_source.csv(rows, header=header))
    assert report.loaded == 3
    assert query(
        workspace,
        "select row_number, id_number from restricted.person_identity order by row_number",
    ) == [(2, make_cui(12345678, "0101")), (4, "123")]
    assert query(
        workspace, "select row_number, id_number_status from persons order by row_number"
    ) == [(2, "valid"), (3, "missing"), (4, "invalid")]
