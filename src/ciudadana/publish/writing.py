"""Writes a release folder: data files, code lists, boundaries, catalogue, database, manifest.

Called by ``release.build_release`` with rows already disclosure-controlled; this module only
lays them out (``layout.py``) and checksums them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ciudadana.analysis.indicators import Catalogue
from ciudadana.analysis.indicators.dimensions import SDMX_UNIT
from ciudadana.publish import files
from ciudadana.publish.codes import code_rows
from ciudadana.publish.dcat import catalog
from ciudadana.publish.layout import (
    CATALOG,
    DATABASE,
    GEO,
    MANIFEST,
    OBSERVATION_COLUMNS,
)
from ciudadana.standards.topology import to_geojson

Row = dict[str, Any]

#: The data files of a release: path, format, media type, Spanish and English titles.
DATA_FILES = [
    (
        "datos/indicadores.csv",
        "csv",
        "text/csv",
        "Indicadores (CSV para hojas de cálculo, encabezados en español)",
        "Indicators (CSV for spreadsheets, Spanish headers)",
    ),
    (
        "datos/indicators_en.csv",
        "csv",
        "text/csv",
        "Indicadores (CSV, encabezados en inglés)",
        "Indicators (CSV, English headers)",
    ),
    (
        "datos/indicadores.parquet",
        "parquet",
        "application/vnd.apache.parquet",
        "Indicadores (Parquet)",
        "Indicators (Parquet)",
    ),
    (
        "datos/indicadores_sdmx.csv",
        "sdmx-csv",
        "application/vnd.sdmx.data+csv;version=2.0.0",
        "Indicadores (SDMX-CSV 2.0)",
        "Indicators (SDMX-CSV 2.0)",
    ),
    (
        "datos/codigos/indicadores.csv",
        "csv",
        "text/csv",
        "Catálogo de indicadores",
        "Indicator catalogue",
    ),
    (
        "datos/codigos/territorios.csv",
        "csv",
        "text/csv",
        "Territorios (códigos oficiales)",
        "Territories (official codes)",
    ),
    (
        "datos/codigos/categorias.csv",
        "csv",
        "text/csv",
        "Categorías (sexo, edad, pueblo, relación, arma)",
        "Categories (sex, age, people, relationship, weapon)",
    ),
    (
        GEO["department"],
        "geojson",
        "application/geo+json",
        "Límites de departamentos (generalizados)",
        "Department boundaries (generalised)",
    ),
    (
        GEO["municipality"],
        "geojson",
        "application/geo+json",
        "Límites de municipios (generalizados)",
        "Municipality boundaries (generalised)",
    ),
]
#: Boundaries are simplified (about 100 m) and rounded (about 11 m): a choropleth, not a cadastre.
GEO_TOLERANCE = 0.001


def indicator_rows(catalogue: Catalogue, rows: list[Row]) -> list[Row]:
    """Rows of the ``indicators`` table: the catalogue's indicators that have published rows."""
    out = []
    for sort, ind in enumerate(catalogue.indicators):
        mine = [r for r in rows if r["indicator"] == ind.code]
        if not mine:
            continue
        groupings = sorted({r["grouping"] for r in mine}, key=lambda g: (g.count("+"), g))
        out.append(
            {
                "code": ind.code,
                "sort": sort,
                "sdg": ind.sdg,
                "unit": ind.unit,
                "unit_measure": SDMX_UNIT[ind.unit],
                "decimals": ind.decimals,
                "counting": ind.numerator.unit,
                "date_basis": ind.numerator.date,
                "iccs": json.dumps(ind.numerator.iccs),
                "name_es": ind.name.es,
                "name_en": ind.name.en,
                "short_es": ind.short.es,
                "short_en": ind.short.en,
                "notes_es": ind.notes.es.strip(),
                "notes_en": ind.notes.en.strip(),
                "groupings": json.dumps(groupings),
                "first_year": min(r["year"] for r in mine),
                "last_year": max(r["year"] for r in mine),
            }
        )
    return out


