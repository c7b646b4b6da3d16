"""Every short form of an act (and of the steps acts start) renders each input with a label,
accepts what a person would enter, and parses back from a browser's submission unchanged."""

from pathlib import Path

import pytest

from engine import FormLibrary
from tests.unit.act_samples import SAMPLES
from tests.unit.test_formkit_roundtrip import BrowserSubmission, submitted
from web.formkit import parse_form, render_form

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = FormLibrary(ROOT / "forms")
CASES = [(p, name) for p, forms in SAMPLES.items() for name in forms]


@pytest.mark.parametrize(("programme", "name"), CASES)
def test_an_act_form_round_trips_through_a_browser(programme, name):
    key, data = f"{programme}/{name}", SAMPLES[programme][name]
    schema = LIBRARY.schema(key)
    html = str(render_form(schema, data, {}))
    page = BrowserSubmission()
    page.feed(html)
    assert all(target in page.ids for target in page.labels_for)
    assert LIBRARY.validate(key, data) == []
    assert parse_form(schema, submitted(html)) == data


def test_the_move_forms_need_a_destination_and_a_person():
    for key in ("familias/acto_traslado", "pippi/atto_trasferimento",
                "comunidad_crece/acto_traslado"):
        fields = {e.field for e in LIBRARY.validate(key, {})}
        assert len(fields) == 4, key
