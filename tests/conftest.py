"""Shared fixtures: real workspaces (copied from templates initialised once per session), a small
complaints source written on demand, and the warehouse's state to compare before and after.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import duckdb
import pytest
import uvicorn

from ciudadana.bootstrap import init_workspace
from ciudadana.workspace import Workspace, open_workspace

# Real exports shipped with the project's shared data (VIF, INEGI, Chicago).
REAL_DATA = Path(os.environ.get("CIUDADANA_TEST_DATA", "/work/shared/data"))

# A small complaints source: six columns, one of each kind of field.
SMALL_HEADER = ("numero", "fecha", "municipio", "delito", "sexo", "edad")
SMALL_SPEC = """\
id: prueba/denuncias
title: Denuncias de prueba
institution: PNC
country: GTM
unit: complaint
date_semantics: registration
reader:
  format: csv
  encoding: utf-8
  delimiter: ","
fields:
  record_id: {column: numero, required: true}
  date_registration: {column: fecha, formats: ["%d/%m/%Y"], required: true}
  territory: {column: municipio, parse: territory, level: 2}
  offence:
    column: delito
    map: {Homicidio: "0101", Lesiones: "02011", Robo: "0401", "Violación": "03011"}
victim:
  sex: {column: sexo, map: {Mujer: female, Hombre: male}}
  age: {column: edad, parse: integer}
"""

State = dict[str, tuple[int, int]]


# -- workspaces ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def gtm_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Guatemala workspace as ``ciudadana init`` leaves it (ICCS, territories, population)."""
    folder = tmp_path_factory.mktemp("plantillas") / "gtm"
    init_workspace(folder, country="GTM")
    return folder


@pytest.fixture(scope="session")
def mex_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Mexico workspace as ``ciudadana init --country MEX`` leaves it."""
    folder = tmp_path_factory.mktemp("plantillas") / "mex"
    init_workspace(folder, country="MEX")
    return folder


@pytest.fixture
def new_workspace(tmp_path: Path, gtm_template: Path) -> Callable[..., Workspace]:
    """Make a fresh copy of a workspace template (Guatemala unless told) under ``tmp_path``."""
    numbers = count(1)

    def make(template: Path | None = None) -> Workspace:
        target = tmp_path / f"ws{next(numbers)}"
        shutil.copytree(template or gtm_template, target)
        return open_workspace(target)

    return make


@pytest.fixture
def workspace(new_workspace: Callable[..., Workspace]) -> Workspace:
    """A fresh Guatemala workspace of its own in ``tmp_path``."""
    return new_workspace()


@pytest.fixture
def mex_workspace(new_workspace: Callable[..., Workspace], mex_template: Path) -> Workspace:
    return new_workspace(mex_template)


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not (REAL_DATA / "gt" / "vif").is_dir():
        pytest.skip(f"no están los datos reales en {REAL_DATA} (CIUDADANA_TEST_DATA)")
    return REAL_DATA


# -- a small source ----------------------------------------------------------------------------


@dataclass
class SmallSource:
    """Writes the small complaints spec and CSV files into ``folder``."""

    folder: Path
    spec_text: str = SMALL_SPEC
    header: tuple[str, ...] = SMALL_HEADER

    def spec(self, text: str | None = None, name: str = "denuncias.yaml") -> Path:
        path = self.folder / name
        path.write_text(self.spec_text if text is None else text, encoding="utf-8")
        return path

    def csv(
        self,
        rows: Iterable[Sequence[object]] | str,
        name: str = "denuncias.csv",
        *,
        header: Sequence[str] | None = SMALL_HEADER,
        encoding: str = "utf-8",
    ) -> Path:
        """Rows as lists (written as proper CSV) or as the exact text of the data lines."""
        path = self.folder / name
        with path.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            if header is not None:
                writer.writerow(header)
            if isinstance(rows, str):
                fh.write(rows)
            else:
                writer.writerows(rows)
        return path


@pytest.fixture
def small_source(tmp_path: Path) -> SmallSource:
    folder = tmp_path / "recibido"
    folder.mkdir(exist_ok=True)
    return SmallSource(folder)


# -- the warehouse, read back ------------------------------------------------------------------


def warehouse_state(ws: Workspace) -> State:
    """Rows and a checksum of every table of the warehouse (schemas main and restricted).

    Opens read-write so that DuckDB replays or discards its log as any next user would.
    """
    con = duckdb.connect(str(ws.warehouse_path))
    try:
        tables = con.execute(
            """
            select table_schema, table_name
            from information_schema.tables
            where table_type = 'BASE TABLE'
            order by table_schema, table_name
            """
        ).fetchall()
        state = {}
        for schema, table in tables:
            rows, checksum = con.execute(
                f'select count(*), coalesce(sum(hash(t)::hugeint), 0) from "{schema}"."{table}" t'
            ).fetchone()
            state[f"{schema}.{table}"] = (int(rows), int(checksum))
        return state
    finally:
        con.close()


@pytest.fixture
def state_of() -> Callable[[Workspace], State]:
    """``state_of(ws)``: every table's row count and checksum, to compare before and after."""
    return warehouse_state


