"""How two writings of one person's name differ, and which record holds the fault
(``ciudadana.quality.names``): one fault at a time, and two at once."""

from __future__ import annotations

from ciudadana.quality.names import NameParts, compare_names


def told(a: NameParts, b: NameParts) -> set[tuple[str, str, str]]:
    return {(d.side, d.part, d.kind) for d in compare_names(a, b)}


def whole(text: str) -> NameParts:
    return NameParts(full=text)


def parts(given: str, surnames: str) -> NameParts:
    return NameParts(given=given, surnames=surnames)


def test_one_difference_is_named_and_put_on_the_writing_that_holds_it() -> None:
    assert told(parts("MARÍA JOSÉ", "LÓPEZ CRUZ"), whole("MARIA JOSE LOPEZ CRUZ")) == {
        ("b", "full_name", "accents")
    }
    assert told(parts("MARÍA", "LÓPEZ CRUZ"), whole("MARÍA JOSÉ LÓPEZ CRUZ")) == {
        ("a", "given_names", "incomplete")
    }
    assert told(parts("MARÍA JOSÉ", "LÓPEZ"), whole("MARÍA JOSÉ LÓPEZ CRUZ")) == {
        ("a", "surnames", "incomplete")
    }
    assert told(parts("ANA", "LÓPEZ CRUZ"), parts("ANA", "CRUZ LÓPEZ")) == {
        ("a", "surnames", "order"),
        ("b", "surnames", "order"),
    }


def test_a_missing_given_name_beside_a_missing_surname_is_told_part_by_part() -> None:
    assert told(parts("FREDY", "CRUZ ESCOBAR"), parts("Fredy Ismael", "Cruz")) == {
        ("a", "given_names", "incomplete"),
        ("b", "surnames", "incomplete"),
    }


def test_an_abbreviation_does_not_hide_surnames_in_another_order() -> None:
    assert told(whole("MARÍA ANTONIETA CUC MUX"), parts("MA. ANTONIETA", "MUX CUC")) == {
        ("b", "given_names", "abbreviated"),
        ("a", "full_name", "order"),
        ("b", "surnames", "order"),
    }


def test_an_abbreviation_does_not_hide_a_missing_given_name() -> None:
    assert told(parts("MARÍA", "ORELLANA TOBAR"), whole("MA. LUCÍA ORELLANA TOBAR")) == {
        ("b", "full_name", "abbreviated"),
        ("a", "given_names", "incomplete"),
    }


def test_the_surname_kept_alone_is_the_first_so_two_that_put_it_second_are_swapped() -> None:
    assert told(whole("JOSÉ RAFAEL GÓMEZ RAMOS"), parts("JOSÉ RAFAEL", "RAMOS")) == {
        ("b", "surnames", "incomplete"),
        ("a", "full_name", "order"),
    }


def test_a_married_form_keeps_the_first_surname_so_the_other_writing_is_swapped() -> None:
    found = told(
        whole("ROSA DE LOS ÁNGELES ESTRADA MÉNDEZ"),
        parts("ROSA DE LOS ÁNGELES", "MÉNDEZ DE BARRIOS"),
    )
    assert found == {("b", "surnames", "married"), ("a", "full_name", "order")}
    assert told(parts("ANA", "LÓPEZ CRUZ"), whole("ANA LÓPEZ DE PÉREZ")) == {
        ("b", "full_name", "married")
    }


def test_swapped_surnames_and_a_missing_given_name_in_a_whole_name_are_both_told() -> None:
    assert told(
        parts("MIRNA", "PINEDA PORTILLO"), whole("MIRNA DE LOS ÁNGELES PORTILLO PINEDA")
    ) == {
        ("a", "given_names", "incomplete"),
        ("a", "surnames", "order"),
        ("b", "full_name", "order"),
    }
