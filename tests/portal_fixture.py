"""A small release folder written by hand, exactly as ``publish/release_schema.sql`` describes.

Two indicators (homicide and intrafamily violence), Guatemala with two departments and four
municipalities (real INE codes and names), two years, every published grouping consistent
(municipalities add up to their department, departments to the country, categories to the
total) and a few withheld cells: ``A`` (a count of 1 or 2) and ``D`` (withheld to protect
another), with their numerator, value and intervals null. The portal's tests and the
dashboard's browser tests serve it.

Example:
    >>> from portal_fixture import make_release  # doctest: +SKIP
    >>> folder = make_release(tmp_path / "publicacion" / "2020.12.31-test")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import sqlite3
from importlib import resources
from pathlib import Path
from typing import Any

from ciudadana.publish.layout import CSV_HEADERS, OBSERVATION_COLUMNS

Row = dict[str, Any]

COUNTRY = ("GTM", "Guatemala")
#: code, level, parent, name
TERRITORIES = [
    ("GTM", "country", None, "Guatemala"),
    ("01", "department", "GTM", "Guatemala"),
    ("02", "department", "GTM", "El Progreso"),
    ("0101", "municipality", "01", "Guatemala"),
    ("0102", "municipality", "01", "Santa Catarina Pinula"),
    ("0201", "municipality", "02", "Guastatoya"),
    ("0202", "municipality", "02", "Morazán"),
]
POPULATION = {"0101": 1_000_000, "0102": 100_000, "0201": 80_000, "0202": 20_000}
SHARE_WOMEN = 0.51
AGE_SHARE = {"00-14": 0.33, "15-29": 0.28, "30-44": 0.2, "45-59": 0.12, "60+": 0.07}

CODES = {
    "sex": [
        ("total", "Total", "Total"),
        ("female", "Mujeres", "Women"),
        ("male", "Hombres", "Men"),
        ("unknown", "Sexo sin dato", "Sex not stated"),
    ],
    "age": [
        ("total", "Total", "Total"),
        ("00-14", "0 a 14 años", "0-14 years"),
        ("15-29", "15 a 29 años", "15-29 years"),
        ("30-44", "30 a 44 años", "30-44 years"),
        ("45-59", "45 a 59 años", "45-59 years"),
        ("60+", "60 años y más", "60 years and over"),
        ("unknown", "Edad sin dato", "Age not stated"),
    ],
    "pueblo": [("total", "Total", "Total")],
    "relationship": [("total", "Total", "Total")],
    "weapon": [("total", "Total", "Total")],
    "conf_status": [
        ("F", "Publicado", "Free"),
        ("A", "Reservado: conteo pequeño", "Withheld: small count"),
        ("D", "Reservado: protege a otra celda", "Withheld: protects another cell"),
    ],
}

HOMICIDE = "VC_IHR_PSRC"
VIOLENCE = "VC_IFV_RATE"
#: Counts by municipality and year; departments and the country are their sums.
COUNTS = {
    HOMICIDE: {
        2019: {"0101": 40, "0102": 2, "0201": 6, "0202": 1},
        2020: {"0101": 35, "0102": 5, "0201": 4, "0202": 3},
    },
    VIOLENCE: {
        2019: {"0101": 300, "0102": 40, "0201": 25, "0202": 2},
        2020: {"0101": 320, "0102": 45, "0201": 30, "0202": 10},
    },
}
#: Homicide victims by department and sex (adds up to the departments and to year+sex).
BY_SEX = {
    2019: {"01": {"female": 8, "male": 33, "unknown": 1}, "02": {"female": 1, "male": 6}},
    2020: {"01": {"female": 9, "male": 31, "unknown": 0}, "02": {"female": 1, "male": 6}},
}
#: Homicide victims in the country by broad age group.
BY_AGE = {
    2019: {"00-14": 2, "15-29": 25, "30-44": 15, "45-59": 5, "60+": 1, "unknown": 1},
    2020: {"00-14": 1, "15-29": 22, "30-44": 16, "45-59": 5, "60+": 3, "unknown": 0},
}
#: Cells withheld to protect a small count (grouping, year, territory, sex, age): "D".
SECONDARY = {
    (HOMICIDE, "year+municipality", 2019, "0101", "total", "total"),
    (HOMICIDE, "year+municipality", 2019, "0201", "total", "total"),
    (HOMICIDE, "year+sex", 2019, "GTM", "female", "total"),
    (HOMICIDE, "year+department+sex", 2019, "01", "female", "total"),
    (HOMICIDE, "year+department+sex", 2019, "02", "male", "total"),
    (VIOLENCE, "year+municipality", 2019, "0201", "total", "total"),
}
THRESHOLD = 3

INDICATORS = [
    {
        "code": HOMICIDE,
        "sort": 0,
        "sdg": "16.1.1",
        "unit": "per_100k",
        "unit_measure": "PER_100000_POP",
        "decimals": 1,
        "counting": "victims",
        "date_basis": "occurrence",
        "iccs": ["0101"],
        "name_es": "Víctimas de homicidio intencional por cada 100 000 habitantes",
        "name_en": "Victims of intentional homicide per 100,000 population",
        "short_es": "Homicidio intencional",
        "short_en": "Intentional homicide",
        "notes_es": "ODS 16.1.1. Cuenta víctimas por fecha de ocurrencia.",
        "notes_en": "SDG 16.1.1. Counts victims by date of occurrence.",
        "groupings": [
            "year",
            "year+department",
            "year+municipality",
            "year+sex",
            "year+department+sex",
            "year+age_broad",
        ],
        "source": "gtm/inacif-necropsias",
    },
    {
        "code": VIOLENCE,
        "sort": 1,
        "sdg": None,
        "unit": "per_100k_women",
        "unit_measure": "PER_100000_POP",
        "decimals": 1,
        "counting": "victims",
        "date_basis": "registration",
        "iccs": ["0201.02"],
        "name_es": "Mujeres víctimas de violencia intrafamiliar por cada 100 000 mujeres",
        "name_en": "Women victims of intrafamily violence per 100,000 women",
        "short_es": "Violencia intrafamiliar",
        "short_en": "Intrafamily violence",
        "notes_es": "Denuncias por fecha de registro (boletas del INE).",
        "notes_en": "Complaints by date of registration (INE forms).",
        "groupings": ["year", "year+department", "year+municipality"],
        "source": "gtm/ine-vif",
    },
]

#: Squares: each department is one degree wide, split in two municipalities.
SQUARES = {
    "01": (-91.0, 14.0, -90.0, 15.0),
    "02": (-90.0, 14.0, -89.0, 15.0),
    "0101": (-91.0, 14.0, -90.5, 15.0),
    "0102": (-90.5, 14.0, -90.0, 15.0),
    "0201": (-90.0, 14.0, -89.5, 15.0),
    "0202": (-89.5, 14.0, -89.0, 15.0),
}


def _population(territory: str, sex: str = "total", age: str = "total") -> float:
    munis = [c for c in POPULATION if c == territory or c.startswith(territory)]
    if territory == COUNTRY[0]:
        munis = list(POPULATION)
    total = float(sum(POPULATION[m] for m in munis))
    if sex == "female":
        total *= SHARE_WOMEN
    elif sex == "male":
        total *= 1 - SHARE_WOMEN
    elif sex == "unknown":
        return 0.0
    if age == "unknown":
        return 0.0
    if age != "total":
        total *= AGE_SHARE[age]
    return round(total)


def _row(
    indicator: Row,
    grouping: str,
    year: int,
    territory: str,
    count: int,
    denominator: float,
    sex: str = "total",
    age: str = "total",
) -> Row:
    level = {2: "department", 4: "municipality"}.get(len(territory), "country")
    status = "F"
    if 0 < count < THRESHOLD:
        status = "A"
    elif (indicator["code"], grouping, year, territory, sex, age) in SECONDARY:
        status = "D"
    value = lower = upper = None
    if denominator:
        value = round(count / denominator * 100_000, 1)
        half = 1.96 * math.sqrt(max(count, 1)) / denominator * 100_000
        lower, upper = round(max(value - half, 0.0), 1), round(value + half, 1)
    row = {
        "indicator": indicator["code"],
        "grouping": grouping,
        "source": indicator["source"],
        "time_period": str(year),
        "year": year,
        "territory_level": level,
        "territory": territory,
        "sex": sex,
        "age": age,
        "pueblo": "total",
        "relationship": "total",
        "weapon": "total",
        "numerator": count,
        "denominator": denominator or None,
        "value": value,
        "lower": lower,
        "upper": upper,
        "unstable": None if value is None else int(count < 20),
        "value_asr": value if count >= 20 and territory == COUNTRY[0] else None,
        "lower_asr": lower if count >= 20 and territory == COUNTRY[0] else None,
        "upper_asr": upper if count >= 20 and territory == COUNTRY[0] else None,
        "conf_status": status,
    }
    if status != "F":
        for column in ("numerator", "value", "lower", "upper", "unstable"):
            row[column] = None
        row["value_asr"] = row["lower_asr"] = row["upper_asr"] = None
    return row


def observation_rows() -> list[Row]:
    """Every published cell of the fixture's release."""
    rows: list[Row] = []
    for ind in INDICATORS:
        women = ind["unit"] == "per_100k_women"

        def den(territory: str, s: str = "total", age: str = "total", women: bool = women) -> float:
            return _population(territory, "female" if women else s, age)

        for year, munis in COUNTS[ind["code"]].items():
            depts = {d: sum(n for m, n in munis.items() if m[:2] == d) for d in ("01", "02")}
            total = sum(munis.values())
            rows.append(_row(ind, "year", year, "GTM", total, den("GTM")))
            for d, n in depts.items():
                rows.append(_row(ind, "year+department", year, d, n, den(d)))
            for m, n in munis.items():
                rows.append(_row(ind, "year+municipality", year, m, n, den(m)))
            if ind["code"] != HOMICIDE:
                continue
            national: dict[str, int] = {}
            for d, cut in BY_SEX[year].items():
                for s in ("female", "male", "unknown"):
                    n = cut.get(s, 0)
                    national[s] = national.get(s, 0) + n
                    rows.append(_row(ind, "year+department+sex", year, d, n, den(d, s), sex=s))
            for s, n in national.items():
                rows.append(_row(ind, "year+sex", year, "GTM", n, den("GTM", s), sex=s))
            for age, n in BY_AGE[year].items():
                rows.append(
                    _row(ind, "year+age_broad", year, "GTM", n, den("GTM", age=age), age=age)
                )
    return rows


