"""The engine's checks on values from outside: unstorable characters, lengths, ids."""

import pytest

from engine.core.inputs import character_errors, has_unstorable, is_database_id, text_errors


@pytest.mark.parametrize("text", ["\x00", "a\x00", "\ud800", "x\udfffy"])
def test_nul_and_lone_surrogates_cannot_be_stored(text):
    assert has_unstorable(text)


@pytest.mark.parametrize("text", ["", "Rojas Pérez", "😀", "\u202e", "\x01\x1f", "\ufffd"])
def test_other_text_can(text):
    assert not has_unstorable(text)


def test_each_unstorable_place_is_named_by_its_path():
    data = {"ok": "fine", "notas": ["a", "b\x00"], "hogar": {"calle": "\ud800"},
            "bad\x00key": 1, "n": 3}
    assert [e.field for e in character_errors(data)] == ["notas[1]", "hogar.calle",
                                                        "(formulario)"]
    assert {e.code for e in character_errors(data)} == {"characters"}


def test_text_errors_check_blank_length_and_characters():
    assert [e.code for e in text_errors("f", "  ", 10, required=True)] == ["required"]
    assert [e.code for e in text_errors("f", None, 10, required=True)] == ["required"]
    assert text_errors("f", None, 10) == []
    assert [(e.code, e.limit) for e in text_errors("f", "x" * 11, 10)] == [("maxLength", 10)]
    assert text_errors("f", "x" * 10, 10) == []
    assert [e.code for e in text_errors("f", "x\x00", 10)] == ["characters"]


@pytest.mark.parametrize(("value", "valid"), [(1, True), (2**31 - 1, True), (2**31, False),
                                              (0, False), (-1, False), (10**400, False),
                                              (True, False), ("1", False)])
def test_database_ids_fit_an_integer_column(value, valid):
    assert is_database_id(value) is valid
