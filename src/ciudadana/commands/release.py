"""The verb of the open-data release: release."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ciudadana.commands.common import (
    JsonOpt,
    WorkspaceOpt,
    count,
    emit_json,
    out,
    progress_bar,
    run,
)
from ciudadana.i18n import _

app = typer.Typer()

# == the open-data release (publish/) =============================================================


@app.command()
def release(
    workspace: WorkspaceOpt = None,
    threshold: Annotated[
        int,
        typer.Option(
            "--threshold",
            "--umbral",
            min=1,
            help="Los conteos de 1 a umbral-1 se reservan (supresión primaria).",
        ),
    ] = 3,
    protection: Annotated[
        float | None,
        typer.Option(
            "--protection",
            help="Amplitud mínima del rango que un atacante puede deducir de una celda "
            "reservada (por omisión, el umbral).",
        ),
    ] = None,
    licence: Annotated[str, typer.Option("--licence", help="Licencia (SPDX).")] = "CC-BY-4.0",
    publisher: Annotated[
        str | None, typer.Option("--publisher", help="Institución que publica.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """La publicación de datos abiertos: agregados con control de divulgación, sin datos personales.

    Calcula los indicadores del catálogo por año y por cada desagregación declarada, reserva los
    conteos pequeños y las celdas que permitirían deducirlos (también comparando con la
    publicación anterior) y escribe publicacion/<versión>/: CSV para Excel, Parquet, SDMX-CSV,
    límites en GeoJSON, el catálogo DCAT, la base de datos de solo lectura que sirve el portal y
    un manifiesto con las cargas de origen y la suma de verificación de cada archivo. El mismo
    almacén da los mismos archivos, byte por byte.

    Ejemplo: ciudadana release --workspace ciudadana-demo --umbral 5
    """
    from ciudadana.publish.release import ReleaseOptions, build_release

    options = ReleaseOptions(
        threshold=threshold, protection=protection, licence=licence, publisher=publisher
    )
    with progress_bar(not as_json) as bar:
        task = bar.add_task(_("Publicación"), total=1.0)
        report = run(
            as_json,
            lambda: build_release(
                workspace,
                options,
                progress=lambda msg, frac: bar.update(task, description=msg, completed=frac),
            ),
        )
    if as_json:
        emit_json(report.to_dict())
        return
    said = (
        _("Publicación {version} sin cambios: {folder}")
        if report.unchanged
        else _("Publicación {version} creada: {folder}")
    )
    out.print(said.format(version=report.version, folder=report.folder))
    d = report.disclosure
    out.print(
        _(
            "{cells} celdas de {loads} cargas: {published} publicadas, {primary} reservadas por "
            "conteo pequeño, {secondary} reservadas para protegerlas."
        ).format(
            cells=report.rows,
            loads=report.loads,
            published=d["published"],
            primary=d["primary"],
            secondary=d["secondary"],
        )
    )
    if report.previous:
        out.print(
            _("Protegida también frente a la publicación anterior, {previous}.").format(
                previous=report.previous
            )
        )
    table = Table(_("archivo"), "bytes", "sha256")
    for f in report.files:
        table.add_row(f["path"], count(f["bytes"]), f["sha256"][:16])
    out.print(table)
    out.print(
        _("Sírvala con: ciudadana serve --workspace {workspace}").format(workspace=workspace or ".")
    )
