"""The OpenAPI description of the portal, in Spanish (``/openapi.json``) and English
(``/openapi.en.json``).

Routes, parameters and responses are described in Spanish in the code, from the catalogue of
``texts.py``; the English document is the same description translated through that catalogue,
so both always describe the same API. Schemas and some fields get their descriptions here.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ciudadana.portal.store import ReleaseStore
from ciudadana.portal.texts import TEXTS, Lang, english, es, text

TAGS = ("release", "indicators", "observations", "territories", "downloads")
_TRANSLATED = ("description", "summary")


def _describe_components(schema: dict[str, Any]) -> None:
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        if f"schema.{name}" in TEXTS:
            component["description"] = es(f"schema.{name}")
        for prop, spec in component.get("properties", {}).items():
            if f"field.{prop}" in TEXTS:
                spec["description"] = es(f"field.{prop}")


def _translate(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: english(v) if k in _TRANSLATED and isinstance(v, str) else _translate(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_translate(v) for v in node]
    return node


def _name_this_release(schema: dict[str, Any], store: ReleaseStore) -> None:
    """The codes and files of this release as the values the parameters take, and the media
    types its files are downloaded as."""
    codes, files = list(store.indicator), list(store.files)
    for path, item in schema.get("paths", {}).items():
        operation = item.get("get", {})
        for param in operation.get("parameters", []):
            if param["name"] in ("indicator", "code") and codes:
                param["schema"] = {**param["schema"], "enum": codes}
            elif path == "/downloads/{path}" and param["name"] == "path" and files:
                param["schema"] = {**param["schema"], "enum": files}
        if path == "/downloads/{path}":
            types = sorted({f["media_type"] for f in store.files.values()})
            content = operation["responses"]["200"]["content"]
            for media_type in types:
                json_like = media_type.split(";")[0].endswith(("/json", "+json"))
                content[media_type] = {"schema": {} if json_like else {"type": "string"}}


def openapi_document(app: FastAPI, store: ReleaseStore, lang: Lang = "es") -> dict[str, Any]:
    """The OpenAPI 3 document of ``app`` serving ``store``, in ``lang``."""
    schema = get_openapi(
        title=es("api.title"),
        version=store.version,
        description=es("api.description"),
        routes=app.routes,
        tags=[{"name": t, "description": es(f"tag.{t}")} for t in TAGS],
    )
    _describe_components(schema)
    _name_this_release(schema, store)
    if lang == "en":
        schema = _translate(copy.deepcopy(schema))
    country = store.info.get("country_name") or store.country
    schema["info"]["title"] = f"{text('api.title', lang)} ({country})"
    schema["info"]["description"] = text("api.description", lang)
    if store.info.get("licence"):
        licence = {"name": store.info["licence"]}
        if store.info.get("licence_url"):
            licence["url"] = store.info["licence_url"]
        schema["info"]["license"] = licence
    return schema
