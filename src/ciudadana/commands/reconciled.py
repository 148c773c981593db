"""The verbs that use the linked events: reconcile (the validation table) and mse (the cases no
institution recorded)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ciudadana.commands.common import (
    JsonOpt,
    WorkspaceOpt,
    emit_json,
    note_line,
    out,
    run,
)
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _

app = typer.Typer()


@app.command()
def reconcile(
    workspace: WorkspaceOpt = None,
    year: Annotated[int | None, typer.Option(help="Año.")] = None,
    month: Annotated[int | None, typer.Option(help="Mes (1-12).")] = None,
    department: Annotated[str | None, typer.Option(help="Código de departamento (01).")] = None,
    category: Annotated[
        str | None, typer.Option(help="Categoría ICCS de 4 dígitos (0101).")
    ] = None,
    validate: Annotated[
        bool, typer.Option("--validate", help="Marca el mes y departamento como validados.")
    ] = False,
    by: Annotated[str | None, typer.Option(help="Quién valida (con --validate).")] = None,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Escribe la lista de discrepancias en CSV.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Filas a mostrar en pantalla.")] = 40,
    as_json: JsonOpt = False,
) -> None:
    """Mesa de validación: cifras conciliadas por mes y departamento, y sus discrepancias.

    Cada víctima cuenta una vez entre fuentes, con cuántas registró cada fuente. Las
    discrepancias (en una sola fuente, fecha, lugar o sexo distintos) van a la lista de
    trabajo (restringida). Toda cifra es preliminar hasta que la mesa la valida con --validate.

    Ejemplo: ciudadana reconcile --year 2020 --month 5 --department 01 --category 0101
    """
    from ciudadana.linkage.tables import reconciliation_view, validate_month
    from ciudadana.workspace import open_workspace

    ws = run(as_json, lambda: open_workspace(workspace))
    if validate:

        def mark() -> int:
            if year is None or month is None or department is None:
                raise CiudadanaError(
                    _("--validate necesita --year, --month y --department."),
                    code="invalid-option",
                )
            return validate_month(ws, year, month, department, by=by)

        changed = run(as_json, mark)
        if not as_json:
            out.print(
                _("Validado {department} {year}-{month:02d}: {n} cifras «validado».").format(
                    department=department, year=year, month=month, n=changed
                )
            )
    view = run(
        as_json,
        lambda: reconciliation_view(
            ws, year=year, month=month, department=department, category=category, csv_path=csv_path
        ),
    )
    if as_json:
        emit_json({"ok": True, **view})
        return
    table = Table(
        _("año"),
        _("mes"),
        _("depto"),
        _("categoría"),
        _("sexo"),
        _("víctimas"),
        _("una fuente"),
        _("estado"),
    )
    for r in view["counts"][:limit]:
        table.add_row(
            str(r["year"]),
            str(r["month"]),
            r["department_code"] or "",
            r["category"] or "",
            r["sex"] or "",
            str(r["victims"]),
            str(r["single_source"]),
            r["status"],
        )
    out.print(table)
    work = Table(_("año"), _("mes"), _("depto"), _("hecho"), _("discrepancia"), _("detalle"))
    for w in view["worklist"][:limit]:
        work.add_row(
            str(w["year"]),
            str(w["month"]),
            w["department_code"] or "",
            w["event_id"],
            w["issue"],
            w["detail"],
        )
    out.print(work)
    out.print(
        _("{counts} cifras, {worklist} discrepancias").format(
            counts=len(view["counts"]), worklist=len(view["worklist"])
        )
        + (_("; CSV escrito en {path}").format(path=csv_path) if csv_path else "")
    )


@app.command()
def mse(
    workspace: WorkspaceOpt = None,
    by: Annotated[
        list[str] | None, typer.Option("--by", help="year, department (se puede repetir).")
    ] = None,
    category: Annotated[str | None, typer.Option(help="Categoría ICCS de 4 dígitos.")] = None,
    criterion: Annotated[str, typer.Option(help="Criterio: bic (como Rcapture) o aic.")] = "bic",
    average: Annotated[
        bool, typer.Option("--average", help="Promedia los modelos con pesos del criterio.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Estimación por sistemas múltiples: los casos que ninguna institución registró.

    Con los hechos enlazados de tres o más fuentes, ajusta modelos log-lineales de
    captura-recaptura (independencia, interacciones entre fuentes, heterogeneidad), elige el de
    menor BIC (o AIC) y da el total estimado con su intervalo de verosimilitud perfilada, por
    año y departamento; con --average, promedia los modelos (intervalo que incluye la
    incertidumbre del modelo). Guarda solo conteos.

    Ejemplo: ciudadana mse --by year --category 0201 --workspace demo
    """
    from ciudadana.linkage.mse_run import estimate_unrecorded
    from ciudadana.workspace import open_workspace

    ws = run(as_json, lambda: open_workspace(workspace))
    result = run(
        as_json,
        lambda: estimate_unrecorded(
            ws, by=by or [], category=category, criterion=criterion, average=average
        ),
    )
    if as_json:
        emit_json({"ok": True, **result})
        return
    table = Table(
        _("año"),
        _("depto"),
        _("categoría"),
        _("fuentes"),
        _("observados"),
        _("modelo"),
        _("estimado"),
        _("IC 95 %"),
    )
    for r in result["estimates"]:
        table.add_row(
            str(r["year"] or _("todos")),
            r["department_code"] or _("todos"),
            r["category"] or _("todas"),
            ", ".join(r["sources"]),
            str(r["observed"]),
            r["model"] or "—",
            "—" if r["estimate"] is None else f"{r['estimate']:.0f}",
            "—" if r["lower"] is None else f"{r['lower']:.0f} – {r['upper']:.0f}",
        )
    out.print(table)
    for note in result["notes"]:
        out.print(note_line(note))


# == end of the linkage section ==================================================================
