"""``ciudadana demo``: a synthetic country, end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ciudadana.commands.common import (
    JsonOpt,
    console,
    count,
    emit_json,
    out,
    run,
)
from ciudadana.commands.ingest import print_reports
from ciudadana.commands.serving import free_port, serve_release
from ciudadana.i18n import _

app = typer.Typer()

# -- the demo ------------------------------------------------------------------------------------


@app.command()
def demo(
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="Dónde crear el espacio de demostración.")
    ] = Path("ciudadana-demo"),
    seed: Annotated[int, typer.Option(help="Semilla: la misma da archivos idénticos.")] = 20240601,
    persons: Annotated[int, typer.Option(help="Residentes simulados.")] = 1_000_000,
    first_year: Annotated[int, typer.Option(help="Primer año simulado.")] = 2015,
    last_year: Annotated[int, typer.Option(help="Último año simulado.")] = 2020,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="No iniciar el portal al final (para scripts).")
    ] = False,
    host: Annotated[str, typer.Option(help="Dirección del portal.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="Puerto del portal (si está ocupado, el siguiente libre).")
    ] = 8000,
    as_json: JsonOpt = False,
) -> None:
    """Un país sintético de punta a punta: simula, carga y resume.

    Crea (o reutiliza) un espacio de trabajo en --workspace (por omisión ./ciudadana-demo) con:
    simulacion/exports/ (las exportaciones de PNC, MP, INACIF, OJ, medidas de seguridad e INE
    tal como llegan por correo, con sus defectos), simulacion/truth/ (la verdad: personas,
    hechos, qué fila es quién, conteos verdaderos, brotes, puntos calientes y cada defecto
    inyectado), raw/ (copia íntegra de cada archivo) y almacen.duckdb. Cada exportación se carga
    con su especificación incluida, como cualquier archivo real. Repetirlo con la misma semilla
    no cambia nada.

    Ejemplo: ciudadana demo --persons 200000 --no-serve
    """
    from ciudadana.demo_run import run_demo

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task(_("Demostración"), total=1.0)

        def step(message: str, fraction: float) -> None:
            bar.update(task, description=message, completed=fraction)

        report = run(
            as_json,
            lambda: run_demo(
                workspace,
                seed=seed,
                persons=persons,
                first_year=first_year,
                last_year=last_year,
                progress=step,
            ),
        )
    port = free_port(host, port)
    report.dashboard = f"http://{host}:{port}/"
    if as_json:
        emit_json({"ok": True, "serve": not no_serve, **report.to_dict()})
        if not no_serve:
            serve_release(Path(report.release["folder"]), host, port)
        return
    print_reports(report.loads)
    data = report.to_dict()

    n = count

    out.print(
        "\n"
        + _(
            "[bold]Listo[/] en {seconds:.0f} s: {rows_in} filas leídas = {loaded} cargadas + "
            "{quarantined} en cuarentena, de {files} archivos de 6 instituciones."
        ).format(
            seconds=report.timings["total"],
            rows_in=n(data["rows_in"]),
            loaded=n(data["loaded"]),
            quarantined=n(data["quarantined"]),
            files=len(report.loads),
        )
    )
    if report.quality:
        table = Table(
            _("fuente"),
            _("archivo"),
            _("hallazgos"),
            _("puntaje"),
            title=_("Calidad del dato (0-100, promedio de las dimensiones)"),
        )
        for q in report.quality:
            overall = f"{100 * q['overall']:.1f}" if q["overall"] is not None else "—"
            table.add_row(q["source_id"], q["file"], n(q["findings"]), overall)
        out.print(table)
        out.print(_("Informe de calidad: {path}").format(path=report.quality_report))
    for linked in report.linkage.get("runs", []):
        said = (
            _(
                "Registro de personas (restringido): {records} registros de las fuentes → "
                "{clusters} personas distintas; {pairs} pares para revisión clerical "
                "(`ciudadana link-review export`)."
            )
            if linked["kind"] == "persons"
            else _(
                "Registro de hechos (restringido): {records} registros de las fuentes → "
                "{clusters} hechos distintos; {pairs} pares para revisión clerical "
                "(`ciudadana link-review export`)."
            )
        )
        out.print(
            said.format(
                records=n(linked["records"]),
                clusters=n(linked["clusters"]),
                pairs=n(linked["review_pairs"]),
            )
        )
    if report.indicators:
        years = sorted({r["year"] for r in report.indicators})
        table = Table(
            _("indicador"),
            _("fuente"),
            *[str(y) for y in years],
            title=_("Tasas por 100 000 (intervalo de 95 %)"),
        )
        for code in dict.fromkeys(r["code"] for r in report.indicators):
            rows = {r["year"]: r for r in report.indicators if r["code"] == code}
            first = next(iter(rows.values()))
            table.add_row(
                first["name"],
                first["source"],
                *[
                    f"{rows[y]['value']:.1f} ({rows[y]['lower']:.1f}-{rows[y]['upper']:.1f})"
                    if y in rows and rows[y]["value"] is not None
                    else "—"
                    for y in years
                ],
            )
        out.print(table)
    out.print(_("Espacio de trabajo: {path}").format(path=report.workspace))
    for note in report.notes:
        out.print(f"  {note}")
    if no_serve:
        out.print(
            _(
                "Tablero: {url} (sírvalo con `ciudadana serve --workspace {workspace} --port "
                "{port}`)"
            ).format(url=report.dashboard, workspace=report.workspace, port=port)
        )
        return
    out.print(_("[bold]Tablero:[/] {url}  (Ctrl+C para detenerlo)").format(url=report.dashboard))
    serve_release(Path(report.release["folder"]), host, port)