@pytest.fixture
def query() -> Callable[..., list[tuple[object, ...]]]:
    """``query(ws, sql, params)``: rows from a read-only connection to the warehouse."""

    def run(ws: Workspace, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        con = duckdb.connect(str(ws.warehouse_path), read_only=True)
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()

    return run


# -- the command line, as a real process ------------------------------------------------------


def ciudadana_command() -> list[str]:
    """The installed ``ciudadana`` script of this interpreter's environment."""
    script = Path(sys.executable).with_name("ciudadana")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from ciudadana.cli import main; main()"]


@pytest.fixture
def ciudadana() -> list[str]:
    """The command that starts ``ciudadana`` in a new process."""
    return ciudadana_command()


@pytest.fixture
def cli_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``ciudadana ARGS`` as a separate process (its own DuckDB lock, its own exit code)."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*ciudadana_command(), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "COLUMNS": "200"},
        )

    return run


# -- a real browser: Debian's chromium driven by Playwright (no browser download) -----------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches /usr/bin/chromium headless, with no network of its own."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--headless=new",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# -- a demo country, released -------------------------------------------------------------------


@pytest.fixture(scope="session")
def released_demo(tmp_path_factory: pytest.TempPathFactory):
    """A small demo country run end to end, release included (two years, 30,000 residents)."""
    from ciudadana.demo_run import run_demo

    root = tmp_path_factory.mktemp("demo-publicacion") / "ws"
    return run_demo(root, seed=5, persons=30_000, first_year=2019, last_year=2020)


@pytest.fixture(scope="session")
def personal_strings(released_demo) -> set[str]:
    """Names and identity numbers of the demo's people, upper case: none may reach the public."""
    truth = Path(released_demo.simulation) / "truth" / "persons.parquet"
    con = duckdb.connect()
    rows = con.execute(
        f"""
        select nombre1, nombre2, apellido1, apellido2, cui
        from '{truth}'
        where veces_victima > 0 or veces_agresor > 0
        """
    ).fetchall()
    found = {f"{r[0]} {r[2]}".upper() for r in rows}
    found |= {f"{r[2]} {r[3]}".upper() for r in rows if r[3]}
    found |= {r[4] for r in rows if r[4]}
    con = duckdb.connect(str(Path(released_demo.workspace) / "almacen.duckdb"), read_only=True)
    found |= {
        v
        for (v,) in con.execute("select id_number from restricted.person_identity").fetchall()
        if v and len(v) > 5
    }
    assert any(len(p) == 13 and p.isdigit() for p in found), "the demo has DPI numbers"
    return found


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1, a free port, in a thread; yield its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def find_personal(text: str, personal: set[str]) -> list[str]:
    """The names (two consecutive words) and identity numbers of ``personal`` found in ``text``."""
    import re

    words = re.findall(r"[^\W\d_]+", text.upper())
    seen = {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
    for run in re.findall(r"\d{6,}", text):
        seen |= {run} | {run[i : i + 13] for i in range(len(run) - 12)}
    return sorted(seen & personal)
