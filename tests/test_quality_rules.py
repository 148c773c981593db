"""Quality rules: declarative YAML checked by Pydantic, standard ones built in, a source's own
beside its spec; every problem named with its line; each check type registered by its slug."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ciudadana.ingest.spec import shipped_specs_root
from ciudadana.quality import diagnose, parse_rules, standard_rules
from ciudadana.quality.registry import CHECKS, Check, check_class, register
from ciudadana.quality.rules import InvalidRules, merge, rules_for
from ciudadana.workspace import Workspace
from test_quality_dimensions import load, row

Query = Callable[..., list[tuple[object, ...]]]
DOCS = Path(__file__).parent.parent / "docs" / "quality.md"


def test_every_standard_rule_names_a_registered_check() -> None:
    rules = standard_rules()
    assert len(rules) >= 25
    assert {check_class(r).dimension for r in rules.values()} >= {
        "completeness",
        "validity",
        "timeliness",
        "consistency",
        "uniqueness",
        "outliers",
        "coverage",
        "cross-source",
    }


@pytest.mark.parametrize(
    "path", sorted(shipped_specs_root().rglob("*.quality.yaml")), ids=lambda p: p.name
)
def test_each_shipped_source_rules_file_is_valid_and_names_its_source(path: Path) -> None:
    own = parse_rules(path.read_text("utf-8"), str(path))
    assert own.source and path.name.startswith(own.source.split("/")[-1])
    merged = merge(parse_rules(_standard_text()), own)
    for rule in merged.values():
        check_class(rule)(rule, [])  # the params validate


def test_a_source_changes_a_standard_rule_by_its_id_and_keeps_the_rest() -> None:
    rules = rules_for("gtm/oj-casos")
    assert rules["missing-value"].params["exclude"] == ["victim.full_name"]
    assert rules["missing-value"].params["markers"] == {"age": ["999", "9999"]}
    assert set(standard_rules()) <= set(rules)


def test_a_rule_can_be_turned_off_and_a_new_one_must_say_its_type() -> None:
    own = parse_rules("rules:\n  - {id: name-typo, enabled: false}\n")
    assert "name-typo" not in merge(parse_rules(_standard_text()), own)
    with pytest.raises(InvalidRules, match="«mi-regla» no es una regla estándar"):
        merge(parse_rules("rules: []"), parse_rules("rules:\n  - {id: mi-regla}\n"))


def _standard_text() -> str:
    from importlib import resources

    return (resources.files("ciudadana.quality") / "standard.yaml").read_text("utf-8")


def test_every_problem_of_a_rules_file_is_listed_with_its_line() -> None:
    text = "rules:\n  - id: Mal Nombre\n    type: missing\n  - id: ok\n    severty: error\n"
    with pytest.raises(InvalidRules) as caught:
        parse_rules(text, "pnc.quality.yaml")
    message = caught.value.message
    assert message.startswith("pnc.quality.yaml: las reglas de calidad tienen 2 problema(s):")
    assert "línea 2: rules.0.id:" in message
    assert "línea 5: rules.1.severty: campo no previsto" in message


def test_bad_params_name_the_rule_and_the_param() -> None:
    rule = standard_rules()["registration-lag"]
    bad = type(rule)(rule.id, rule.type, rule.severity, {"max_dias": 30})
    with pytest.raises(InvalidRules, match=r"«registration-lag».*params\.max_dias"):
        check_class(bad)(bad, [])


def test_an_unknown_check_type_lists_the_known_ones() -> None:
    rule = standard_rules()["registration-lag"]
    bad = type(rule)("x", "no-existe", "info", {})
    with pytest.raises(InvalidRules, match="no existe el tipo de verificación «no-existe»"):
        check_class(bad)


def test_a_third_party_check_registers_and_runs_like_a_built_in_one(
    workspace: Workspace, query: Query
) -> None:
    @register
    class EveryThirdRow(Check):
        type = "every-third-row"
        dimension = "validity"

        def run(self, ctx) -> None:  # noqa: ANN001
            ctx.add_findings(
                f"select load_id, row_number, {self.constants()} from _q_rows "
                "where row_number % 3 = 0 and load_id in (select unnest(?))",
                [self.ids],
            )

    try:
        (workspace.specs_dir / "calidad.quality.yaml").write_text(
            "rules:\n  - {id: tercera, type: every-third-row, severity: info}\n", "utf-8"
        )
        load_id = load(workspace, [row(n) for n in range(2, 9)], name="calidad")
        (workspace.specs_dir / "calidad.quality.yaml").write_text(
            "rules:\n  - {id: tercera, type: every-third-row, severity: info}\n", "utf-8"
        )
        diagnose(workspace)
        found = query(
            workspace,
            "select row_number from quality_findings where load_id = ? and rule = 'tercera' "
            "order by 1",
            [load_id],
        )
        assert found == [(3,), (6,)]
    finally:
        CHECKS.pop("every-third-row")


def test_every_rule_and_check_type_is_documented_with_an_example() -> None:
    text = DOCS.read_text("utf-8")
    missing = [r for r in standard_rules() if f"`{r}`" not in text]
    missing += [t for t in CHECKS if f"`{t}`" not in text]
    assert missing == []
