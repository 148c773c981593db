"""Verbs of the workspace and its lineage: init, ingest, loads, quarantine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ciudadana.commands.common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    count,
    emit_json,
    note_line,
    out,
    progress_bar,
    run,
)
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _

app = typer.Typer()

# -- workspace ---------------------------------------------------------------------------------


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Carpeta del nuevo espacio de trabajo.")],
    country: Annotated[str, typer.Option(help="Paquete territorial (ISO3).")] = "GTM",
    language: Annotated[
        str,
        typer.Option(
            "--language",
            "--lang",
            help="Idioma del espacio de trabajo (ciudadana.toml): es o en.",
        ),
    ] = "es",
    as_json: JsonOpt = False,
) -> None:
    """Crea un espacio de trabajo: ciudadana.toml, raw/, specs/ y el almacén DuckDB.

    Carga la clasificación ICCS, el paquete territorial y su población por omisión.

    Ejemplo: ciudadana init pnc-2024 --country GTM
    """
    from ciudadana.bootstrap import init_workspace

    with progress_bar(not as_json) as bar:
        bar.add_task(_("Creando el espacio de trabajo y cargando referencias"))
        report = run(as_json, lambda: init_workspace(directory, country=country, language=language))
    if as_json:
        emit_json({"ok": True, **report.to_dict()})
        return
    out.print(
        _("Espacio de trabajo creado en [bold]{root}[/]").format(root=report.workspace["root"])
    )
    out.print(
        "  "
        + _("ICCS: {iccs} categorías; territorios: {territories}").format(
            iccs=report.iccs_categories, territories=report.territories
        )
    )
    if report.population:
        p = report.population
        out.print(
            "  "
            + _("Población: {loaded} filas cargadas de {rows_in}").format(
                loaded=p["loaded"], rows_in=p["rows_in"]
            )
        )
    for note in report.notes:
        out.print(note_line(note))


# -- ingest --------------------------------------------------------------------------------------


@app.command()
def ingest(
    spec: Annotated[str, typer.Argument(help="Especificación: ruta .yaml o nombre (gtm/ine-vif).")],
    files: Annotated[list[Path], typer.Argument(help="Archivos recibidos de la institución.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Carga exportaciones de una fuente en el almacén.

    Guarda cada archivo intacto en raw/, valida cada fila y carga todo o nada. Las filas con
    problemas van a cuarentena con archivo, fila, campo, valor y motivo. Un archivo ya cargado
    no cambia nada. Siempre: filas leídas = cargadas + en cuarentena.

    Ejemplo: ciudadana ingest gtm/ine-vif VIF_2009.csv VIF_2010.csv
    """
    from ciudadana.ingest import ingest_file
    from ciudadana.workspace import open_workspace

    ws = run(as_json, lambda: open_workspace(workspace))
    reports = []
    failed = False
    with progress_bar(not as_json) as bar:
        for file in files:
            task = bar.add_task(_("{file}: inicio").format(file=file.name))

            def step(msg: str, task: Any = task, name: str = file.name) -> None:
                bar.update(task, description=f"{name}: {msg}")

            try:
                reports.append(ingest_file(ws, spec, file, progress=step).to_dict())
            except CiudadanaError as exc:
                failed = True
                reports.append({"file": file.name, "status": "failed", **exc.to_dict()})
            bar.remove_task(task)
    if as_json:
        summary = reports[0] if len(reports) == 1 else {"files": reports}
        emit_json({"ok": not failed, **summary})
    else:
        print_reports(reports)
    if failed:
        raise typer.Exit(1)


def print_reports(reports: list[dict[str, Any]]) -> None:
    for r in reports:
        if r["status"] == "failed":
            console.print(f"[bold red]Error:[/] {r['message']}", highlight=False)
            continue
        if r["status"] == "already-loaded":
            out.print(
                _("[yellow]{file}[/]: ya cargado (carga {load}); loaded: 0, nada cambió.").format(
                    file=r["file"], load=r["load_id"]
                )
            )
            continue
        line = _(
            "[bold]{file}[/] → carga {load}: filas leídas {rows_in} = cargadas {loaded} + en "
            "cuarentena {quarantined}"
        ).format(
            file=r["file"],
            load=r["load_id"],
            rows_in=count(r["rows_in"]),
            loaded=count(r["loaded"]),
            quarantined=count(r["quarantined"]),
        )
        if r["skipped"]:
            line += _(" (omitidas por la especificación: {n})").format(n=count(r["skipped"]))
        out.print(line)
        for code, n in r["quarantined_by_reason"].items():
            out.print(_("    cuarentena  {code}: {n}").format(code=code, n=count(n)))
        for code, n in r["warnings_by_reason"].items():
            out.print(_("    aviso       {code}: {n}").format(code=code, n=n))
        for msg in r["messages"]:
            out.print(f"    {msg}")


@app.command()
def loads(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Historial de cargas: qué archivo, cuántas filas, qué periodo, si fue reemplazada.

    Ejemplo: ciudadana loads --json
    """
    from ciudadana.ingest import list_loads
    from ciudadana.workspace import open_workspace

    rows = run(as_json, lambda: list_loads(open_workspace(workspace)))
    if as_json:
        emit_json({"ok": True, "loads": rows})
        return
    table = Table(
        _("carga"),
        _("fuente"),
        _("archivo"),
        _("leídas"),
        _("cargadas"),
        _("cuarentena"),
        _("periodo"),
        _("reemplazada por"),
    )
    for r in rows:
        period = f"{r['period_start'] or ''} – {r['period_end'] or ''}"
        table.add_row(
            str(r["load_id"]),
            r["source_id"],
            r["file_name"],
            str(r["rows_in"]),
            str(r["rows_loaded"]),
            str(r["rows_quarantined"]),
            period,
            str(r["superseded_by"] or ""),
        )
    out.print(table)


@app.command()
def quarantine(
    workspace: WorkspaceOpt = None,
    load: Annotated[int | None, typer.Option("--load", help="Solo esta carga.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Solo esta fuente.")] = None,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Exporta a CSV.")] = None,
    limit: Annotated[int, typer.Option(help="Filas a mostrar en pantalla.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Filas rechazadas y por qué, para devolverlas a la institución.

    Ejemplo: ciudadana quarantine --load 3 --csv devolver_pnc.csv
    """
    from ciudadana.ingest import quarantine_rows, write_quarantine_csv
    from ciudadana.workspace import open_workspace

    rows = run(
        as_json, lambda: quarantine_rows(open_workspace(workspace), load_id=load, source_id=source)
    )
    if csv_path is not None:
        write_quarantine_csv(rows, csv_path)
    if as_json:
        by_code: dict[str, int] = {}
        for r in rows:
            by_code[r["code"]] = by_code.get(r["code"], 0) + 1
        emit_json(
            {
                "ok": True,
                "findings": len(rows),
                "by_reason": by_code,
                "csv": str(csv_path) if csv_path else None,
                "rows": rows[:limit],
            }
        )
        return
    table = Table(
        _("carga"), _("archivo"), _("fila"), _("campo"), _("valor"), _("motivo"), _("mensaje")
    )
    for r in rows[:limit]:
        table.add_row(
            str(r["load_id"]),
            r["file_name"],
            str(r["row_number"]),
            r["column_name"] or "",
            r["value"] or "",
            r["code"],
            r["message"],
        )
    out.print(table)
    out.print(
        _("{n} hallazgos en cuarentena").format(n=len(rows))
        + (_("; CSV escrito en {path}").format(path=csv_path) if csv_path else "")
    )
