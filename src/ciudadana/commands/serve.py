"""The verb of the public portal: serve."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ciudadana.commands.common import JsonOpt, WorkspaceOpt, emit_json, out, run
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _

app = typer.Typer()

# == the public portal (portal/) ==================================================================


def _release_folder(workspace: Path | None, release: Path | None) -> Path:
    """The release to serve: ``--release`` as given, else the newest of the workspace."""
    from ciudadana.publish.layout import check_release, latest_release

    if workspace is not None and release is not None:
        raise CiudadanaError(
            _(
                "Indique --workspace (sirve su última publicación) o --release (una carpeta de "
                "publicación), no ambos."
            ),
            code="invalid-option",
        )
    if release is not None:
        return check_release(release)
    return latest_release(workspace if workspace is not None else Path.cwd())


@app.command()
def serve(
    workspace: WorkspaceOpt = None,
    release: Annotated[
        Path | None,
        typer.Option("--release", help="Una carpeta de publicación (en vez de --workspace)."),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Dirección (127.0.0.1: solo esta máquina; 0.0.0.0: la red).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Puerto.")] = 8000,
    as_json: JsonOpt = False,
) -> None:
    """El portal público: la API y el tablero sobre una publicación de datos abiertos.

    Sirve la última publicación del espacio de trabajo (publicacion/ACTUAL) o la carpeta que
    indique --release, y nada más: el portal no recibe la ruta del almacén y no puede leer
    datos restringidos. La API está en /api/v1 (descrita en /openapi.json, en inglés en
    /openapi.en.json), los archivos en /downloads/ y el tablero en /. Funciona sin Internet.
    Con --json imprime {"url", "release"} antes de servir. Ctrl+C lo detiene.

    Ejemplo: ciudadana serve --workspace ciudadana-demo --port 8000
    """
    from ciudadana import portal

    folder = run(as_json, lambda: _release_folder(workspace, release))
    url = f"http://{host}:{port}/"
    if as_json:
        emit_json({"url": url, "release": str(folder)})
    else:
        said = _("Tablero: {url}  (Ctrl+C para detenerlo)").format(url=url)
        out.print(said, highlight=False, soft_wrap=True)
        said = _("Publicación: {folder}").format(folder=folder)
        out.print(said, highlight=False, soft_wrap=True)
    sys.stdout.flush()
    run(as_json, lambda: portal.serve(folder, host, port))


# == end of the public portal section =============================================================
