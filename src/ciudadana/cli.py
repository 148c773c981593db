"""``ciudadana``: one command, a verb per job. Each verb parses, calls one library function and
renders the result: a table for people, one JSON object with ``--json`` for scripts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ciudadana.errors import CiudadanaError

app = typer.Typer(
    name="ciudadana",
    help="Ciudadana: sistema de información de seguridad ciudadana. Un verbo por tarea.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
spec_app = typer.Typer(help="Especificaciones de fuentes: validar, listar, exportar el esquema.")
territory_app = typer.Typer(help="Paquetes territoriales: listar y validar.")
app.add_typer(spec_app, name="spec")
app.add_typer(territory_app, name="territory")

console = Console(stderr=True)
out = Console()

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Espacio de trabajo (por omisión, la carpeta actual)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Imprime un objeto JSON con el resultado.")]


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return str(value)


def emit_json(data: dict[str, Any]) -> None:
    out.print_json(json.dumps(data, default=_default, ensure_ascii=False))


def run(as_json: bool, job: Callable[[], Any]) -> Any:
    """Run a verb's job; a CiudadanaError becomes one clear message (or JSON) and exit 1."""
    try:
        return job()
    except CiudadanaError as exc:
        if as_json:
            emit_json(exc.to_dict())
        else:
            console.print(f"[bold red]Error:[/] {exc.message}", highlight=False)
        raise typer.Exit(1) from None


def progress_bar(enabled: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not enabled,
    )


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Registra cada sentencia SQL.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="%(name)s: %(message)s"
    )


# -- workspace ---------------------------------------------------------------------------------


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Carpeta del nuevo espacio de trabajo.")],
    country: Annotated[str, typer.Option(help="Paquete territorial (ISO3).")] = "GTM",
    language: Annotated[str, typer.Option("--lang", help="Idioma: es o en.")] = "es",
    as_json: JsonOpt = False,
) -> None:
    """Crea un espacio de trabajo: ciudadana.toml, raw/, specs/ y el almacén DuckDB.

    Carga la clasificación ICCS, el paquete territorial y su población por omisión.

    Ejemplo: ciudadana init pnc-2024 --country GTM
    """
    from ciudadana.bootstrap import init_workspace

    with progress_bar(not as_json) as bar:
        bar.add_task("Creando el espacio de trabajo y cargando referencias")
        report = run(as_json, lambda: init_workspace(directory, country=country, language=language))
    if as_json:
        emit_json({"ok": True, **report.to_dict()})
        return
    out.print(f"Espacio de trabajo creado en [bold]{report.workspace['root']}[/]")
    out.print(f"  ICCS: {report.iccs_categories} categorías; territorios: {report.territories}")
    if report.population:
        p = report.population
        out.print(f"  Población: {p['loaded']} filas cargadas de {p['rows_in']}")
    for note in report.notes:
        out.print(f"  [yellow]Nota:[/] {note}")


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
            task = bar.add_task(f"{file.name}: inicio")

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
        _print_reports(reports)
    if failed:
        raise typer.Exit(1)


def _print_reports(reports: list[dict[str, Any]]) -> None:
    for r in reports:
        if r["status"] == "failed":
            console.print(f"[bold red]Error:[/] {r['message']}", highlight=False)
            continue
        if r["status"] == "already-loaded":
            out.print(
                f"[yellow]{r['file']}[/]: ya cargado (carga {r['load_id']}); "
                "loaded: 0, nada cambió."
            )
            continue
        out.print(
            f"[bold]{r['file']}[/] → carga {r['load_id']}: filas leídas {r['rows_in']} = "
            f"cargadas {r['loaded']} + en cuarentena {r['quarantined']}"
            + (f" (omitidas por la especificación: {r['skipped']})" if r["skipped"] else "")
        )
        for code, n in r["quarantined_by_reason"].items():
            out.print(f"    cuarentena  {code}: {n}")
        for code, n in r["warnings_by_reason"].items():
            out.print(f"    aviso       {code}: {n}")
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
        "carga",
        "fuente",
        "archivo",
        "leídas",
        "cargadas",
        "cuarentena",
        "periodo",
        "reemplazada por",
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
    table = Table("carga", "archivo", "fila", "campo", "valor", "motivo", "mensaje")
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
        f"{len(rows)} hallazgos en cuarentena"
        + (f"; CSV escrito en {csv_path}" if csv_path else "")
    )


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
        task = bar.add_task("Demostración", total=1.0)

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
    if as_json:
        emit_json({"ok": True, "serve": not no_serve, **report.to_dict()})
        return
    _print_reports(report.loads)
    data = report.to_dict()

    def n(value: int) -> str:
        return f"{value:,}".replace(",", " ")  # 119 754: the thousands separator people read

    out.print(
        f"\n[bold]Listo[/] en {report.timings['total']:.0f} s: {n(data['rows_in'])} filas "
        f"leídas = {n(data['loaded'])} cargadas + {n(data['quarantined'])} en cuarentena, de "
        f"{len(report.loads)} archivos de 6 instituciones."
    )
    out.print(f"Espacio de trabajo: {report.workspace}")
    for note in report.notes:
        out.print(f"  {note}")


