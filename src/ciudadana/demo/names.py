"""Guatemalan names and identity numbers: drawn in bulk, rendered per record.

Names are stored as indices into shared pools (``NamePools``) so a million residents cost a few
small integer arrays; strings are built only for the records that reach an export.

Example:
    >>> full_name("María", "José", "López", "de León")
    'María José López de León'
    >>> full_name("María", "", "López", "García", married="Pérez", use_married=True)
    'María López de Pérez'
    >>> strip_accents("Ángela Pérez")
    'Angela Perez'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ciudadana.demo.reference import given_name_table, surname_table

#: Naming traditions of the surname weights: 0 ladino/mestizo, 1 maya, 2 garífuna.
TRADITION_OF_PUEBLO = np.array([1, 2, 0, 0, 0, 0], dtype=np.int8)


@dataclass(frozen=True)
class NamePools:
    """All given names and surnames, with sampling weights per sex, position and tradition."""

    given: tuple[str, ...]
    given_first: dict[int, tuple[np.ndarray, np.ndarray]]  # sex -> (indices, probabilities)
    given_second: dict[int, tuple[np.ndarray, np.ndarray]]
    surnames: tuple[str, ...]
    surname_p: np.ndarray  # (3 traditions, n surnames)


@lru_cache(maxsize=1)
def name_pools() -> NamePools:
    """Build the pools from ``data/given_names.csv`` and ``data/surnames.csv``."""
    rows = given_name_table()
    given = tuple(dict.fromkeys(r["nombre"] for r in rows))
    index = {n: i for i, n in enumerate(given)}
    first: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    second: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for sex, letter in ((0, "M"), (1, "F")):
        for pos, target in (("1", first), ("2", second)):
            sel = [r for r in rows if r["sexo"] == letter and r["posicion"] == pos]
            weights = np.array([float(r["peso"]) for r in sel])
            target[sex] = (
                np.array([index[r["nombre"]] for r in sel], dtype=np.int16),
                weights / weights.sum(),
            )
    srows = surname_table()
    p = np.array([[float(r[f"peso_{t}"]) for r in srows] for t in ("ladino", "maya", "garifuna")])
    return NamePools(
        given=given,
        given_first=first,
        given_second=second,
        surnames=tuple(r["apellido"] for r in srows),
        surname_p=p / p.sum(axis=1, keepdims=True),
    )


@dataclass
class NameArrays:
    """Name indices of every resident (-1 = none)."""

    given1: np.ndarray
    given2: np.ndarray
    surname1: np.ndarray
    surname2: np.ndarray
    married: np.ndarray


def draw_names(
    rng: np.random.Generator, sex: np.ndarray, pueblo: np.ndarray, age: np.ndarray
) -> NameArrays:
    """Draw given names by sex and surnames by naming tradition, in bulk.

    Women aged 20 or more use a married surname ("de López") with probability 0.4.
    """
    pools = name_pools()
    n = len(sex)
    given1 = np.empty(n, dtype=np.int16)
    given2 = np.full(n, -1, dtype=np.int16)
    for s, second_share in ((0, 0.65), (1, 0.75)):
        mask = sex == s
        k = int(mask.sum())
        idx, p = pools.given_first[s]
        given1[mask] = rng.choice(idx, size=k, p=p)
        idx2, p2 = pools.given_second[s]
        g2 = rng.choice(idx2, size=k, p=p2)
        g2[rng.random(k) >= second_share] = -1
        given2[mask] = g2
    same = given1 == given2
    given2[same] = -1
    tradition = TRADITION_OF_PUEBLO[pueblo]
    surname1 = np.empty(n, dtype=np.int16)
    surname2 = np.empty(n, dtype=np.int16)
    married = np.full(n, -1, dtype=np.int16)
    m = len(pools.surnames)
    is_married = (sex == 1) & (age >= 20) & (rng.random(n) < 0.4)
    for t in range(3):
        mask = tradition == t
        k = int(mask.sum())
        draws = rng.choice(m, size=(k, 3), p=pools.surname_p[t]).astype(np.int16)
        surname1[mask], surname2[mask] = draws[:, 0], draws[:, 1]
        married[mask] = np.where(is_married[mask], draws[:, 2], -1)
    return NameArrays(given1, given2, surname1, surname2, married)


def full_name(
    given1: str,
    given2: str,
    surname1: str,
    surname2: str,
    married: str = "",
    use_married: bool = False,
) -> str:
    """A name as Guatemalans write it; the married form drops the second surname."""
    parts = [given1, given2, surname1]
    if use_married and married:
        parts.append(f"de {married}")
    else:
        parts.append(surname2)
    return " ".join(p for p in parts if p)


def strip_accents(text: str) -> str:
    """Remove accents (keeps ñ as n, as many systems do)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(text: str, rng: np.random.Generator) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next, or replaced."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text + text[-1:]
    i = letters[int(rng.integers(1, len(letters)))]
    kind = int(rng.integers(4))
    if kind == 0:
        out = text[:i] + text[i + 1 :]
    elif kind == 1:
        out = text[:i] + text[i] + text[i:]
    elif kind == 2 and i + 1 < len(text) and text[i + 1].isalpha() and text[i + 1] != text[i]:
        out = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    else:
        pool = "aeioulnrstm"
        c = pool[int(rng.integers(len(pool)))]
        if c == text[i].lower():
            c = "y"
        out = text[:i] + (c.upper() if text[i].isupper() else c) + text[i + 1 :]
    return out if out != text else text + "a"


def cui_numbers(rng: np.random.Generator, n: int, municipality_codes: np.ndarray) -> np.ndarray:
    """Valid CUIs as 13-digit integers, vectorised ``standards.identity.make_cui``.

    Serials are distinct random 8-digit numbers; a serial whose verifier would be 10 moves to the
    next serial, as ``make_cui`` does. ``municipality_codes`` are INE codes as integers (101).
    """
    serial = rng.choice(100_000_000, size=n, replace=False).astype(np.int64)
    suffix = municipality_codes.astype(np.int64)
    while True:
        serial, check = _issue(serial)
        cui = serial * 100_000 + check * 10_000 + suffix
        _, first = np.unique(cui, return_index=True)
        clash = np.ones(n, dtype=bool)
        clash[first] = False
        if not clash.any():
            return cui
        serial[clash] = rng.integers(0, 100_000_000, size=int(clash.sum()))


def _issue(serial: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move serials whose verifier would be 10 forward; return serials and verifiers."""
    serial = serial.copy()
    check = _verifier(serial)
    bad = np.flatnonzero(check == 10)
    while len(bad):
        serial[bad] = (serial[bad] + 1) % 100_000_000
        check[bad] = _verifier(serial[bad])
        bad = bad[check[bad] == 10]
    return serial, check


def _verifier(serial: np.ndarray) -> np.ndarray:
    check = np.zeros(len(serial), dtype=np.int64)
    rest = serial.copy()
    for weight in range(9, 1, -1):  # last digit has weight 9
        check += (rest % 10) * weight
        rest //= 10
    return check % 11