def write_release(
    folder: Path,
    *,
    info: dict[str, str],
    catalogue: Catalogue,
    rows: list[Row],
    territories: list[Row],
    loads: list[Row],
    notes: list[str],
    disclosure: dict[str, int],
    geo: dict[str, Path | None],
) -> dict[str, Any]:
    """Write every file of a release into ``folder``; returns the manifest."""
    folder.mkdir(parents=True)
    units = {i.code: SDMX_UNIT[i.unit] for i in catalogue.indicators}
    indicators = indicator_rows(catalogue, rows)
    country = info["country"]
    territory_rows = [
        {"code": country, "level": "country", "parent": None, "name": info["country_name"]}
    ] + [
        {
            "code": t["code"],
            "level": "department" if t["level"] == 1 else "municipality",
            "parent": t["parent_code"] or country,
            "name": t["name"],
        }
        for t in territories
    ]
    for i, t in enumerate(territory_rows):
        t["sort"] = i
    used: dict[str, set[str]] = {}
    for r in rows:
        for d in ("sex", "age", "pueblo", "relationship", "weapon", "conf_status"):
            used.setdefault(d, set()).add(r[d])
    codes = code_rows(used)
    db_rows = [{c: r[c] for c in OBSERVATION_COLUMNS if c != "territory_name"} for r in rows]
    for r in db_rows:
        r["unstable"] = None if r["unstable"] is None else int(r["unstable"])

    files.write_csv(folder / DATA_FILES[0][0], rows, OBSERVATION_COLUMNS, "es")
    files.write_csv(folder / DATA_FILES[1][0], rows, OBSERVATION_COLUMNS, "en")
    files.write_parquet(folder / DATA_FILES[2][0], rows, "\n".join(notes))
    files.write_sdmx_csv(folder / DATA_FILES[3][0], rows, units)
    ind_columns = [c for c in indicators[0] if c != "sort"] if indicators else []
    files.write_csv(folder / DATA_FILES[4][0], indicators, ind_columns, "en")
    files.write_csv(
        folder / DATA_FILES[5][0], territory_rows, ["code", "level", "parent", "name"], "en"
    )
    files.write_csv(
        folder / DATA_FILES[6][0], codes, ["dimension", "code", "label_es", "label_en"], "en"
    )
    written = DATA_FILES[:7]
    for level, path in (("department", GEO["department"]), ("municipality", GEO["municipality"])):
        source = geo.get(level)
        if source is None or not Path(source).is_file():
            continue
        collection = to_geojson(source, digits=4, tolerance=GEO_TOLERANCE)
        parent_of = {t["code"]: t["parent"] for t in territory_rows}
        for f in collection["features"]:
            f["properties"]["level"] = level
            f["properties"]["parent"] = parent_of.get(f["properties"]["code"], country)
        files.write_json(folder / path, collection)
        written += [d for d in DATA_FILES if d[0] == path]
    file_rows = [
        {
            "path": path,
            "format": fmt,
            "media_type": media,
            "sha256": files.sha256(folder / path),
            "bytes": (folder / path).stat().st_size,
            "title_es": es,
            "title_en": en,
        }
        for path, fmt, media, es, en in written
    ]
    dcat_indicators = [{**i, "iccs": json.loads(i["iccs"])} for i in indicators]
    files.write_json(folder / CATALOG, catalog(info, dcat_indicators, file_rows))
    file_rows.append(
        {
            "path": CATALOG,
            "format": "json-ld",
            "media_type": "application/ld+json",
            "sha256": files.sha256(folder / CATALOG),
            "bytes": (folder / CATALOG).stat().st_size,
            "title_es": "Catálogo DCAT de la publicación",
            "title_en": "DCAT catalogue of the release",
        }
    )
    files.write_database(
        folder / DATABASE,
        {
            "release_info": [{"key": k, "value": v} for k, v in sorted(info.items())],
            "indicators": indicators,
            "territories": territory_rows,
            "codes": codes,
            "observations": db_rows,
            "files": file_rows,
            "loads": loads,
        },
    )
    manifest = {
        **{k: info[k] for k in ("version", "created", "country", "country_name", "licence")},
        "previous_version": info["previous_version"] or None,
        "threshold": int(info["threshold"]),
        "protection": float(info["protection"]),
        "disclosure": disclosure,
        "notes": notes,
        "loads": loads,
        "files": [
            {"path": f["path"], "sha256": f["sha256"], "bytes": f["bytes"]}
            for f in [
                *file_rows,
                {
                    "path": DATABASE,
                    "sha256": files.sha256(folder / DATABASE),
                    "bytes": (folder / DATABASE).stat().st_size,
                },
            ]
        ],
    }
    files.write_json(folder / MANIFEST, manifest)
    return manifest
