"""A workspace: the folder an institution backs up, moves and versions.

ciudadana.toml     country, territory pack, language
raw/               every file received, unchanged, named by its content hash
specs/             the institution's own source specifications
almacen.duckdb     the warehouse
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from ciudadana.errors import CiudadanaError, NotAWorkspace
from ciudadana.i18n import LANGUAGES, _, use_workspace_language

CONFIG_NAME = "ciudadana.toml"
WAREHOUSE_NAME = "almacen.duckdb"


@dataclass(frozen=True)
class Workspace:
    """An opened workspace. ``root`` is its folder; the rest comes from ``ciudadana.toml``."""

    root: Path
    country: str
    territory_pack: str
    language: str
    warehouse_name: str = WAREHOUSE_NAME

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def raw_dir(self) -> Path:
        return self.root / "raw"

    @property
    def specs_dir(self) -> Path:
        return self.root / "specs"

    @property
    def warehouse_path(self) -> Path:
        return self.root / self.warehouse_name

    def to_dict(self) -> dict[str, str]:
        return {
            "root": str(self.root),
            "country": self.country,
            "territory_pack": self.territory_pack,
            "language": self.language,
            "warehouse": str(self.warehouse_path),
        }


def create_workspace(
    directory: Path, *, country: str = "GTM", language: str = "es", exist_ok: bool = False
) -> Workspace:
    """Create the folders and ``ciudadana.toml`` of a new workspace (no data yet).

    Example:
        >>> ws = create_workspace(tmp_path / "pnc", country="GTM")  # doctest: +SKIP
    """
    directory = Path(directory).resolve()
    config = directory / CONFIG_NAME
    if config.exists() and not exist_ok:
        raise CiudadanaError(
            _(
                "{directory} ya es un espacio de trabajo ({config} existe). Use otro directorio "
                "o trabaje en este con --workspace."
            ).format(directory=directory, config=CONFIG_NAME),
            code="workspace-exists",
        )
    _check_language(language, "--language")
    ws = Workspace(directory, country.upper(), country.upper(), language)
    for folder in (ws.root, ws.raw_dir, ws.specs_dir):
        folder.mkdir(parents=True, exist_ok=True)
    if not config.exists():
        config.write_text(
            _("# Espacio de trabajo de Ciudadana. País, paquete territorial e idioma.")
            + "\n"
            + tomli_w.dumps(
                {
                    "workspace": {
                        "country": ws.country,
                        "territory_pack": ws.territory_pack,
                        "language": ws.language,
                        "warehouse": ws.warehouse_name,
                    }
                }
            ),
            encoding="utf-8",
        )
    use_workspace_language(ws.language)
    return ws


def open_workspace(directory: Path | None = None) -> Workspace:
    """Open the workspace at ``directory`` (default: the current folder).

    Raises:
        NotAWorkspace: with what to do, when there is no ``ciudadana.toml`` there.
    """
    root = Path(directory or Path.cwd()).resolve()
    config = root / CONFIG_NAME
    if not config.is_file():
        raise NotAWorkspace(
            _(
                "{root} no es un espacio de trabajo de Ciudadana (falta {config}). Créelo con "
                "`ciudadana init DIR` o indique uno con --workspace DIR."
            ).format(root=root, config=CONFIG_NAME)
        )
    try:
        data = tomllib.loads(config.read_text("utf-8")).get("workspace", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NotAWorkspace(
            _("{config} no se puede leer: {problem}. Corrija el archivo.").format(
                config=config, problem=exc
            )
        ) from exc
    ws = Workspace(
        root=root,
        country=str(data.get("country", "GTM")).upper(),
        territory_pack=str(data.get("territory_pack", data.get("country", "GTM"))).upper(),
        language=str(data.get("language", "es")),
        warehouse_name=str(data.get("warehouse", WAREHOUSE_NAME)),
    )
    _check_language(ws.language, f"{config}: language")
    use_workspace_language(ws.language)
    return ws


def _check_language(language: str, where: str) -> None:
    if language not in LANGUAGES:
        raise CiudadanaError(
            _(
                "{where}: el idioma «{language}» no está disponible; use uno de: {available}."
            ).format(where=where, language=language, available=", ".join(LANGUAGES)),
            code="unknown-language",
        )
