"""The portal over the demo's real release: every answer free of personal data, the dashboard
through a filter change and a download, and `ciudadana demo` ending at the dashboard."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from ciudadana.portal import create_app
from ciudadana.publish.layout import latest_release
from conftest import find_personal, running

SHOTS = Path(__file__).resolve().parent.parent / "bench" / "_work" / "screenshots"


@pytest.fixture(scope="module")
def portal(released_demo) -> Iterator[str]:
    with running(create_app(latest_release(Path(released_demo.workspace)))) as url:
        yield url


def _every_url(client: httpx.Client) -> list[str]:
    """Every resource of the API, every indicator by every grouping and year, series by
    department and a sample of municipalities, in both languages and both formats."""
    urls = ["/", "/api/v1", "/api/v1/catalog", "/api/v1/downloads", "/openapi.json"]
    urls += ["/openapi.en.json", "/api/v1/codes", "/api/v1/territories?level=department"]
    urls.append("/api/v1/territories?level=municipality")
    indicators = client.get("/api/v1/indicators").json()["indicators"]
    codes = client.get("/api/v1/codes").json()
    departments = [t["code"] for t in codes["territories"] if t["level"] == "department"]
    municipalities = [t["code"] for t in codes["territories"] if t["level"] == "municipality"]
    for ind in indicators:
        urls.append(f"/api/v1/indicators/{ind['code']}?lang=en")
        for grouping in ind["groupings"]:
            by = ",".join(grouping.split("+")[1:])
            for fmt in ("json", "csv"):
                urls.append(f"/api/v1/observations?indicator={ind['code']}&by={by}&format={fmt}")
        places = [*departments] if "year+department" in ind["groupings"] else []
        places += municipalities[::25] if "year+municipality" in ind["groupings"] else []
        for territory in places:
            urls.append(f"/api/v1/series?indicator={ind['code']}&territory={territory}")
    files = client.get("/api/v1/downloads").json()["files"]
    urls += [f["url"] for f in files]
    return urls


def test_no_api_answer_holds_a_name_or_an_identity_number(
    portal: str, personal_strings: set[str]
) -> None:
    leaks = {}
    with httpx.Client(base_url=portal, timeout=30) as client:
        urls = _every_url(client)
        assert len(urls) > 300
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if url.endswith(".parquet") or url.endswith(".sqlite"):
                continue  # binary: the release test reads them through their readers
            found = find_personal(response.content.decode("utf-8-sig"), personal_strings)
            if found:
                leaks[url] = found[:3]
    assert leaks == {}


def test_the_portal_serves_what_the_release_published(portal: str, released_demo) -> None:
    with httpx.Client(base_url=portal) as client:
        info = client.get("/api/v1").json()
        assert info["version"] == released_demo.release["version"]
        rows = client.get(
            "/api/v1/observations", params={"indicator": "VC_IHR_PSRC", "by": "department"}
        ).json()["rows"]
    assert {r["territory_level"] for r in rows} == {"department"}
    assert len({r["territory"] for r in rows}) == 22
    withheld = [r for r in rows if r["suppressed"]]
    assert all(r["value"] is None and r["numerator"] is None for r in withheld)


def test_the_dashboard_on_the_demo_changes_filters_and_downloads_what_it_shows(
    portal: str, page, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(portal + "/")
    # No wait_for_function: it evaluates a string, which the page's CSP rightly forbids.
    expect(page.locator("svg path[data-code]")).to_have_count(22)
    indicator = page.get_by_label(re.compile("Indicador"))
    indicator.select_option("VC_FEM_RATE")
    page.wait_for_url(re.compile("indicator=VC_FEM_RATE"))
    expect(page.locator("table#table tbody tr").nth(21)).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "tablero-demo-femicidio.png"), full_page=True)
    table = page.locator("table#table")
    shown = table.locator("tbody tr").count()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Descargar CSV")).click()
    path = info.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text("utf-8-sig"))))
    assert len(rows) == shown
    assert {r["indicador"] for r in rows} == {"VC_FEM_RATE"}
    assert errors == []


def test_ciudadana_demo_ends_with_the_dashboard_address_and_serves_it(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200"}
    command = [
        sys.executable,
        "-m",
        "ciudadana.cli",
        "demo",
        "--workspace",
        str(tmp_path / "demo"),
        "--persons",
        "20000",
        "--first-year",
        "2020",
        "--port",
        "18765",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 400
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode("utf-8", "replace")
            if not line:
                break
            lines.append(line)
            if "Tablero:" in line:
                break
        url = re.search(r"http://127\.0\.0\.1:\d+/", lines[-1])
        assert url, "".join(lines[-20:])
        for _ in range(100):
            try:
                answer = httpx.get(url.group(0) + "api/v1", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer.status_code == 200
        assert json.loads(answer.text)["country"] == "GTM"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
