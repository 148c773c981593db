"""``ciudadana``: one command, a verb per job. Each verb parses, calls one library function and
renders the result: a table for people, one JSON object with ``--json`` for scripts. The verbs
live in ``ciudadana.commands``, a module per group; this module assembles them.

The help is written in Spanish in the code (docstrings, ``help=``) and given in the language
that ``--lang`` (before the verb) or ``CIUDADANA_LANG`` asks for: :class:`LocalizedGroup`
translates it through the catalogue before the command line is parsed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ciudadana.commands import (
    demo,
    indicators,
    ingest,
    linkage,
    quality,
    reconciled,
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
from ciudadana.i18n import (
    SOURCE_LANGUAGE,
    check_environment,
    language_in_args,
    translate,
    use_language,
    use_workspace_language,
)


def reflow(text: str) -> str:
    """A help text as paragraphs the terminal wraps: the line breaks of the source (a docstring
    wrapped at 100 columns) are dropped inside a paragraph, kept before a list item (``-``) or an
    indented line, and between paragraphs. Rich would otherwise keep them and wrap again."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            starts_item = line.startswith(("- ", "* ", "  ")) or not lines
            if starts_item:
                lines.append(line.rstrip())
            else:
                lines[-1] = f"{lines[-1]} {line.strip()}"
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def translate_help(command: Any, lang: str) -> None:
    """Give a Typer command, its options and every verb under it their help in ``lang``,
    reflowed for the terminal."""
    for item in (command, *command.params):
        help_text = getattr(item, "help", None)
        if help_text:
            item.help = reflow(translate(help_text, lang))
    for verb in getattr(command, "commands", {}).values():
        translate_help(verb, lang)


class LocalizedGroup(TyperGroup):
    """The ``ciudadana`` command: before parsing, its help (and every verb's) in the language
    the command line asks for. Typer builds the commands anew for each run, so each run
    translates its own copy."""

    def make_context(
        self,
        info_name: str | None,
        args: Sequence[str],
        parent: typer.Context | None = None,
        **extra: Any,
    ) -> typer.Context:
        translate_help(self, language_in_args(args) or SOURCE_LANGUAGE)
        return super().make_context(info_name, list(args), parent=parent, **extra)


app = typer.Typer(
    cls=LocalizedGroup,
    name="ciudadana",
    help="Ciudadana: sistema de información de seguridad ciudadana. Un verbo por tarea.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
for group in (ingest, demo, quality, linkage, reconciled, indicators, release, serve):
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
