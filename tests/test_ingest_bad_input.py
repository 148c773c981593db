"""Bad deliveries: a fatal problem is refused whole with a message naming the file (and row and
field where there is one) and what to do, and the warehouse is left exactly as it was; a bad row
goes to quarantine with its finding, and the rest of the file loads.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest

from ciudadana.errors import CiudadanaError, InvalidSpec, UnreadableFile
from ciudadana.ingest import LoadReport, ingest_file
from ciudadana.workspace import Workspace

if TYPE_CHECKING:
    from conftest import SmallSource

StateOf = Callable[[Workspace], dict[str, tuple[int, int]]]
Query = Callable[..., list[tuple[object, ...]]]

GOOD = ["A1", "01/02/2019", "0101", "Homicidio", "Mujer", "30"]

XLSX_SPEC = """\
id: prueba/libro
title: Denuncias en hoja de cálculo
institution: PNC
unit: complaint
date_semantics: registration
reader: {format: xlsx, skip_rows: 1, header_rows: 2}
fields:
  record_id: {column: "DATOS DEL HECHO / numero", required: true}
  date_registration: {column: "DATOS DEL HECHO / fecha", required: true}
  territory: {column: "DATOS DEL HECHO / municipio", parse: territory, level: 2}
  offence:
    column: "DATOS DEL HECHO / delito"
    map: {Homicidio: "0101", Robo: "0401"}
victim:
  sex: {column: "VÍCTIMA / sexo", map: {Mujer: female, Hombre: male}}
  age: {column: "VÍCTIMA / edad", parse: integer}
"""


def refused(
    ws: Workspace, state_of: StateOf, spec: Path | str, file: Path, error: type = CiudadanaError
) -> str:
    """Ingest ``file``, expect ``error``, check nothing stored changed; return the message."""
    before = state_of(ws)
    with pytest.raises(error) as caught:
        ingest_file(ws, spec, file)
    assert state_of(ws) == before
    return " ".join(caught.value.message.split())


def findings(query: Query, ws: Workspace, report: LoadReport) -> list[tuple[object, ...]]:
    """The load's findings flattened to (row, column, code), in row order."""
    return query(
        ws,
        "select row_number, column_name, code from findings where load_id = ? "
        "order by row_number, column_name",
        [report.load_id],
    )


def loaded_ids(query: Query, ws: Workspace, report: LoadReport) -> list[tuple[object, ...]]:
    return query(
        ws,
        "select row_number, record_id from events where load_id = ? order by row_number",
        [report.load_id],
    )


