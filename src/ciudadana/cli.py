"""``ciudadana``: one command, a verb per job. Each verb parses, calls one library function and
renders the result: a table for people, one JSON object with ``--json`` for scripts. The verbs
live in ``ciudadana.commands``, a module per group; this module assembles them.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from ciudadana.commands import (
    demo,
    indicators,
    ingest,
    linkage,
    quality,
    release,
    serve,
    standards,
)
from ciudadana.commands.common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    emit_json,
    out,
    progress_bar,
    run,
)
from ciudadana.i18n import check_environment, use_language, use_workspace_language

app = typer.Typer(
    name="ciudadana",
    help="Ciudadana: sistema de información de seguridad ciudadana. Un verbo por tarea.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
for group in (ingest, demo, quality, linkage, indicators, release, serve):
    app.registered_commands += group.app.registered_commands
    app.registered_groups += group.app.registered_groups
app.add_typer(standards.spec_app, name="spec")
app.add_typer(standards.territory_app, name="territory")

__all__ = ["JsonOpt", "WorkspaceOpt", "app", "console", "emit_json", "out", "progress_bar", "run"]


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Registra cada sentencia SQL.")] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Idioma de los mensajes: es o en. Por omisión, CIUDADANA_LANG, el del espacio "
            "de trabajo, o es.",
        ),
    ] = None,
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="%(name)s: %(message)s"
    )
    use_workspace_language(None)  # until a verb opens its workspace
    run(False, check_environment)
    run(False, lambda: use_language(lang))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