# -- specs and territories -------------------------------------------------------------------------


@spec_app.command("check")
def spec_check(
    spec: Annotated[str, typer.Argument(help="Ruta o nombre de la especificación.")],
    as_json: JsonOpt = False,
) -> None:
    """Valida una especificación y muestra cada problema con su línea.

    Ejemplo: ciudadana spec check specs/pnc-incidentes.yaml
    """
    from ciudadana.ingest import load_spec

    loaded = run(as_json, lambda: load_spec(spec))
    if as_json:
        emit_json({"ok": True, "spec": loaded.name, "id": loaded.spec.id, "sha256": loaded.sha256})
    else:
        out.print(f"[green]✓[/] {loaded.path}: especificación válida ({loaded.spec.id}).")


@spec_app.command("list")
def spec_list(as_json: JsonOpt = False) -> None:
    """Especificaciones incluidas en Ciudadana.

    Ejemplo: ciudadana spec list
    """
    from ciudadana.ingest.spec import shipped_spec_names

    names = shipped_spec_names()
    if as_json:
        emit_json({"ok": True, "specs": names})
    else:
        for name in names:
            out.print(name)


@spec_app.command("schema")
def spec_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Archivo JSON.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Exporta el JSON Schema de las especificaciones, para editores.

    Sin --output lo imprime; con --json imprime un resumen de lo que escribió.

    Ejemplo: ciudadana spec schema -o spec.schema.json
    """
    from ciudadana.ingest import json_schema

    schema = json_schema()
    text = json.dumps(schema, ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    if as_json:
        emit_json(
            {
                "ok": True,
                "output": str(output) if output else None,
                "definitions": sorted(schema.get("$defs", {})),
            }
        )
    elif not output:
        sys.stdout.write(text + "\n")
    else:
        out.print(f"JSON Schema escrito en {output}")


@territory_app.command("list")
def territory_list(as_json: JsonOpt = False) -> None:
    """Paquetes territoriales disponibles.

    Ejemplo: ciudadana territory list
    """
    from ciudadana.standards.territory import available_packs

    packs = available_packs()
    if as_json:
        emit_json({"ok": True, "packs": packs})
    else:
        out.print("\n".join(packs))


@territory_app.command("check")
def territory_check(
    iso3: Annotated[str, typer.Argument(help="Código ISO3 del país, p. ej. GTM.")],
    as_json: JsonOpt = False,
) -> None:
    """Valida un paquete territorial (códigos, padres, alias).

    Ejemplo: ciudadana territory check GTM
    """
    from ciudadana.standards.territory import check_pack

    problems = run(as_json, lambda: check_pack(iso3))
    if as_json:
        emit_json({"ok": not problems, "pack": iso3.upper(), "problems": problems})
    elif problems:
        for p in problems:
            console.print(f"[red]✗[/] {p}")
    else:
        out.print(f"[green]✓[/] {iso3.upper()}: paquete válido.")
    if problems:
        raise typer.Exit(1)


@territory_app.command("resolve")
def territory_resolve(
    value: Annotated[str, typer.Argument(help="Código o nombre a resolver.")],
    country: Annotated[str, typer.Option(help="Paquete territorial.")] = "GTM",
    parent: Annotated[str | None, typer.Option(help="Departamento (código o nombre).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Convierte un código o nombre escrito de cualquier forma en el código oficial.

    Ejemplo: ciudadana territory resolve "San José" --parent Petén
    """
    from ciudadana.standards.territory import load_pack

    pack = run(as_json, lambda: load_pack(country))
    res = pack.resolve(value, parent=parent)
    data = {
        "ok": res.code is not None,
        "value": value,
        "code": res.code,
        "status": res.status,
        "name": pack.name(res.code) if res.code else None,
        "candidates": list(res.candidates),
    }
    if as_json:
        emit_json(data)
    elif res.code:
        out.print(f"{res.code} {pack.name(res.code)} ({res.status})")
    else:
        console.print(res.message("es"))
    if res.code is None:
        raise typer.Exit(1)


def main() -> None:
    app()
