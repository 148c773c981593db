"""The public dashboard in a real browser (Debian's Chromium, headless) over a real uvicorn server.

The portal serves a small hand-made release (``tests/portal_fixture.py``); nothing may leave
127.0.0.1, the page runs under a strict Content Security Policy and must say what it shows in
Spanish first, then in English.
"""

from __future__ import annotations

import csv
import re
import shutil
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, expect

from ciudadana.portal import create_app
from ciudadana.publish.layout import CSV_HEADERS
from portal_fixture import make_release

SCREENSHOTS = Path(__file__).parent.parent / "bench" / "_work" / "screenshots"
CSP_WORDS = ("Content Security Policy", "Content-Security-Policy", "Refused to")
# What has the focus: an element's id, "region:<code>" for a map region, else its tag.
FOCUSED = """(() => {
    const e = document.activeElement;
    if (e.dataset && e.dataset.code) return 'region:' + e.dataset.code;
    return e.id || e.tagName;
})()"""


# -- a real server and a watched page ----------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal over the fixture's release, served by uvicorn on 127.0.0.1 and a free port."""
    release = make_release(tmp_path_factory.mktemp("publicacion") / "2020.12.31-prueba")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(release), log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture(scope="module")
def api(server: str) -> Iterator[httpx.Client]:
    """The same API, asked directly: what the page should show."""
    with httpx.Client(base_url=f"{server}/api/v1", timeout=10) as client:
        yield client


@dataclass
class Watch:
    """Everything the page asked for and every complaint of the browser."""

    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def api_calls(self, path: str) -> list[dict[str, list[str]]]:
        return [parse_qs(urlparse(u).query) for u in self.requests if urlparse(u).path == path]


