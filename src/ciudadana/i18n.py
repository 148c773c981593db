"""The language of what users read: Spanish first, English available.

Messages are written in Spanish in the code, wrapped in ``_()``; ``locale/en`` holds their
English (a gettext catalogue: ``ciudadana.po``, compiled to ``ciudadana.mo``; docs/i18n.md says
how to update it). A message with values takes them by name:
``_("No existe el archivo {file}.").format(file=path)``.

The language, first that applies: :func:`use_language` (the CLI's ``--lang``), the environment
variable ``CIUDADANA_LANG``, the workspace's ``language`` (``ciudadana.toml``; set when a
workspace is opened), Spanish. The languages are Spanish and every catalogue shipped in
``locale/``.

A text kept in a module constant is marked with :func:`N_` (for the catalogue tools) and
translated where it is used with :func:`translate`; a message with a count picks its form with
:func:`ngettext`.

Example:
    >>> use_language("en")
    >>> _("No existe el archivo {file}. Revise la ruta.").format(file="a.csv")
    'There is no file a.csv. Check the path.'
    >>> use_language(None)
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from ciudadana.errors import CiudadanaError

ENVIRONMENT = "CIUDADANA_LANG"
LOCALE = Path(__file__).parent / "locale"
DOMAIN = "ciudadana"
SOURCE_LANGUAGE = "es"  # the msgids: the code is written in Spanish
# Spanish, then each language with a compiled catalogue: locale/<lang>/LC_MESSAGES/ciudadana.mo
LANGUAGES = (
    SOURCE_LANGUAGE,
    *sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")),
)

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
    return _workspace or SOURCE_LANGUAGE


def check_environment() -> None:
    """A clear error if ``CIUDADANA_LANG`` names a language that is not available."""
    env = os.environ.get(ENVIRONMENT, "").strip().lower()
    if env:
        check_language(env)


def language_in_args(args: Sequence[str]) -> str | None:
    """The language a command line asks for before its verb (``--lang en``, ``--lang=en``),
    else ``CIUDADANA_LANG``; ``None`` when neither names an available one.

    The CLI needs it before parsing, to give ``--help`` in that language.

    Example:
        >>> language_in_args(["--lang", "en", "ingest", "--help"])
        'en'
    """
    wanted = ""
    for i, arg in enumerate(args):
        if arg.startswith("--lang="):
            wanted = arg.removeprefix("--lang=")
        elif arg == "--lang":
            wanted = args[i + 1] if i + 1 < len(args) else ""
        elif arg.startswith("-"):
            continue
        break  # the language, or the verb: what follows belongs to the verb
    wanted = (wanted or os.environ.get(ENVIRONMENT, "")).strip().lower()
    return wanted if wanted in LANGUAGES else None


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE, languages=[lang], fallback=True)


def _(message: str) -> str:
    """``message`` (Spanish) in the current language."""
    return translate(message, current_language())


def translate(message: str, lang: str) -> str:
    """``message`` (Spanish) in ``lang``: for a text marked with :func:`N_` elsewhere, or one
    the CLI reads from the code (help texts)."""
    return message if lang == SOURCE_LANGUAGE else _catalogue(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message that suits the count ``n``, in the current language.

    Example:
        >>> ngettext("{n} carga", "{n} cargas", 1).format(n=1)
        '1 carga'
    """
    lang = current_language()
    if lang == SOURCE_LANGUAGE:
        return singular if n == 1 else plural
    return _catalogue(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (module constants)."""
    return message
