"""Source specs: YAML checked by Pydantic; every problem listed at once with its line."""

from __future__ import annotations

import re

import pytest

from ciudadana.errors import InvalidSpec
from ciudadana.ingest import load_spec, parse_spec
from ciudadana.ingest.spec import find_spec, shipped_spec_names

SHIPPED = ["gtm/ine-vif", "mex/inegi-homicidios", "usa/chicago-crimes", "gtm/poblacion-paquete"]

VALID = """\
id: prueba/denuncias
title: Denuncias de prueba
institution: PNC
unit: complaint
date_semantics: registration
reader:
  format: csv
  encoding: utf-8
fields:
  record_id: {column: numero, required: true}
  date_registration: {column: fecha, formats: ["%d/%m/%Y"], required: true}
  offence:
    column: delito
    map: {Homicidio: "0101", Robo: "0401"}
"""


def problems(text: str) -> list[str]:
    """The ``línea N: path: message`` lines of the error a spec raises."""
    with pytest.raises(InvalidSpec) as caught:
        parse_spec(text, path="prueba.yaml")
    lines = caught.value.message.splitlines()
    return [line.strip() for line in lines if line.strip().startswith("línea ")]


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_spec_is_valid(name: str) -> None:
    assert name in shipped_spec_names()
    loaded = load_spec(name)
    assert loaded.name == name
    assert len(loaded.sha256) == 64


def test_a_typo_in_a_key_points_at_its_line() -> None:
    text = VALID.replace("  encoding: utf-8\n", "  encoding: utf-8\n  delimter: ','\n")
    assert problems(text) == ["línea 9: reader.delimter: campo no previsto (¿error de escritura?)"]


def test_every_problem_is_listed_at_once_with_its_line() -> None:
    text = VALID.replace("formats:", "format:").replace("unit: complaint", "unit: complaints")
    found = problems(text)
    assert len(found) == 2
    assert found[0].startswith("línea 4: unit: valor no válido")
    assert found[1] == (
        "línea 11: fields.date_registration.format: campo no previsto (¿error de escritura?)"
    )


def test_the_message_says_how_many_problems_and_where_to_read_more() -> None:
    with pytest.raises(InvalidSpec) as caught:
        parse_spec(VALID.replace("title:", "titel:"), path="prueba.yaml")
    message = caught.value.message
    assert message.startswith("prueba.yaml: la especificación tiene 2 problema(s):")
    assert "línea 2: titel: campo no previsto" in message
    assert "title: falta este campo obligatorio" in message
    assert "docs/specs.md" in message


def test_broken_yaml_names_its_line() -> None:
    with pytest.raises(InvalidSpec) as caught:
        parse_spec(VALID + "fields: [sin cerrar\n", path="prueba.yaml")
    assert re.search(r"prueba\.yaml, línea \d+: el YAML no se puede leer", caught.value.message)


def test_an_unknown_canonical_field_lists_the_valid_ones() -> None:
    found = problems(VALID.replace("  record_id:", "  numero_caso:"))
    assert len(found) == 1
    assert found[0].startswith("línea 10: fields: campos desconocidos: numero_caso; válidos:")
    assert "record_id" in found[0]


def test_a_field_with_two_origins_is_refused() -> None:
    found = problems(VALID.replace("{column: numero,", "{column: numero, value: x,"))
    assert found == [
        "línea 10: fields.record_id: indique exactamente uno de: column, parts, value, metadata"
    ]


def test_a_value_outside_the_code_list_is_refused() -> None:
    text = VALID + "victim:\n  sex: {column: sexo, map: {M: mujer}}\n"
    found = problems(text)
    assert len(found) == 1
    assert "'mujer' no están en la lista (female, male" in found[0]


def test_codes_such_as_0101_stay_text_and_yes_stays_a_word() -> None:
    text = VALID.replace('{Homicidio: "0101", Robo: "0401"}', "{Homicidio: 0101, Robo: 0401}")
    text += "victim:\n  disability: {column: disc, map: {1: yes, 2: no}}\n"
    spec = parse_spec(text).spec
    assert spec.fields["offence"].map == {"Homicidio": "0101", "Robo": "0401"}
    assert spec.victim["disability"].map == {"1": "yes", "2": "no"}


def test_a_microdata_spec_must_say_what_its_dates_mean() -> None:
    found = problems(VALID.replace("date_semantics: registration\n", ""))
    assert found == ["línea 1: (raíz): declare date_semantics: occurrence o registration"]


def test_a_spec_is_found_by_name_in_the_workspace_before_the_shipped_ones(tmp_path) -> None:
    specs = tmp_path / "specs"
    (specs / "gtm").mkdir(parents=True)
    (specs / "gtm" / "ine-vif.yaml").write_text(VALID, encoding="utf-8")
    assert find_spec("gtm/ine-vif", workspace_specs=specs) == specs / "gtm" / "ine-vif.yaml"
    assert load_spec("gtm/ine-vif", workspace_specs=specs).spec.id == "prueba/denuncias"


def test_an_unknown_spec_name_lists_the_shipped_ones() -> None:
    with pytest.raises(InvalidSpec) as caught:
        load_spec("gtm/no-existe")
    assert "gtm/no-existe" in caught.value.message
    assert "gtm/ine-vif" in caught.value.message
