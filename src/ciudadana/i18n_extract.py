"""Babel's extraction method for Ciudadana (``[tool.babel]`` in ``pyproject.toml``).

Everything Babel's own Python extractor finds (``_()``, ``N_()``, ``ngettext()``), plus the
texts Typer reads from the code for ``--help``: the docstring of each verb (a function under
``@app.command()`` or ``@app.callback()``) and every ``help="..."`` written as a string. They
reach the catalogue as Typer shows them (``inspect.cleandoc``), so ``ciudadana.cli`` finds their
translation. A tool for translators: nothing at run time imports it, and it needs Babel (in the
``test`` extra). docs/i18n.md has the commands.

Example:
    >>> code = b"@app.command()\\ndef hola():\\n    'Saluda. Ejemplo: ciudadana hola'\\n"
    >>> [found[2] for found in help_texts(code)]
    ['Saluda. Ejemplo: ciudadana hola']
    >>> [found[2] for found in help_texts(b'typer.Option("--lang", help="Idioma: es o en.")')]
    ['Idioma: es o en.']
"""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

Found = tuple[int, str | None, str, list[str]]  # line, keyword, message, comments


def extract(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Found]:
    """Babel's Python messages of one file, then its CLI help texts."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    yield from help_texts(source)


def help_texts(source: bytes) -> Iterator[Found]:
    """The docstrings of Typer verbs and the ``help=`` strings in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and any(map(_is_verb, node.decorator_list)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.body[0].lineno, None, doc, []
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg == "help"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    yield value.lineno, None, inspect.cleandoc(value.value), []


def _is_verb(decorator: ast.expr) -> bool:
    """``@app.command()``, ``@spec_app.command("check")``, ``@app.callback()``."""
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ("command", "callback")
    )
