"""The open-data release: safe by construction, reproducible, readable by people and machines.

The attacker in these tests is written here, apart from the release's own control: it reads
only what the release publishes (its database) and the tables' sums, and solves, with SciPy's
linear programming, the smallest and largest value every withheld count can take.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
from scipy.optimize import linprog
from typer.testing import CliRunner

from ciudadana.cli import app
from ciudadana.ingest import ingest_file
from ciudadana.publish.layout import CSV_HEADERS, latest_release
from ciudadana.publish.release import NothingToRelease, ReleaseOptions, build_release
from ciudadana.workspace import Workspace, open_workspace
from conftest import find_personal

SHARES = ("VC_CHV_SHARE", "VC_HCL_PROXY")  # their denominators are protected too (below)
KEY = ("grouping", "time_period", "territory", "sex", "age", "pueblo", "relationship", "weapon")


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _observations(folder: Path) -> list[dict[str, Any]]:
    con = sqlite3.connect(folder / "publicacion.sqlite")
    con.row_factory = sqlite3.Row
    return [dict(r) for r in con.execute("select * from observations")]


def _parents(folder: Path) -> dict[str, str]:
    con = sqlite3.connect(folder / "publicacion.sqlite")
    return dict(con.execute("select code, parent from territories where parent is not null"))


# -- the attacker -----------------------------------------------------------------------------


def _equations(cells: dict[tuple, dict], parents: dict[str, str]) -> list[tuple[tuple, list]]:
    """total = sum(parts) for each published table: every cut adds up to the cut without it,
    municipalities to their department and months to their quarter."""
    by_grouping: dict[str, list[tuple]] = defaultdict(list)
    for key in cells:
        by_grouping[key[0]].append(key)
    country = next(k[2] for k in cells if k[0] == "year")
    out = []
    for grouping, keys in by_grouping.items():
        dims = grouping.split("+")[1:]
        for dim in dims:
            targets = [("+".join(["year", *[d for d in dims if d != dim]]), None)]
            if dim == "municipality":
                targets.append(("+".join(["year", *dims]).replace("municipality", "department"), 1))
            if dim == "month":
                targets.append(("+".join(["year", *dims]).replace("month", "quarter"), 1))
            for target, coarser in targets:
                if target not in by_grouping:
                    continue
                groups: dict[tuple, list] = defaultdict(list)
                for k in keys:
                    up = list(k)
                    up[0] = target
                    if dim in ("department", "municipality"):
                        up[2] = parents.get(k[2], "?") if coarser else country
                    elif dim in ("month", "quarter"):
                        if coarser:
                            y, _, m = k[1].partition("-")
                            up[1] = f"{y}-Q{(int(m) - 1) // 3 + 1}" if m.isdigit() else k[1]
                        else:
                            up[1] = k[1][:4]
                    else:
                        up[KEY.index({"age_group": "age", "age_broad": "age"}.get(dim, dim))] = (
                            "total"
                        )
                    groups[tuple(up)].append(k)
                out += [(t, parts) for t, parts in groups.items() if t in cells]
    return out


def _attack(cells: dict[tuple, dict], equations: list) -> dict[tuple, tuple[float, float]]:
    """The narrowest range of every withheld count, knowing every published count and the sums.

    A remainder (what a total has beyond its published parts, e.g. records without the
    category) is taken as known when no part of it is withheld: the attacker is generous.
    """
    hidden = sorted(k for k, c in cells.items() if c["numerator"] is None)
    index = {k: i for i, k in enumerate(hidden)}
    rows, rhs, kinds = [], [], []
    for total, parts in equations:
        unknown = [p for p in (total, *parts) if p in index]
        if not unknown:
            continue
        coef = np.zeros(len(hidden))
        known = 0.0
        for p in parts:
            if p in index:
                coef[index[p]] += 1
            else:
                known += cells[p]["numerator"]
        if total in index:
            coef[index[total]] -= 1
            bound = -known
        else:
            bound = cells[total]["numerator"] - known
        rows.append(coef)
        rhs.append(bound)
        kinds.append("le")  # parts may miss a remainder: sum(parts) <= total
    ranges = {}
    if not rows:
        return {k: (0.0, float("inf")) for k in hidden}
    a = np.array(rows)
    b = np.array(rhs)
    for k, i in index.items():
        c = np.zeros(len(hidden))
        c[i] = 1
        lo = linprog(c, A_ub=a, b_ub=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_ub=a, b_ub=b, bounds=(0, None), method="highs")
        upper = float("inf") if hi.status == 3 else -hi.fun
        ranges[k] = (lo.fun, upper)
    return ranges


def _tables(rows: list[dict]) -> dict[tuple[str, int], dict[tuple, dict]]:
    tables: dict[tuple[str, int], dict[tuple, dict]] = defaultdict(dict)
    for r in rows:
        tables[(r["indicator"], r["year"])][tuple(r[c] for c in KEY)] = r
    return tables


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def release(released_demo) -> Path:
    return latest_release(Path(released_demo.workspace))


# -- disclosure control -------------------------------------------------------------------------


def test_small_counts_are_withheld_with_their_rates_and_intervals(release: Path) -> None:
    rows = _observations(release)
    withheld = [r for r in rows if r["conf_status"] != "F"]
    assert withheld, "a small country has small counts"
    assert {r["conf_status"] for r in withheld} <= {"A", "D"}
    for r in withheld:
        assert (r["numerator"], r["value"], r["lower"], r["upper"], r["value_asr"]) == (None,) * 5
    published = [r for r in rows if r["conf_status"] == "F"]
    assert all(r["numerator"] == 0 or r["numerator"] >= 3 for r in published)


def test_no_withheld_count_can_be_recovered_from_the_published_sums(release: Path) -> None:
    parents = _parents(release)
    exposed = []
    for (indicator, year), cells in _tables(_observations(release)).items():
        if indicator in SHARES:
            continue  # shares: their denominators are withheld too (checked below)
        ranges = _attack(cells, _equations(cells, parents))
        for key, (lo, hi) in ranges.items():
            if cells[key]["conf_status"] == "A" and hi - lo < 3 - 1e-6:
                exposed.append((indicator, year, key, lo, hi))
    assert exposed == []


def test_a_share_withholds_its_denominator_where_the_count_of_people_is_small(
    release: Path,
) -> None:
    rows = [r for r in _observations(release) if r["indicator"] == "VC_CHV_SHARE"]
    assert rows
    published = [r for r in rows if r["conf_status"] == "F"]
    assert all(r["denominator"] == 0 or r["denominator"] >= 3 for r in published)
    assert all(r["denominator"] is None for r in rows if r["conf_status"] != "F")


def _edit_inacif_export(ws: Workspace, simulation: Path, drop: int) -> Path:
    """A corrected re-delivery of the forensic export: ``drop`` records of 2020 taken out."""
    source = next((simulation / "exports").glob("inacif_necropsias_*.csv"))
    text = source.read_bytes().decode("utf-8")
    lines = text.splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    cut = [i for i, line in enumerate(body) if "/2020" in line or "2020-" in line][:drop]
    kept = [line for i, line in enumerate(body) if i not in set(cut)]
    target = ws.root / "correcciones" / source.name.replace(".csv", "_corregido.csv")
    target.parent.mkdir(exist_ok=True)
    target.write_bytes((header + "".join(kept)).encode("utf-8"))
    return target


def test_a_new_release_cannot_be_differenced_against_the_previous_one(
    released_demo, tmp_path: Path
) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(released_demo.workspace, folder)
    ws = open_workspace(folder)
    first = latest_release(folder)
    corrected = _edit_inacif_export(ws, Path(released_demo.simulation), drop=4)
    ingest_file(ws, "gtm/inacif-necropsias", corrected)
    second = build_release(ws)
    assert second.previous == first.name and second.version != first.name
    manifest = json.loads((second.folder / "manifest.json").read_text("utf-8"))
    assert manifest["previous_version"] == first.name

    # The attacker joins both releases and guesses, wherever one publishes a cell the other
    # withholds, that it did not change; the test lets every right guess through (the truth
    # is in the private control files) and then solves each release's sums.
    def truth(version: str) -> dict[tuple, int]:
        path = folder / "publicacion" / "control" / f"{version}.parquet"
        return {
            (r["indicator"], r["year"], *(r[c] for c in KEY)): r["numerator"]
            for r in pq.read_table(path).to_pylist()
        }

    true_new, true_old = truth(second.version), truth(first.name)
    parents = _parents(second.folder)
    old_tables = _tables(_observations(first))
    exposed = []
    for tid, new in _tables(_observations(second.folder)).items():
        if tid[0] in SHARES or tid not in old_tables:
            continue
        old = old_tables[tid]
        guessed_new = {k: dict(r) for k, r in new.items()}
        guessed_old = {k: dict(r) for k, r in old.items()}
        for k in new.keys() & old.keys():
            a, b = new[k]["numerator"], old[k]["numerator"]
            if a is None and b is not None and true_new[(*tid, *k)] == b:
                guessed_new[k]["numerator"] = b
                exposed.append(("new", tid, k, b))
            if b is None and a is not None and true_old[(*tid, *k)] == a:
                guessed_old[k]["numerator"] = a
                exposed.append(("old", tid, k, a))
        for tag, cells in (("new", guessed_new), ("old", guessed_old)):
            ranges = _attack(cells, _equations(cells, parents))
            for key, (lo, hi) in ranges.items():
                if cells[key]["conf_status"] == "A" and hi - lo < 3 - 1e-6:
                    exposed.append((tag, tid, key, lo, hi))
    assert exposed == []


# -- reproducible and traceable -------------------------------------------------------------


def test_the_same_warehouse_gives_byte_identical_files(released_demo, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(released_demo.workspace, folder)
    first = latest_release(folder)
    before = _hashes(first)
    again = build_release(folder)
    assert again.unchanged and again.version == first.name
    shutil.rmtree(first)
    rebuilt = build_release(folder)
    assert rebuilt.folder == first and not rebuilt.unchanged
    assert _hashes(first) == before


def test_the_manifest_lists_every_current_load_and_every_file_with_its_checksum(
    released_demo, release: Path
) -> None:
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    con = duckdb.connect(str(Path(released_demo.workspace) / "almacen.duckdb"), read_only=True)
    current = [r[0] for r in con.execute("select load_id from current_loads order by 1").fetchall()]
    assert [r["load_id"] for r in manifest["loads"]] == current
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p for p in _hashes(release) if p != "manifest.json"}
    assert set(listed) == on_disk
    for path, f in listed.items():
        data = (release / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"]
    assert manifest["disclosure"]["primary"] > 0 and manifest["threshold"] == 3


# -- files people and machines open -------------------------------------------------------


def test_the_csv_opens_in_excel_with_accents_and_spanish_headers(release: Path) -> None:
    data = (release / "datos" / "indicadores.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert reader.fieldnames == list(CSV_HEADERS["es"].values())
    rows = list(reader)
    assert any(r["territorio"] == "Sacatepéquez" for r in rows)
    assert all(
        r["territorio_codigo"] == "GTM" or r["territorio_codigo"][0] == "0" for r in rows[:50]
    )
    parquet = pq.read_table(release / "datos" / "indicadores.parquet")
    assert parquet.num_rows == len(rows)


def test_sdmx_csv_names_the_dataflow_and_marks_withheld_cells_confidential(release: Path) -> None:
    rows = list(
        csv.DictReader(io.StringIO((release / "datos" / "indicadores_sdmx.csv").read_text()))
    )
    assert rows[0]["STRUCTURE"] == "dataflow" and rows[0]["STRUCTURE_ID"].startswith("CIUDADANA:")
    assert {r["SEX"] for r in rows} >= {"_T", "F", "M"}
    assert {r["FREQ"] for r in rows} >= {"A", "Q", "M"}
    withheld = [r for r in rows if r["CONF_STATUS"] in ("A", "D")]
    assert withheld and all(r["OBS_VALUE"] == "" for r in withheld)


def test_the_dcat_catalogue_describes_every_indicator_with_licence_and_coverage(
    release: Path,
) -> None:
    doc = json.loads((release / "catalogo.jsonld").read_text("utf-8"))
    assert doc["@type"] == "dcat:Catalog"
    con = sqlite3.connect(release / "publicacion.sqlite")
    codes = {c for (c,) in con.execute("select code from indicators")}
    datasets = {d["dct:identifier"]: d for d in doc["dcat:dataset"]}
    assert set(datasets) == codes
    for d in datasets.values():
        assert d["dct:license"]["@id"].startswith("https://creativecommons.org/")
        assert d["dct:accrualPeriodicity"]["@id"].endswith("annual")
        assert d["dct:temporal"]["dcat:startDate"]["@value"] == "2019"
        assert {t["@language"] for t in d["dct:description"]} == {"es", "en"}
    formats = {x["dct:format"] for x in doc["dcat:distribution"]}
    assert formats >= {"csv", "parquet", "sdmx-csv", "geojson"}


def test_published_maps_hold_boundaries_only_never_points(release: Path) -> None:
    for name in ("departamentos", "municipios"):
        doc = json.loads((release / "geo" / f"{name}.geojson").read_text("utf-8"))
        kinds = {f["geometry"]["type"] for f in doc["features"]}
        assert kinds == {"MultiPolygon"}
    con = sqlite3.connect(release / "publicacion.sqlite")
    columns = {
        r[1]
        for t in ("observations", "territories")
        for r in con.execute(f"pragma table_info({t})")
    }
    assert not columns & {"lat", "lon", "latitude", "longitude", "address", "direccion"}


# -- no personal data -----------------------------------------------------------------------


def test_no_release_file_holds_a_name_or_an_identity_number(
    release: Path, personal_strings: set[str]
) -> None:
    leaks = {}
    for path in sorted(release.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            text = pq.read_table(path).to_pandas().to_csv()
        elif path.suffix == ".sqlite":
            con = sqlite3.connect(path)
            text = "\n".join(con.iterdump())
        else:
            text = path.read_text("utf-8-sig")
        found = find_personal(text, personal_strings)
        if found:
            leaks[str(path.relative_to(release))] = found[:5]
    assert leaks == {}


# -- bad input and the verb -----------------------------------------------------------------


def test_an_empty_warehouse_is_told_to_load_data_first(workspace: Workspace) -> None:
    with pytest.raises(NothingToRelease, match="ciudadana ingest"):
        build_release(workspace, ReleaseOptions(threshold=5))
    assert not (workspace.root / "publicacion").exists()


def test_the_release_verb_prints_one_json_object(released_demo, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(released_demo.workspace, folder)
    result = CliRunner().invoke(app, ["release", "--workspace", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["unchanged"] is True and data["disclosure"]["published"] > 0


def test_a_script_with_busy_threads_and_no_main_guard_builds_the_same_release(
    released_demo, tmp_path: Path
) -> None:
    """Disclosure control runs in fresh worker interpreters: never a fork of a process with
    DuckDB or a server on other threads (a forked child can crash), never a re-run of the
    caller's own script (as multiprocessing's spawn and forkserver do without a main guard)."""
    folder = tmp_path / "ws"
    shutil.copytree(released_demo.workspace, folder)
    first = latest_release(folder)
    before = _hashes(first)
    shutil.rmtree(first)
    script = tmp_path / "publicar.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import threading, duckdb
            from ciudadana.publish import control
            from ciudadana.publish.release import build_release

            calls = []
            original = control._in_workers
            control._in_workers = lambda *a: calls.append(1) or original(*a)
            con = duckdb.connect({str(folder / "almacen.duckdb")!r}, read_only=True)
            busy = threading.Event()

            def query():
                while not busy.is_set():
                    con.cursor().execute("select count(*) from range(2000000)").fetchall()

            worker = threading.Thread(target=query)
            worker.start()
            try:
                print(build_release({str(folder)!r}).version, len(calls))
            finally:
                busy.set()
                worker.join()
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    version, workers_used = done.stdout.split()
    assert version == first.name
    assert workers_used == "1", "the demo is large enough to spread over worker processes"
    assert _hashes(first) == before
