"""The release's catalogue in DCAT (JSON-LD): what an open-data portal harvests.

One ``dcat:Catalog`` with one ``dcat:Dataset`` per indicator (title, description, methodology
notes, SDG target, ICCS categories, periodicity, spatial and temporal coverage, licence) and
the release's files as distributions (media type, size, SHA-256 checksum). Titles and
descriptions carry both languages (``@language`` es and en). Nothing here depends on the
clock: the dates are the release's own.

Example:
    >>> CONTEXT["dcat"]
    'http://www.w3.org/ns/dcat#'
"""

from __future__ import annotations

from typing import Any

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "adms": "http://www.w3.org/ns/adms#",
}
ANNUAL = "http://purl.org/cld/freq/annual"


def _text(es: str, en: str) -> list[dict[str, str]]:
    return [{"@language": "es", "@value": es}, {"@language": "en", "@value": en}]


def catalog(
    info: dict[str, Any], indicators: list[dict[str, Any]], files: list[dict[str, Any]]
) -> dict[str, Any]:
    """The DCAT catalogue of a release as a JSON-LD document.

    Args:
        info: the release's ``release_info`` (version, country, created, licence...).
        indicators: rows of the release's ``indicators`` table.
        files: rows of the release's ``files`` table (the data files).
    """
    licence = {"@id": info["licence_url"]}
    distributions = [
        {
            "@type": "dcat:Distribution",
            "@id": f"#{f['path']}",
            "dct:title": _text(f["title_es"], f["title_en"]),
            "dcat:downloadURL": {"@id": f["path"]},
            "dcat:mediaType": f["media_type"],
            "dct:format": f["format"],
            "dcat:byteSize": {"@type": "xsd:nonNegativeInteger", "@value": str(f["bytes"])},
            "spdx:checksum": {
                "@type": "spdx:Checksum",
                "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                "spdx:checksumValue": f["sha256"],
            },
            "dct:license": licence,
        }
        for f in files
    ]
    datasets = []
    for ind in indicators:
        keywords = ["seguridad ciudadana", "ICCS " + ", ".join(ind["iccs"])]
        if ind["sdg"]:
            keywords.append(f"ODS {ind['sdg']}")
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "@id": f"#{ind['code']}",
                "dct:identifier": ind["code"],
                "dct:title": _text(ind["name_es"], ind["name_en"]),
                "dct:description": _text(ind["notes_es"], ind["notes_en"]),
                "dcat:keyword": keywords,
                "dct:accrualPeriodicity": {"@id": ANNUAL},
                "dct:spatial": {
                    "@id": f"http://publications.europa.eu/resource/authority/country/{info['country']}"
                },
                "dct:temporal": {
                    "@type": "dct:PeriodOfTime",
                    "dcat:startDate": {"@type": "xsd:gYear", "@value": str(ind["first_year"])},
                    "dcat:endDate": {"@type": "xsd:gYear", "@value": str(ind["last_year"])},
                },
                "dct:conformsTo": [
                    {"@id": "https://www.unodc.org/unodc/en/data-and-analysis/statistics/iccs.html"}
                ],
                "dct:license": licence,
                "dct:issued": {"@type": "xsd:date", "@value": info["created"][:10]},
                "adms:version": info["version"],
                "dcat:distribution": [{"@id": d["@id"]} for d in distributions],
            }
        )
    return {
        "@context": CONTEXT,
        "@type": "dcat:Catalog",
        "@id": f"#publicacion-{info['version']}",
        "dct:title": _text(
            f"Seguridad ciudadana: indicadores de {info['country_name']}",
            f"Citizen security: indicators of {info['country_name']}",
        ),
        "dct:description": _text(
            "Agregados publicados con control de divulgación: los conteos pequeños y las "
            "celdas que permitirían deducirlos están reservados. Ningún dato personal.",
            "Aggregates released under disclosure control: small counts, and the cells that "
            "would let them be worked out, are withheld. No personal data.",
        ),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": info["publisher"]},
        "dct:issued": {"@type": "xsd:date", "@value": info["created"][:10]},
        "dct:license": licence,
        "adms:version": info["version"],
        "dcat:dataset": datasets,
        "dcat:distribution": distributions,
    }
