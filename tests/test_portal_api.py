"""The public portal over a small release: a real uvicorn on 127.0.0.1, asked over HTTP.

The release comes from ``portal_fixture.make_release`` (written by hand from the release
schema). The portal is given that folder and nothing else; one test puts an unreadable
warehouse beside it and watches that nothing opens it.
"""

from __future__ import annotations

import ast
import atexit
import csv
import gzip
import hashlib
import http.client
import inspect
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

import ciudadana.portal
from ciudadana.commands import serve as serve_command
from ciudadana.portal import create_app
from ciudadana.publish.layout import CSV_HEADERS, OBSERVATION_COLUMNS
from conftest import running
from portal_fixture import HOMICIDE, VIOLENCE, make_release

VERSION = "2020.12.31-test"
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"
BOM = b"\xef\xbb\xbf"


# -- a real server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_release(tmp_path_factory.mktemp("portal") / "publicacion" / VERSION)


@pytest.fixture(scope="module")
def base_url(release: Path) -> Iterator[str]:
    with running(create_app(release)) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as c:
        yield c


def raw_get(base_url: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (httpx would tidy ``..`` away)."""
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def error_of(response: httpx.Response) -> dict[str, str]:
    """The error of a response, checking it has the one error shape."""
    body = response.json()
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "message"]
    return body["error"]


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(BOM)
    return list(csv.DictReader(io.StringIO(content[len(BOM) :].decode("utf-8"))))


# -- the release and the catalogue -------------------------------------------------------------


def test_api_root_describes_the_release_and_links_every_resource(client: httpx.Client) -> None:
    body = client.get("/api/v1").json()
    assert body["version"] == VERSION
    assert (body["country"], body["country_name"]) == ("GTM", "Guatemala")
    assert body["threshold"] == 3
    assert body["licence"] == "CC-BY-4.0"
    assert body["licence_url"].startswith("https://creativecommons.org/")
    assert body["indicators"] == 2
    assert body["links"]["indicators"] == "/api/v1/indicators"
    for link in body["links"].values():
        assert client.get(link, params={"indicator": HOMICIDE}).status_code == 200, link


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("es", "Víctimas de homicidio intencional por cada 100 000 habitantes"),
        ("en", "Victims of intentional homicide per 100,000 population"),
    ],
)
def test_indicators_come_in_catalogue_order_in_the_language_asked(
    client: httpx.Client, lang: str, name: str
) -> None:
    indicators = client.get("/api/v1/indicators", params={"lang": lang}).json()["indicators"]
    assert [i["code"] for i in indicators] == [HOMICIDE, VIOLENCE]
    first = indicators[0]
    assert first["name"] == name
    assert first["iccs"] == ["0101"]
    assert first["groupings"][:2] == ["year", "year+department"]
    assert (first["first_year"], first["last_year"]) == (2019, 2020)
    assert sorted(first) == sorted(
        [
            "code", "sdg", "name", "short", "unit", "unit_measure", "decimals", "counting",
            "date_basis", "iccs", "notes", "groupings", "first_year", "last_year",
        ]
    )  # fmt: skip
    one = client.get(f"/api/v1/indicators/{HOMICIDE}", params={"lang": lang}).json()
    assert one == first


@pytest.mark.parametrize(
    ("lang", "words"), [("es", "No hay ningún indicador «VC_NADA»"), ("en", "no indicator")]
)
def test_an_unknown_indicator_is_a_404_that_lists_the_codes(
    client: httpx.Client, lang: str, words: str
) -> None:
    for response in (
        client.get("/api/v1/indicators/VC_NADA", params={"lang": lang}),
        client.get("/api/v1/observations", params={"indicator": "VC_NADA", "lang": lang}),
        client.get("/api/v1/series", params={"indicator": "VC_NADA", "lang": lang}),
    ):
        assert response.status_code == 404
        error = error_of(response)
        assert error["code"] == "unknown-indicator"
        assert words in error["message"]
        assert HOMICIDE in error["message"] and VIOLENCE in error["message"]


# -- observations ------------------------------------------------------------------------------


def test_observations_by_year_by_default(client: httpx.Client) -> None:
    body = client.get("/api/v1/observations", params={"indicator": HOMICIDE}).json()
    assert (body["indicator"], body["grouping"], body["count"]) == (HOMICIDE, "year", 2)
    first = body["rows"][0]
    assert list(first) == [*OBSERVATION_COLUMNS, "suppressed"]
    assert (first["time_period"], first["territory"], first["territory_name"]) == (
        "2019",
        "GTM",
        "Guatemala",
    )
    assert (first["numerator"], first["denominator"], first["value"]) == (49, 1_200_000.0, 4.1)
    assert first["suppressed"] is False and first["unstable"] is False


def test_the_order_of_by_does_not_matter(client: httpx.Client) -> None:
    one = client.get("/api/v1/observations", params={"indicator": HOMICIDE, "by": "sex,department"})
    other = client.get(
        "/api/v1/observations", params={"indicator": HOMICIDE, "by": "department,sex"}
    )
    assert one.status_code == other.status_code == 200
    assert one.content == other.content
    assert one.headers["etag"] == other.headers["etag"]
    assert one.json()["grouping"] == "year+department+sex"


def test_rows_come_by_period_then_territory_then_category(client: httpx.Client) -> None:
    rows = client.get(
        "/api/v1/observations", params={"indicator": HOMICIDE, "by": "department,sex"}
    ).json()["rows"]
    keys = [(r["time_period"], r["territory"], r["sex"]) for r in rows]
    assert keys[:3] == [("2019", "01", "female"), ("2019", "01", "male"), ("2019", "01", "unknown")]
    assert keys[3][1] == "02" and keys[6][0] == "2020"
    ages = client.get(
        "/api/v1/observations", params={"indicator": HOMICIDE, "by": "age_broad", "year": 2019}
    ).json()["rows"]
    assert [r["age"] for r in ages] == ["00-14", "15-29", "30-44", "45-59", "60+", "unknown"]


def test_withheld_cells_keep_their_key_and_denominator_but_no_figures(
    client: httpx.Client,
) -> None:
    rows = client.get(
        "/api/v1/observations", params={"indicator": HOMICIDE, "by": "municipality", "year": 2019}
    ).json()["rows"]
    assert [(r["territory"], r["conf_status"]) for r in rows] == [
        ("0101", "D"),
        ("0102", "A"),
        ("0201", "D"),
        ("0202", "A"),
    ]
    for r in rows:
        assert r["suppressed"] is True
        assert r["numerator"] is r["value"] is r["lower"] is r["upper"] is None
        assert r["denominator"] > 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"by": "department", "year": 2020}, [("2020", "01"), ("2020", "02")]),
        ({"by": "municipality", "parent": "02"}, [("2019", "0201"), ("2019", "0202"),
                                                   ("2020", "0201"), ("2020", "0202")]),
        ({"by": "municipality", "territory": "0102"}, [("2019", "0102"), ("2020", "0102")]),
        ({"by": "sex", "sex": "male"}, [("2019", "GTM"), ("2020", "GTM")]),
        ({"by": "age_broad", "age": "15-29", "year": 2020}, [("2020", "GTM")]),
        ({"by": "department,sex", "parent": "GTM", "sex": "female", "year": 2019},
         [("2019", "01"), ("2019", "02")]),
        ({"by": "department", "pueblo": "", "relationship": "", "weapon": ""},
         [("2019", "01"), ("2019", "02"), ("2020", "01"), ("2020", "02")]),
        ({"by": "department", "territory": "99"}, []),
    ],
)  # fmt: skip
def test_filters_keep_only_the_cells_asked_for(
    client: httpx.Client, params: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    body = client.get("/api/v1/observations", params={"indicator": HOMICIDE, **params}).json()
    assert [(r["time_period"], r["territory"]) for r in body["rows"]] == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {"by": "department,sex"},
        {"by": "municipality", "year": 2019},
        {"by": "age_broad", "year": 2019},
        {},
    ],
)
def test_the_csv_has_exactly_the_rows_of_the_json_in_the_same_order(
    client: httpx.Client, params: dict[str, Any], lang: str
) -> None:
    query = {"indicator": HOMICIDE, "lang": lang, **params}
    as_json = client.get("/api/v1/observations", params=query).json()
    response = client.get("/api/v1/observations", params={**query, "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    grouping = as_json["grouping"].replace("+", "-")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{HOMICIDE}_{grouping}.csv"'
    )
    rows = csv_rows(response.content)
    headers = CSV_HEADERS[lang]
    assert list(rows[0]) == [headers[c] for c in OBSERVATION_COLUMNS]
    assert len(rows) == len(as_json["rows"])
    for line, row in zip(rows, as_json["rows"], strict=True):
        for column in ("time_period", "territory", "territory_name", "sex", "age", "conf_status"):
            assert line[headers[column]] == str(row[column])
        if row["suppressed"]:
            assert line[headers["numerator"]] == line[headers["value"]] == ""
            assert line[headers["lower"]] == line[headers["upper"]] == ""
        else:
            assert int(line[headers["numerator"]]) == row["numerator"]
            value = line[headers["value"]]
            assert (float(value) if value else None) == row["value"]


def test_spanish_csv_headers_are_the_release_files_headers(client: httpx.Client) -> None:
    response = client.get("/api/v1/observations", params={"indicator": VIOLENCE, "format": "csv"})
    header = response.content[len(BOM) :].split(b"\r\n")[0].decode()
    assert header.startswith("indicador,agrupacion,fuente,periodo,anio,nivel_territorial,")
    assert header.endswith(",tasa_estandarizada,inferior_estandarizada,superior_estandarizada,"
                           "estado_confidencialidad")  # fmt: skip


@pytest.mark.parametrize(
    ("by", "code"),
    [("colour", "unknown-dimension"), ("sex,", "unknown-dimension"), (" sex", "unknown-dimension"),
     ("weapon", "unknown-grouping"), ("department,municipality", "unknown-grouping"),
     ("sex,age_broad", "unknown-grouping")],
)  # fmt: skip
def test_a_grouping_not_published_says_which_groupings_exist(
    client: httpx.Client, by: str, code: str
) -> None:
    for lang in ("es", "en"):
        response = client.get(
            "/api/v1/observations", params={"indicator": HOMICIDE, "by": by, "lang": lang}
        )
        assert response.status_code == (422 if code == "unknown-dimension" else 404)
        error = error_of(response)
        assert error["code"] == code
        if code == "unknown-grouping":
            assert "year+department+sex" in error["message"]
            assert ("Agrupaciones publicadas" if lang == "es" else "Published groupings") in (
                error["message"]
            )
        else:
            assert "department, municipality, quarter" in error["message"]


@pytest.mark.parametrize(
    ("params", "code", "words"),
    [
        ({}, "invalid-parameter", "falta «indicator»"),
        ({"indicator": HOMICIDE, "year": "dos mil"}, "invalid-parameter", "número entero"),
        ({"indicator": HOMICIDE, "year": 1492}, "invalid-parameter", "entre 1900 y 2100"),
        ({"indicator": HOMICIDE, "format": "xlsx"}, "invalid-parameter", "'json' o 'csv'"),
        ({"indicator": HOMICIDE, "lang": "fr"}, "invalid-parameter", "'es' o 'en'"),
    ],
)
def test_invalid_parameters_are_a_422_in_the_one_error_shape(
    client: httpx.Client, params: dict[str, Any], code: str, words: str
) -> None:
    response = client.get("/api/v1/observations", params=params)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == code
    assert words in error["message"]
    english = client.get("/api/v1/observations", params={**params, "lang": "en"})
    if params.get("lang") != "fr":
        assert "Invalid parameters" in error_of(english)["message"]


def test_unknown_routes_and_methods_answer_in_the_error_shape(client: httpx.Client) -> None:
    missing = client.get("/api/v1/nada", params={"lang": "en"})
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not-found"
    assert "does not exist" in error_of(missing)["message"]
    posted = client.post("/api/v1/observations")
    assert posted.status_code == 405
    assert posted.headers["allow"] == "GET"
    assert error_of(posted)["code"] == "method-not-allowed"
    for path in ("/docs", "/redoc"):
        assert client.get(path).status_code == 404


# -- series ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "grouping", "territory", "name"),
    [
        ({}, "year", "GTM", "Guatemala"),
        ({"territory": "GTM"}, "year", "GTM", "Guatemala"),
        ({"territory": "02"}, "year+department", "02", "El Progreso"),
        ({"territory": "0102"}, "year+municipality", "0102", "Santa Catarina Pinula"),
        ({"territory": "01", "sex": "male"}, "year+department+sex", "01", "Guatemala"),
        ({"sex": "female"}, "year+sex", "GTM", "Guatemala"),
        ({"age": "15-29"}, "year+age_broad", "GTM", "Guatemala"),
        ({"territory": "", "sex": "total", "age": "total"}, "year", "GTM", "Guatemala"),
    ],
)
def test_a_series_takes_the_grouping_of_the_territory_level(
    client: httpx.Client, params: dict[str, str], grouping: str, territory: str, name: str
) -> None:
    body = client.get("/api/v1/series", params={"indicator": HOMICIDE, **params}).json()
    assert (body["grouping"], body["territory"], body["territory_name"]) == (
        grouping,
        territory,
        name,
    )
    assert [r["year"] for r in body["rows"]] == [2019, 2020]
    assert {r["territory"] for r in body["rows"]} == {territory}
    assert {r["sex"] for r in body["rows"]} == {params.get("sex") or "total"}
    assert {r["age"] for r in body["rows"]} == {params.get("age") or "total"}


def test_a_series_as_csv_has_the_rows_of_the_json(client: httpx.Client) -> None:
    query = {"indicator": HOMICIDE, "territory": "01", "sex": "female", "lang": "en"}
    rows = client.get("/api/v1/series", params=query).json()["rows"]
    response = client.get("/api/v1/series", params={**query, "format": "csv"})
    lines = csv_rows(response.content)
    assert [(x["time_period"], x["sex"], x["conf_status"]) for x in lines] == [
        (r["time_period"], r["sex"], r["conf_status"]) for r in rows
    ]
    assert "attachment" in response.headers["content-disposition"]


def test_a_series_of_an_unknown_territory_or_grouping_is_a_404(client: httpx.Client) -> None:
    unknown = client.get("/api/v1/series", params={"indicator": HOMICIDE, "territory": "99"})
    assert unknown.status_code == 404
    assert error_of(unknown)["code"] == "unknown-territory"
    unpublished = client.get(
        "/api/v1/series", params={"indicator": VIOLENCE, "territory": "01", "sex": "female"}
    )
    assert unpublished.status_code == 404
    assert error_of(unpublished)["code"] == "unknown-grouping"


# -- territories, codes, catalogue, files ---------------------------------------------------------


def test_territories_are_geojson_filtered_by_parent(client: httpx.Client) -> None:
    departments = client.get("/api/v1/territories")
    assert departments.headers["content-type"] == "application/geo+json"
    body = departments.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"] for f in body["features"]] == [
        {"code": "01", "name": "Guatemala", "parent": "GTM", "level": "department"},
        {"code": "02", "name": "El Progreso", "parent": "GTM", "level": "department"},
    ]
    munis = client.get("/api/v1/territories", params={"level": "municipality", "parent": "02"})
    assert [f["properties"]["name"] for f in munis.json()["features"]] == [
        "Guastatoya",
        "Morazán",
    ]
    assert munis.json()["features"][0]["geometry"]["type"] == "Polygon"
    nothing = client.get("/api/v1/territories", params={"level": "municipality", "parent": "99"})
    assert nothing.json()["features"] == []


@pytest.mark.parametrize(("lang", "women"), [("es", "Mujeres"), ("en", "Women")])
def test_codes_list_territories_and_labelled_categories(
    client: httpx.Client, lang: str, women: str
) -> None:
    body = client.get("/api/v1/codes", params={"lang": lang}).json()
    assert body["territories"][0] == {
        "code": "GTM",
        "name": "Guatemala",
        "level": "country",
        "parent": None,
    }
    assert [t["code"] for t in body["territories"]] == [
        "GTM", "01", "02", "0101", "0102", "0201", "0202",
    ]  # fmt: skip
    assert list(body["dimensions"])[:2] == ["sex", "age"]
    assert {"code": "female", "label": women} in body["dimensions"]["sex"]
    assert [c["code"] for c in body["dimensions"]["conf_status"]] == ["F", "A", "D"]


def test_the_catalogue_is_the_release_dcat_document(client: httpx.Client, release: Path) -> None:
    response = client.get("/api/v1/catalog")
    assert response.headers["content-type"] == "application/ld+json"
    assert response.json() == json.loads((release / "catalogo.jsonld").read_text("utf-8"))
    assert response.json()["@type"] == "dcat:Catalog"


@pytest.mark.parametrize(("lang", "title"), [("es", "Límites de municipios"), ("en", "Munic")])
def test_downloads_lists_the_release_files_with_their_checksums(
    client: httpx.Client, release: Path, lang: str, title: str
) -> None:
    files = client.get("/api/v1/downloads", params={"lang": lang}).json()["files"]
    paths = [f["path"] for f in files]
    assert "datos/indicadores.csv" in paths and "publicacion.sqlite" not in paths
    for f in files:
        assert f["url"] == f"/downloads/{f['path']}"
        assert f["sha256"] == hashlib.sha256((release / f["path"]).read_bytes()).hexdigest()
    assert any(f["title"].startswith(title) for f in files)


def test_a_listed_file_downloads_with_its_sha256_as_etag(
    client: httpx.Client, release: Path
) -> None:
    response = client.get("/downloads/datos/indicadores.csv")
    assert response.status_code == 200
    assert response.content == (release / "datos" / "indicadores.csv").read_bytes()
    assert response.headers["content-type"].startswith("text/csv")
    sha = hashlib.sha256(response.content).hexdigest()
    assert response.headers["etag"] == f'"{sha}"'
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    again = client.get("/downloads/datos/indicadores.csv", headers={"if-none-match": f'"{sha}"'})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/downloads/../publicacion.sqlite",
        "/downloads/%2e%2e/publicacion.sqlite",
        "/downloads/..%2fpublicacion.sqlite",
        "/downloads/datos/../publicacion.sqlite",
        "/downloads/datos/%2e%2e/manifest.json",
        "/downloads/datos/indicadores.csv/../../publicacion.sqlite",
        "/downloads/publicacion.sqlite",
        "/downloads/manifest.json",
        "/downloads/./publicacion.sqlite",
        "/downloads//etc/passwd",
        "/downloads/%2fetc%2fpasswd",
        "/downloads/datos",
        "/downloads/",
        "/publicacion.sqlite",
        "/static/../../../publish/release_schema.sql",
        "/static/%2e%2e/__init__.py",
    ],
)
def test_nothing_outside_the_files_table_can_be_downloaded(base_url: str, path: str) -> None:
    status, body = raw_get(base_url, path)
    assert status == 404
    assert b"SQLite format" not in body
    assert json.loads(body)["error"]["code"] in ("unknown-file", "not-found")


# -- caching, compression, headers -------------------------------------------------------------


def test_api_answers_carry_an_etag_and_a_304_when_the_client_has_it(
    client: httpx.Client,
) -> None:
    first = client.get("/api/v1/observations", params={"indicator": HOMICIDE, "by": "sex"})
    etag = first.headers["etag"]
    assert etag.startswith(f'W/"{VERSION}-')
    assert first.headers["cache-control"] == "public, max-age=300"
    again = client.get(
        "/api/v1/observations",
        params={"indicator": HOMICIDE, "by": "sex"},
        headers={"if-none-match": etag},
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = client.get(
        "/api/v1/observations",
        params={"indicator": HOMICIDE, "by": "department"},
        headers={"if-none-match": etag},
    )
    assert other.status_code == 200 and other.headers["etag"] != etag


def test_bodies_are_gzipped_only_for_clients_that_ask(base_url: str) -> None:
    url = f"{base_url}/api/v1/observations?indicator={HOMICIDE}&by=department,sex"
    with httpx.Client(headers={"accept-encoding": "gzip"}) as c:
        zipped = c.get(url)
    assert zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    with httpx.Client(headers={"accept-encoding": "identity"}) as c:
        plain = c.get(url)
    assert "content-encoding" not in plain.headers
    assert zipped.json() == plain.json()
    with httpx.Client(headers={"accept-encoding": "gzip"}) as c, c.stream("GET", url) as raw:
        assert json.loads(gzip.decompress(b"".join(raw.iter_raw())))["count"] == 12


def test_the_dashboard_page_has_a_policy_that_loads_nothing_from_elsewhere(
    client: httpx.Client,
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CSP
    for response in (page, client.get("/api/v1"), client.get("/api/v1/nada")):
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in client.get("/api/v1").headers


def test_dashboard_files_are_served_under_static(client: httpx.Client) -> None:
    static = Path(ciudadana.portal.__file__).parent / "static"
    names = sorted(p.name for p in static.glob("*.js")) if static.is_dir() else []
    if not names:
        pytest.skip("the dashboard's files are not installed")
    response = client.get(f"/static/{names[0]}")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]


def test_without_the_dashboard_the_page_says_so(release: Path, tmp_path: Path) -> None:
    app = create_app(release)
    app.state.portal.static_dir = tmp_path
    with running(app) as url:
        page = httpx.get(f"{url}/")
        english = httpx.get(f"{url}/", params={"lang": "en"})
    assert page.status_code == 200
    assert "Tablero no instalado" in page.text and 'href="/api/v1"' in page.text
    assert "Dashboard not installed" in english.text
    assert page.headers["content-security-policy"] == CSP


def test_an_unexpected_error_is_a_500_in_the_error_shape(release: Path) -> None:
    app = create_app(release)

    def broken(*args: Any) -> None:
        raise RuntimeError("disco roto")

    app.state.portal.store.observations = broken
    with running(app) as url:
        response = httpx.get(f"{url}/api/v1/observations", params={"indicator": HOMICIDE})
    assert response.status_code == 500
    assert error_of(response)["code"] == "internal-error"
    assert "disco roto" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


# -- the description ---------------------------------------------------------------------------


def test_openapi_comes_in_spanish_and_in_english(client: httpx.Client) -> None:
    spanish = client.get("/openapi.json").json()
    english = client.get("/openapi.en.json").json()
    assert spanish["info"]["version"] == english["info"]["version"] == VERSION
    assert "estadísticas públicas" in spanish["info"]["title"]
    assert "public citizen-security statistics" in english["info"]["title"]
    assert sorted(spanish["paths"]) == sorted(english["paths"]) == [
        "/api/v1", "/api/v1/catalog", "/api/v1/codes", "/api/v1/downloads",
        "/api/v1/indicators", "/api/v1/indicators/{code}", "/api/v1/observations",
        "/api/v1/series", "/api/v1/territories", "/downloads/{path}",
    ]  # fmt: skip
    es_op = spanish["paths"]["/api/v1/observations"]["get"]
    en_op = english["paths"]["/api/v1/observations"]["get"]
    assert es_op["summary"] == "Cifras de un indicador"
    assert en_op["summary"] == "Figures of an indicator"
    by = {p["name"]: p for p in en_op["parameters"]}["by"]
    assert by["description"].startswith("Dimensions besides the year")
    assert set(es_op["responses"]) >= {"200", "404", "422"}
    assert "text/csv" in es_op["responses"]["200"]["content"]
    indicator = {p["name"]: p for p in es_op["parameters"]}["indicator"]
    assert indicator["schema"]["enum"] == [HOMICIDE, VIOLENCE]
    download = spanish["paths"]["/downloads/{path}"]["get"]
    assert "datos/indicadores.csv" in download["parameters"][0]["schema"]["enum"]
    assert "text/csv" in download["responses"]["200"]["content"]
    schemas = english["components"]["schemas"]
    assert schemas["ObservationPublic"]["description"].startswith("A published cell")
    person = {"first_name", "last_name", "surname", "dpi", "cui", "id_number", "address", "birth"}
    for name, schema in spanish["components"]["schemas"].items():
        assert not person & set(schema.get("properties", {})), name


# -- what the portal can reach -----------------------------------------------------------------

_watched: list[tuple[str, str]] = []
_watching = threading.Event()
_hooked: list[bool] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _watching.is_set() and event in ("open", "sqlite3.connect", "os.listdir", "os.scandir"):
        _watched.append((event, str(args[0]) if args else ""))


def _watch_files() -> None:
    """Record every file this process opens while ``_watching`` is set (hooked once)."""
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked.append(True)
    _watched.clear()
    _watching.set()


def test_the_portal_never_touches_the_warehouse_beside_the_release(tmp_path: Path) -> None:
    from ciudadana.publish.layout import latest_release

    workspace = tmp_path / "ws"
    make_release(workspace / "publicacion" / VERSION)
    (workspace / "publicacion" / "ACTUAL").write_text(VERSION, "utf-8")
    warehouse = workspace / "almacen.duckdb"
    warehouse.write_bytes(b"DUCK" + os.urandom(64))
    warehouse.chmod(0)
    before = warehouse.stat()
    _watch_files()
    try:
        app = create_app(latest_release(workspace))
        with running(app) as url, httpx.Client(base_url=url) as c:
            for path in (
                "/api/v1",
                "/api/v1/indicators",
                f"/api/v1/observations?indicator={HOMICIDE}&by=municipality",
                f"/api/v1/series?indicator={HOMICIDE}&territory=01",
                "/api/v1/territories?level=municipality",
                "/api/v1/codes",
                "/api/v1/catalog",
                "/api/v1/downloads",
                "/downloads/datos/indicadores.csv",
                "/openapi.json",
            ):
                assert c.get(path).status_code == 200, path
    finally:
        _watching.clear()
        warehouse.chmod(0o600)
    assert [w for w in _watched if "almacen" in w[1]] == []
    assert any("publicacion.sqlite" in w[1] for w in _watched)
    assert warehouse.stat().st_mtime_ns == before.st_mtime_ns


def test_create_app_is_given_the_release_folder_and_nothing_else() -> None:
    assert list(inspect.signature(create_app).parameters) == ["release_dir"]


def test_create_app_refuses_a_folder_that_is_not_a_release(tmp_path: Path) -> None:
    from ciudadana.publish.layout import NoRelease

    with pytest.raises(NoRelease, match="no es una publicación de Ciudadana"):
        create_app(tmp_path)


def _ciudadana_imports(path: Path) -> set[str]:
    """The modules of ``ciudadana`` a file imports (``from ciudadana.publish import layout``
    counts as ``ciudadana.publish.layout``; relative imports stay inside the portal)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "ciudadana"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in ("ciudadana", "ciudadana.publish"):
                found |= {f"{node.module}.{a.name}" for a in node.names}
            elif node.module.split(".")[0] == "ciudadana":
                found.add(node.module)
    return found


def test_the_portal_imports_only_the_release_layout_the_errors_and_itself() -> None:
    package = Path(ciudadana.portal.__file__).parent
    outside = {
        name
        for path in package.rglob("*.py")
        for name in _ciudadana_imports(path)
        if name != "ciudadana.portal" and not name.startswith("ciudadana.portal.")
    }
    assert outside == {"ciudadana.publish.layout", "ciudadana.errors"}


# -- schemathesis: every operation, generated requests -------------------------------------------


# schemathesis' lazy loader (``from_fixture``) reads ``node._nodeid``, which pytest 9 no longer
# has: the schema is loaded at import, from a release in a temporary folder of its own.
_SCHEMA_DIR = Path(tempfile.mkdtemp(prefix="ciudadana-portal-schema-"))
atexit.register(shutil.rmtree, _SCHEMA_DIR, ignore_errors=True)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(make_release(_SCHEMA_DIR / VERSION))
)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_generated_requests_get_documented_answers_and_no_server_error(case: Any) -> None:
    case.call_and_validate()


