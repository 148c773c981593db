"""Latin American person names as records write them: normalised, split, keyed for comparison.

A Guatemalan name has one or more given names and two surnames ("María de los Ángeles García de
León"). Records drop the second surname, swap the two, write a married woman's form ("López de
Pérez"), abbreviate a given name ("Ma.", "Fco."), lose the accents or carry a typo. This module
turns any of those into the same few keys:

- ``given1`` (first given name), ``given_all`` (all given names), ``given_tokens``;
- ``surname1``, ``surname2`` (particles kept: ``"de leon"``), ``surname_pair``;
- ``married`` (the last surname reads "de X": a married form, or a surname such as "de León");
- a Spanish phonetic key of each part (``phonetic``: *Vásquez* and *Vázquez* agree).

A full name in one field ("JOSÉ ALBERTO PÉREZ SALAZAR") is split with a vocabulary learned from
the sources that write given names and surnames apart (:class:`NameVocabulary`): a middle word is
a given name when the data says it is mostly used as one.

Example:
    >>> normalize_person_text("  María de los ÁNGELES ")
    'maria de los angeles'
    >>> name_groups("maria de los angeles lopez de leon")
    ['maria', 'de los angeles', 'lopez', 'de leon']
    >>> p = split_surnames("LÓPEZ DE LEÓN")
    >>> p.surname1, p.surname2, p.married
    ('lopez', 'de leon', True)
    >>> parse_full_name("Ma. José Pérez Cruz").given_all
    'maria jose'
    >>> phonetic("vasquez") == phonetic("vazquez")
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

_NOT_LETTERS = re.compile(r"[^a-z ]+")

#: Words that join the next word into one name ("de los Ángeles", "de León", "del Cid").
PARTICLES: frozenset[str] = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "do"})

#: What a source writes when it does not know the name.
UNKNOWN_NAMES: frozenset[str] = frozenset(
    {
        "",
        "nn",
        "n n",
        "xx",
        "x",
        "no identificado",
        "no identificada",
        "ignorado",
        "ignorada",
        "desconocido",
        "desconocida",
        "reservado",
        "reservada",
        "no indica",
        "no consta",
        "sin dato",
        "sin datos",
        "sd",
        "s d",
        "na",
    }
)

#: Abbreviated given names, as written before normalisation removed the dot.
GIVEN_ABBREVIATIONS: dict[str, str] = {
    "ma": "maria",
    "m": "maria",
    "fco": "francisco",
    "jo": "jose",
    "jse": "jose",
    "gpe": "guadalupe",
    "fdo": "fernando",
    "ant": "antonio",
    "jn": "juan",
    "mgdo": "magdalena",
}

_PHONETIC_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a), b)
    for a, b in (
        (r"ch", "X"),  # keep ch apart from c and h
        (r"ll", "y"),
        (r"qu", "k"),
        (r"c([ei])", r"s\1"),
        (r"c", "k"),
        (r"z", "s"),
        (r"v", "b"),
        (r"w", "gu"),
        (r"g([ei])", r"j\1"),
        (r"h", ""),
        (r"y$", "i"),
        (r"(.)\1+", r"\1"),
    )
)


@lru_cache(maxsize=65536)
def normalize_person_text(text: str | None) -> str:
    """Lowercase ASCII letters and single spaces: accents, dots and digits removed ("ñ" -> "n").

    Example:
        >>> normalize_person_text("PÉREZ-GÓMEZ, Ma.")
        'perez gomez ma'
    """
    if not text:
        return ""
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c)
    )
    return " ".join(_NOT_LETTERS.sub(" ", bare.casefold()).split())


def is_unknown_name(norm: str) -> bool:
    """True for "NO IDENTIFICADO", "NN", "RESERVADO"... (already normalised)."""
    return norm in UNKNOWN_NAMES


@lru_cache(maxsize=65536)
def _groups(norm: str) -> tuple[str, ...]:
    return tuple(name_groups(norm))


def name_groups(norm: str) -> list[str]:
    """Words with their particles attached: ``"maria de los angeles"`` -> two groups.

    A trailing particle (nothing after it) is dropped.
    """
    groups: list[str] = []
    pending: list[str] = []
    for word in norm.split():
        if word in PARTICLES:
            pending.append(word)
            continue
        groups.append(" ".join([*pending, word]))
        pending = []
    return groups


@lru_cache(maxsize=65536)
def phonetic(key: str | None) -> str | None:
    """A Spanish sound key: z/s/c(e,i), v/b, ll/y, silent h, qu/k... agree; doubles collapse.

    Example:
        >>> [phonetic(x) for x in ("gonzalez", "gonsales", "hernandez", "ernandes")]
        ['gonsales', 'gonsales', 'ernandes', 'ernandes']
    """
    if not key:
        return None
    out = key.replace(" ", "")
    for pattern, repl in _PHONETIC_RULES:
        out = pattern.sub(repl, out)
    return out


def _expand_given(groups: list[str]) -> list[str]:
    return [GIVEN_ABBREVIATIONS.get(g, g) if i == 0 else g for i, g in enumerate(groups)]


@dataclass(frozen=True)
class NameParts:
    """The comparison keys of one person's name; ``None`` where the record does not say."""

    given1: str | None = None
    given_all: str | None = None
    surname1: str | None = None
    surname2: str | None = None
    married: bool = False
    tokens: tuple[str, ...] = ()

    @property
    def surname_pair(self) -> str | None:
        if self.surname1 and self.surname2:
            return f"{self.surname1} {self.surname2}"
        return None

    @property
    def given_tokens(self) -> tuple[str, ...]:
        return tuple(self.given_all.split()) if self.given_all else ()

    def as_row(self) -> dict[str, object]:
        """The columns the linkage table takes from a name."""
        return _row_of(self)

    def _row(self) -> dict[str, object]:
        return {
            "given1": self.given1,
            "given_all": self.given_all,
            "given_tokens": list(self.given_tokens) or None,
            "surname1": self.surname1,
            "surname2": self.surname2,
            "surname_pair": self.surname_pair,
            "married": self.married,
            "surname_tokens": [s for s in (self.surname1, self.surname2) if s] or None,
            "name_tokens": list(self.tokens) or None,
            "given1_ph": phonetic(self.given1),
            "surname1_ph": phonetic(self.surname1),
            "surname2_ph": phonetic(self.surname2),
        }


