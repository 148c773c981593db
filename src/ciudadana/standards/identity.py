"""Guatemala's identity number (DPI card, CUI number): structure and verifier digit.

A CUI has 13 digits: an 8-digit serial, one verifier digit, then the 2-digit department and the
2-digit municipality of registration (INE codes). The verifier is the weighted sum of the serial
digits (weights 2 to 9) modulo 11; a serial whose remainder is 10 is never issued.

Example:
    >>> cui_check_digit("12345678")
    10
    >>> is_valid_cui("2345678990101")
    False
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NON_DIGITS = re.compile(r"[\s\-.]")

# Number of municipalities per department, INE 2018 (340 in all). Department 01..22.
MUNICIPALITIES_PER_DEPARTMENT: dict[int, int] = {
    1: 17,
    2: 8,
    3: 16,
    4: 16,
    5: 14,
    6: 14,
    7: 19,
    8: 8,
    9: 24,
    10: 21,
    11: 9,
    12: 30,
    13: 33,
    14: 21,
    15: 8,
    16: 17,
    17: 14,
    18: 5,
    19: 11,
    20: 11,
    21: 7,
    22: 17,
}


def cui_check_digit(serial: str) -> int:
    """The verifier digit of an 8-digit CUI serial (10 means: no valid CUI has this serial)."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError(f"a CUI serial has 8 digits, got {serial!r}")
    return sum(int(d) * weight for d, weight in zip(serial, range(2, 10), strict=True)) % 11


@dataclass(frozen=True)
class CuiCheck:
    """The outcome of checking one CUI: ``valid``, and a finding code when it is not."""

    value: str
    valid: bool
    problem: str | None = None  # "cui-length", "cui-check-digit", "cui-territory"
    department: str | None = None
    municipality: str | None = None


def normalize_cui(value: str) -> str:
    """Drop spaces, dashes and dots: ``"2345 67890 0101"`` -> ``"2345678900101"``."""
    return _NON_DIGITS.sub("", value.strip())


def check_cui(value: str) -> CuiCheck:
    """Check the length, the verifier digit and the territory of registration of a CUI."""
    cui = normalize_cui(value)
    if len(cui) != 13 or not cui.isdigit():
        return CuiCheck(value, False, "cui-length")
    dept, muni = int(cui[9:11]), int(cui[11:13])
    if cui_check_digit(cui[:8]) != int(cui[8]):
        return CuiCheck(value, False, "cui-check-digit")
    if dept not in MUNICIPALITIES_PER_DEPARTMENT or not (
        1 <= muni <= MUNICIPALITIES_PER_DEPARTMENT[dept]
    ):
        return CuiCheck(value, False, "cui-territory")
    return CuiCheck(value, True, None, cui[9:11], cui[9:13])


def is_valid_cui(value: str) -> bool:
    """True when ``value`` is a well-formed CUI: 13 digits, right verifier, real municipality."""
    return check_cui(value).valid


def make_cui(serial: int, municipality_code: str) -> str:
    """Build a valid CUI from a serial and a 4-digit INE municipality code (for the simulator).

    Serials whose verifier would be 10 are moved to the next serial that has a digit.
    """
    while True:
        s = f"{serial % 100_000_000:08d}"
        digit = cui_check_digit(s)
        if digit < 10:
            return f"{s}{digit}{municipality_code}"
        serial += 1


def cui_valid_sql(expr: str) -> str:
    """A SQL boolean that is true exactly when :func:`is_valid_cui` is, for 13-digit text.

    ``expr`` must already be stripped of spaces, dashes and dots (see :func:`normalize_cui`).
    """
    digits = " + ".join(
        f"try_cast(substr({expr}, {i}, 1) as integer) * {i + 1}" for i in range(1, 9)
    )
    limits = ", ".join(str(MUNICIPALITIES_PER_DEPARTMENT[d]) for d in range(1, 23))
    dept = f"try_cast(substr({expr}, 10, 2) as integer)"
    muni = f"try_cast(substr({expr}, 12, 2) as integer)"
    return (
        f"coalesce(regexp_full_match({expr}, '[0-9]{{13}}')"
        f" and ({digits}) % 11 = try_cast(substr({expr}, 9, 1) as integer)"
        f" and {dept} between 1 and 22"
        f" and {muni} between 1 and [{limits}][{dept}], false)"
    )
