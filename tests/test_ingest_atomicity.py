"""A load is all or nothing: the same file twice changes nothing, a corrected re-delivery
supersedes the earlier load, and a load killed mid-way leaves the warehouse exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ciudadana.ingest import ingest_file
from ciudadana.workspace import Workspace

if TYPE_CHECKING:
    from conftest import SmallSource

StateOf = Callable[[Workspace], dict[str, tuple[int, int]]]
Query = Callable[..., list[tuple[object, ...]]]

BIG_ROWS = 300_000
MUNICIPIOS = ["0101", "0108", "0115", "0301", "0901", "1601", "1701", "Mixco", "Cobán"]


def first_quarter(ids: range, bad_date: int | None = None) -> list[list[str]]:
    rows = []
    for i in ids:
        date = "31/02/2019" if i == bad_date else f"{i % 28 + 1:02d}/{i % 3 + 1:02d}/2019"
        rows.append([f"A{i}", date, "0101", "Robo", "Mujer", str(20 + i)])
    return rows


# -- the same file, or a corrected one ---------------------------------------------------------


def test_the_same_file_again_is_already_loaded_and_changes_nothing(
    workspace: Workspace, small_source: SmallSource, state_of: StateOf
) -> None:
    spec, file = small_source.spec(), small_source.csv(first_quarter(range(1, 6)))
    first = ingest_file(workspace, spec, file)
    before = state_of(workspace)
    again = ingest_file(workspace, spec, file)
    assert (again.status, again.load_id, again.loaded, again.quarantined) == (
        "already-loaded",
        first.load_id,
        0,
        0,
    )
    assert again.messages == [
        f"denuncias.csv ya se cargó (carga {first.load_id}, 5 filas); no se cambió nada."
    ]
    assert state_of(workspace) == before


def test_the_same_content_under_another_name_is_already_loaded(
    workspace: Workspace, small_source: SmallSource, state_of: StateOf
) -> None:
    rows = first_quarter(range(1, 6))
    spec = small_source.spec()
    first = ingest_file(workspace, spec, small_source.csv(rows, "enero.csv"))
    before = state_of(workspace)
    again = ingest_file(workspace, spec, small_source.csv(rows, "enero (1).csv"))
    assert (again.status, again.load_id) == ("already-loaded", first.load_id)
    assert state_of(workspace) == before


def test_a_corrected_redelivery_of_the_same_period_supersedes_the_earlier_load(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    spec = small_source.spec()
    first = ingest_file(
        workspace, spec, small_source.csv(first_quarter(range(1, 7), bad_date=3), "v1.csv")
    )
    corrected = ingest_file(
        workspace, spec, small_source.csv(first_quarter(range(1, 8)), "v1_corregido.csv")
    )
    assert (first.loaded, first.quarantined) == (5, 1)
    assert corrected.status == "loaded"
    assert corrected.supersedes == [first.load_id]
    assert corrected.messages == [
        f"Reemplaza la(s) carga(s) [{first.load_id}] del mismo periodo (entrega corregida)."
    ]
    loads = query(
        workspace,
        "select load_id, file_name, superseded_by from loads where source_id = ? order by 1",
        ["prueba/denuncias"],
    )
    assert loads == [
        (first.load_id, "v1.csv", corrected.load_id),
        (corrected.load_id, "v1_corregido.csv", None),
    ]
    current = query(workspace, "select load_id, record_id from current_events order by 2")
    assert current == [(corrected.load_id, f"A{i}") for i in sorted(range(1, 8), key=str)]
    kept = query(workspace, "select count(*) from events where load_id = ?", [first.load_id])
    assert kept == [(5,)]  # history stays; analysis reads current_events


def test_another_period_of_the_same_source_supersedes_nothing(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    spec = small_source.spec()
    ingest_file(workspace, spec, small_source.csv(first_quarter(range(1, 4)), "q1.csv"))
    later = [[f"B{i}", f"0{i}/07/2019", "0101", "Robo", "Mujer", "30"] for i in range(1, 4)]
    report = ingest_file(workspace, spec, small_source.csv(later, "q3.csv"))
    assert report.supersedes == []
    assert query(workspace, "select count(*) from current_events") == [(6,)]


def test_files_of_one_period_for_different_departments_both_stay_current(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    """Some institutions send one file per region and month: the second is no correction of
    the first. A file that covers a department of the earlier one still replaces it."""
    spec = small_source.spec()

    def quarter(prefix: str, municipality: str) -> list[list[str]]:
        days = ["01/01/2019", "15/02/2019", "31/03/2019"]
        return [
            [f"{prefix}{i}", d, municipality, "Robo", "Mujer", "30"] for i, d in enumerate(days)
        ]

    central = ingest_file(workspace, spec, small_source.csv(quarter("G", "0101"), "central.csv"))
    north = ingest_file(workspace, spec, small_source.csv(quarter("P", "1701"), "peten.csv"))
    assert north.supersedes == []
    assert north.messages == [
        f"La(s) carga(s) [{central.load_id}] cubren el mismo periodo en otros departamentos (un "
        "archivo por región): siguen vigentes junto a esta. Si esta entrega las corrige, "
        "inclúyalas en el mismo archivo."
    ]
    assert query(workspace, "select count(*) from current_events") == [(6,)]
    both = quarter("G", "0108") + quarter("P", "1701")
    again = ingest_file(workspace, spec, small_source.csv(both, "todo.csv"))
    assert sorted(again.supersedes) == [central.load_id, north.load_id]


# -- killed mid-way --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few seconds of work: 300,000 complaints of the small source, some not loadable."""
    rng = random.Random(2019)
    offences = ["Homicidio", "Lesiones", "Robo", "Violación"]
    path = tmp_path_factory.mktemp("grande") / "denuncias_2019.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("numero,fecha,municipio,delito,sexo,edad\n")
        for i in range(BIG_ROWS):
            place = "9999" if i % 97 == 0 else rng.choice(MUNICIPIOS)
            fh.write(
                f"N{i},{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2019,{place},"
                f"{rng.choice(offences)},{rng.choice(['Mujer', 'Hombre'])},{rng.randint(0, 99)}\n"
            )
    return path


