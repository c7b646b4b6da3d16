"""An indicator list read from an uploaded file: every wrong cell named by its row and
column, and nothing read from a file that is too large, not UTF-8 or not CSV/JSON."""

from pathlib import Path

import pytest

from engine.core.errors import InvalidInput
from engine.definitions.forms import FormLibrary
from engine.definitions.reference_files import read_indicators
from tests.integration.test_instrument_loads import BAD_ROW_ERRORS, BAD_ROWS, HEADER

ROOT = Path(__file__).resolve().parents[2]
MATRIZ = FormLibrary(ROOT / "forms").reference("matriz_bienestar")


@pytest.mark.parametrize("content, filename, expected", [
    (BAD_ROWS, "matriz.csv", BAD_ROW_ERRORS),
    ("codigo,texto\ni1,Sin dimensión\n", "m.csv", {("archivo", "columns")}),
    (b"codigo;dimension;texto\ni1;salud;Se\xf1ora\n", "m.csv", {("archivo", "encoding")}),
    (b"", "m.csv", {("archivo", "required")}),
    ('{"indicadores": 3}', "m.json", {("archivo", "file_format")}),
    ("[1, {\"codigo\": \"i1\"}]", "m.json",
     {("fila 1", "type"), ("fila 2.dimension", "required"), ("fila 2.texto", "required")}),
    (HEADER, "m.csv", {("archivo", "minItems")}),
    ("x" * (1024 * 1024 + 1), "m.csv", {("archivo", "size")}),
    ('{"dimensiones": [{"codigo": "a b"}], "indicadores": []}', "m.json",
     {("dimensiones", "type"), ("archivo", "minItems")}),
])
def test_a_bad_file_is_refused_cell_by_cell(content, filename, expected):
    data = content.encode("utf-8") if isinstance(content, str) else content
    with pytest.raises(InvalidInput) as refused:
        read_indicators(data, filename, MATRIZ)
    assert {(e.field, e.code) for e in refused.value.errors} == expected


def test_a_good_list_keeps_the_states_and_dimensions_it_does_not_give():
    found = read_indicators(HEADER.encode() + b"i9;ingresos;Ahorra.;A|B;no\n",
                            "m.csv", MATRIZ)
    assert found["estados"] == MATRIZ["estados"] and found["dimensiones"] == MATRIZ["dimensiones"]
    assert found["indicadores"] == [{"codigo": "i9", "dimension": "ingresos",
                                     "texto": "Ahorra.", "programas": ["A", "B"],
                                     "conocido": False}]
