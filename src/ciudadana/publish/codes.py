"""Code lists of a release, with the labels people read (Spanish and English).

Values are the stable English slugs of the warehouse (``female``, ``firearm``); labels and their
order are what a table, a file header or a dashboard filter shows. SDMX codes for the
dimensions that have standard code lists (sex, age, frequency) live here too.

Example:
    >>> label("sex", "female", "es")
    'Mujeres'
    >>> sdmx_age("15-29"), sdmx_age("80+"), sdmx_age("total")
    ('Y15T29', 'Y_GE80', '_T')
"""

from __future__ import annotations

import re

_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "sex": {
        "total": ("Total", "Total"),
        "female": ("Mujeres", "Women"),
        "male": ("Hombres", "Men"),
        "intersex": ("Intersexuales", "Intersex"),
        "unknown": ("Sexo sin dato", "Sex not stated"),
    },
    "pueblo": {
        "total": ("Total", "Total"),
        "maya": ("Maya", "Maya"),
        "garifuna": ("Garífuna", "Garifuna"),
        "xinka": ("Xinka", "Xinka"),
        "afrodescendiente": ("Afrodescendiente", "Afro-descendant"),
        "ladino": ("Ladino / mestizo", "Ladino / mestizo"),
        "extranjero": ("Extranjero", "Foreign"),
        "otro": ("Otro", "Other"),
        "unknown": ("Pueblo sin dato", "People not stated"),
    },
    "relationship": {
        "total": ("Total", "Total"),
        "spouse": ("Cónyuge", "Spouse"),
        "partner": ("Pareja", "Partner"),
        "ex_partner": ("Expareja", "Former partner"),
        "boyfriend": ("Novio", "Boyfriend"),
        "child": ("Hijo o hija", "Child"),
        "stepchild": ("Hijastro o hijastra", "Stepchild"),
        "parent": ("Padre o madre", "Parent"),
        "grandchild": ("Nieto o nieta", "Grandchild"),
        "grandparent": ("Abuelo o abuela", "Grandparent"),
        "in_law": ("Familia política", "In-law"),
        "sibling": ("Hermano o hermana", "Sibling"),
        "other_relative": ("Otro familiar", "Other relative"),
        "acquaintance": ("Conocido", "Acquaintance"),
        "stranger": ("Desconocido", "Stranger"),
        "other": ("Otra relación", "Other relationship"),
        "unknown": ("Relación sin dato", "Relationship not stated"),
    },
    "weapon": {
        "total": ("Total", "Total"),
        "firearm": ("Arma de fuego", "Firearm"),
        "knife": ("Arma blanca", "Knife or sharp object"),
        "blunt": ("Objeto contundente", "Blunt object"),
        "strangulation": ("Estrangulamiento", "Strangulation"),
        "fire": ("Fuego", "Fire"),
        "poison": ("Veneno", "Poison"),
        "explosive": ("Explosivo", "Explosive"),
        "bodily_force": ("Fuerza corporal", "Bodily force"),
        "other": ("Otro medio", "Other means"),
        "unknown": ("Medio sin dato", "Means not stated"),
    },
    "conf_status": {
        "F": ("Publicado", "Free"),
        "A": ("Reservado: conteo pequeño", "Withheld: small count"),
        "D": ("Reservado: protege a otra celda", "Withheld: protects another cell"),
    },
    "territory_level": {
        "country": ("País", "Country"),
        "department": ("Departamento", "Department"),
        "municipality": ("Municipio", "Municipality"),
    },
}

#: SDMX codes of the sex dimension (SDMX global code list CL_SEX).
SDMX_SEX = {"total": "_T", "female": "F", "male": "M", "intersex": "_O", "unknown": "_U"}


def label(dimension: str, code: str, lang: str = "es") -> str:
    """The label of a code (the code itself when the list does not know it)."""
    if dimension == "age":
        return age_label(code, lang)
    pair = _LABELS.get(dimension, {}).get(code)
    return code if pair is None else pair[0 if lang == "es" else 1]


def age_label(code: str, lang: str = "es") -> str:
    """``15-29`` -> ``15 a 29 años``; ``80+`` -> ``80 años y más``."""
    if code == "total":
        return "Total"
    if code == "unknown":
        return "Edad sin dato" if lang == "es" else "Age not stated"
    m = re.fullmatch(r"(\d+)-(\d+)", code)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        return f"{a} a {b} años" if lang == "es" else f"{a}-{b} years"
    m = re.fullmatch(r"(\d+)\+", code)
    if m:
        a = int(m.group(1))
        return f"{a} años y más" if lang == "es" else f"{a} years and over"
    return code


def sdmx_age(code: str) -> str:
    """The SDMX age code (``Y15T29``, ``Y_GE80``, ``_T`` total, ``_U`` unknown)."""
    if code == "total":
        return "_T"
    if code == "unknown":
        return "_U"
    m = re.fullmatch(r"(\d+)-(\d+)", code)
    if m:
        return f"Y{int(m.group(1))}T{int(m.group(2))}"
    m = re.fullmatch(r"(\d+)\+", code)
    return f"Y_GE{int(m.group(1))}" if m else code


def _age_sort(code: str) -> int:
    m = re.match(r"(\d+)", code)
    return int(m.group(1)) if m else (-1 if code == "total" else 999)


def code_rows(values: dict[str, set[str]]) -> list[dict[str, object]]:
    """Rows of the release's ``codes`` table for the values a release uses, in display order."""
    rows: list[dict[str, object]] = []
    for dimension in ("sex", "age", "pueblo", "relationship", "weapon", "conf_status"):
        used = values.get(dimension, set())
        if dimension == "age":
            ordered = sorted(used, key=lambda c: (_age_sort(c), c))
        else:
            known = list(_LABELS[dimension])
            ordered = [c for c in known if c in used] + sorted(used - set(known))
        for i, code in enumerate(ordered):
            rows.append(
                {
                    "dimension": dimension,
                    "code": code,
                    "label_es": label(dimension, code, "es"),
                    "label_en": label(dimension, code, "en"),
                    "sort": i,
                }
            )
    return rows
