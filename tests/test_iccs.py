"""The shipped ICCS v1.0 classification and its look-ups, checked against the manual."""

from __future__ import annotations

import csv
import doctest
import re
from collections import Counter
from importlib import resources

import pytest

from ciudadana.errors import CiudadanaError
from ciudadana.standards import iccs as iccs_module
from ciudadana.standards.iccs import AmbiguousIccsCode, Iccs, Offence, UnknownIccsCode, load_iccs

ROWS_PER_SECTION = {
    "01": 14, "02": 72, "03": 20, "04": 14, "05": 31, "06": 22,
    "07": 26, "08": 38, "09": 32, "10": 22, "11": 18,
}  # fmt: skip
EXTENSIONS = {"0101.01", "0109.01", "0201.01", "0201.02"}
CODE_WIDTH_BY_LEVEL = {1: 2, 2: 4, 3: 5, 4: 6}


@pytest.fixture(scope="module")
def iccs() -> Iccs:
    return load_iccs()


def test_ships_11_sections_309_official_categories_and_4_extensions(iccs: Iccs) -> None:
    levels = Counter(o.level for o in iccs if not o.national)
    assert levels[1] == 11
    assert sum(levels.values()) - levels[1] == 309
    assert {o.code for o in iccs if o.national} == EXTENSIONS
    assert len(iccs) == 11 + 309 + 4


def test_each_section_has_as_many_categories_as_the_manual(iccs: Iccs) -> None:
    official = Counter(o.section for o in iccs if o.level > 1 and not o.national)
    assert official == ROWS_PER_SECTION


def test_every_parent_exists_one_level_up_in_the_same_section(iccs: Iccs) -> None:
    for offence in iccs:
        if offence.level == 1:
            assert offence.parent is None and offence.section == offence.code
            continue
        parent = iccs.get(offence.parent)
        assert parent.level == offence.level - 1, offence.code
        assert parent.section == offence.section, offence.code
        assert offence.code.startswith(parent.code), offence.code


def test_official_codes_have_the_length_of_their_level(iccs: Iccs) -> None:
    for offence in iccs:
        if offence.national:
            assert re.fullmatch(r"\d{4,6}\.\d{2}", offence.code), offence.code
            assert offence.code.split(".")[0] == offence.parent
        else:
            assert len(offence.code) == CODE_WIDTH_BY_LEVEL[offence.level], offence.code
            assert offence.code.isdigit() and offence.code[:2] == offence.section


@pytest.mark.parametrize(
    ("code", "level", "section", "label_es", "label_en"),
    [
        ("0101", 2, "01", "Homicidio intencional", "Intentional homicide"),
        ("0102", 2, "01", "Tentativa de homicidio intencional", "Attempted intentional homicide"),
        ("01031", 3, "01", "Homicidio no culposo", "Non-negligent manslaughter"),
        ("010321", 4, "01", "Homicidio por tránsito vehicular", "Vehicular homicide"),
        ("02051", 3, "02", "Extorsión o chantaje", "Extortion or blackmail"),
        ("0401", 2, "04", "Robo", "Robbery"),
        ("0502", 2, "05", "Hurto", "Theft"),
        ("050211", 4, "05", "Hurto de vehículos terrestres de motor",
         "Theft of a motorized land vehicle"),
        ("1004", 2, "10", "Actos que provocan el agotamiento o la degradación de los recursos "
         "naturales", "Acts that result in the depletion or degradation of natural resources"),
        ("10", 1, "10", "Actos contra el entorno natural", "Acts against the natural environment"),
    ],
)  # fmt: skip
def test_codes_keep_their_leading_zeros_and_official_labels(
    iccs: Iccs, code: str, level: int, section: str, label_es: str, label_en: str
) -> None:
    offence = iccs.get(code)
    assert (offence.level, offence.section) == (level, section)
    assert (offence.label("es"), offence.label("en")) == (label_es, label_en)


