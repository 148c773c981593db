"""The CLI reference (docs/cli.md), generated from the commands' own help.

python -m ciudadana.clidoc > docs/cli.md
"""

from __future__ import annotations

from typing import Any

import typer

from ciudadana.cli import app


def _commands(group: Any, prefix: str) -> list[tuple[str, Any]]:
    """(full name, command) of every leaf verb under ``group``."""
    found = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        if hasattr(cmd, "commands"):
            found += _commands(cmd, f"{prefix} {name}")
        else:
            found.append((f"{prefix} {name}", cmd))
    return found


def cli_reference() -> str:
    """Markdown for every verb: usage, help text with its example, options."""
    root = typer.main.get_command(app)
    lines = [
        "# Referencia de la línea de comandos / CLI reference",
        "",
        "Generada desde `--help` con `python -m ciudadana.clidoc > docs/cli.md`; una prueba "
        "falla si queda desactualizada.",
        "",
    ]
    general = [p for p in root.params if p.name not in ("install_completion", "show_completion")]
    lines += ["## `ciudadana`", "", "```", "ciudadana [OPTIONS] VERBO [ARGS]...", "```", ""]
    lines += [(root.help or "").strip(), "", "Opciones generales, antes del verbo:", ""]
    lines += ["| parámetro | ayuda |", "|---|---|"]
    lines += [f"| {', '.join(f'`{o}`' for o in p.opts)} | {p.help} |" for p in general]
    lines.append("")
    for path, cmd in _commands(root, "ciudadana"):
        args = [
            f"{p.name.upper()}..." if getattr(p, "nargs", 1) == -1 else p.name.upper()
            for p in cmd.params
            if p.param_type_name == "argument"
        ]
        usage = " ".join([path, "[OPTIONS]", *args])
        lines += [f"## `{path}`", "", "```", usage, "```", ""]
        lines += [(cmd.help or "").strip(), ""]
        rows = []
        for param in cmd.params:
            if param.param_type_name == "option":
                names = ", ".join(f"`{o}`" for o in param.opts)
            else:
                names = f"`{param.name.upper()}`"
            rows.append(f"| {names} | {(getattr(param, 'help', None) or '').strip()} |")
        if rows:
            lines += ["| parámetro | ayuda |", "|---|---|", *rows, ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(cli_reference(), end="")
