"""The name of a file uploaded to the modeler, as it is shown and kept in the history."""

import pytest

from engine.commands.process_import import file_name


@pytest.mark.parametrize("given, kept", [
    ("Atención.bpmn", "Atención.bpmn"),
    ("C:\\Users\\marta\\proceso.bpmn", "proceso.bpmn"),
    ("../../etc/passwd", "passwd"),
    ("a\x00b\u202e.bpmn", "ab.bpmn"),
    ("", "archivo.bpmn"),
    (None, "archivo.bpmn"),
    ("x" * 300 + ".bpmn", "x" * 120),
])
def test_only_the_last_part_printable_and_short_is_kept(given, kept):
    assert file_name(given) == kept