def test_every_row_has_both_labels_and_every_category_a_definition(iccs: Iccs) -> None:
    for offence in iccs:
        assert offence.label_es.strip() and offence.label_en.strip(), offence.code
        if offence.level > 1:
            assert offence.definition_es.strip(), offence.code


def test_section_names_have_their_accents_restored(iccs: Iccs) -> None:
    assert iccs.get("02").label_es == (
        "Actos que causan daños o que tienen la intención de causar daños a las personas"
    )
    assert iccs.get("07").label_en == "Acts involving fraud, deception or corruption"


def test_categories_the_source_left_empty_are_filled_from_the_manual(iccs: Iccs) -> None:
    assert iccs.get("01049").label_es == "Otros actos de suicidio asistido o incitación al suicidio"
    assert "01042" in iccs.get("01049").note
    assert iccs.get("0909").inclusions_es.startswith("Formación de milicias")
    assert iccs.get("090129").inclusions_es == ""


def test_every_extension_says_why_and_on_what_legal_basis(iccs: Iccs) -> None:
    for code in EXTENSIONS:
        offence = iccs.get(code)
        assert offence.note.startswith("Extensión nacional"), code
        if code != "0109.01":  # a forensic manner of death, not an offence
            assert re.search(r"Decreto|Código Penal", offence.inclusions_es), code
    assert "No es un delito" in iccs.get("0109.01").note
    assert "22-2008, art. 6" in iccs.get("0101.01").inclusions_es


def test_femicide_is_within_intentional_homicide_and_section_01(iccs: Iccs) -> None:
    assert iccs.is_within("0101.01", "0101")
    assert iccs.is_within("0101.01", "01")
    assert iccs.is_within("0101", "0101")
    assert not iccs.is_within("0101.01", "0102")
    assert [o.code for o in iccs.ancestors("0101.01")] == ["01", "0101"]
    assert "0101.01" in [o.code for o in iccs.descendants("01")]


def test_tree_walks_in_code_order(iccs: Iccs) -> None:
    assert [o.code for o in iccs.children("0103")] == ["01031", "01032"]
    assert [o.code for o in iccs.descendants("0103")] == ["01031", "01032", "010321", "010322"]
    assert [o.code for o in iccs.ancestors("010321")] == ["01", "0103", "01032"]
    assert iccs.parent("01") is None
    assert iccs.parent("1004").code == "10"
    assert [o.code for o in iccs.children("0201")][:3] == ["0201.01", "0201.02", "02011"]
    codes = [o.code for o in iccs]
    assert codes == sorted(codes)


@pytest.mark.parametrize(
    ("description", "value", "expected"),
    [
        ("official code", "0101", "0101"),
        ("leading zero lost", "101", "0101"),
        ("number from a spreadsheet", 101, "0101"),
        ("spaces around", " 0101 ", "0101"),
        ("ICCS prefix", "ICCS 0101", "0101"),
        ("lowercase prefix and colon", "iccs:0502", "0502"),
        ("national extension", "0101.01", "0101.01"),
        ("extension that lost its zero", "101.01", "0101.01"),
        ("level 3 that lost its zero", "2051", "02051"),
        ("level 3 number", 1031, "01031"),
        ("level 4 that lost its zero", "10321", "010321"),
        ("section 10 code is exact, not padded", "1004", "1004"),
        ("section", "10", "10"),
        ("section that lost its zero", "1", "01"),
    ],
)
def test_normalize(iccs: Iccs, description: str, value: str | int, expected: str) -> None:
    assert iccs.normalize(value) == expected, description


@pytest.mark.parametrize("value", ["0199", "01011", "homicidio", "0101.1", 3.5])
def test_normalize_refuses_unknown_values_in_spanish(iccs: Iccs, value: object) -> None:
    with pytest.raises(UnknownIccsCode) as caught:
        iccs.normalize(value)  # type: ignore[arg-type]
    assert caught.value.code == "unknown-iccs-code"
    assert isinstance(caught.value, CiudadanaError)
    assert caught.value.message.startswith(f'"{value}" no es un código de la ICCS v1.0')
    assert 'ceros a la izquierda, como "0101" (Homicidio intencional)' in caught.value.message


