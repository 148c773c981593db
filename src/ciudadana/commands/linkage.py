"""The verbs of record linkage: link, person, link-review (``reconciled.py`` holds those that
use the linked events: reconcile, mse)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ciudadana.commands.common import (
    JsonOpt,
    WorkspaceOpt,
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

# == linkage: link, person, link-review (linkage/) ===============================================

link_review_app = typer.Typer(
    help="Revisión clerical de pares inciertos: exportar a CSV e importar las decisiones."
)
app.add_typer(link_review_app, name="link-review")  # cli.py registers the groups


def _settings_pairs(values: list[str] | None) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        kind, sep, ref = value.partition("=")
        if not sep or kind not in ("persons", "events"):
            raise CiudadanaError(
                _("--settings «{value}»: escriba persons=ARCHIVO o events=ARCHIVO.").format(
                    value=value
                ),
                code="invalid-option",
            )
        pairs[kind] = ref
    return pairs


@app.command()
def link(
    workspace: WorkspaceOpt = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="events, persons o ambos (por omisión, ambos)."),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option("--settings", help="Configuración propia: persons=ARCHIVO, events=ARCHIVO."),
    ] = None,
    backend: Annotated[str, typer.Option(help="Motor: duckdb (una máquina) o spark.")] = "duckdb",
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Solo estas fuentes (se puede repetir).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Enlaza personas y hechos entre fuentes: el registro restringido y las cifras conciliadas.

    Une a la misma víctima del mismo hecho en la policía, la fiscalía y el instituto forense
    (cada víctima cuenta una vez), y a cada persona entre fuentes y roles (víctima, agresor).
    Respeta las decisiones de la revisión clerical, conserva los identificadores de la corrida
    anterior y escribe todo en una sola transacción: si el proceso se interrumpe, el registro
    queda como estaba. Los nombres y números solo viven en el esquema restringido.

    Ejemplo: ciudadana link --workspace demo --json
    """
    from ciudadana.linkage import link_workspace
    from ciudadana.workspace import open_workspace

    ws = run(as_json, lambda: open_workspace(workspace))
    chosen = run(as_json, lambda: _settings_pairs(settings))
    with progress_bar(not as_json) as bar:
        task = bar.add_task(_("Enlace"))
        report = run(
            as_json,
            lambda: link_workspace(
                ws,
                kinds=kind or ("events", "persons"),
                settings=chosen,
                backend=backend,
                sources=source,
                progress=lambda m: bar.update(task, description=m),
            ),
        )
    if as_json:
        emit_json({"ok": True, **report.to_dict()})
        return

    n = count

    for r in report.runs:
        said = (
            _(
                "[bold]hechos[/] (corrida {run}): {records} registros → {clusters} víctimas de "
                "hechos; {links} pares enlazados, {pairs} para revisión, {decisions} decisiones "
                "aplicadas"
            )
            if r["kind"] == "events"
            else _(
                "[bold]personas[/] (corrida {run}): {records} registros → {clusters} personas; "
                "{links} pares enlazados, {pairs} para revisión, {decisions} decisiones aplicadas"
            )
        )
        out.print(
            said.format(
                run=r["run_id"],
                records=n(r["records"]),
                clusters=n(r["clusters"]),
                links=n(r["links"]),
                pairs=n(r["review_pairs"]),
                decisions=r["decisions_applied"],
            )
        )
        for note in r["notes"]:
            out.print(note_line(note, "    "))
    if report.reconciled:
        rec = report.reconciled
        out.print(
            _(
                "Cifras conciliadas: {victims} víctimas en {cells} celdas (preliminares); "
                "{worklist} discrepancias para la mesa de validación (`ciudadana reconcile`)."
            ).format(victims=n(rec["events"]), cells=n(rec["cells"]), worklist=n(rec["worklist"]))
        )
    for note in report.notes:
        out.print(note_line(note))
    out.print(_("Listo en {seconds:.0f} s.").format(seconds=report.timings["total"]))