@lru_cache(maxsize=65536)
def _row_of(parts: NameParts) -> dict[str, object]:
    return parts._row()


def _tokens(groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({w for g in groups for w in g.split() if w not in PARTICLES}))


@lru_cache(maxsize=65536)
def split_given(text: str | None) -> NameParts:
    """A field that holds only given names ("MARÍA DEL CARMEN", "Ma. José")."""
    groups = _expand_given(list(_groups(normalize_person_text(text))))
    if not groups or is_unknown_name(" ".join(groups)):
        return NameParts()
    return NameParts(groups[0], " ".join(groups), tokens=_tokens(groups))


@lru_cache(maxsize=65536)
def split_surnames(text: str | None) -> NameParts:
    """A field that holds only surnames: first, second (or married form "de X").

    Example:
        >>> split_surnames("Gómez").surname2 is None
        True
    """
    groups = list(_groups(normalize_person_text(text)))
    if not groups or is_unknown_name(" ".join(groups)):
        return NameParts()
    second = groups[1] if len(groups) > 1 else None
    if len(groups) > 2:  # three surname words: keep the first and the last
        second = groups[-1]
    married = bool(second and second.startswith("de ") and len(groups) >= 2)
    return NameParts(surname1=groups[0], surname2=second, married=married, tokens=_tokens(groups))


