"""Where releases live in a workspace: ``publicacion/<version>/``, the newest named in ``ACTUAL``.

A release folder holds ``manifest.json``, ``publicacion.sqlite`` (the read-only database the
portal serves, schema in ``release_schema.sql``), ``catalogo.jsonld`` (DCAT), ``datos/`` (CSV,
Parquet, SDMX-CSV and code lists) and ``geo/`` (generalised boundaries as GeoJSON).

Example:
    >>> releases_dir(Path("/tmp/ws"))
    PosixPath('/tmp/ws/publicacion')
"""

from __future__ import annotations

from pathlib import Path

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _

RELEASES = "publicacion"
CURRENT = "ACTUAL"
DATABASE = "publicacion.sqlite"
MANIFEST = "manifest.json"
CATALOG = "catalogo.jsonld"
GEO = {"department": "geo/departamentos.geojson", "municipality": "geo/municipios.geojson"}


class NoRelease(CiudadanaError):
    """There is no release to serve where one was looked for."""


def releases_dir(workspace_dir: Path) -> Path:
    """The folder that holds every release of a workspace."""
    return Path(workspace_dir) / RELEASES


def latest_release(workspace_dir: Path) -> Path:
    """The newest release of a workspace (the one ``ACTUAL`` names).

    Raises:
        NoRelease: no release was built yet, with the command that builds one.
    """
    root = releases_dir(workspace_dir)
    pointer = root / CURRENT
    if not pointer.is_file():
        raise NoRelease(
            _(
                "No hay ninguna publicación en {root}. Créela con "
                "`ciudadana release --workspace {workspace}`."
            ).format(root=root, workspace=workspace_dir)
        )
    folder = root / pointer.read_text("utf-8").strip()
    check_release(folder)
    return folder


def check_release(folder: Path) -> Path:
    """``folder`` if it looks like a release (manifest and database present), else a clear error."""
    folder = Path(folder)
    missing = [n for n in (MANIFEST, DATABASE) if not (folder / n).is_file()]
    if missing:
        raise NoRelease(
            _(
                "{folder} no es una publicación de Ciudadana: falta {missing}. "
                "Indique la carpeta que creó `ciudadana release`."
            ).format(folder=folder, missing=", ".join(missing))
        )
    return folder


#: The observation columns of the release, in the order of files and API rows.
OBSERVATION_COLUMNS = (
    "indicator",
    "grouping",
    "source",
    "time_period",
    "year",
    "territory_level",
    "territory",
    "territory_name",
    "sex",
    "age",
    "pueblo",
    "relationship",
    "weapon",
    "numerator",
    "denominator",
    "value",
    "lower",
    "upper",
    "unstable",
    "value_asr",
    "lower_asr",
    "upper_asr",
    "conf_status",
)

#: Column headers of the CSV files people open in a spreadsheet, by language.
CSV_HEADERS: dict[str, dict[str, str]] = {
    "es": {
        "indicator": "indicador",
        "grouping": "agrupacion",
        "source": "fuente",
        "time_period": "periodo",
        "year": "anio",
        "territory_level": "nivel_territorial",
        "territory": "territorio_codigo",
        "territory_name": "territorio",
        "sex": "sexo",
        "age": "edad",
        "pueblo": "pueblo",
        "relationship": "relacion",
        "weapon": "arma",
        "numerator": "numerador",
        "denominator": "denominador",
        "value": "valor",
        "lower": "inferior",
        "upper": "superior",
        "unstable": "inestable",
        "value_asr": "tasa_estandarizada",
        "lower_asr": "inferior_estandarizada",
        "upper_asr": "superior_estandarizada",
        "conf_status": "estado_confidencialidad",
    },
    "en": {c: c for c in OBSERVATION_COLUMNS},
}
