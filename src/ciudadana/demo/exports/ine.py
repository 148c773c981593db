"""Statistics office (INE): the yearly VIF table and the population table.

The VIF table counts the complaints (boletas) registered in each year by department and sex of
the victim, the way INE publishes it: a title line, a header, one row per year and department,
a total row after each year and a source line at the end. It counts by year of *registration*,
so a December incident registered in January is in the next year, and incidents registered after
the last simulated year are not in the table.

The population table is the simulated country's population by year, municipality, sex and
five-year age group: the denominators that make simulated rates consistent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ciudadana.demo.exports.common import Export, write_csv
from ciudadana.demo.population import AGE_GROUPS
from ciudadana.demo.world import World

SOURCE = "INE"
VIF_TITLE = (
    "Cuadro 3. Denuncias de violencia intrafamiliar registradas, por departamento, "
    "año de registro y sexo de la víctima"
)
VIF_COLUMNS = ["Departamento", "Año", "Hombres", "Mujeres", "Total"]
VIF_FOOTER = "Fuente: INE, boletas de denuncia de violencia intrafamiliar (datos simulados)."
POPULATION_COLUMNS = [
    "anio",
    "codigo_municipio",
    "municipio",
    "codigo_departamento",
    "sexo",
    "grupo_edad",
    "poblacion",
]


def vif_file_name(world: World) -> str:
    return f"ine_vif_departamento_sexo_{world.years[0]}_{world.years[-1]}.csv"


def population_file_name(world: World) -> str:
    return f"ine_poblacion_municipio_sexo_edad_{world.years[0]}_{world.years[-1]}.csv"


def vif_counts(world: World) -> np.ndarray:
    """Registered VIF complaints, shape (years, 22 departments, 2 sexes)."""
    inv, cov, ref = world.involvement, world.coverage, world.ref
    rows = np.flatnonzero(cov.ine)
    year = cov.ine_day[rows].astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    keep = (year >= world.years[0]) & (year <= world.years[-1])
    rows, year = rows[keep], year[keep]
    dept = ref.muni_dept[world.incidents.muni[inv.event[rows]]]
    sex = world.residents.sex[inv.person[rows]]
    counts = np.zeros((len(world.years), len(ref.dept_codes), 2), dtype=np.int64)
    np.add.at(counts, (year - world.years[0], dept, sex), 1)
    return counts


def write_vif(world: World, out_dir: Path) -> Export:
    """Write the VIF table (an aggregate: no faults, no persons, data rows from row 3)."""
    counts = vif_counts(world)
    rows: list[list[str]] = []
    for y_index, year in enumerate(world.years):
        for d, name in enumerate(world.ref.dept_names):
            men, women = (int(x) for x in counts[y_index, d])
            rows.append([name, str(year), str(men), str(women), str(men + women)])
        men, women = (int(x) for x in counts[y_index].sum(axis=0))
        rows.append(["Total república", str(year), str(men), str(women), str(men + women)])
    name = vif_file_name(world)
    write_csv(
        out_dir / name,
        VIF_COLUMNS,
        rows + [[VIF_FOOTER]],
        preamble=[[VIF_TITLE]],
    )
    return Export(SOURCE, name, [], n_rows=len(rows))


def write_population(world: World, out_dir: Path) -> Export:
    """Write the population table (year x municipality x sex x age group)."""
    ref = world.ref
    table = world.pop_table
    rows = []
    for y_index, year in enumerate(world.years):
        for m, code in enumerate(ref.muni_codes):
            for s, sex in enumerate(("hombres", "mujeres")):
                for g, group in enumerate(AGE_GROUPS):
                    rows.append(
                        [
                            str(year),
                            code,
                            ref.muni_names[m],
                            ref.dept_codes[ref.muni_dept[m]],
                            sex,
                            group,
                            str(int(table[y_index, m, s, g])),
                        ]
                    )
    name = population_file_name(world)
    write_csv(out_dir / name, POPULATION_COLUMNS, rows)
    return Export(SOURCE, name, [], n_rows=len(rows))
