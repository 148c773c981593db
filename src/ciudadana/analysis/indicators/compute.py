"""Compute the catalogue's indicators on a workspace's warehouse (read-only).

The warehouse is read once per request (``session.py``). For each indicator: count its
records by every grouping asked for in one pass, choose the source(s), put each grouping
beside its denominator in one query (``grouping.py``) and add the measures (``measures.py``).
Each row says which source it comes from and its ``basis``: ``source`` counts, or
``reconciled`` counts (each victim once across sources) where record linkage has run and can
give every grouping asked for; ``--source auto`` prefers those, then the indicator's preferred
source that has data (``reconciled.py``, ``session.choose_sources``).

Example:
    >>> result = compute_indicators(ws, IndicatorRequest(codes=["VC_IHR_PSRC"], by=["sex"]))
    ... # doctest: +SKIP
    >>> result.rows[0]["value"]  # doctest: +SKIP
    22.4
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ciudadana.analysis import smoothing
from ciudadana.analysis.indicators.catalogue import Catalogue, Indicator, load_catalogue
from ciudadana.analysis.indicators.dimensions import (
    AGE_DIMS,
    DIMENSIONS,
    POPULATION_DIMS,
    normalise_dimension,
)
from ciudadana.analysis.indicators.facts import DATE_COLUMNS
from ciudadana.analysis.indicators.grouping import (
    grouping_id,
    label,
    rate_tables_sql,
    share_tables_sql,
    standardised_tables_sql,
)
from ciudadana.analysis.indicators.measures import add_measures, add_smoothed, standardised
from ciudadana.analysis.indicators.notes import Notes
from ciudadana.analysis.indicators.reconciled import RECONCILED, reconcilable
from ciudadana.analysis.indicators.rows import OUTPUT_COLUMNS, Row, shape_rows
from ciudadana.analysis.indicators.session import Session, choose_sources
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.warehouse import open_reader
from ciudadana.workspace import Workspace, open_workspace

#: Age-standardised rates for the country, departments and sexes; municipalities get
#: empirical-Bayes smoothing instead (their age-specific counts are too small).
STANDARDISABLE = {"department", "sex"}


class InvalidRequest(CiudadanaError):
    code = "invalid-indicator-request"


@dataclass
class IndicatorRequest:
    """What to compute.

    Attributes:
        codes: indicator codes (empty: the whole catalogue).
        by: dimensions to cut by, besides the year (``department``, ``sex``, ``month``...).
        all_disaggregations: instead of ``by``, every disaggregation each indicator allows,
            one at a time (each with the year), plus the year alone.
        years: only these years (empty: every year with data).
        source: ``auto`` (the preferred source with data), ``all`` (each source apart) or
            one source id.
        level: confidence level of the intervals.
        standardise, smooth: add age-standardised and empirical-Bayes rates where they apply.
        lang: ``es`` or ``en`` for names and notes.
    """

    codes: list[str] = field(default_factory=list)
    by: list[str] = field(default_factory=list)
    all_disaggregations: bool = False
    years: list[int] = field(default_factory=list)
    source: str = "auto"
    level: float = 0.95
    standardise: bool = True
    smooth: bool = True
    lang: str = "es"


@dataclass
class IndicatorResult:
    """Rows (one per indicator, grouping and cell; see ``OUTPUT_COLUMNS``), what each
    indicator used, and the notes every figure must carry."""

    rows: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    notes: list[str]
    columns: tuple[str, ...] = OUTPUT_COLUMNS

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _groupings(ind: Indicator, req: IndicatorRequest, notes: Notes) -> list[list[str]]:
    if req.all_disaggregations:
        return [[]] + [[d] for d in ind.disaggregations]
    dims = [d for d in dict.fromkeys(normalise_dimension(b) for b in req.by) if d != "year"]
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise InvalidRequest(
            _("Desagregación desconocida: {unknown}. Use: {known}.").format(
                unknown=", ".join(unknown), known=", ".join(DIMENSIONS)
            )
        )
    if len([d for d in dims if d in AGE_DIMS]) > 1:
        raise InvalidRequest(_("Pida un solo esquema de edad: age_group o age_broad."))
    if "department" in dims and "municipality" in dims:
        dims.remove("department")
    refused = [d for d in dims if not ind.allows(d)]
    if refused:
        notes.refused(ind, refused)
        return []
    return [dims]


def _standardises(ind: Indicator, req: IndicatorRequest, dims: list[str]) -> bool:
    return (
        ind.per_population
        and req.standardise
        and ind.allows("age_group")
        and set(dims) <= STANDARDISABLE
    )


def _cells(
    s: Session,
    ind: Indicator,
    req: IndicatorRequest,
    groupings: list[list[str]],
    params: dict[str, Any],
) -> tuple[list[Row], list[Row]]:
    """The cells of every grouping (and, for rates, the age-standardisation sums)."""
    kind = _kind(ind)
    gids = [s.gid("_ind_num", g) for g in groupings]
    if kind != "rate":
        den_gids = [s.gid("_ind_den", g) for g in groupings]
        sql = share_tables_sql(groupings, gids, den_gids, nested=kind == "share")
        return s.dicts(sql, params), []
    assert ind.denominator.population is not None
    std = [g for g in groupings if _standardises(ind, req, g)]
    psets = [[d for d in g if d in POPULATION_DIMS] for g in groupings]
    psets += [[*g, "asr_start"] for g in std]
    popg, used = s.population_groups(ind.denominator.population.sex, psets)
    pgids = [grouping_id(p, used, first=["year"]) for p in psets]
    cells = s.dicts(rate_tables_sql(groupings, gids, pgids[: len(groupings)], popg), params)
    sums: list[Row] = []
    if std:
        std_gids = [s.gid("_ind_num", [*g, "asr_start"]) for g in std]
        sql = standardised_tables_sql(std, std_gids, pgids[len(groupings) :], popg)
        sums = s.dicts(sql, params)
    return cells, sums


def _kind(ind: Indicator) -> str:
    """``rate`` (per population), ``share`` (nested counts) or ``ratio`` (two sources)."""
    return "rate" if ind.per_population else ("share" if ind.denominator.nested else "ratio")


def _compute_one(s: Session, ind: Indicator, req: IndicatorRequest, notes: Notes) -> list[Row]:
    groupings = _groupings(ind, req, notes)
    if not groupings:
        return []
    kind = _kind(ind)
    sets = groupings + [[*g, "asr_start"] for g in groupings if _standardises(ind, req, g)]
    available = s.count("_ind_num", ind.numerator, sets)
    if RECONCILED in available and not reconcilable(groupings):
        del available[RECONCILED]
        notes.not_reconcilable(ind)
    params: dict[str, Any] = {}
    if kind == "rate":
        chosen = choose_sources(ind.numerator, available, req.source)
    else:
        den_count = ind.denominator.count
        assert den_count is not None
        den_available = s.count("_ind_den", den_count, groupings)
        if kind == "share":
            chosen = choose_sources(den_count, den_available, req.source)
            params["keep_den"] = chosen
        else:
            chosen = choose_sources(ind.numerator, available, req.source)
            params["keep_den"] = choose_sources(den_count, den_available, "auto")
            if chosen and not params["keep_den"]:
                notes.sources(ind, available, chosen)
                notes.no_denominator_source(ind)
                return []
    notes.sources(ind, available, chosen)
    if not chosen:
        return []
    for source in chosen:
        if source in s.undated["_ind_num"]:
            notes.undated(source, s.undated["_ind_num"][source], ind.numerator.date)
    params["keep"] = chosen
    s.source_years(chosen)
    notes.dates(ind, chosen)
    if kind == "rate":
        assert ind.denominator.population is not None
        notes.population(ind, s.population(ind.denominator.population.sex))
    cells, sums = _cells(s, ind, req, groupings, params)
    by_grouping: dict[str, list[Row]] = {label(g): [] for g in groupings}
    for c in cells:
        by_grouping[c["grouping"]].append(c)
    sums_by: dict[str, list[Row]] = {}
    for r in sums:
        sums_by.setdefault(r["grouping"], []).append(r)
    rows: list[Row] = []
    for dims in groupings:
        keys = ["source_id", "year", *dims]
        group = by_grouping[label(dims)]
        if kind == "ratio":
            for c in group:
                c["source_id"] = chosen[0]
        group.sort(key=lambda c: tuple((c[k] is None, c[k]) for k in keys))
        add_measures(group, ind, kind=kind, level=req.level)
        if kind == "rate" and "municipality" in dims and req.smooth:
            add_smoothed(group, keys, ind)
        rows += shape_rows(
            group,
            ind,
            dims,
            country=s.country,
            country_name=s.country_name,
            names=s.names,
            lang=req.lang,
            asr=standardised(sums_by.get(label(dims), []), group, keys, ind, req.level),
            denominator_source=params["keep_den"][0] if kind == "ratio" else None,
            years=req.years,
        )
    return rows


def compute_indicators(
    workspace: Workspace | Path | None,
    request: IndicatorRequest | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> IndicatorResult:
    """Compute indicators of the catalogue on a workspace's warehouse.

    Args:
        workspace: an opened workspace, or its folder (default: the current folder).
        request: what to compute (default: every indicator by year).
        catalogue: another catalogue (default: the shipped one).

    Returns:
        The rows, what each indicator used (sources, dates, population) and the notes every
        figure must carry.

    Raises:
        UnknownIndicator, InvalidRequest: with what to type instead.

    Example:
        >>> result = compute_indicators(Path("pnc-2024"))  # doctest: +SKIP
    """
    ws = workspace if isinstance(workspace, Workspace) else open_workspace(workspace)
    req = request or IndicatorRequest()
    cat = catalogue or load_catalogue()
    indicators = [cat.get(c) for c in req.codes] if req.codes else list(cat.indicators)
    notes = Notes(req.lang, ws.country)
    by = {normalise_dimension(b) for b in req.by}
    if req.smooth and (req.all_disaggregations or "municipality" in by):
        smoothing.prefetch()
    con = open_reader(ws.warehouse_path)
    try:
        counts = [i.numerator for i in indicators] + [
            i.denominator.count for i in indicators if i.denominator.count is not None
        ]
        dates = sorted({DATE_COLUMNS[c.date] for c in counts})
        session = Session(con, ws.country, req.years, req.lang, dates)
        notes.bind(session.run)
        rows: list[Row] = []
        for ind in indicators:
            rows += _compute_one(session, ind, req, notes)
    finally:
        con.close()
    return IndicatorResult(rows, notes.indicators(), notes.general())