def workbook(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def merged_workbook(path: Path) -> Path:
    """A title row, a group row with merged cells, the field row, then data."""
    return workbook(
        path,
        [
            ["Denuncias registradas, enero a marzo de 2019"],
            ["DATOS DEL HECHO", None, None, None, "VÍCTIMA", None],
            ["numero", "fecha", "municipio", "delito", "sexo", "edad"],
            ["A1", dt.datetime(2019, 2, 1), "0101", "Homicidio", "Mujer", 30],
            ["A2", "05/03/2019", "Mixco", "Robo", "Hombre", 41],
        ],
        merges=("A2:D2", "E2:F2"),
    )


# -- refused whole ----------------------------------------------------------------------------


def test_a_latin1_file_declared_utf8_is_refused_naming_the_line_and_suggesting_latin1(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    file = small_source.csv(
        [GOOD, ["A2", "01/02/2019", "0101", "Violación", "Mujer", "30"]], encoding="latin-1"
    )
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert message == (
        "denuncias.csv, línea 3: el archivo no está en UTF-8 (byte 0xf3). Probablemente es "
        'Latin-1: declare "encoding: latin-1" en reader, o "auto".'
    )


def test_a_latin1_file_loads_with_its_accents_when_the_spec_says_auto(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    file = small_source.csv(
        [GOOD, ["A2", "01/02/2019", "0101", "Violación", "Mujer", "30"]], encoding="latin-1"
    )
    spec = small_source.spec(small_source.spec_text.replace("encoding: utf-8", "encoding: auto"))
    report = ingest_file(workspace, spec, file)
    assert (report.encoding, report.loaded, report.quarantined) == ("latin-1", 2, 0)
    assert query(workspace, "select national_code from events where row_number = 3") == [
        ("Violación",)
    ]


def test_a_file_cut_in_the_middle_of_a_row_is_refused_as_truncated(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    file = small_source.csv(",".join(GOOD) + "\nA2,01/02/2019,01")
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert message == (
        "denuncias.csv, fila 3: la última fila está incompleta (3 de 6 celdas) y el archivo no "
        "termina en un salto de línea: parece truncado. Pida el archivo completo a la "
        "institución. No se guardó nada."
    )


def test_a_file_cut_inside_a_quoted_cell_is_refused_naming_the_row(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    file = small_source.csv(",".join(GOOD) + '\nA2,01/02/2019,0101,"Homicidio cometido con')
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert message.startswith(
        'denuncias.csv, fila 3: una comilla (") se abre y no se cierra, así que las filas '
        "siguientes no se pueden separar. El archivo parece truncado"
    )


def test_a_quote_left_open_mid_file_is_refused_instead_of_swallowing_the_rows_after_it(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    lines = [",".join(GOOD), 'A2,"01/02/2019,0101,Robo,Hombre,40'] + [
        f"A{i},01/02/2019,0101,Robo,Hombre,40" for i in range(3, 9)
    ]
    file = small_source.csv("\n".join(lines) + "\n")
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert message.startswith('denuncias.csv, fila 3: una comilla (") se abre y no se cierra')


def test_a_missing_required_column_is_named_with_the_closest_header(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    header = ["numero", "fecha_registro", "municipio", "delito", "sexo", "edad"]
    file = small_source.csv([GOOD], header=header)
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert message.startswith(
        "denuncias.csv: falta la columna «fecha» (campo «date_registration»). "
        "¿Es «fecha_registro»? Si la institución cambió el encabezado, agréguelo en «also»"
    )
    assert message.endswith("numero, fecha_registro, municipio, delito, sexo, edad.")


def test_a_header_spelt_differently_suggests_the_closest_one(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    header = ["numero", "Fecha ", "municipio", "delitos", "sexo", "edad"]
    file = small_source.csv([GOOD], header=header)
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert "falta la columna «delito» (campo «offence»). ¿Es «delitos»?" in message


def test_a_spec_with_a_typo_is_refused_pointing_at_its_line(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    spec = small_source.spec(small_source.spec_text.replace("  delimiter:", "  delimitr:"))
    message = refused(workspace, state_of, spec, small_source.csv([GOOD]), InvalidSpec)
    assert "línea 10: reader.delimitr: campo no previsto (¿error de escritura?)" in message


def test_a_spec_mapping_to_a_code_that_is_not_iccs_is_refused(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    spec = small_source.spec(small_source.spec_text.replace('Robo: "0401"', 'Robo: "0499"'))
    message = refused(workspace, state_of, spec, small_source.csv([GOOD]), InvalidSpec)
    assert message.startswith("fields.offence.map: «Robo» -> «0499», que no es un código ICCS.")


def test_a_file_with_only_its_header_is_refused(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    message = refused(workspace, state_of, small_source.spec(), small_source.csv([]))
    assert message == (
        "denuncias.csv: no tiene filas de datos (solo encabezados o títulos). Pida el archivo "
        "completo a la institución."
    )


def test_a_zero_byte_file_is_refused(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    file = small_source.folder / "vacio.csv"
    file.write_bytes(b"")
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert message == (
        "vacio.csv: el archivo está vacío (0 bytes). Pida a la institución que lo envíe de nuevo."
    )


def test_a_file_that_does_not_exist_is_refused(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    file = small_source.folder / "no_llego.csv"
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert message == f"No existe el archivo {file}. Revise la ruta."


def test_a_workbook_renamed_csv_is_refused_when_the_spec_says_csv(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    file = merged_workbook(small_source.folder / "denuncias.csv")
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert message == (
        "denuncias.csv: la especificación dice que es CSV, pero el contenido es XLSX. Revise "
        "que envió el archivo correcto o cambie reader.format."
    )


def test_a_workbook_renamed_csv_is_read_as_a_workbook_when_the_spec_says_auto(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    file = merged_workbook(small_source.folder / "denuncias.csv")
    spec = small_source.spec(XLSX_SPEC.replace("format: xlsx", "format: auto"), "libro.yaml")
    report = ingest_file(workspace, spec, file)
    assert (report.rows_in, report.loaded) == (2, 2)
    assert loaded_ids(query, workspace, report) == [(4, "A1"), (5, "A2")]


def test_a_csv_named_xlsx_is_refused_when_the_spec_says_xlsx(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    file = small_source.csv([GOOD], name="denuncias.xlsx")
    spec = small_source.spec(XLSX_SPEC, "libro.yaml")
    message = refused(workspace, state_of, spec, file, UnreadableFile)
    assert message == (
        "denuncias.xlsx: la especificación dice que es XLSX, pero el contenido es CSV. Revise "
        "que envió el archivo correcto o cambie reader.format."
    )


def test_a_csv_named_xlsx_is_read_as_csv_when_the_spec_says_auto(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    file = small_source.csv([GOOD], name="denuncias.xlsx")
    spec = small_source.spec(small_source.spec_text.replace("format: csv", "format: auto"))
    report = ingest_file(workspace, spec, file)
    assert loaded_ids(query, workspace, report) == [(2, "A1")]


def test_a_warehouse_locked_by_another_process_is_refused_without_traceback(
    workspace: Workspace,
    state_of: StateOf,
    small_source: SmallSource,
    cli_process: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    before = state_of(workspace)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "print('abierto', flush=True)\n"
            "time.sleep(120)\n",
            str(workspace.warehouse_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "abierto"
        result = cli_process(
            "ingest", str(small_source.spec()), str(small_source.csv([GOOD])),
            "--workspace", str(workspace.root),
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1
    assert "Traceback" not in output
    assert f"El almacén {workspace.warehouse_path} está en uso por otro proceso" in output
    assert f"(proceso {holder.pid})" in output
    assert "nada se ha modificado" in output
    assert state_of(workspace) == before


# -- bad rows: quarantined, the rest loads --------------------------------------------------------


def test_an_impossible_date_is_quarantined_naming_row_and_field(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    rows = [GOOD, ["A2", "31/02/2019", "0101", "Robo", "Hombre", "40"]]
    report = ingest_file(workspace, small_source.spec(), small_source.csv(rows))
    assert (report.rows_in, report.loaded, report.quarantined) == (2, 1, 1)
    assert report.quarantined_by_reason == {"invalid-date": 1}
    assert findings(query, workspace, report) == [(3, "fecha", "invalid-date")]
    (message,) = query(workspace, "select message from findings where row_number = 3")[0]
    assert message == (
        'denuncias.csv, fila 3, campo "fecha": "31/02/2019" no es una fecha válida. Use uno de '
        "los formatos declarados (%d/%m/%Y)."
    )


def test_codes_outside_the_territory_list_are_quarantined_as_unknown_territory(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    rows = [
        GOOD,
        ["A2", "01/02/2019", "9999", "Robo", "Hombre", "40"],
        ["A3", "01/02/2019", "2501", "Robo", "Hombre", "40"],
        ["A4", "01/02/2019", "Mixco", "Robo", "Hombre", "40"],
    ]
    report = ingest_file(workspace, small_source.spec(), small_source.csv(rows))
    assert findings(query, workspace, report) == [
        (3, "municipio", "unknown-territory"),
        (4, "municipio", "unknown-territory"),
    ]
    assert query(workspace, "select record_id, territory_code from events order by 1") == [
        ("A1", "0101"),
        ("A4", "0108"),
    ]
    (message,) = query(workspace, "select message from findings where row_number = 3")[0]
    assert message.startswith('denuncias.csv, fila 3, campo "municipio": "9999"')
    assert "Guatemala" in message


def test_a_workbook_with_merged_group_headers_loads_with_joined_header_names(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    file = merged_workbook(small_source.folder / "denuncias.xlsx")
    report = ingest_file(workspace, small_source.spec(XLSX_SPEC, "libro.yaml"), file)
    assert (report.rows_in, report.loaded, report.quarantined) == (2, 2, 0)
    (columns,) = query(workspace, "select columns from loads where load_id = ?", [report.load_id])[
        0
    ]
    assert columns == [
        "DATOS DEL HECHO / numero",
        "DATOS DEL HECHO / fecha",
        "DATOS DEL HECHO / municipio",
        "DATOS DEL HECHO / delito",
        "VÍCTIMA / sexo",
        "VÍCTIMA / edad",
    ]
    events = query(
        workspace,
        """
        select e.row_number, e.record_id, e.date_registration::varchar, e.territory_code,
               e.iccs_code, p.sex, p.age
        from events as e
        join persons as p using (load_id, row_number)
        where e.load_id = ?
        order by e.row_number
        """,
        [report.load_id],
    )
    assert events == [
        (4, "A1", "2019-02-01", "0101", "0101", "female", 30),
        (5, "A2", "2019-03-05", "0108", "0401", "male", 41),
    ]


def test_rows_with_missing_or_extra_cells_are_quarantined_and_the_rest_keep_their_numbers(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    text = (
        "A1,01/02/2019,0101,Homicidio,Mujer,30\n"
        "A2,01/02/2019,0101,Robo,Hombre\n"  # a cell short: the rest may have shifted
        "A3,01/02/2019,0101,Robo,Hombre,40,sobra\n"
        "A4,01/02/2019,0101,Robo,Hombre,40\n"
    )
    report = ingest_file(workspace, small_source.spec(), small_source.csv(text))
    assert (report.rows_in, report.loaded, report.quarantined) == (4, 2, 2)
    assert findings(query, workspace, report) == [
        (3, None, "malformed-row"),
        (4, None, "malformed-row"),
    ]
    assert loaded_ids(query, workspace, report) == [(2, "A1"), (5, "A4")]
    messages = [m for (m,) in query(workspace, "select message from findings order by row_number")]
    assert messages[0].startswith(
        "denuncias.csv, fila 3: la fila no se puede separar en columnas (tiene 5 celdas y el "
        "encabezado 6)."
    )
    raw = query(workspace, "select raw from restricted.quarantine where row_number = 4")[0][0]
    assert "A3,01/02/2019,0101,Robo,Hombre,40,sobra" in raw


def test_a_line_break_inside_a_quoted_cell_is_kept_and_rows_are_counted_as_records(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    rows = [["A1\nbis", *GOOD[1:]], ["A2, con coma", *GOOD[1:]], ['A3 "el Chino"', *GOOD[1:]]]
    report = ingest_file(workspace, small_source.spec(), small_source.csv(rows))
    assert loaded_ids(query, workspace, report) == [
        (2, "A1\nbis"),
        (3, "A2, con coma"),
        (4, 'A3 "el Chino"'),
    ]


def test_blank_lines_are_skipped_without_shifting_the_row_numbers(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    text = "A1,01/02/2019,0101,Homicidio,Mujer,30\n\nA3,31/02/2019,0101,Robo,Hombre,40\n"
    text += "A4,01/02/2019,0101,Robo,Hombre,40\n"
    report = ingest_file(workspace, small_source.spec(), small_source.csv(text))
    assert (report.rows_in, report.loaded, report.quarantined) == (3, 2, 1)
    assert findings(query, workspace, report) == [(4, "fecha", "invalid-date")]
    assert loaded_ids(query, workspace, report) == [(2, "A1"), (5, "A4")]


def test_a_utf8_file_with_the_byte_order_mark_excel_writes_matches_its_headers(
    workspace: Workspace, small_source: SmallSource
) -> None:
    file = small_source.csv([GOOD], encoding="utf-8-sig")
    assert file.read_bytes().startswith(b"\xef\xbb\xbfnumero,")
    report = ingest_file(workspace, small_source.spec(), file)
    assert (report.rows_in, report.loaded) == (1, 1)


def test_windows_line_ends_with_a_blank_line_and_a_multiline_cell_keep_the_row_numbers(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    text = (
        "numero,fecha,municipio,delito,sexo,edad\r\n"
        "A1,01/02/2019,0101,Homicidio,Mujer,30\r\n"
        "\r\n"
        "A3,31/02/2019,0101,Robo,Hombre,40\r\n"
        'A4,01/02/2019,0101,"Robo\r\nagravado",Hombre,40\r\n'
        "A5,01/02/2019,0101,Robo,Hombre,40\r\n"
    )
    report = ingest_file(workspace, small_source.spec(), small_source.csv(text, header=None))
    assert findings(query, workspace, report) == [
        (4, "fecha", "invalid-date"),
        (5, "delito", "unmapped-offence"),
    ]
    assert loaded_ids(query, workspace, report) == [(2, "A1"), (6, "A5")]


def test_a_windows_1252_file_keeps_its_curly_apostrophe_when_the_spec_says_auto(
    workspace: Workspace, small_source: SmallSource, query: Query
) -> None:
    file = small_source.csv([GOOD, ["A’s", *GOOD[1:]]], encoding="cp1252")
    spec = small_source.spec(small_source.spec_text.replace("encoding: utf-8", "encoding: auto"))
    report = ingest_file(workspace, spec, file)
    assert report.encoding == "cp1252"
    assert loaded_ids(query, workspace, report) == [(2, "A1"), (3, "A’s")]


def test_a_file_mixing_windows_and_unix_line_ends_is_refused_saying_so(
    workspace: Workspace, state_of: StateOf, small_source: SmallSource
) -> None:
    text = "A1,01/02/2019,0101,Homicidio,Mujer,30\r\nA2,01/02/2019,0101,Robo,Hombre,40\r\n"
    file = small_source.csv(text)  # the header ends in \n, the rows in \r\n
    message = refused(workspace, state_of, small_source.spec(), file, UnreadableFile)
    assert message.startswith(
        "denuncias.csv: no se puede leer como CSV: mezcla finales de línea de Windows (\\r\\n) "
        "y de Unix (\\n)."
    )
