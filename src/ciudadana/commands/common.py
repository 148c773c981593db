"""What every verb shares: the consoles, the common options, JSON output and clear errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _, current_language

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
    """Print one JSON object (dates as ISO text), for scripts."""
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


def count(value: int) -> str:
    """A count as people read it: ``119 754`` in Spanish (a space groups the thousands),
    ``119,754`` in English.

    Example:
        >>> count(119754)
        '119 754'
    """
    grouped = f"{value:,}"
    return grouped if current_language() == "en" else grouped.replace(",", " ")


def names_language(lang: str | None) -> str:
    """The language of names and notes kept in Spanish and English (indicators, policies): the
    one a verb's ``--lang`` asks for, else the language of messages when it is one of those."""
    return lang or (current_language() if current_language() in ("es", "en") else "es")


def note_line(note: str, indent: str = "  ") -> str:
    """A note under a verb's summary: ``  Nota: ...`` (in the language of messages)."""
    return indent + _("[yellow]Nota:[/] {note}").format(note=note)


def progress_bar(enabled: bool) -> Progress:
    """A spinner with elapsed time on stderr (nothing with --json)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not enabled,
    )
