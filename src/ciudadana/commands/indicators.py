"""Verbs of the indicators and policy monitoring: indicators, monitor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ciudadana.commands.common import (
    JsonOpt,
    WorkspaceOpt,
    emit_json,
    names_language,
    note_line,
    out,
    progress_bar,
    run,
)
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import N_, _

app = typer.Typer()

# == indicators and policy monitoring (analysis/, monitoring/) ====================================
# This section belongs to the indicators: `ciudadana indicators` and `ciudadana monitor`.

DIMENSION_HELP = N_(
    "Desagregación (se puede repetir o separar con comas): department, municipality, sex, "
    "age_group, age_broad, pueblo, relationship, weapon, quarter, month."
)


LANG_HELP = N_("Idioma de nombres y notas: es o en (por omisión, el de los mensajes).")


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _years(values: list[str] | None) -> list[int]:
    """``2019``, ``2015-2020`` or ``2015,2017`` into a list of years."""
    years: list[int] = []
    for item in _split(values):
        first, _dash, last = item.partition("-")
        if not (first.isdigit() and (not last or last.isdigit())):
            raise CiudadanaError(
                _("Año no válido: «{year}». Use 2019, 2015-2020 o 2015,2017.").format(year=item),
                code="invalid-year",
            )
        years += list(range(int(first), int(last or first) + 1))
    return years


def _print_indicator_rows(rows: list[dict[str, Any]], limit: int) -> None:
    dims = [
        d
        for d in ("sex", "age", "pueblo", "relationship", "weapon")
        if any(r[d] != "total" for r in rows)
    ]
    table = Table(
        _("indicador"),
        _("fuente"),
        _("periodo"),
        _("territorio"),
        *dims,
        _("numerador"),
        _("denominador"),
        _("valor"),
        _("IC 95 %"),
        "",
    )
    for r in rows[:limit]:
        interval = f"{r['lower']} – {r['upper']}" if r["value"] is not None else ""
        den = r["denominator"]
        table.add_row(
            r["indicator"],
            r["source"] or "",
            r["time_period"],
            f"{r['territory']} {r['territory_name']}",
            *(str(r[d]) for d in dims),
            f"{r['numerator']:,}",
            f"{den:,.0f}" if den is not None else "—",
            "" if r["value"] is None else f"{r['value']:,}",
            interval,
            _("inestable") if r["unstable"] else "",
        )
    out.print(table)
    if len(rows) > limit:
        out.print(_("… {n} filas más: use --csv, --parquet o --json.").format(n=len(rows) - limit))


@app.command()
def indicators(
    action: Annotated[
        str | None, typer.Argument(help="«list» muestra el catálogo; sin nada, calcula.")
    ] = None,
    workspace: WorkspaceOpt = None,
    indicator: Annotated[
        list[str] | None,
        typer.Option("--indicator", "-i", help="Código del indicador (se puede repetir)."),
    ] = None,
    by: Annotated[list[str] | None, typer.Option("--by", help=DIMENSION_HELP)] = None,
    year: Annotated[
        list[str] | None, typer.Option("--year", help="Año o rango: 2019, 2015-2020.")
    ] = None,
    source: Annotated[
        str,
        typer.Option(help="auto (la fuente preferida con datos), all (cada una) o un id."),
    ] = "auto",
    every: Annotated[
        bool, typer.Option("--all", help="Cada desagregación que admite cada indicador.")
    ] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Escribe un CSV.")] = None,
    parquet_path: Annotated[
        Path | None, typer.Option("--parquet", help="Escribe un Parquet.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Filas a mostrar en pantalla.")] = 40,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Indicadores del catálogo: tasas con intervalos exactos, por territorio, sexo, edad y periodo.

    Cuenta en el almacén (solo lectura) con la fuente preferida de cada indicador y divide por la
    población cargada. Cada valor lleva su intervalo de confianza del 95 % (Poisson exacto o
    Clopper-Pearson), la marca de inestable, la tasa estandarizada por edad (OMS) y, por
    municipio, la tasa suavizada (Bayes empírico). Con «list», el catálogo.

    Ejemplo: ciudadana indicators -i VC_IHR_PSRC --by department --year 2019 --csv homicidios.csv
    """
    from ciudadana.analysis.indicators import IndicatorRequest, compute_indicators
    from ciudadana.analysis.indicators.output import list_indicators, write_csv, write_parquet
    from ciudadana.workspace import open_workspace

    if action == "list":
        items = list_indicators(names_language(lang))
        if as_json:
            emit_json({"ok": True, "indicators": items})
            return
        table = Table(
            _("código"),
            _("indicador"),
            _("unidad"),
            _("cuenta"),
            _("fecha"),
            _("desagregaciones"),
        )
        for i in items:
            table.add_row(
                i["code"],
                i["name"],
                i["unit"],
                i["counting"],
                i["date"],
                ", ".join(i["disaggregations"]),
            )
        out.print(table)
        return
    if action is not None:

        def refuse() -> None:
            raise CiudadanaError(
                _("Acción desconocida «{action}»: use «list» o nada.").format(action=action),
                code="invalid-action",
            )

        run(as_json, refuse)
    ws = run(as_json, lambda: open_workspace(workspace))  # its language applies from here
    request = run(
        as_json,
        lambda: IndicatorRequest(
            codes=_split(indicator),
            by=_split(by),
            all_disaggregations=every,
            years=_years(year),
            source=source,
            lang=names_language(lang),
        ),
    )
    with progress_bar(not as_json) as bar:
        bar.add_task(_("Calculando indicadores"))
        result = run(as_json, lambda: compute_indicators(ws, request))
    if csv_path is not None:
        write_csv(result, csv_path)
    if parquet_path is not None:
        write_parquet(result, parquet_path)
    if as_json:
        emit_json(
            {
                "ok": True,
                **result.to_dict(),
                "csv": str(csv_path) if csv_path else None,
                "parquet": str(parquet_path) if parquet_path else None,
            }
        )
        return
    _print_indicator_rows(result.rows, limit)
    for meta in result.indicators:
        for note in meta["notes"][1:]:
            out.print(f"  [yellow]{meta['code']}:[/] {note}")
    for note in result.notes:
        out.print(note_line(note))
    for path in (csv_path, parquet_path):
        if path is not None:
            out.print(_("Escrito {path} ({n} filas).").format(path=path, n=len(result.rows)))