@app.command()
def person(
    ref: Annotated[str, typer.Argument(help="Identificador (P0000042) o número de DPI.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """La historia de una persona en todas las fuentes (restringido: nunca para el portal).

    Muestra cada registro de la persona en la policía, la fiscalía, el instituto forense, los
    juzgados y las medidas de seguridad, con su rol, fecha, delito, lugar y el nombre tal como
    lo escribió cada fuente.

    Ejemplo: ciudadana person P0000042 --workspace demo
    """
    from ciudadana.linkage.history import person_history
    from ciudadana.workspace import open_workspace

    history = run(as_json, lambda: person_history(open_workspace(workspace), ref))
    if as_json:
        emit_json({"ok": True, **history})
        return
    out.print(
        _("[bold]{ids}[/]: {records} registros en {sources} fuentes; roles: {roles}").format(
            ids=", ".join(history["person_ids"]),
            records=len(history["records"]),
            sources=len(history["sources"]),
            roles=", ".join(history["roles"]),
        )
    )
    names = "; ".join(history["names"]) or "—"
    out.print("  " + _("Nombres escritos: {names}").format(names=names))
    out.print(f"  DPI: {', '.join(history['id_numbers']) or '—'}")
    table = Table(
        _("fecha"),
        _("fuente"),
        _("rol"),
        _("registro"),
        _("delito"),
        _("lugar"),
        _("nombre"),
        _("hecho"),
    )
    for r in history["records"]:
        table.add_row(
            str(r["date"] or ""),
            r["source_id"],
            r["role"],
            str(r["record_id"] or r["incident_id"] or r["row_number"]),
            f"{r['iccs_code'] or ''} {r['offence'] or ''}".strip(),
            r["territory"] or r["territory_code"] or "",
            r["name"] or "",
            r["event_id"] or "",
        )
    out.print(table)


@link_review_app.command("export")
def link_review_export(
    output: Annotated[Path, typer.Argument(help="Archivo CSV a escribir (datos restringidos).")],
    workspace: WorkspaceOpt = None,
    kind: Annotated[str | None, typer.Option(help="Solo personas o hechos.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Exporta los pares inciertos de la última corrida, lado a lado, para que alguien decida.

    Llene la columna «decision» con misma o distinta (vacía: sin decidir) y vuelva a importar.
    El archivo lleva nombres y DPI: guárdelo dentro del espacio de trabajo y bórrelo al terminar.

    Ejemplo: ciudadana link-review export revision/pares.csv --workspace demo
    """
    from ciudadana.linkage.review import export_review
    from ciudadana.workspace import open_workspace

    result = run(as_json, lambda: export_review(open_workspace(workspace), output, kind=kind))
    if as_json:
        emit_json({"ok": True, **result})
    else:
        out.print(
            _("{pairs} pares para revisar escritos en {path}").format(
                pairs=result["pairs"], path=result["path"]
            )
        )


@link_review_app.command("import")
def link_review_import(
    file: Annotated[Path, typer.Argument(help="El CSV con la columna «decision» llena.")],
    workspace: WorkspaceOpt = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Quién decidió (si el CSV no lo dice).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Importa las decisiones de la revisión; ninguna corrida automática las contradice.

    Se guardan para siempre (una decisión nueva sobre el mismo par reemplaza a la anterior) y
    la siguiente `ciudadana link` las aplica. Si una fila está mal, no se guarda ninguna.

    Ejemplo: ciudadana link-review import revision/pares.csv --reviewer ana --workspace demo
    """
    from ciudadana.linkage.review import import_decisions
    from ciudadana.workspace import open_workspace

    result = run(
        as_json, lambda: import_decisions(open_workspace(workspace), file, reviewer=reviewer)
    )
    if as_json:
        emit_json({"ok": True, **result})
    else:
        out.print(
            _(
                "{stored} decisiones guardadas ({same} misma, {different} distinta); "
                "{undecided} pares sin decidir. Se aplican en la próxima `ciudadana link`."
            ).format(
                stored=result["stored"],
                same=result["same"],
                different=result["different"],
                undecided=result["undecided"],
            )
        )