def check_consistency() -> None:
    """Assert that the true counts add up (before suppression, so on the source tables)."""
    for ind in INDICATORS:
        for year, munis in COUNTS[ind["code"]].items():
            if ind["code"] == HOMICIDE:
                assert sum(sum(c.values()) for c in BY_SEX[year].values()) == sum(munis.values())
                assert sum(BY_AGE[year].values()) == sum(munis.values())
                for d, cut in BY_SEX[year].items():
                    assert sum(cut.values()) == sum(n for m, n in munis.items() if m[:2] == d)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n", "utf-8")


def _square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def _geo(level: str) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name, "parent": parent, "level": lvl},
            "geometry": _square(*SQUARES[code]),
        }
        for code, lvl, parent, name in TERRITORIES
        if lvl == level
    ]
    return {"type": "FeatureCollection", "features": features}


def _csv(rows: list[Row], names: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([CSV_HEADERS["es"][c] for c in OBSERVATION_COLUMNS])
    for r in rows:
        full = {**r, "territory_name": names[r["territory"]]}
        writer.writerow(["" if full[c] is None else full[c] for c in OBSERVATION_COLUMNS])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _catalog(info: dict[str, str], files: list[Row]) -> dict[str, Any]:
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
        "@id": f"#publicacion-{info['version']}",
        "@type": "dcat:Catalog",
        "dct:title": [{"@language": "es", "@value": "Seguridad ciudadana: Guatemala"}],
        "dct:license": {"@id": info["licence_url"]},
        "dcat:dataset": [
            {
                "@type": "dcat:Dataset",
                "@id": f"#{ind['code']}",
                "dct:identifier": ind["code"],
                "dct:title": [
                    {"@language": "es", "@value": ind["name_es"]},
                    {"@language": "en", "@value": ind["name_en"]},
                ],
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dcat:downloadURL": {"@id": f["path"]},
                        "dcat:mediaType": f["media_type"],
                    }
                    for f in files
                ],
            }
            for ind in INDICATORS
        ],
    }


