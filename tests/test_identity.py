"""The DPI/CUI verifier, in Python and in the SQL the ingestion runs, agree."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ciudadana.standards.identity import (
    check_cui,
    cui_check_digit,
    cui_valid_sql,
    is_valid_cui,
    make_cui,
    normalize_cui,
)

SQL = duckdb.connect()


@pytest.mark.parametrize(
    ("description", "value", "expected"),
    [
        ("a well-formed CUI", make_cui(12345678, "0101"), None),
        ("last municipality of Guatemala department", make_cui(2222, "0117"), None),
        ("too short", "123456789010", "cui-length"),
        ("letters", "12345678A0101", "cui-length"),
        ("wrong verifier", "1234567800101", "cui-check-digit"),
        ("department 23 does not exist", make_cui(55, "2301"), "cui-territory"),
        ("municipality 18 of department 01 does not exist", make_cui(55, "0118"), "cui-territory"),
    ],
)
def test_cui_check_names_the_problem(description: str, value: str, expected: str | None) -> None:
    assert check_cui(value).problem == expected, description


def test_spaces_and_dashes_are_ignored() -> None:
    cui = make_cui(1, "0901")
    spaced = f"{cui[:4]} {cui[4:9]}-{cui[9:]}"
    assert normalize_cui(spaced) == cui
    assert is_valid_cui(spaced)


def test_make_cui_skips_serials_without_a_verifier_digit() -> None:
    serials_with_10 = [s for s in range(200) if cui_check_digit(f"{s:08d}") == 10]
    assert serials_with_10, "some serials have remainder 10"
    assert is_valid_cui(make_cui(serials_with_10[0], "0101"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=11, max_size=14))
def test_sql_and_python_verifiers_agree(value: str) -> None:
    (sql_valid,) = SQL.execute(f"select {cui_valid_sql('$v')}", {"v": value}).fetchone()
    assert sql_valid == is_valid_cui(value)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 99_999_999), st.integers(1, 22))
def test_every_made_cui_is_valid_in_sql(serial: int, department: int) -> None:
    cui = make_cui(serial, f"{department:02d}01")
    (sql_valid,) = SQL.execute(f"select {cui_valid_sql('$v')}", {"v": cui}).fetchone()
    assert sql_valid is True