@app.command()
def monitor(
    workspace: WorkspaceOpt = None,
    policy: Annotated[
        str | None,
        typer.Option(help="Política: archivo YAML o una incluida (por omisión, el ejemplo)."),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Monitoreo de una política: línea de base, meta, último valor, avance, semáforo y tendencia.

    Para cada indicador y territorio de la política: el valor esperado en la recta de la línea
    de base a la meta, el avance, el semáforo (verde, amarillo, rojo, gris) y la tendencia anual
    (regresión de Poisson) con su intervalo.

    Ejemplo: ciudadana monitor --policy politica-prevencion.yaml --json
    """
    from ciudadana.monitoring import monitor_policy
    from ciudadana.workspace import open_workspace

    ws = run(as_json, lambda: open_workspace(workspace))  # its language applies from here
    report = run(as_json, lambda: monitor_policy(ws, policy, lang=names_language(lang)))
    if as_json:
        emit_json({"ok": True, **report.to_dict()})
        return
    out.print(f"[bold]{report.title}[/]")
    colours = {"green": "green", "amber": "yellow", "red": "red", "grey": "bright_black"}
    table = Table(
        _("indicador"),
        _("territorio"),
        _("base"),
        _("meta"),
        _("último"),
        _("esperado"),
        _("avance %"),
        _("semáforo"),
        _("tendencia anual"),
    )
    for r in report.rows:
        trend = r["trend"]
        table.add_row(
            r["name"],
            f"{r['territory']} {r['territory_name']}",
            f"{r['baseline']} ({r['baseline_year']})",
            f"{r['target']} ({r['target_year']})",
            f"{r['latest']} ({r['latest_year']})" if r["latest"] is not None else "—",
            "" if r["expected"] is None else str(r["expected"]),
            "" if r["progress"] is None else str(r["progress"]),
            f"[{colours[r['status']]}]{r['status_label']}[/]",
            f"{trend['annual_change'] * 100:+.1f} % ({trend['direction']})" if trend else "—",
        )
    out.print(table)
    for note in report.notes:
        out.print(note_line(note))


# == end of the indicators section ===============================================================