def test_normalize_says_when_the_code_is_missing(iccs: Iccs) -> None:
    with pytest.raises(UnknownIccsCode, match="^Falta el código ICCS. Escriba el código oficial"):
        iccs.normalize("  ")


def test_unknown_code_message_suggests_close_codes(iccs: Iccs) -> None:
    with pytest.raises(UnknownIccsCode) as caught:
        iccs.get("101")
    assert caught.value.message.startswith(
        '"101" no es un código de la ICCS v1.0 ni una extensión nacional. '
        "Códigos cercanos: 0101 (Homicidio intencional)"
    )
    with pytest.raises(UnknownIccsCode, match=r"02051 \(Extorsión o chantaje\)"):
        iccs.normalize("extorsion")


def test_normalize_refuses_a_value_that_pads_to_two_codes() -> None:
    def offence(code: str, level: int, parent: str | None) -> Offence:
        return Offence(code, level, parent, "01", code, code, "", "", "", False, "")

    tiny = Iccs([offence("01", 1, None), offence("0101", 2, "01"), offence("00101", 3, "01")])
    with pytest.raises(AmbiguousIccsCode) as caught:
        tiny.normalize("101")
    assert caught.value.code == "ambiguous-iccs-code"
    assert caught.value.message == (
        'El código ICCS "101" es ambiguo: puede ser "00101" (00101) o "0101" (0101). '
        "Escriba el código completo, con sus ceros a la izquierda."
    )


def test_search_ignores_accents_and_case(iccs: Iccs) -> None:
    assert iccs.search("extorsion")[0].code == "02051"
    assert iccs.search("EXTORSIÓN")[0].code == "02051"
    assert iccs.search("feminicidio")[0].code == "0101.01"
    assert iccs.search("homicidio intencional")[0].code == "0101"
    assert [o.code for o in iccs.search("robbery", lang="en", limit=2)] == ["0401", "04011"]
    assert iccs.search("lesiones corporales graves")[0].code == "020111"
    assert iccs.search("   ") == []
    assert len(iccs.search("robo", limit=3)) == 3


def test_unknown_language_is_refused(iccs: Iccs) -> None:
    with pytest.raises(CiudadanaError, match='"fr" no está disponible'):
        iccs.get("0101").label("fr")


def test_rows_load_into_a_database_table(iccs: Iccs, tmp_path) -> None:
    import duckdb

    rows = iccs.rows()
    assert rows[0]["code"] == "01" and rows[0]["parent"] is None
    con = duckdb.connect(str(tmp_path / "iccs.duckdb"))
    con.execute("create table iccs (code varchar primary key, parent varchar, national boolean)")
    con.executemany(
        "insert into iccs values (?, ?, ?)", [(r["code"], r["parent"], r["national"]) for r in rows]
    )
    assert con.execute("select count(*) from iccs where national").fetchone() == (4,)
    assert con.execute("select parent from iccs where code = '02051'").fetchone() == ("0205",)


def test_shipped_csv_is_sorted_utf8_with_the_documented_columns() -> None:
    data = resources.files("ciudadana.standards") / "data" / "iccs.csv"
    text = data.read_text(encoding="utf-8")
    reader = csv.DictReader(text.splitlines())
    assert reader.fieldnames == [
        "code", "level", "parent", "section", "label_es", "label_en", "definition_es",
        "inclusions_es", "exclusions_es", "national", "note",
    ]  # fmt: skip
    codes = [row["code"] for row in reader]
    assert codes == sorted(codes) and len(codes) == len(set(codes))
    assert (resources.files("ciudadana.standards") / "data" / "SOURCES.md").is_file()


def test_module_examples_run() -> None:
    assert doctest.testmod(iccs_module).failed == 0
