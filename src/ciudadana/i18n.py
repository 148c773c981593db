"""The language of what users read: Spanish first, English available.

Messages are written in Spanish in the code, wrapped in ``_()``; ``locale/en`` holds their
English (a gettext catalogue: ``ciudadana.po``, compiled to ``ciudadana.mo``; docs/i18n.md says
how to update it). A message with values takes them by name:
``_("No existe el archivo {file}.").format(file=path)``.

The language, first that applies: :func:`use_language` (the CLI's ``--lang``), the environment
variable ``CIUDADANA_LANG``, the workspace's ``language`` (``ciudadana.toml``; set when a
workspace is opened), Spanish.

Example:
    >>> use_language("en")
    >>> _("No existe el archivo {file}. Revise la ruta.").format(file="a.csv")
    'There is no file a.csv. Check the path.'
    >>> use_language(None)
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

from ciudadana.errors import CiudadanaError

LANGUAGES = ("es", "en")
ENVIRONMENT = "CIUDADANA_LANG"
LOCALE = Path(__file__).parent / "locale"
DOMAIN = "ciudadana"

_chosen: str | None = None
_workspace: str | None = None


def check_language(lang: str) -> str:
    """``lang`` if it is available; otherwise a clear error naming the ones that are."""
    if lang not in LANGUAGES:
        raise CiudadanaError(
            f"Idioma «{lang}» no disponible / language not available; use: {', '.join(LANGUAGES)}.",
            code="unknown-language",
        )
    return lang


def use_language(lang: str | None) -> None:
    """Choose the language of messages for this process (``None``: back to the default)."""
    global _chosen
    _chosen = None if lang is None else check_language(lang)


def use_workspace_language(lang: str | None) -> None:
    """The language of the workspace in use: applies unless one was chosen or set in the
    environment."""
    global _workspace
    _workspace = lang if lang in LANGUAGES else None


def current_language() -> str:
    """The language messages are given in now."""
    if _chosen:
        return _chosen
    env = os.environ.get(ENVIRONMENT, "").strip().lower()
    if env in LANGUAGES:  # the CLI refuses any other value up front (``check_environment``)
        return env
    return _workspace or "es"


def check_environment() -> None:
    """A clear error if ``CIUDADANA_LANG`` names a language that is not available."""
    env = os.environ.get(ENVIRONMENT, "").strip().lower()
    if env:
        check_language(env)


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE, languages=[lang], fallback=True)


def _(message: str) -> str:
    """``message`` (Spanish) in the current language."""
    lang = current_language()
    return message if lang == "es" else _catalogue(lang).gettext(message)
