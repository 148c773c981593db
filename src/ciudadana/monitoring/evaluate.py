"""The policy-monitoring table: each target's baseline, latest value, expected path, progress,
traffic light and trend.

- expected value in year t: the straight line from the baseline to the target;
- progress: how much of the way from the baseline to the target has been covered (100 % =
  target reached; negative = moving away);
- traffic light: ``green`` (at or better than the expected path, within ``tolerance``),
  ``amber`` (better than the baseline but behind the path), ``red`` (no better than the
  baseline), ``grey`` (no data for the baseline or since);
- ``path_within_interval``: the expected value lies inside the latest value's 95 % interval,
  so the gap to the path is not statistically clear (report it with the colour);
- trend: Poisson (or binomial) regression of the yearly counts from the baseline year on
  (``trend.py``).

Example:
    >>> report = monitor_policy(ws, "gtm-ejemplo")  # doctest: +SKIP
    >>> report.rows[0]["status"]  # doctest: +SKIP
    'amber'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ciudadana.analysis.indicators import IndicatorRequest, compute_indicators, load_catalogue
from ciudadana.analysis.indicators.catalogue import Indicator
from ciudadana.analysis.indicators.measures import publish_round
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.monitoring.policy import Policy, PolicyTarget, load_policy, shipped_policies
from ciudadana.monitoring.trend import poisson_trend
from ciudadana.standards.territory import load_pack
from ciudadana.workspace import Workspace, open_workspace

STATUS_ES = {"green": "verde", "amber": "amarillo", "red": "rojo", "grey": "gris"}
LEVEL_DIMS = {1: ["department"], 2: ["municipality"]}


@dataclass
class PolicyReport:
    """The monitoring table of a policy and the notes its figures must carry."""

    policy: str
    title: str
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def expected_value(baseline: float, target: float, year0: int, year1: int, year: int) -> float:
    """The straight path from ``baseline`` (``year0``) to ``target`` (``year1``) in ``year``.

    Example:
        >>> expected_value(30.0, 20.0, 2016, 2026, 2021)
        25.0
    """
    share = min(max((year - year0) / (year1 - year0), 0.0), 1.0)
    return baseline + (target - baseline) * share


def progress(baseline: float, target: float, latest: float) -> float | None:
    """Percent of the way from ``baseline`` to ``target`` covered by ``latest``.

    Example:
        >>> progress(30.0, 20.0, 27.5)
        25.0
    """
    if target == baseline:
        return None
    return (baseline - latest) / (baseline - target) * 100


def traffic_light(
    baseline: float, expected: float, latest: float, *, decrease: bool, tolerance: float = 0.0
) -> str:
    """``green``, ``amber`` or ``red`` (see the module docstring).

    Example:
        >>> traffic_light(30.0, 25.0, 27.0, decrease=True)
        'amber'
    """
    sign = -1.0 if decrease else 1.0
    if sign * (latest - expected) >= -tolerance:
        return "green"
    if sign * (latest - baseline) > 0:
        return "amber"
    return "red"


def _series(
    ws: Workspace, t: PolicyTarget, ind: Indicator, cache: dict[Any, Any], lang: str
) -> tuple[list[dict[str, Any]], list[str]]:
    pack = load_pack(ws.country)
    level = 0 if t.territory.upper() == ws.country else pack.divisions[t.territory].level
    by = LEVEL_DIMS.get(level, []) + (["sex"] if t.sex else [])
    key = (t.indicator, tuple(by), t.source)
    if key not in cache:
        req = IndicatorRequest(
            codes=[t.indicator], by=by, source=t.source, standardise=False, smooth=False, lang=lang
        )
        cache[key] = compute_indicators(ws, req)
    result = cache[key]
    code = ws.country if level == 0 else t.territory
    rows = [
        r for r in result.rows if r["territory"] == code and (t.sex is None or r["sex"] == t.sex)
    ]
    meta = result.indicators[0]["notes"][1:] if result.indicators else []
    return sorted(rows, key=lambda r: r["year"]), [*result.notes, *meta]


def _evaluate(
    ws: Workspace, t: PolicyTarget, cache: dict[Any, Any], lang: str
) -> tuple[dict[str, Any], list[str]]:
    ind = load_catalogue().get(t.indicator)
    rows, notes = _series(ws, t, ind, cache, lang)
    by_year = {r["year"]: r for r in rows if r["value"] is not None}
    base = t.baseline.value
    if base is None and t.baseline.year in by_year:
        base = by_year[t.baseline.year]["value"]
    goal = t.target.value
    if goal is None and base is not None and t.target.change is not None:
        goal = publish_round(base * (1 + t.target.change / 100), ind.decimals)
    since = [r for y, r in sorted(by_year.items()) if y >= t.baseline.year]
    latest = since[-1] if since else None
    out: dict[str, Any] = {
        "indicator": t.indicator,
        "name": ind.short.get(lang),
        "unit": ind.unit,
        "territory": t.territory,
        "territory_name": (rows[0]["territory_name"] if rows else t.territory),
        "sex": t.sex or ind.implied_sex(),
        "source": rows[0]["source"] if rows else None,
        "direction": t.direction,
        "baseline_year": t.baseline.year,
        "baseline": base,
        "target_year": t.target.year,
        "target": goal,
        "latest_year": latest["year"] if latest else None,
        "latest": latest["value"] if latest else None,
        "lower": latest["lower"] if latest else None,
        "upper": latest["upper"] if latest else None,
        "unstable": latest["unstable"] if latest else None,
        "expected": None,
        "progress": None,
        "status": "grey",
        "path_within_interval": None,
        "trend": None,
        "note": t.note.get(lang) if t.note else None,
    }
    if latest is not None and base is not None and goal is not None:
        expected = expected_value(base, goal, t.baseline.year, t.target.year, latest["year"])
        out["expected"] = publish_round(expected, ind.decimals)
        gain = progress(base, goal, latest["value"])
        out["progress"] = publish_round(gain, 1) if gain is not None else None
        out["status"] = traffic_light(
            base,
            expected,
            latest["value"],
            decrease=t.direction == "decrease",
            tolerance=t.tolerance,
        )
        if latest["lower"] is not None and latest["upper"] is not None:
            out["path_within_interval"] = latest["lower"] <= expected <= latest["upper"]
    counted = [r for r in rows if r["year"] >= t.baseline.year and r["denominator"]]
    trend = poisson_trend(
        [r["year"] for r in counted],
        [r["numerator"] for r in counted],
        [r["denominator"] for r in counted],
        share=ind.unit == "percent" and ind.denominator.nested,
    )
    out["trend"] = trend.to_dict() if trend else None
    out["status_label"] = STATUS_ES[out["status"]] if lang != "en" else out["status"]
    return out, notes


def monitor_policy(
    workspace: Workspace | Path | None,
    policy: str | Path | Policy | None = None,
    *,
    lang: str = "es",
) -> PolicyReport:
    """The monitoring table of ``policy`` on a workspace's warehouse.

    Args:
        workspace: an opened workspace or its folder (default: the current folder).
        policy: a policy, a YAML file, or a shipped policy's name (``gtm-ejemplo``); None:
            the shipped example of the workspace's country.
        lang: ``es`` or ``en``.

    Raises:
        InvalidPolicy: the policy cannot be read; CiudadanaError: it is for another country.
    """
    ws = workspace if isinstance(workspace, Workspace) else open_workspace(workspace)
    first: list[str] = []
    if policy is None:
        example = f"{ws.country.lower()}-ejemplo"
        if example not in shipped_policies():
            raise CiudadanaError(
                _(
                    "No hay una política de ejemplo para {country}: indique una con --policy."
                ).format(country=ws.country),
                code="no-policy",
            )
        policy = example
        first.append(
            "Política de ejemplo con metas ilustrativas (no oficiales): indique la suya con "
            "--policy."
            if lang != "en"
            else "Example policy with illustrative (unofficial) targets: give yours with --policy."
        )
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    if pol.country.upper() != ws.country:
        raise CiudadanaError(
            _(
                "La política {policy} es de {country} y el espacio de trabajo de {workspace}. "
                "Use una política del mismo país."
            ).format(policy=pol.id, country=pol.country, workspace=ws.country),
            code="policy-country",
        )
    pack = load_pack(ws.country)
    unknown = [
        t.territory
        for t in pol.targets
        if t.territory.upper() != ws.country and t.territory not in pack.divisions
    ]
    if unknown:
        raise CiudadanaError(
            _(
                "Territorios que no están en el paquete {country}: {codes}. "
                "Use el código del país o de un departamento o municipio."
            ).format(country=ws.country, codes=", ".join(unknown)),
            code="invalid-policy",
        )
    cache: dict[Any, Any] = {}
    rows, notes = [], first
    for t in pol.targets:
        row, more = _evaluate(ws, t, cache, lang)
        rows.append(row)
        notes += [n for n in more if n not in notes]
    return PolicyReport(pol.id, pol.title.get(lang), rows, notes)
