"""The verb of the data quality diagnostics: quality."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ciudadana.commands.common import (
    JsonOpt,
    WorkspaceOpt,
    count,
    emit_json,
    names_language,
    note_line,
    out,
    progress_bar,
    run,
)
from ciudadana.i18n import _, ngettext

app = typer.Typer()

# == data quality (quality/) ======================================================================
# This section belongs to the data quality diagnostics: `ciudadana quality`.


@app.command()
def quality(
    workspace: WorkspaceOpt = None,
    load: Annotated[int | None, typer.Option("--load", help="Solo esta carga.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Solo esta fuente.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Escribe el informe HTML.")] = None,
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", help="Escribe los hallazgos fila por fila, para la institución."),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Idioma del informe: es o en. Por omisión, el de los mensajes."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Calidad del dato: puntaje de cada fuente y periodo por dimensión, y hallazgos por fila.

    Diagnostica las cargas vigentes (o --load / --source) con las reglas estándar y las de cada
    fuente (<especificación>.quality.yaml): completitud, validez, oportunidad, consistencia,
    unicidad, valores atípicos, cobertura y consistencia entre fuentes. Guarda hallazgos y
    puntajes en el almacén (reemplaza los de un diagnóstico anterior de la misma carga) y muestra
    el cambio respecto de la entrega anterior de cada fuente. --csv escribe las filas con
    problemas para devolverlas a la institución (incluye los datos personales que ella envió);
    --html, el informe con figuras (sin datos personales).

    Ejemplo: ciudadana quality --source gtm/pnc-hechos --html calidad.html --csv devolver.csv
    """
    from ciudadana.quality import diagnose
    from ciudadana.quality.export import write_findings_csv
    from ciudadana.quality.html.render import write_html
    from ciudadana.workspace import open_workspace

    ws = run(as_json, lambda: open_workspace(workspace))
    load_ids = [load] if load is not None else None
    with progress_bar(not as_json) as bar:
        task = bar.add_task(_("Diagnóstico de calidad"))
        report = run(
            as_json,
            lambda: diagnose(
                ws,
                load_ids,
                source_id=source,
                progress=lambda msg: bar.update(
                    task, description=_("Diagnóstico: {step}").format(step=msg)
                ),
            ),
        )
    ids = [s.load_id for s in report.loads]
    written: dict[str, Any] = {}
    if csv_path is not None:
        written["csv_rows"] = write_findings_csv(ws, csv_path, load_ids=ids)
        written["csv"] = str(csv_path)
    if html is not None:
        run(as_json, lambda: write_html(ws, html, load_ids=ids, lang=names_language(language)))
        written["html"] = str(html)
    if as_json:
        emit_json({"ok": True, **report.to_dict(), **written})
        return
    _print_quality(report)
    if "csv" in written:
        rows = count(written["csv_rows"])
        out.print(_("CSV con {n} hallazgos: {path}").format(n=rows, path=written["csv"]))
    if "html" in written:
        out.print(_("Informe HTML: {path}").format(path=written["html"]))


def _print_quality(report: Any) -> None:
    from rich import box

    from ciudadana.quality.html.messages import DIMENSION_NAMES

    names = DIMENSION_NAMES[names_language(None)]
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, title=_("puntaje por carga"))
    table.add_column(_("dimensión"), no_wrap=True)
    for s in report.loads:
        table.add_column(str(s.load_id), justify="right")
    for d in names:
        if not any(d in s.scores for s in report.loads):
            continue
        cells = []
        for s in report.loads:
            value, change = s.scores.get(d), s.change(d)
            text = "—" if value is None else f"{value * 100:.1f}"
            if change is not None and abs(change) >= 0.0005:
                text += f"\n({change * 100:+.1f})"
            cells.append(text)
        table.add_row(names[d], *cells)
    table.add_row(
        _("[bold]global[/]"),
        *["—" if s.overall is None else f"[bold]{s.overall * 100:.1f}[/]" for s in report.loads],
    )
    out.print(table)
    for s in report.loads:
        out.print(
            "  "
            + _("carga {load}: {source}, {file}, {rows} filas").format(
                load=s.load_id, source=s.source_id, file=s.file_name, rows=count(s.rows_in)
            )
        )
    top = Table(_("regla"), _("hallazgos"))
    for rule, n in list(report.by_rule.items())[:12]:
        top.add_row(rule, count(n))
    out.print(top)
    summary = ngettext(
        "{findings} hallazgos en {loads} carga, {seconds:.1f} s. Entre paréntesis: el cambio "
        "respecto de la entrega anterior de la misma fuente.",
        "{findings} hallazgos en {loads} cargas, {seconds:.1f} s. Entre paréntesis: el cambio "
        "respecto de la entrega anterior de la misma fuente.",
        len(report.loads),
    )
    out.print(
        summary.format(
            findings=count(report.findings), loads=len(report.loads), seconds=report.seconds
        )
    )
    for note in report.notes:
        out.print(note_line(note))


# == end of the data quality section ==============================================================