@dataclass
class NameVocabulary:
    """How often each word is written as a given name or as a surname, learned from the data.

    Example:
        >>> vocab = NameVocabulary()
        >>> vocab.learn(["jose alberto"], ["perez salazar"])
        >>> vocab.is_given("alberto"), vocab.is_given("perez")
        (True, False)
    """

    given: Counter[str] = field(default_factory=Counter)
    surname: Counter[str] = field(default_factory=Counter)

    def learn(
        self, given_fields: Iterable[str | None], surname_fields: Iterable[str | None]
    ) -> None:
        """Count the groups of given-name fields and of surname fields."""
        for text in given_fields:
            self.given.update(_groups(normalize_person_text(text)))
        for text in surname_fields:
            self.surname.update(_groups(normalize_person_text(text)))

    def is_given(self, group: str) -> bool:
        """A group seen more often as a given name than as a surname."""
        return self.given.get(group, 0) > self.surname.get(group, 0)


def parse_full_name(text: str | None, vocabulary: NameVocabulary | None = None) -> NameParts:
    """Split a whole name written in one field into given names and two surnames.

    Two groups: a given name and a surname. Three: the middle one is a given name if the
    vocabulary says so ("José Alberto Pérez"), else a surname ("José Pérez Salazar"). Four or
    more: the last two are the surnames.

    Example:
        >>> p = parse_full_name("JOSÉ PÉREZ SALAZAR")
        >>> p.given_all, p.surname1, p.surname2
        ('jose', 'perez', 'salazar')
        >>> parse_full_name("NO IDENTIFICADO").given1 is None
        True
    """
    groups = list(_groups(normalize_person_text(text)))
    if not groups or is_unknown_name(" ".join(groups)):
        return NameParts()
    groups = _expand_given(groups)
    vocab = vocabulary or NameVocabulary()
    if len(groups) == 1:
        given, surnames = groups, []
    elif len(groups) == 2:
        given, surnames = groups[:1], groups[1:]
    elif len(groups) == 3:
        cut = 2 if vocab.is_given(groups[1]) and not vocab.is_given(groups[2]) else 1
        given, surnames = groups[:cut], groups[cut:]
    else:
        given, surnames = groups[:-2], groups[-2:]
    second = surnames[1] if len(surnames) > 1 else None
    return NameParts(
        given1=given[0],
        given_all=" ".join(given),
        surname1=surnames[0] if surnames else None,
        surname2=second,
        married=bool(second and second.startswith("de ")),
        tokens=_tokens(groups),
    )


def person_name(
    full_name: str | None,
    given_names: str | None,
    surnames: str | None,
    first_surname: str | None = None,
    second_surname: str | None = None,
    vocabulary: NameVocabulary | None = None,
) -> NameParts:
    """The keys of a name from whatever fields the source filled (separate fields first).

    Example:
        >>> person_name(None, "Ana Lucía", None, "García", "de León").surname_pair
        'garcia de leon'
    """
    if first_surname or second_surname:
        sur = split_surnames(" ".join(s for s in (first_surname, second_surname) if s))
        if first_surname and second_surname:
            s1 = " ".join(name_groups(normalize_person_text(first_surname))) or None
            s2 = " ".join(name_groups(normalize_person_text(second_surname))) or None
            sur = NameParts(
                surname1=s1,
                surname2=s2,
                married=bool(s2 and s2.startswith("de ")),
                tokens=sur.tokens,
            )
    elif surnames:
        sur = split_surnames(surnames)
    else:
        sur = None
    if sur is not None or given_names:
        giv = split_given(given_names)
        sur = sur or NameParts()
        if giv.given1 is None and sur.surname1 is None:
            return NameParts()
        return NameParts(
            giv.given1,
            giv.given_all,
            sur.surname1,
            sur.surname2,
            sur.married,
            tuple(sorted(set(giv.tokens) | set(sur.tokens))),
        )
    return parse_full_name(full_name, vocabulary)
