"""A form library says which form files are not valid JSON Schemas, the same every time it is
asked (the answer is kept per schema text: deploys check every form)."""

import json

from engine.definitions.forms import FormLibrary


def test_a_broken_schema_is_named_every_time_and_a_good_one_passes(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "bueno.json").write_text(json.dumps(
        {"type": "object", "properties": {"nombre": {"type": "string"}}}), encoding="utf-8")
    (tmp_path / "p" / "malo.json").write_text(json.dumps(
        {"type": "object", "properties": {"edad": {"type": "numero"}}}), encoding="utf-8")
    library = FormLibrary(tmp_path)
    assert library.check("p/bueno") == [] == FormLibrary(tmp_path).check("p/bueno")
    first, again = library.check("p/malo"), FormLibrary(tmp_path).check("p/malo")
    assert first == again and len(first) == 1
    assert "form 'p/malo' is not a valid JSON Schema" in first[0] and "numero" in first[0]
    assert library.check("p/falta")[0].startswith("form 'p/falta' not found")


def test_a_form_that_is_not_json_is_named(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "roto.json").write_text("{ no es json", encoding="utf-8")
    [problem] = FormLibrary(tmp_path).check("p/roto")
    assert problem.startswith("form 'p/roto' is not a valid JSON Schema")
