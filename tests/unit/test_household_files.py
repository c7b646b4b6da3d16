"""A registry export read as a registry writes it (UTF-8 with or without a byte-order mark,
Latin-1, ``;`` or ``,``, JSON), hostile files refused with the rule they break, and the
mapping from its columns to the household schema."""

import json

import pytest

from engine.core.errors import InvalidInput
from engine.definitions import household_files, household_mapping

ROWS = "RUT;Apellidos;Dirección\n12.345.678-5;Muñoz Peña;Ñandú 4\n"


@pytest.mark.parametrize("content, encoding, separator", [
    (ROWS.encode("utf-8"), "utf-8", ";"),
    (("\ufeff" + ROWS).encode("utf-8"), "utf-8-sig", ";"),
    (ROWS.encode("latin-1"), "windows-1252", ";"),
    (ROWS.replace(";", ",").encode("cp1252"), "windows-1252", ","),
    (ROWS.replace(";", "\t").encode("utf-8"), "utf-8", "\t"),
    ((ROWS + "1;\x81;x\n").encode("latin-1"), "iso-8859-1", ";"),
])
def test_encodings_and_separators(content, encoding, separator):
    table = household_files.read(content, "rsh.csv")
    assert (table.encoding, table.separator) == (encoding, separator)
    assert table.columns == ["RUT", "Apellidos", "Dirección"]
    assert table.rows[0] == (2, {"RUT": "12.345.678-5", "Apellidos": "Muñoz Peña",
                                 "Dirección": "Ñandú 4"})


def test_quoted_cells_keep_their_separators_and_line_numbers_count_blank_lines():
    table = household_files.read(b'RUT,Apellidos\n\n1,"Rojas, Soto"\n2,"Multi\nline"\n3,x\n')
    assert [n for n, _row in table.rows] == [3, 4, 6]
    assert table.rows[0][1]["Apellidos"] == "Rojas, Soto"


def test_json_lists_and_an_object_with_one_list():
    listed = household_files.read(json.dumps([{"rut": "1", "apellidos": "A"}]).encode())
    wrapped = household_files.read(json.dumps({"hogares": [{"rut": "1"}]}).encode(), "x.json")
    assert listed.kind == wrapped.kind == "json" and listed.separator is None
    assert listed.columns == ["rut", "apellidos"] and wrapped.rows == [(1, {"rut": "1"})]


@pytest.mark.parametrize("content, code", [
    (b"", "required"),
    (b"  \n\n", "required"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "encoding"),
    ("RUT;A\n1;2\n".encode("utf-16"), "encoding"),
    (b"\xef\xbb\xbfRUT;A\n\xff\xfe;2\n", "encoding"),
    (b"RUT;A\x07\n1;2\n", "encoding"),
    (b"RUT;;A\n1;2;3\n", "columns"),
    (b"RUT;RUT\n1;2\n", "columns"),
    (b"[1, 2]", "file_format"),
    (b"{\"a\": [1], \"b\": [2]}", "file_format"),
    (b"[NaN]", "file_format"),
    (b"[" * 100_000, "file_format"),
    (b"[]", "required"),
    (("c" + ";c" * 150 + "\n").encode(), "maxItems"),
])
def test_hostile_files_are_refused_with_the_rule_they_break(content, code):
    with pytest.raises(InvalidInput) as refused:
        household_files.read(content, "rsh.csv")
    assert [(e.field, e.code) for e in refused.value.errors] == [("file", code)]


def test_a_file_over_the_limits_is_refused(monkeypatch):
    with pytest.raises(InvalidInput) as refused:
        household_files.read(b"x" * (household_files.MAX_BYTES + 1))
    assert refused.value.errors[0].code == "size"
    monkeypatch.setattr(household_files, "MAX_ROWS", 3)
    with pytest.raises(InvalidInput) as refused:
        household_files.read(b"a\n1\n2\n3\n4\n5\n")
    assert refused.value.errors[0].code == "maxItems"


def test_the_mapping_is_guessed_from_the_names_registries_use():
    assert household_mapping.guess(["RUT", "Apellidos", "Dirección", "Nombre",
                                     "Fecha de nacimiento", "Edad", "Integrantes", "Otro"]) == {
        "national_id": "RUT", "family_name": "Apellidos", "address": "Dirección",
        "head_name": "Nombre", "head_birth_date": "Fecha de nacimiento", "head_age": "Edad",
        "members": "Integrantes"}
    assert household_mapping.guess(["codice_fiscale", "Cognome", "Indirizzo"]) == {
        "national_id": "codice_fiscale", "family_name": "Cognome", "address": "Indirizzo"}


def test_mapping_errors_name_each_target():
    errors = household_mapping.mapping_errors({"national_id": "RUT", "x": "y",
                                               "address": "nope"}, ["RUT"])
    assert {(e.field, e.code) for e in errors} == {
        ("mapping.x", "unknown"), ("mapping.family_name", "required"),
        ("mapping.address", "columns")}
    assert household_mapping.mapping_errors(["RUT"], ["RUT"])[0].code == "type"


def test_a_row_becomes_a_household_with_its_reference_person_first():
    mapping = {"national_id": "rut", "family_name": "ap", "head_name": "n",
               "head_birth_date": "f", "head_age": "e", "members": "m"}
    data, errors = household_mapping.candidate(
        {"rut": "12.345.678-5", "ap": "Rojas", "n": "Carla", "f": "31/03/1990", "e": "35",
         "m": "Leo Rojas, 9, hijo\nAna Rojas, 7, hija, 9.876.543-3"}, mapping)
    assert errors == []
    assert data["members"] == [
        {"name": "Carla", "relationship": "head", "national_id": "12.345.678-5", "age": 35,
         "birth_date": "1990-03-31"},
        {"name": "Leo Rojas", "age": 9, "relationship": "child"},
        {"name": "Ana Rojas", "age": 7, "relationship": "child", "national_id": "9.876.543-3"}]


@pytest.mark.parametrize("row, field, code", [
    ({"rut": "", "ap": "Rojas"}, "national_id", "required"),
    ({"rut": "1", "ap": " "}, "family_name", "required"),
    ({"rut": "1", "ap": "R" * 201}, "family_name", "maxLength"),
    ({"rut": "1", "ap": "R", "e": "treinta"}, "head_age", "whole_number"),
    ({"rut": "1", "ap": "R", "f": "30/02/1990"}, "head_birth_date", "format"),
    ({"rut": ["1"], "ap": "R"}, "national_id", "type"),
    ({"rut": "1", "ap": "R", "m": 7}, "members", "type"),
    ({"__extra__": 5}, "(row)", "columns"),
])
def test_what_a_row_cannot_even_be_read_as(row, field, code):
    mapping = {"national_id": "rut", "family_name": "ap", "head_name": "n", "head_age": "e",
               "head_birth_date": "f", "members": "m"}
    row = {"n": "Carla", **row}
    _data, errors = household_mapping.candidate(row, mapping)
    assert (field, code) in [(e.field, e.code) for e in errors]