# -- the verb ----------------------------------------------------------------------------------


def test_serve_help_has_an_example() -> None:
    result = CliRunner().invoke(serve_command.app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Ejemplo:" in result.output
    assert "--release" in result.output and "--workspace" in result.output


def test_serve_finds_the_latest_release_of_a_workspace_and_prints_its_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "ws"
    folder = make_release(workspace / "publicacion" / VERSION)
    (workspace / "publicacion" / "ACTUAL").write_text(VERSION + "\n", "utf-8")
    served: list[tuple[Path, str, int]] = []
    monkeypatch.setattr(ciudadana.portal, "serve", lambda *a: served.append(a))
    runner = CliRunner()
    result = runner.invoke(
        serve_command.app, ["--workspace", str(workspace), "--port", "8123", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "url": "http://127.0.0.1:8123/",
        "release": str(folder),
    }
    assert served == [(folder, "127.0.0.1", 8123)]
    plain = runner.invoke(serve_command.app, ["--release", str(folder), "--host", "0.0.0.0"])
    assert "Tablero: http://0.0.0.0:8000/" in plain.output


def test_serve_without_a_release_says_how_to_make_one(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(serve_command.app, ["--workspace", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert "ciudadana release" in json.loads(result.output)["message"]
    both = runner.invoke(
        serve_command.app, ["--workspace", str(tmp_path), "--release", str(tmp_path), "--json"]
    )
    assert both.exit_code == 1
    assert json.loads(both.output)["error"] == "invalid-option"


def test_the_library_server_says_its_url_once_it_listens(release: Path) -> None:
    from ciudadana.portal.server import _Server

    said: list[str] = []
    config = uvicorn.Config(create_app(release), host="127.0.0.1", port=0, log_level="warning")
    server = _Server(config, said.append)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not said:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        assert said[0].startswith("http://127.0.0.1:") and said[0].endswith("/")
        assert httpx.get(said[0] + "api/v1").json()["version"] == VERSION
    finally:
        server.should_exit = True
        thread.join(15)
