"""Docs by example, checked: every verb, spec field and finding code is documented."""

from __future__ import annotations

from pathlib import Path

import typer

from ciudadana.cli import app
from ciudadana.clidoc import _commands, cli_reference
from ciudadana.ingest.spec import FieldSpec, ReaderSpec, SourceSpec, Unpivot

DOCS = Path(__file__).parent.parent / "docs"


def test_cli_reference_is_up_to_date() -> None:
    assert (DOCS / "cli.md").read_text("utf-8") == cli_reference(), (
        "run: python -m ciudadana.clidoc > docs/cli.md"
    )


def test_every_verb_has_help_with_an_example() -> None:
    root = typer.main.get_command(app)
    commands = _commands(root, "ciudadana")
    missing = [path for path, cmd in commands if "Ejemplo:" not in (cmd.help or "")]
    assert missing == []


def test_every_spec_key_is_documented() -> None:
    text = (DOCS / "specs.md").read_text("utf-8")
    keys = set()
    for model in (SourceSpec, ReaderSpec, FieldSpec, Unpivot):
        keys |= set(model.model_fields)
    assert sorted(k for k in keys if f"`{k}`" not in text) == []
