"""What the API answers, as Pydantic models: the OpenAPI description of every response.

Only public, aggregate fields: no model here has a field for a person. The routes send
prebuilt JSON bytes (see ``cache.py``) of exactly these shapes; the models describe them and a
test checks the answers against the description.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class ErrorDetailPublic(BaseModel):
    code: str
    message: str


class ErrorPublic(BaseModel):
    error: ErrorDetailPublic


class ReleasePublic(BaseModel):
    version: str
    country: str
    country_name: str
    created: str
    threshold: int | None
    licence: str | None
    licence_url: str | None
    indicators: int
    links: dict[str, str]


class IndicatorPublic(BaseModel):
    code: str
    sdg: str | None
    name: str
    short: str
    unit: str
    unit_measure: str
    decimals: int
    counting: str
    date_basis: str
    iccs: list[str]
    notes: str
    groupings: list[str]
    first_year: int | None
    last_year: int | None


class IndicatorsPublic(BaseModel):
    indicators: list[IndicatorPublic]


class ObservationPublic(BaseModel):
    indicator: str
    grouping: str
    source: str
    time_period: str
    year: int
    territory_level: str
    territory: str
    territory_name: str
    sex: str
    age: str
    pueblo: str
    relationship: str
    weapon: str
    numerator: int | None
    denominator: float | None
    value: float | None
    lower: float | None
    upper: float | None
    unstable: bool | None
    value_asr: float | None
    lower_asr: float | None
    upper_asr: float | None
    conf_status: str
    suppressed: bool


class ObservationsPublic(BaseModel):
    indicator: str
    grouping: str
    count: int
    rows: list[ObservationPublic]


class SeriesPublic(BaseModel):
    indicator: str
    territory: str
    territory_name: str
    grouping: str
    rows: list[ObservationPublic]


class TerritoryPublic(BaseModel):
    code: str
    name: str
    level: str
    parent: str | None


class CodePublic(BaseModel):
    code: str
    label: str


class CodesPublic(BaseModel):
    territories: list[TerritoryPublic]
    dimensions: dict[str, list[CodePublic]]


class FeaturePublic(BaseModel):
    type: Literal["Feature"]
    properties: TerritoryPublic
    geometry: dict[str, Any] | None


class FeatureCollectionPublic(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[FeaturePublic]


class FilePublic(BaseModel):
    path: str
    format: str
    media_type: str
    sha256: str
    bytes: int
    title: str
    url: str


class FilesPublic(BaseModel):
    files: list[FilePublic]
