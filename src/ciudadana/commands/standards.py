"""Verbs of the common language: source specs and territory packs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ciudadana.commands.common import (
    JsonOpt,
    console,
    emit_json,
    out,
    run,
)
from ciudadana.i18n import _, current_language

spec_app = typer.Typer(help="Especificaciones de fuentes: validar, listar, exportar el esquema.")
territory_app = typer.Typer(help="Paquetes territoriales: listar, validar y resolver nombres.")

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
        out.print(
            _("[green]✓[/] {path}: especificación válida ({id}).").format(
                path=loaded.path, id=loaded.spec.id
            )
        )


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
        out.print(_("JSON Schema escrito en {path}").format(path=output))


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
        out.print(_("[green]✓[/] {pack}: paquete válido.").format(pack=iso3.upper()))
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
        console.print(res.message(current_language()))
    if res.code is None:
        raise typer.Exit(1)