@pytest.fixture
def watch(page: Page) -> Watch:
    seen = Watch()
    page.on("request", lambda r: seen.requests.append(r.url))

    def on_console(message) -> None:
        if message.type == "error" or any(w in message.text for w in CSP_WORDS):
            seen.problems.append(f"{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: seen.problems.append(f"pageerror: {e}"))
    return seen


def wait_ready(page: Page) -> None:
    """Wait until the view (map, table, trend) is drawn for the current state."""
    page.wait_for_selector("body[data-state=ready]", timeout=10_000)


def open_dashboard(page: Page, server: str, query: str = "") -> None:
    page.goto(f"{server}/{query}")
    wait_ready(page)


def state_of(page: Page) -> dict[str, str]:
    """The dashboard's state as its URL says it."""
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def table_rows(page: Page) -> list[dict[str, str]]:
    """The visible table: territory code, value as data and the cells' text."""
    return page.eval_on_selector_all(
        "#table tbody tr[data-territory]",
        """rows => rows.map(r => ({
            territory: r.dataset.territory,
            value: r.dataset.value,
            name: r.querySelector('th').textContent,
            cells: [...r.querySelectorAll('td')].map(td => td.textContent),
        }))""",
    )


def map_regions(page: Page) -> dict[str, dict[str, str]]:
    return {
        r["code"]: r
        for r in page.eval_on_selector_all(
            "#map path.region",
            """ps => ps.map(p => ({
                code: p.dataset.code, cls: p.getAttribute('class'),
                label: p.getAttribute('aria-label')}))""",
        )
    }


def spanish(value: float, decimals: int) -> str:
    """A number as the dashboard writes it in Spanish: 1 234,5 (no-break space)."""
    return f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")


def indicators(api: httpx.Client, lang: str = "es") -> list[dict]:
    return api.get("/indicators", params={"lang": lang}).json()["indicators"]


# -- the tests -------------------------------------------------------------------------------------


def test_the_page_loads_with_nothing_leaving_the_machine_and_no_console_errors(
    page: Page, server: str, watch: Watch
) -> None:
    response = page.goto(f"{server}/")
    assert response is not None and response.ok
    wait_ready(page)
    assert watch.requests, "the page asked for nothing"
    outside = [u for u in watch.requests if not u.startswith(f"{server}/")]
    assert outside == []
    assert watch.problems == []
    assert page.locator("html").get_attribute("lang") == "es"
    # Interactive well under a second on loopback (generous for a busy CI machine).
    ready = page.evaluate("performance.getEntriesByName('ciudadana-ready')[0].startTime")
    assert ready < 3000
    # The state is in the URL from the first view on.
    assert {"lang", "indicator", "year", "level"} <= set(state_of(page))


def test_the_page_runs_under_the_content_security_policy(page: Page, server: str) -> None:
    response = page.goto(f"{server}/")
    assert response is not None
    header = response.headers.get("content-security-policy", "")
    meta = page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content")
    for policy in (header, meta):
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
    wait_ready(page)
    # The page as served: no inline style or script the policy would refuse.
    served = httpx.get(f"{server}/", timeout=10).text
    assert "<style" not in served and " style=" not in served
    scripts = re.findall(r"<script[^>]*>", served)
    assert scripts and all(" src=" in tag for tag in scripts)


def test_the_map_draws_one_path_per_department_with_its_legend(
    page: Page, server: str, api: httpx.Client
) -> None:
    open_dashboard(page, server)
    departments = api.get("/territories", params={"level": "department"}).json()["features"]
    regions = map_regions(page)
    assert sorted(regions) == sorted(f["properties"]["code"] for f in departments)
    names = {f["properties"]["code"]: f["properties"]["name"] for f in departments}
    for code, region in regions.items():
        assert region["label"].startswith(f"{names[code]}: ")
    kinds = page.eval_on_selector_all("#legend-items li", "lis => lis.map(li => li.dataset.kind)")
    assert "class" in kinds and "withheld" in kinds and "nodata" in kinds
    expect(page.locator("#legend-items")).to_contain_text("dato reservado (conteo pequeño)")

    page.select_option("#f-level", "municipality")
    wait_ready(page)
    municipalities = api.get("/territories", params={"level": "municipality"}).json()
    codes = sorted(f["properties"]["code"] for f in municipalities["features"])
    assert sorted(map_regions(page)) == codes
    assert state_of(page)["level"] == "municipality"


def test_a_filter_change_updates_map_table_and_url_and_the_url_restores_it(
    page: Page, server: str, api: httpx.Client
) -> None:
    ind = next(i for i in indicators(api) if "year+department+sex" in i["groupings"])
    open_dashboard(page, server, f"?indicator={ind['code']}")
    first_year = str(ind["first_year"])
    page.select_option("#f-year", first_year)
    wait_ready(page)
    page.select_option("#f-sex", "female")
    wait_ready(page)

    state = state_of(page)
    assert state["year"] == first_year and state["sex"] == "female"
    assert state["indicator"] == ind["code"]
    expected = api.get(
        "/observations",
        params={
            "indicator": ind["code"],
            "by": "department,sex",
            "year": first_year,
            "sex": "female",
        },
    ).json()["rows"]
    shown = table_rows(page)
    assert [r["territory"] for r in shown] == [r["territory"] for r in expected]
    for row, exp in zip(shown, expected, strict=True):
        if exp["value"] is not None:
            assert row["cells"][0] == spanish(exp["value"], ind["decimals"])
    labels = {code: r["label"] for code, r in map_regions(page).items()}
    caption = page.text_content("#table caption")
    assert first_year in caption

    page.reload()
    wait_ready(page)
    assert state_of(page) == state
    assert page.input_value("#f-year") == first_year
    assert page.input_value("#f-sex") == "female"
    assert table_rows(page) == shown
    assert {code: r["label"] for code, r in map_regions(page).items()} == labels

    page.go_back()  # before the sex was chosen
    wait_ready(page)
    assert "sex" not in state_of(page)
    assert page.input_value("#f-sex") == "total"


def test_a_filter_not_published_at_that_detail_is_disabled_and_says_so(
    page: Page, server: str, api: httpx.Client
) -> None:
    lacking = [i for i in indicators(api) if "year+department+sex" not in i["groupings"]]
    if not lacking:
        pytest.skip("every indicator of the fixture is published by department and sex")
    open_dashboard(page, server, f"?indicator={lacking[0]['code']}&sex=female")
    expect(page.locator("#f-sex")).to_be_disabled()
    expect(page.locator("#note-sex")).to_contain_text("No publicado con este detalle")
    assert "sex" not in state_of(page)


def test_the_csv_download_holds_exactly_the_rows_of_the_table(
    page: Page, server: str, api: httpx.Client, tmp_path: Path
) -> None:
    ind = indicators(api)[0]
    open_dashboard(page, server, f"?indicator={ind['code']}&level=municipality")
    href = page.get_attribute("#download-csv", "href")
    json_href = page.get_attribute("#download-json", "href")
    assert parse_qs(urlparse(href).query)["format"] == ["csv"]
    with page.expect_download() as info:
        page.click("#download-csv")
    target = tmp_path / "descarga.csv"
    info.value.save_as(target)
    spanish_names = {es: en for en, es in CSV_HEADERS["es"].items()}
    with target.open(encoding="utf-8-sig", newline="") as fh:
        downloaded = [{spanish_names[k]: v for k, v in r.items()} for r in csv.DictReader(fh)]

    shown = table_rows(page)
    source = httpx.get(json_href, timeout=10).json()["rows"]
    assert len(downloaded) == len(shown) == len(source) > 0
    for cells, row, table_row in zip(downloaded, source, shown, strict=True):
        assert cells["territory"] == table_row["territory"] == row["territory"]
        assert cells["territory_name"] == table_row["name"]
        assert cells["year"] == state_of(page)["year"]
        if row["value"] is None:
            assert cells["value"] == "" and cells["conf_status"] in ("A", "D")
            assert table_row["cells"][0] == "reservado"
        else:
            assert float(cells["value"]) == row["value"]
            assert table_row["cells"][0] == spanish(row["value"], ind["decimals"])


def test_english_changes_the_texts_and_asks_the_api_in_english(
    page: Page, server: str, api: httpx.Client, watch: Watch
) -> None:
    open_dashboard(page, server)
    expect(page.locator("#filters-title")).to_have_text("Qué mostrar")
    page.click("button[data-lang=en]")
    wait_ready(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert state_of(page)["lang"] == "en"
    expect(page.locator("#filters-title")).to_have_text("What to show")
    expect(page.locator("#download-csv")).to_have_text("Download CSV (what is shown)")
    expect(page.locator("button[data-lang=en]")).to_have_attribute("aria-pressed", "true")
    first = indicators(api, "en")[0]
    assert (first["short"] or first["name"]) in page.inner_text("#f-indicator")
    asked = [q for p in ("/api/v1/indicators", "/api/v1/observations") for q in watch.api_calls(p)]
    assert {"en"} <= {q["lang"][0] for q in asked}
    assert parse_qs(urlparse(page.get_attribute("#download-csv", "href")).query)["lang"] == ["en"]
    assert watch.problems == []


def test_the_keyboard_reaches_the_filters_and_a_department_and_enter_drills_into_it(
    page: Page, server: str, api: httpx.Client
) -> None:
    open_dashboard(page, server)
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        reached.append(focused)
        if focused.startswith("region:"):
            break
    assert "f-indicator" in reached and "f-year" in reached
    assert reached[-1].startswith("region:"), reached
    code = reached[-1].removeprefix("region:")
    assert page.is_visible("#tooltip")

    page.keyboard.press("Enter")
    wait_ready(page)
    state = state_of(page)
    assert state["territory"] == code and state["level"] == "municipality"
    inside = api.get("/territories", params={"level": "municipality", "parent": code}).json()
    assert sorted(map_regions(page)) == sorted(f["properties"]["code"] for f in inside["features"])
    # Focus stays on the map, so the keyboard user carries on from there.
    assert page.evaluate("document.activeElement.classList.contains('region')")


def test_withheld_cells_are_hatched_on_the_map_and_read_reservado_in_the_table(
    page: Page, server: str, api: httpx.Client
) -> None:
    found = None
    for ind in indicators(api):
        for level in ("department", "municipality"):
            for year in range(ind["first_year"], ind["last_year"] + 1):
                rows = api.get(
                    "/observations", params={"indicator": ind["code"], "by": level, "year": year}
                ).json()["rows"]
                hidden = [r for r in rows if r["value"] is None and r["conf_status"] in "AD"]
                if hidden:
                    found = (ind["code"], level, year, hidden[0]["territory"])
                    break
            if found:
                break
        if found:
            break
    assert found, "the fixture has no withheld cell"
    code, level, year, territory = found
    open_dashboard(page, server, f"?indicator={code}&level={level}&year={year}")
    region = map_regions(page)[territory]
    assert "withheld" in region["cls"].split()
    assert "dato reservado" in region["label"]
    row = next(r for r in table_rows(page) if r["territory"] == territory)
    assert row["cells"][0] == "reservado"
    assert row["cells"][2] == "reservado"  # the count too: withheld, not 0
    assert "0" not in row["cells"][:3]


def test_api_errors_are_shown_in_words_not_traces(page: Page, server: str) -> None:
    message = "No hay ningún indicador «X» en esta publicación."
    page.route(
        "**/api/v1/observations?*",
        lambda route: route.fulfill(
            status=404,
            content_type="application/json",
            body=f'{{"error": {{"code": "unknown-indicator", "message": "{message}"}}}}',
        ),
    )
    page.goto(f"{server}/")
    page.wait_for_selector("body[data-state=error]")
    expect(page.locator("#status")).to_have_text(f"Error: {message}")
    expect(page.locator("#status")).to_have_attribute("role", "status")

    page.unroute("**/api/v1/observations?*")
    page.route("**/api/v1/observations?*", lambda route: route.abort("internetdisconnected"))
    page.select_option("#f-year", index=1)
    page.wait_for_selector("body[data-state=error]")
    expect(page.locator("#status")).to_contain_text("No se pudo conectar con el servidor")


def test_the_table_sorts_by_value_from_a_header_button(page: Page, server: str) -> None:
    open_dashboard(page, server, "?level=municipality")
    button = page.locator("#table thead button[data-key=value]")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#table thead th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    values = [float(r["value"]) for r in table_rows(page) if r["value"]]
    assert values == sorted(values)
    page.locator("#table thead button[data-key=value]").click()
    values = [float(r["value"]) for r in table_rows(page) if r["value"]]
    assert values == sorted(values, reverse=True)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_full_page_screenshots_on_a_laptop_and_a_phone(
    page: Page, server: str, tmp_path: Path, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    open_dashboard(page, server, "?level=municipality")
    # Nothing wider than the screen on a phone (the table scrolls inside its own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot = tmp_path / f"tablero-{width}x{height}.png"
    page.screenshot(path=str(shot), full_page=True)
    shot_width, shot_height = png_size(shot)
    assert shot_width == width and shot_height >= height
    assert 20_000 < shot.stat().st_size < 5_000_000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SCREENSHOTS / shot.name)
