"""The HTML report: one self-contained page (inline CSS and SVG, no script, no CDN) with the
scorecard, completeness heatmaps, coverage maps, lag histograms, cross-source gaps, unusual
counts, findings by rule and the trend across deliveries. Spanish first; ``lang="en"``.

Example:
    >>> write_html(ws, Path("calidad.html"))  # doctest: +SKIP
    PosixPath('calidad.html')
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from ciudadana import __version__
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.quality.engine import load_info
from ciudadana.quality.html import data, figures
from ciudadana.quality.html.messages import DIMENSION_NAMES, SEVERITY, TEXT
from ciudadana.quality.html.topo import territory_shapes
from ciudadana.quality.report import read_report
from ciudadana.quality.rules import DIMENSIONS
from ciudadana.warehouse import open_reader
from ciudadana.workspace import Workspace

MUNI, DEPT = "m", "dept-outline"


def environment() -> Environment:
    return Environment(
        loader=PackageLoader("ciudadana.quality.html", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def diagnosed_loads(
    con: duckdb.DuckDBPyConnection, load_ids: list[int] | None, source_id: str | None
) -> list[dict[str, Any]]:
    if not con.execute(
        "select count(*) from information_schema.tables where table_name = 'quality_loads'"
    ).fetchone()[0]:
        return []
    cur = con.execute(
        """
        select l.load_id, l.source_id, l.spec_name, l.file_name, l.country, l.counting_unit
        from loads as l
        join quality_loads as q using (load_id)
        where (? is null and l.superseded_by is null or l.load_id in (select unnest(?)))
          and (? is null or l.source_id = ?)
        order by l.load_id
        """,
        [load_ids, load_ids or [], source_id, source_id],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def write_html(
    ws: Workspace,
    path: Path,
    *,
    load_ids: list[int] | None = None,
    source_id: str | None = None,
    lang: str = "es",
) -> Path:
    """Write the report of the stored diagnosis of the chosen loads (every current one)."""
    if lang not in TEXT:
        raise CiudadanaError(
            _("Idioma «{lang}» no disponible; use es o en.").format(lang=lang),
            code="unknown-language",
        )
    con = open_reader(ws.warehouse_path)
    try:
        con.execute("set enable_progress_bar = false")
        context = build(con, ws, load_ids, source_id, lang)
    finally:
        con.close()
    html = environment().get_template("report.html.j2").render(**context)
    path = Path(path)
    path.write_text(html, encoding="utf-8")
    return path


def build(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    load_ids: list[int] | None,
    source_id: str | None,
    lang: str,
) -> dict[str, Any]:
    loads = diagnosed_loads(con, load_ids, source_id)
    if not loads:
        raise CiudadanaError(
            _("No hay diagnósticos que mostrar: ejecute `ciudadana quality` primero."),
            code="no-diagnosis",
        )
    ids = [x["load_id"] for x in loads]
    report = read_report(con, ids)
    rows = {r["load_id"]: r for r in _loads_rows(con, ids)}
    for x in loads:
        x["info"] = load_info(rows[x["load_id"]], ws)
    titles: dict[str, str] = {}
    for x in loads:
        for rule in x["info"].rules.values():
            titles.setdefault(rule.id, rule.title_es if lang == "es" else rule.title_en)
    country = loads[0]["country"]
    shapes = territory_shapes(country, 2)
    outline = territory_shapes(country, 1)
    sections = [
        source_section(con, x, shapes, lang)
        for x in loads
        if x["counting_unit"] not in ("aggregate", "population")
    ]
    return {
        "t": TEXT[lang],
        "lang": lang,
        "dims": [(d, DIMENSION_NAMES[lang][d]) for d in DIMENSIONS],
        "report": report,
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "version": __version__,
        "workspace": ws.root.name,
        "color": figures.score_color,
        "sections": sections,
        "defs": figures.shape_defs(shapes, MUNI, DEPT, outline) if shapes else "",
        "cross": cross_figures(con, lang),
        "outliers": data.outliers(con, ids),
        "rules": [
            (
                rule,
                titles.get(rule, rule),
                DIMENSION_NAMES[lang].get(dim, dim),
                SEVERITY[lang].get(sev, sev),
                n,
                loads_n,
            )
            for rule, dim, sev, n, loads_n in data.findings_by_rule(con, ids)
        ],
        "trends": trend_figures(con, sorted({x["source_id"] for x in loads}), lang),
    }


def _loads_rows(con: duckdb.DuckDBPyConnection, ids: list[int]) -> list[dict[str, Any]]:
    cur = con.execute("select * from loads where load_id in (select unnest(?))", [ids])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def source_section(
    con: duckdb.DuckDBPyConnection, load: dict[str, Any], shapes: Any, lang: str
) -> dict[str, Any]:
    t = TEXT[lang]
    labels = load["info"].mapped_fields() if load.get("info") else {}
    heat = data.completeness_heat(con, load["load_id"], labels)
    lags = data.lags(con, load["load_id"])
    shares = data.coverage_shares(con, load["load_id"])
    title = f"{load['source_id']} · {load['file_name']}"
    section: dict[str, Any] = {"load": load, "title": title}
    if heat:
        section["heat"] = figures.heatmap(
            heat.rows, heat.columns, heat.values, f"{t['completeness']}: {title}"
        )
    if shapes and shares:
        entries = [
            (figures.share_color(v), label)
            for v, label in (
                (0.1, "< 20 %"),
                (0.3, "20–40 %"),
                (0.5, "40–60 %"),
                (0.7, "60–80 %"),
                (0.9, "≥ 80 %"),
                (None, "0"),
            )
        ]
        section["map"] = figures.choropleth(
            shapes,
            MUNI,
            shares,
            f"{t['coverage']}: {title}",
            highlight=data.silent(con, load["load_id"]),
            legend_entries=entries,
            outline=DEPT,
        )
    if "registration" in lags:
        section["lag"] = figures.histogram(lags["registration"], t["registration_lag"], t["days"])
    if "delivery" in lags:
        section["delivery"] = figures.histogram(lags["delivery"], t["delivery_lag"], t["months"])
    return section


def cross_figures(con: duckdb.DuckDBPyConnection, lang: str) -> list[Any]:
    out = []
    names = {r[0]: r[1] for r in con.execute("select code, name from territories").fetchall()}
    pairs = {tuple(p["pair"]): p["flagged"] for p in data.cross_totals(con)}
    sources = [
        r[0]
        for r in con.execute(
            "select distinct source_id from current_events where starts_with(iccs_code, '0101') "
            "and counting_unit = 'victim' order by 1"
        ).fetchall()
    ]
    for i, a in enumerate(sources):
        for b in sources[i + 1 :]:
            depts, va, vb = data.department_counts(con, a, b)
            if not depts:
                continue
            flagged = pairs.get((a, b), {})
            out.append(
                figures.grouped_bars(
                    [names.get(d, d) for d in depts],
                    [(a, va), (b, vb)],
                    f"{TEXT[lang]['cross']}: {a} / {b}",
                    [flagged.get(d, 0) for d in depts],
                )
            )
    return out


def trend_figures(con: duckdb.DuckDBPyConnection, sources: list[str], lang: str) -> list[Any]:
    out = []
    for source in sources:
        rows = data.trend(con, source)
        loads = list(dict.fromkeys((r[0], r[1]) for r in rows))
        if len(loads) < 2:
            continue
        series: dict[str, list[float | None]] = {}
        for dim in DIMENSIONS:
            by_load = {r[0]: r[4] for r in rows if r[3] == dim}
            if by_load:
                series[DIMENSION_NAMES[lang][dim]] = [by_load.get(lid) for lid, _ in loads]
        labels = [f"{lid}" for lid, _ in loads]
        out.append(
            {
                "source": source,
                "loads": loads,
                "figure": figures.lines(labels, series, f"{TEXT[lang]['trend']}: {source}"),
            }
        )
    return out
