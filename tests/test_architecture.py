"""The chain's data flows one way: a module imports only from the links before it."""

from __future__ import annotations

import ast
from pathlib import Path

import ciudadana

PACKAGE = Path(ciudadana.__file__).parent

# Lower layers first. The warehouse sits under ingest because it is the only writer: ingest
# hands it staged rows. demo/ feeds the chain only through files: it may use the standards
# (and the messages of the base).
LAYERS = [
    {"errors", "i18n", "workspace"},
    {"standards"},
    {"warehouse"},
    {"ingest"},
    {"quality"},
    {"linkage"},
    {"analysis"},
    {"monitoring"},
    {"publish"},
    {"portal", "reports"},
    {"bootstrap", "cli", "clidoc", "commands", "demo_run"},
]
DEMO_MAY_USE = {"errors", "i18n", "standards"}  # its messages speak the user's language
TOP = LAYERS[-1]  # the verbs and the demo's orchestration may drive the simulator


def layer_of(part: str) -> int:
    for i, layer in enumerate(LAYERS):
        if part in layer:
            return i
    raise AssertionError(f"{part} is in no layer: add it to LAYERS")


def imported_parts(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    parts = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            bits = name.split(".")
            if bits[0] == "ciudadana" and len(bits) > 1:
                parts.add(bits[1])
    return parts


def test_every_module_imports_only_from_links_before_it() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        own = rel.parts[0].removesuffix(".py")
        if own == "__init__":
            continue
        for part in imported_parts(path) - {own}:
            if own == "demo":
                if part not in DEMO_MAY_USE:
                    wrong.append(f"{rel} imports ciudadana.{part}")
            elif part != "demo" and layer_of(part) > layer_of(own):
                wrong.append(f"{rel} imports ciudadana.{part}, a later link")
            elif part == "demo" and own not in TOP:
                wrong.append(f"{rel} imports the simulator")
    assert wrong == []


def test_only_the_warehouse_module_writes_sql_tables_of_the_warehouse() -> None:
    writers = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "warehouse":
            continue
        text = path.read_text("utf-8").lower()
        for table in (
            "events",
            "persons",
            "loads",
            "quarantine",
            "findings",
            "population",
            "aggregates",
        ):
            if f"insert into {table}" in text or f"delete from {table}" in text:
                writers.append(f"{rel}: {table}")
    assert writers == []
