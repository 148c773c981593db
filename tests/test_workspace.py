"""A workspace as ``ciudadana init`` leaves it: its folders, its warehouse, its reference data."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from ciudadana.bootstrap import init_workspace
from ciudadana.errors import CiudadanaError, NotAWorkspace
from ciudadana.standards.iccs import load_iccs
from ciudadana.workspace import Workspace, open_workspace


def scalar(path: Path, sql: str) -> object:
    con = duckdb.connect(str(path / "almacen.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_init_creates_the_config_raw_and_specs_folders_and_the_warehouse(
    gtm_template: Path,
) -> None:
    assert (gtm_template / "raw").is_dir()
    assert (gtm_template / "specs").is_dir()
    assert (gtm_template / "almacen.duckdb").is_file()
    config = tomllib.loads((gtm_template / "ciudadana.toml").read_text("utf-8"))
    assert config["workspace"] == {
        "country": "GTM",
        "territory_pack": "GTM",
        "language": "es",
        "warehouse": "almacen.duckdb",
    }


def test_init_fills_iccs_with_the_shipped_classification(gtm_template: Path) -> None:
    # 11 sections and 309 categories of ICCS 1.0, plus the national extensions that ship
    # (323 rows when this test was written: 0101.01, 0201.01, 0201.02).
    assert scalar(gtm_template, "select count(*) from iccs where not national") == 11 + 309
    assert scalar(gtm_template, "select count(*) from iccs") == len(load_iccs()) >= 323
    assert scalar(gtm_template, "select label_es from iccs where code = '0101'")


def test_init_fills_the_362_divisions_of_guatemala(gtm_template: Path) -> None:
    assert scalar(gtm_template, "select count(*) from territories where country = 'GTM'") == 362
    assert scalar(gtm_template, "select count(*) from territories where level = 1") == 22


def test_init_loads_the_pack_population_as_an_ordinary_recorded_load(gtm_template: Path) -> None:
    con = duckdb.connect(str(gtm_template / "almacen.duckdb"), read_only=True)
    try:
        loads = con.execute(
            "select load_id, source_id, rows_in, rows_loaded, rows_quarantined, raw_path from loads"
        ).fetchall()
        population = con.execute("select count(*) from current_population").fetchone()[0]
        years = con.execute("select min(year), max(year) from population").fetchone()
    finally:
        con.close()
    assert len(loads) == 1
    load_id, source, rows_in, loaded, quarantined, raw_path = loads[0]
    assert source == "gtm/poblacion"
    assert rows_in == loaded + quarantined == population > 0
    assert years == (2011, 2020)
    assert (gtm_template / raw_path).is_file()  # the file as received, kept in raw/


def test_init_of_mexico_fills_its_divisions_and_says_it_has_no_population(
    mex_template: Path,
) -> None:
    assert scalar(mex_template, "select count(*) from territories where country = 'MEX'") > 2000
    assert scalar(mex_template, "select count(*) from loads") == 0


def test_init_twice_in_the_same_folder_refuses_and_keeps_the_first(
    workspace: Workspace, state_of: Callable[[Workspace], object]
) -> None:
    before = state_of(workspace)
    with pytest.raises(CiudadanaError) as caught:
        init_workspace(workspace.root)
    assert caught.value.code == "workspace-exists"
    assert "ya es un espacio de trabajo" in caught.value.message
    assert state_of(workspace) == before


def test_a_folder_without_ciudadana_toml_is_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(NotAWorkspace) as caught:
        open_workspace(tmp_path)
    assert str(tmp_path) in caught.value.message
    assert "ciudadana init" in caught.value.message


def test_a_copied_workspace_works_where_it_lies(gtm_template: Path, tmp_path: Path) -> None:
    moved = tmp_path / "copia"
    shutil.copytree(gtm_template, moved)
    ws = open_workspace(moved)
    assert ws.root == moved.resolve()
    assert ws.warehouse_path == moved.resolve() / "almacen.duckdb"
    assert ws.country == "GTM"


def test_an_unknown_country_is_refused_before_creating_anything(tmp_path: Path) -> None:
    with pytest.raises(CiudadanaError) as caught:
        init_workspace(tmp_path / "nuevo", country="XXX")
    assert "XXX" in caught.value.message
    assert not (tmp_path / "nuevo").exists()
