"""What every figure must say beside it: which source and date it counts, which population
divides it (and that population's known faults), what is missing, what was left out.

Notes are collected while indicators are computed, per indicator and for the whole request,
in Spanish or English.

Example:
    >>> notes = Notes("es", "GTM")
    >>> notes.general()
    []
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ciudadana.analysis.indicators.catalogue import Indicator
from ciudadana.standards.territory import load_pack

Run = Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]

DATE_ES = {"occurrence": "ocurrencia", "registration": "registro", "reference": "referencia"}


class Notes:
    """Notes of one request. ``bind`` gives it the session's query function."""

    def __init__(self, lang: str, country: str) -> None:
        self.lang, self.country = lang, country
        self._general: list[str] = []
        self._meta: dict[str, dict[str, Any]] = {}
        self._run: Run | None = None

    def bind(self, run: Run) -> None:
        self._run = run

    def _say(self, es: str, en: str) -> str:
        return en if self.lang == "en" else es

    def _add_general(self, text: str) -> None:
        if text not in self._general:
            self._general.append(text)

    def meta(self, ind: Indicator) -> dict[str, Any]:
        if ind.code not in self._meta:
            self._meta[ind.code] = {
                "code": ind.code,
                "name": ind.name.get(self.lang),
                "unit": ind.unit,
                "sdg": ind.sdg,
                "counting": ind.numerator.unit,
                "date": ind.numerator.date,
                "sources_available": {},
                "sources_used": [],
                "population": [],
                "notes": [ind.notes.get(self.lang).strip()],
            }
        return self._meta[ind.code]

    def _note(self, ind: Indicator, text: str) -> None:
        notes = self.meta(ind)["notes"]
        if text not in notes:
            notes.append(text)

    # -- what happened -----------------------------------------------------------------------

    def undated(self, source: str, n: float, date: str) -> None:
        self._add_general(
            self._say(
                f"{source}: {n:,.0f} registros sin fecha de {DATE_ES[date]} no entran en "
                "ningún periodo.",
                f"{source}: {n:,.0f} records without a date of {date} fall in no period.",
            )
        )

    def refused(self, ind: Indicator, dims: list[str]) -> None:
        self.meta(ind)
        self._add_general(
            self._say(
                f"{ind.code}: no admite la desagregación {', '.join(dims)}; se omite. "
                f"Admite: {', '.join(ind.disaggregations)}.",
                f"{ind.code}: cannot be cut by {', '.join(dims)}; left out. "
                f"It allows: {', '.join(ind.disaggregations)}.",
            )
        )

    def no_denominator_source(self, ind: Indicator) -> None:
        self._note(
            ind,
            self._say(
                "No hay datos para el denominador en el almacén: el indicador no se calcula.",
                "The warehouse has no data for the denominator: the indicator is not computed.",
            ),
        )

    def not_reconcilable(self, ind: Indicator) -> None:
        self._note(
            ind,
            self._say(
                "Hay conteos conciliados, pero no por esta desagregación (solo departamento, "
                "sexo, trimestre y mes): se usan conteos de fuente.",
                "Reconciled counts exist, but not by this disaggregation (department, sex, "
                "quarter and month only): source counts are used.",
            ),
        )

    def sources(self, ind: Indicator, available: dict[str, float], chosen: list[str]) -> None:
        meta = self.meta(ind)
        meta["sources_available"] = {k: int(v) for k, v in available.items()}
        meta["sources_used"] = chosen
        if not chosen:
            unit = {"cases": "casos judiciales"}.get(ind.numerator.unit, "registros")
            self._note(
                ind,
                self._say(
                    f"No hay {unit} de estos delitos en el almacén: el indicador no se calcula.",
                    "The warehouse has no records of these offences: the indicator is not "
                    "computed.",
                ),
            )
        elif len(available) > len(chosen):
            others = ", ".join(s for s in available if s not in chosen)
            self._note(
                ind,
                self._say(
                    f"Fuente usada: {', '.join(chosen)}. También tienen datos: {others} "
                    "(--source all para verlas por separado; no se suman porque cuentan "
                    "los mismos hechos).",
                    f"Source used: {', '.join(chosen)}. Also with data: {others} (--source all "
                    "to see each; they are not added up because they count the same events).",
                ),
            )

    def dates(self, ind: Indicator, chosen: list[str]) -> None:
        assert self._run is not None
        rows = self._run(
            "select distinct source_id, counting_unit, date_semantics from current_loads "
            "where source_id in (select unnest($keep)) order by 1",
            {"keep": chosen},
        )
        for source, unit, semantics in rows:
            asked = ind.numerator.date
            if unit == "aggregate" and semantics and asked != "reference" and semantics != asked:
                self._note(
                    ind,
                    self._say(
                        f"{source} es una tabla de conteos por fecha de {DATE_ES[semantics]}; el "
                        f"indicador pide fecha de {DATE_ES[ind.numerator.date]}: sus periodos "
                        "siguen la fecha de la fuente.",
                        f"{source} is a table of counts by date of {semantics}; the indicator "
                        f"asks for the date of {ind.numerator.date}: its periods follow the "
                        "source's date.",
                    ),
                )

    def population(self, ind: Indicator, table: str) -> None:
        """Which population divides, its known faults, and the years it is missing."""
        assert self._run is not None
        loads = self._run(
            f"select l.source_id, min(p.year), max(p.year) from {table} as p "
            "join current_loads as l using (load_id) group by 1 order by 1",
            {},
        )
        pop_years = {y for (y,) in self._run(f"select distinct year from {table}", {})}
        wanted = {y for (y,) in self._run("select distinct year from _ind_source_years", {})}
        meta = self.meta(ind)
        meta["population"] = [{"source": s, "years": [a, b]} for s, a, b in loads]
        pack = load_pack(self.country)
        if not loads:
            self._add_general(
                self._say(
                    f"Falta el denominador: el almacén no tiene población de {self.country}; "
                    "las tasas quedan vacías y se publican solo los conteos. ",
                    f"The denominator is missing: the warehouse has no population for "
                    f"{self.country}; rates are left empty and only counts are published. ",
                )
                + (pack.population_note_en if self.lang == "en" else pack.population_note_es)
            )
            return
        if any(s == f"{pack.iso3.lower()}/poblacion" for s, _a, _b in loads):
            self._add_general(
                pack.population_note_en if self.lang == "en" else pack.population_note_es
            )
        missing = sorted(wanted - pop_years)
        if missing:
            years = ", ".join(str(y) for y in missing)
            self._note(
                ind,
                self._say(
                    f"Sin población para {years}: las tasas de esos años quedan vacías.",
                    f"No population for {years}: the rates of those years are left empty.",
                ),
            )

    # -- what the caller gets ----------------------------------------------------------------

    def indicators(self) -> list[dict[str, Any]]:
        return list(self._meta.values())

    def general(self) -> list[str]:
        return list(self._general)