def make_release(folder: Path, *, version: str = "2020.12.31-test") -> Path:
    """Write a small, valid release into ``folder`` (created; must not exist) and return it."""
    folder = Path(folder)
    folder.mkdir(parents=True)
    created = "2021-01-15T12:00:00Z"
    info = {
        "version": version,
        "country": COUNTRY[0],
        "country_name": COUNTRY[1],
        "created": created,
        "threshold": str(THRESHOLD),
        "protection": "3.0",
        "licence": "CC-BY-4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "previous_version": "",
        "publisher": "Ciudadana (prueba)",
    }
    rows = observation_rows()
    check_consistency()
    names = {code: name for code, _lvl, _parent, name in TERRITORIES}

    files: list[Row] = []

    def add(path: str, fmt: str, media: str, es: str, en: str) -> None:
        target = folder / path
        files.append(
            {
                "path": path,
                "format": fmt,
                "media_type": media,
                "sha256": _sha256(target),
                "bytes": target.stat().st_size,
                "title_es": es,
                "title_en": en,
            }
        )

    (folder / "datos").mkdir()
    (folder / "datos" / "indicadores.csv").write_bytes(_csv(rows, names))
    add(
        "datos/indicadores.csv",
        "csv",
        "text/csv",
        "Indicadores (CSV para hojas de cálculo, encabezados en español)",
        "Indicators (CSV for spreadsheets, Spanish headers)",
    )
    for level, path, es, en in (
        ("department", "geo/departamentos.geojson", "Límites de departamentos", "Departments"),
        ("municipality", "geo/municipios.geojson", "Límites de municipios", "Municipalities"),
    ):
        _write_json(folder / path, _geo(level))
        add(path, "geojson", "application/geo+json", es, en)
    _write_json(folder / "catalogo.jsonld", _catalog(info, files))
    add(
        "catalogo.jsonld",
        "json-ld",
        "application/ld+json",
        "Catálogo DCAT de la publicación",
        "DCAT catalogue of the release",
    )

    database = folder / "publicacion.sqlite"
    schema = resources.files("ciudadana.publish").joinpath("release_schema.sql").read_text("utf-8")
    con = sqlite3.connect(database)
    try:
        con.executescript(schema)
        con.executemany("insert into release_info values (?, ?)", sorted(info.items()))
        for ind in INDICATORS:
            mine = [r for r in rows if r["indicator"] == ind["code"]]
            con.execute(
                """
                insert into indicators (code, sort, sdg, unit, unit_measure, decimals, counting,
                    date_basis, iccs, name_es, name_en, short_es, short_en, notes_es, notes_en,
                    groupings, first_year, last_year)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    ind["code"], ind["sort"], ind["sdg"], ind["unit"], ind["unit_measure"],
                    ind["decimals"], ind["counting"], ind["date_basis"], json.dumps(ind["iccs"]),
                    ind["name_es"], ind["name_en"], ind["short_es"], ind["short_en"],
                    ind["notes_es"], ind["notes_en"], json.dumps(ind["groupings"]),
                    min(r["year"] for r in mine), max(r["year"] for r in mine),
                ),
            )  # fmt: skip
        con.executemany(
            "insert into territories (code, level, parent, name, sort) values (?, ?, ?, ?, ?)",
            [(c, lvl, p, n, i) for i, (c, lvl, p, n) in enumerate(TERRITORIES)],
        )
        con.executemany(
            "insert into codes values (?, ?, ?, ?, ?)",
            [
                (dim, code, es, en, i)
                for dim, items in CODES.items()
                for i, (code, es, en) in enumerate(items)
            ],
        )
        columns = [c for c in OBSERVATION_COLUMNS if c != "territory_name"]
        con.executemany(
            f"insert into observations ({', '.join(columns)}) "
            f"values ({', '.join('?' for _ in columns)})",
            [tuple(r[c] for c in columns) for r in rows],
        )
        con.executemany(
            "insert into files values (?, ?, ?, ?, ?, ?, ?)",
            [tuple(f.values()) for f in files],
        )
        con.execute(
            "insert into loads values (1, ?, 'necropsias_2019_2020.xlsx', ?, ?, 120, 118)",
            (INDICATORS[0]["source"], "0" * 64, created),
        )
        con.commit()
    finally:
        con.close()

    manifest = {
        "version": version,
        "created": created,
        "country": COUNTRY[0],
        "country_name": COUNTRY[1],
        "licence": info["licence"],
        "threshold": THRESHOLD,
        "files": [{"path": f["path"], "sha256": f["sha256"], "bytes": f["bytes"]} for f in files]
        + [
            {
                "path": "publicacion.sqlite",
                "sha256": _sha256(database),
                "bytes": database.stat().st_size,
            }
        ],
    }
    _write_json(folder / "manifest.json", manifest)
    return folder