def ingest_until(
    ciudadana: list[str],
    ws: Workspace,
    spec: Path,
    file: Path,
    log: Path,
    moment: str,
    delay: float,
) -> int:
    """Run ``ciudadana --debug ingest`` and SIGKILL it ``delay`` seconds after ``moment``.

    ``moment`` is a SQL statement the warehouse logs before running it, or ``"raw"``: the copy
    of the file appeared in raw/ (it is then reading). Returns the exit code.
    """
    raw_copy = ws.raw_dir / f"{hashlib.sha256(file.read_bytes()).hexdigest()}.csv"
    with log.open("w") as err:
        process = subprocess.Popen(
            [*ciudadana, "--debug", "ingest", str(spec), str(file), "--workspace", str(ws.root)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            seen = raw_copy.exists() if moment == "raw" else moment in log.read_text("utf-8")
            if seen:
                time.sleep(delay)
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
        return process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


KILL_MOMENTS = [
    ("raw", 0.3, "leyendo y validando, antes de escribir nada"),
    ("insert into loads", 0.0, "con la transacción abierta"),
    ("insert into persons", 0.0, "con events y event_offences ya escritos en la transacción"),
]


def test_loads_killed_mid_way_leave_the_warehouse_as_it_was_and_the_file_loads_afterwards(
    workspace: Workspace,
    small_source: SmallSource,
    big_file: Path,
    tmp_path: Path,
    query: Query,
    state_of: StateOf,
    ciudadana: list[str],
) -> None:
    spec = small_source.spec()
    before = state_of(workspace)
    for moment, delay, what in KILL_MOMENTS:
        log = tmp_path / f"kill_{moment.replace(' ', '_')}.log"
        code = ingest_until(ciudadana, workspace, spec, big_file, log, moment, delay)
        assert code == -signal.SIGKILL, f"{what}: la carga terminó antes ({log.read_text()[-500:]})"
        assert state_of(workspace) == before, what
    kept = list(workspace.raw_dir.glob(f"{hashlib.sha256(big_file.read_bytes()).hexdigest()}.*"))
    assert [path.read_bytes() == big_file.read_bytes() for path in kept] == [True]
    report = ingest_file(workspace, spec, big_file)
    assert report.status == "loaded"
    assert report.rows_in == BIG_ROWS == report.loaded + report.quarantined
    assert report.quarantined_by_reason == {"unknown-territory": report.quarantined}
    assert query(workspace, "select count(*) from events where load_id = ?", [report.load_id]) == [
        (report.loaded,)
    ]


@pytest.mark.parametrize("delay", [0.2, 0.5])
def test_a_load_killed_while_committing_is_there_whole_or_not_at_all(
    delay: float,
    workspace: Workspace,
    small_source: SmallSource,
    big_file: Path,
    tmp_path: Path,
    state_of: StateOf,
    ciudadana: list[str],
) -> None:
    before = state_of(workspace)
    log = tmp_path / "commit.log"
    spec = small_source.spec()
    code = ingest_until(ciudadana, workspace, spec, big_file, log, "insert into findings", delay)
    after = state_of(workspace)
    if after == before:
        assert code == -signal.SIGKILL
        return
    changed = {table for table in after if after[table] != before[table]}
    assert changed <= {
        "main.loads", "main.events", "main.event_offences", "main.persons",
        "restricted.quarantine", "main.findings",
    }  # fmt: skip
    assert after["main.loads"][0] == before["main.loads"][0] + 1
    loaded = after["main.events"][0] - before["main.events"][0]
    quarantined = after["restricted.quarantine"][0] - before["restricted.quarantine"][0]
    assert loaded + quarantined == BIG_ROWS
    assert after["main.persons"][0] - before["main.persons"][0] == loaded
