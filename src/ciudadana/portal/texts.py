"""Every text the portal shows, in Spanish and English, keyed by a stable code.

Error messages, the OpenAPI description (operations, parameters, schemas) and the page shown
when the dashboard is not installed all come from here. The Spanish text is the one written in
the code (``es(code)``); the English OpenAPI document is the Spanish one translated through
this catalogue (``english(text)``).

Example:
    >>> text("unknown-territory", "en", code="99")
    'There is no territory "99" in this release. The codes are listed at /api/v1/codes.'
"""

from __future__ import annotations

from typing import Any

Lang = str  # "es" or "en"

TEXTS: dict[str, tuple[str, str]] = {
    # -- errors ------------------------------------------------------------------------------
    "unknown-indicator": (
        "No hay ningún indicador «{code}» en esta publicación. Use uno de: {codes}.",
        'There is no indicator "{code}" in this release. Use one of: {codes}.',
    ),
    "unknown-grouping": (
        "El indicador {indicator} no se publica por «{grouping}». Agrupaciones publicadas: "
        "{groupings}.",
        'Indicator {indicator} is not published by "{grouping}". Published groupings: {groupings}.',
    ),
    "unknown-dimension": (
        "Dimensión desconocida en by: «{value}». Escriba una o varias, separadas por comas, de: "
        "{dimensions}.",
        'Unknown dimension in by: "{value}". Write one or more, separated by commas, of: '
        "{dimensions}.",
    ),
    "unknown-territory": (
        "No hay ningún territorio «{code}» en esta publicación. Los códigos están en "
        "/api/v1/codes.",
        'There is no territory "{code}" in this release. The codes are listed at /api/v1/codes.',
    ),
    "unknown-file": (
        "«{path}» no es un archivo de esta publicación. La lista está en /api/v1/downloads.",
        '"{path}" is not a file of this release. The list is at /api/v1/downloads.',
    ),
    "not-found": (
        "No existe {path}. La API empieza en /api/v1 y se describe en /openapi.json.",
        "{path} does not exist. The API starts at /api/v1 and is described at /openapi.en.json.",
    ),
    "method-not-allowed": (
        "El método {method} no se admite en {path}. Use: {allow}.",
        "Method {method} is not allowed on {path}. Use: {allow}.",
    ),
    "invalid-parameter": (
        "Parámetros no válidos: {details}.",
        "Invalid parameters: {details}.",
    ),
    "http-error": ("La solicitud no se pudo atender ({status}).", "The request failed ({status})."),
    "internal-error": (
        "Error interno del portal. Avise a quien lo administra; la publicación no cambió.",
        "Internal portal error. Tell whoever runs it; the release is unchanged.",
    ),
    # Details of invalid parameters, by Pydantic error type.
    "detail.missing": ("falta «{name}»", '"{name}" is missing'),
    "detail.int": ("«{name}» debe ser un número entero", '"{name}" must be a whole number'),
    "detail.range": (
        "«{name}» debe estar entre {ge} y {le}",
        '"{name}" must be between {ge} and {le}',
    ),
    "detail.choice": ("«{name}» debe ser {expected}", '"{name}" must be {expected}'),
    "detail.other": ("«{name}»: {message}", '"{name}": {message}'),
    "or": ("o", "or"),
    # -- the page shown when the dashboard is missing -------------------------------------
    "dashboard-missing.title": ("Tablero no instalado", "Dashboard not installed"),
    "dashboard-missing": (
        "El tablero no está instalado en este portal (falta portal/static/index.html). "
        'La API funciona: empiece en <a href="/api/v1">/api/v1</a>; la descripción está en '
        '<a href="/openapi.json">/openapi.json</a>.',
        "The dashboard is not installed in this portal (portal/static/index.html is missing). "
        'The API works: start at <a href="/api/v1">/api/v1</a>; it is described at '
        '<a href="/openapi.en.json">/openapi.en.json</a>.',
    ),
    # -- OpenAPI: the API ---------------------------------------------------------------------
    "api.title": (
        "Ciudadana: estadísticas públicas de seguridad ciudadana",
        "Ciudadana: public citizen-security statistics",
    ),
    "api.description": (
        "API de solo lectura de una publicación de datos abiertos de Ciudadana: indicadores "
        "agregados con control de divulgación (nunca datos de personas), sus códigos, límites "
        "territoriales y archivos. Cada respuesta lleva ETag y se puede pedir comprimida; los "
        'errores tienen siempre la forma {"error": {"code", "message"}}. Textos en inglés '
        "con lang=en; este documento en inglés: /openapi.en.json.",
        "Read-only API of a Ciudadana open-data release: aggregate indicators after disclosure "
        "control (never data about persons), their codes, territorial boundaries and files. "
        "Every response carries an ETag and may be asked for compressed; errors always have the "
        'shape {"error": {"code", "message"}}. Spanish texts by default, English with lang=en; '
        "this document in Spanish: /openapi.json.",
    ),
    "tag.release": ("La publicación: versión, país, licencia.", "The release: version, licence."),
    "tag.indicators": ("El catálogo de indicadores.", "The indicator catalogue."),
    "tag.observations": (
        "Las cifras: celdas publicadas, en JSON o CSV.",
        "The figures: published cells, as JSON or CSV.",
    ),
    "tag.territories": (
        "Territorios, límites y listas de códigos.",
        "Territories, boundaries and code lists.",
    ),
    "tag.downloads": (
        "El catálogo DCAT y los archivos de la publicación.",
        "The DCAT catalogue and the release's files.",
    ),
    # -- OpenAPI: operations ------------------------------------------------------------------
    "op.release.summary": ("La publicación", "The release"),
    "op.release": (
        "Versión, país, fecha, umbral de supresión y licencia de la publicación, con los "
        "enlaces a cada recurso de la API.",
        "Version, country, date, suppression threshold and licence of the release, with links "
        "to every resource of the API.",
    ),
    "op.indicators.summary": ("Indicadores", "Indicators"),
    "op.indicators": (
        "Los indicadores publicados, en el orden del catálogo, con sus agrupaciones publicadas "
        "y los años que cubren.",
        "The published indicators, in catalogue order, with their published groupings and the "
        "years they cover.",
    ),
    "op.indicator.summary": ("Un indicador", "One indicator"),
    "op.indicator": ("Un indicador del catálogo, por su código.", "One indicator, by its code."),
    "op.observations.summary": ("Cifras de un indicador", "Figures of an indicator"),
    "op.observations": (
        "Las celdas publicadas de un indicador en una agrupación (año más las dimensiones de "
        "by, en cualquier orden), con filtros. Una celda reservada conserva su clave y su "
        "denominador; numerador, valor e intervalos van vacíos (suppressed=true). Con "
        "format=csv, las mismas filas en el mismo orden como CSV UTF-8 con BOM (Excel), "
        "encabezados en el idioma de lang.",
        "The published cells of an indicator in one grouping (year plus the dimensions in by, "
        "in any order), with filters. A withheld cell keeps its key and denominator; numerator, "
        "value and intervals are empty (suppressed=true). With format=csv, the same rows in the "
        "same order as UTF-8 CSV with a BOM (Excel), headers in the language of lang.",
    ),
    "op.series.summary": ("Serie anual de un territorio", "Yearly series of a territory"),
    "op.series": (
        "La serie anual de un indicador en un territorio (el país si no se indica), "
        "opcionalmente para un sexo y un grupo de edad. La agrupación se elige según el nivel "
        "del territorio.",
        "The yearly series of an indicator in one territory (the country if none is given), "
        "optionally for one sex and one age group. The grouping follows the territory's level.",
    ),
    "op.territories.summary": ("Límites territoriales", "Territorial boundaries"),
    "op.territories": (
        "Límites generalizados de departamentos o municipios (GeoJSON), filtrados por el "
        "territorio padre. Vacío si la publicación no trae límites de ese nivel.",
        "Generalised boundaries of departments or municipalities (GeoJSON), filtered by parent "
        "territory. Empty when the release has no boundaries for that level.",
    ),
    "op.codes.summary": ("Listas de códigos", "Code lists"),
    "op.codes": (
        "Territorios y categorías (sexo, edad, pueblo, relación, arma, estado de "
        "confidencialidad) con sus etiquetas en el idioma de lang.",
        "Territories and categories (sex, age, people, relationship, weapon, confidentiality "
        "status) with their labels in the language of lang.",
    ),
    "op.catalog.summary": ("Catálogo DCAT", "DCAT catalogue"),
    "op.catalog": (
        "El catálogo DCAT de la publicación (JSON-LD), para portales de datos abiertos.",
        "The release's DCAT catalogue (JSON-LD), for open-data portals.",
    ),
    "op.downloads.summary": ("Archivos", "Files"),
    "op.downloads": (
        "Los archivos de la publicación con formato, tamaño y suma SHA-256, y el enlace para "
        "descargarlos.",
        "The release's files with format, size and SHA-256 checksum, and the link to download "
        "them.",
    ),
    "op.download.summary": ("Descargar un archivo", "Download a file"),
    "op.download": (
        "Un archivo de la lista de /api/v1/downloads (ninguno más). ETag es su SHA-256.",
        "A file from the list at /api/v1/downloads (and nothing else). Its ETag is its SHA-256.",
    ),
    # -- OpenAPI: parameters ------------------------------------------------------------------
    "param.lang": ("Idioma de los textos: es o en.", "Language of the texts: es or en."),
    "param.format": ("json o csv.", "json or csv."),
    "param.indicator": ("Código del indicador (VC_IHR_PSRC).", "Indicator code (VC_IHR_PSRC)."),
    "param.code": ("Código del indicador.", "Indicator code."),
    "param.by": (
        "Dimensiones además del año, separadas por comas, en cualquier orden: department o "
        "municipality, quarter o month, sex, age_group o age_broad, pueblo, relationship, "
        "weapon. Vacío: solo por año.",
        "Dimensions besides the year, comma separated, in any order: department or "
        "municipality, quarter or month, sex, age_group or age_broad, pueblo, relationship, "
        "weapon. Empty: by year only.",
    ),
    "param.year": ("Solo este año.", "Only this year."),
    "param.territory": ("Solo este territorio (código).", "Only this territory (code)."),
    "param.parent": (
        "Solo los territorios de este padre (los municipios del departamento 01).",
        "Only the territories of this parent (the municipalities of department 01).",
    ),
    "param.sex": ("Solo este sexo (female, male, total...).", "Only this sex (female, male...)."),
    "param.age": ("Solo este grupo de edad (15-29...).", "Only this age group (15-29...)."),
    "param.pueblo": ("Solo este pueblo.", "Only this people."),
    "param.relationship": ("Solo esta relación con el agresor.", "Only this relationship."),
    "param.weapon": ("Solo este medio o arma.", "Only this weapon or means."),
    "param.series_territory": (
        "Código del territorio (por omisión, el país).",
        "Territory code (by default, the country).",
    ),
    "param.series_sex": ("Un sexo (vacío o total: todos).", "One sex (empty or total: all)."),
    "param.series_age": (
        "Un grupo de edad (vacío o total: todas).",
        "One age group (empty or total: all).",
    ),
    "param.level": ("department o municipality.", "department or municipality."),
    "param.geo_parent": (
        "Solo los territorios de este padre (vacío: todos).",
        "Only the territories of this parent (empty: all).",
    ),
    "param.path": (
        "Ruta del archivo dentro de la publicación (datos/indicadores.csv).",
        "Path of the file inside the release (datos/indicadores.csv).",
    ),
    # -- OpenAPI: responses -------------------------------------------------------------------
    "resp.ok": ("Respuesta correcta.", "Successful response."),
    "resp.csv": (
        "Con format=csv: CSV UTF-8 con BOM, separado por comas.",
        "With format=csv: UTF-8 CSV with a BOM, comma separated.",
    ),
    "resp.not-found": (
        "No existe (indicador, agrupación, territorio o archivo desconocido).",
        "Not found (unknown indicator, grouping, territory or file).",
    ),
    "resp.invalid": ("Parámetros no válidos.", "Invalid parameters."),
    "resp.file": ("El archivo, con su tipo.", "The file, with its media type."),
    # -- OpenAPI: schemas ---------------------------------------------------------------------
    "schema.ErrorPublic": (
        "Un error: código estable para programas y mensaje para personas.",
        "An error: a stable code for programs and a message for people.",
    ),
    "schema.ReleasePublic": ("Una publicación.", "A release."),
    "schema.IndicatorPublic": ("Un indicador del catálogo.", "An indicator of the catalogue."),
    "schema.ObservationPublic": (
        "Una celda publicada. Reservada: suppressed=true y numerador, valor e intervalos nulos.",
        "A published cell. Withheld: suppressed=true and numerator, value and intervals null.",
    ),
    "schema.ObservationsPublic": (
        "Las celdas de una agrupación.",
        "The cells of one grouping.",
    ),
    "schema.SeriesPublic": ("La serie anual de un territorio.", "The yearly series of a place."),
    "schema.TerritoryPublic": ("Un territorio.", "A territory."),
    "schema.CodePublic": ("Una categoría y su etiqueta.", "A category and its label."),
    "schema.CodesPublic": ("Listas de códigos.", "Code lists."),
    "schema.FeatureCollectionPublic": ("Límites en GeoJSON.", "Boundaries as GeoJSON."),
    "schema.FilePublic": ("Un archivo de la publicación.", "A file of the release."),
    "field.grouping": (
        "Agrupación: year más las dimensiones, unidas por +.",
        "Grouping: year plus the dimensions, joined by +.",
    ),
    "field.conf_status": (
        "Estado de confidencialidad SDMX: F publicado, A conteo pequeño, D protege a otra celda.",
        "SDMX confidentiality status: F free, A small count, D protects another cell.",
    ),
    "field.suppressed": ("La celda está reservada.", "The cell is withheld."),
    "field.unstable": (
        "El error relativo es demasiado grande para comparar.",
        "The relative error is too large to compare.",
    ),
    "field.value": ("Valor del indicador.", "Value of the indicator."),
    "field.lower": ("Límite inferior del IC 95 %.", "Lower bound of the 95 % CI."),
    "field.upper": ("Límite superior del IC 95 %.", "Upper bound of the 95 % CI."),
    "field.value_asr": ("Tasa estandarizada por edad.", "Age-standardised rate."),
    "field.time_period": ("Periodo SDMX: 2019, 2019-Q1, 2019-03.", "SDMX period: 2019, 2019-Q1."),
    "field.sha256": ("Suma SHA-256 del archivo.", "SHA-256 checksum of the file."),
    "field.url": ("Dónde descargarlo.", "Where to download it."),
}


def text(code: str, lang: Lang = "es", /, **params: Any) -> str:
    """The text of ``code`` in ``lang`` (Spanish unless ``en``), with ``params`` filled in."""
    pair = TEXTS[code]
    template = pair[1] if lang == "en" else pair[0]
    return template.format(**params) if params else template


def es(code: str) -> str:
    """The Spanish text of ``code`` as written (for OpenAPI descriptions in the code)."""
    return TEXTS[code][0]


_ENGLISH = {es_text: en_text for es_text, en_text in TEXTS.values()}


def english(value: str) -> str:
    """The English text of a Spanish text of the catalogue (``value`` itself if unknown)."""
    return _ENGLISH.get(value, value)


def lang_of(value: object) -> Lang:
    """``en`` when asked for, else Spanish (for any other or no value)."""
    return "en" if value == "en" else "es"
