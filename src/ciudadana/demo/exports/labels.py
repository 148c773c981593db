"""National labels: legal articles, case numbers, prosecutors' offices and courts.

The articles are those of Guatemala's Penal Code (Decreto 17-73, "CP") and special laws
(Decreto 22-2008 on femicide and violence against women, Decreto 97-96 on intrafamily violence,
Decreto 28-2010 Alerta Alba-Keneth, Decreto 9-2016 Alerta Isabel-Claudina). ``ARTICLE_ICCS``
gives the natural ICCS reading of each label, which is NOT always the truth of the event: the
prosecutor classifies some femicides as murders and some murders of women as femicides.

Example:
    >>> ARTICLE_ICCS["Art. 6 Dto. 22-2008 Femicidio"]
    '0101.01'
"""

from __future__ import annotations

import numpy as np

from ciudadana.demo.categories import CATEGORIES
from ciudadana.demo.exports.common import day_to_date
from ciudadana.demo.world import World

ARTICLE_ICCS: dict[str, str] = {
    "Art. 123 CP Homicidio": "0101",
    "Art. 132 CP Asesinato": "0101",
    "Art. 6 Dto. 22-2008 Femicidio": "0101.01",
    "Art. 7 Dto. 22-2008 Violencia contra la mujer": "0201.01",
    "Art. 148 CP Lesiones leves": "020112",
    "Art. 173 CP Violación": "03011",
    "Art. 173 Bis CP Agresión sexual": "03012",
    "Art. 261 CP Extorsión": "02051",
    "Art. 251 CP Robo": "04011",
    "Art. 252 CP Robo agravado": "04011",
    "Art. 246 CP Hurto": "050211",
    "Art. 247 CP Hurto agravado": "050211",
    "Art. 203 CP Detenciones ilegales": "020222",
    "Dto. 28-2010 Alerta Alba-Keneth (niñez desaparecida)": "02022",
    "Dto. 9-2016 Búsqueda de mujeres desaparecidas": "02022",
}


def article(iccs: str, sex: int, age: int, rng: np.random.Generator) -> str:
    """The legal article a prosecutor writes for a victim of ``iccs`` (some misclassified)."""
    u = rng.random()
    if iccs == "0101.01":
        return "Art. 6 Dto. 22-2008 Femicidio" if u < 0.85 else "Art. 132 CP Asesinato"
    if iccs == "0101":
        if sex == 1 and u < 0.08:
            return "Art. 6 Dto. 22-2008 Femicidio"
        return "Art. 132 CP Asesinato" if u < 0.55 else "Art. 123 CP Homicidio"
    if iccs == "0201.02":
        return (
            "Art. 7 Dto. 22-2008 Violencia contra la mujer"
            if sex == 1
            else ("Art. 148 CP Lesiones leves")
        )
    if iccs == "02022":
        if age < 18:
            return "Dto. 28-2010 Alerta Alba-Keneth (niñez desaparecida)"
        if sex == 1:
            return "Dto. 9-2016 Búsqueda de mujeres desaparecidas"
        return "Art. 203 CP Detenciones ilegales"
    simple = {
        "03011": "Art. 173 CP Violación",
        "03012": "Art. 173 Bis CP Agresión sexual",
        "02051": "Art. 261 CP Extorsión",
    }
    if iccs in simple:
        return simple[iccs]
    if iccs == "04011":
        return "Art. 251 CP Robo" if u < 0.6 else "Art. 252 CP Robo agravado"
    return "Art. 246 CP Hurto" if u < 0.4 else "Art. 247 CP Hurto agravado"


def case_numbers(world: World) -> dict[int, str]:
    """The MP case number of every complaint: ``M<office>-<year>-<sequence>`` (by registration)."""
    inc, cov, ref = world.incidents, world.coverage, world.ref
    chosen = np.flatnonzero(cov.mp)
    chosen = chosen[np.lexsort((chosen, cov.mp_day[chosen]))]
    seq: dict[tuple[int, int], int] = {}
    out = {}
    for i in chosen.tolist():
        office = int(ref.muni_dept[inc.muni[i]]) + 1
        year = day_to_date(int(cov.mp_day[i])).year
        seq[(office, year)] = seq.get((office, year), 0) + 1
        out[i] = f"M{office:04d}-{year}-{seq[(office, year)]:05d}"
    return out


def prosecutor_office(world: World, i: int, sex: int) -> str:
    """The prosecutor's office that receives a complaint."""
    key = CATEGORIES[world.incidents.category[i]].key
    dept = world.ref.dept_names[world.ref.muni_dept[world.incidents.muni[i]]].upper()
    if key in ("vif", "violencia_sexual") and sex == 1:
        return f"FISCALÍA DE LA MUJER - {dept}"
    if key == "homicidio":
        return "FISCALÍA DE DELITOS CONTRA LA VIDA"
    if key == "extorsion":
        return "FISCALÍA CONTRA EXTORSIONES"
    return f"FISCALÍA DISTRITAL DE {dept}"


def court(world: World, i: int, women_court: bool) -> tuple[int, str]:
    """A court's number and name for a case (specialised courts for violence against women)."""
    d = int(world.ref.muni_dept[world.incidents.muni[i]])
    dept = world.ref.dept_names[d]
    if women_court:
        return 1200 + d + 1, (
            f"Juzgado de Primera Instancia Penal de Delitos de Femicidio y otras Formas de "
            f"Violencia contra la Mujer de {dept}"
        )
    return 1000 + d + 1, f"Juzgado de Primera Instancia Penal de {dept}"
