"""Latin American names become the same keys however a record writes them."""

from __future__ import annotations

import pytest

from ciudadana.linkage.names import (
    NameVocabulary,
    parse_full_name,
    person_name,
    phonetic,
    split_surnames,
)
from ciudadana.linkage.prepare import birth_year, id_fields, key_of, uid_of

FULL_NAMES = [
    {
        "description": "two given names, two surnames, upper case with accents",
        "text": "JOSÉ ALBERTO PÉREZ SALAZAR",
        "expected": ("jose alberto", "perez", "salazar", False),
    },
    {
        "description": "one given name, two surnames",
        "text": "José Pérez Salazar",
        "expected": ("jose", "perez", "salazar", False),
    },
    {
        "description": "compound given name with particles",
        "text": "María de los Ángeles García de León",
        "expected": ("maria de los angeles", "garcia", "de leon", True),
    },
    {
        "description": "married form: first surname and 'de' the husband's",
        "text": "Ana Lucía López de Pérez",
        "expected": ("ana lucia", "lopez", "de perez", True),
    },
    {
        "description": "abbreviated first given name",
        "text": "Ma. José Cruz Tzul",
        "expected": ("maria jose", "cruz", "tzul", False),
    },
    {
        "description": "unknown name",
        "text": "NO IDENTIFICADO",
        "expected": (None, None, None, False),
    },
]


@pytest.mark.parametrize("case", FULL_NAMES, ids=[c["description"] for c in FULL_NAMES])
def test_a_full_name_splits_into_given_names_and_two_surnames(case: dict) -> None:
    p = parse_full_name(case["text"])
    assert (p.given_all, p.surname1, p.surname2, p.married) == case["expected"]


def test_the_vocabulary_learned_from_split_sources_decides_a_three_word_name() -> None:
    vocab = NameVocabulary()
    vocab.learn(["José Alberto", "Luis Alberto"], ["Pérez Salazar", "López García"])
    assert parse_full_name("JOSÉ ALBERTO PÉREZ", vocab).given_all == "jose alberto"
    assert parse_full_name("JOSÉ PÉREZ SALAZAR", vocab).surname_pair == "perez salazar"


def test_swapped_missing_and_married_surnames_keep_the_first_surname_comparable() -> None:
    assert split_surnames("GARCÍA LÓPEZ").surname_pair == "garcia lopez"
    assert split_surnames("García").surname2 is None
    married = split_surnames("López de León")
    assert (married.surname1, married.surname2, married.married) == ("lopez", "de leon", True)
    both = person_name(None, "Ana", None, "López", "García")
    assert (both.given1, both.surname_pair) == ("ana", "lopez garcia")


def test_spelling_variants_share_a_sound_key() -> None:
    assert phonetic("vasquez") == phonetic("vazquez") == phonetic("basques")
    assert phonetic("hernandez") == phonetic("ernandes")
    assert phonetic("gonzalez") != phonetic("gomez")


def test_identity_numbers_keep_13_digits_and_the_registration_municipality() -> None:
    assert id_fields("2345 67890 0101") == ("2345678900101", "0101")
    assert id_fields("234567890") == (None, None)
    assert id_fields(None) == (None, None)


def test_an_age_at_a_known_date_becomes_a_birth_year() -> None:
    import datetime as dt

    assert birth_year(None, 30, dt.date(2020, 7, 2)) == pytest.approx(1990.0, abs=0.01)
    assert birth_year(dt.date(1990, 1, 1), 99, dt.date(2020, 7, 2)) == 1990.0
    assert birth_year(None, None, dt.date(2020, 7, 2)) is None


def test_a_linkage_id_leads_back_to_its_load_row_and_role() -> None:
    assert key_of(uid_of(12, 3_000_045, "aggressor")) == (12, 3_000_045, "aggressor")
