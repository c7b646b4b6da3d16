"""Every P.I.P.P.I. form renders with a label for each input, and what the équipe enters
(the demo's sample data) survives a browser submission and passes the server-side check."""

from datetime import date

import pytest

from engine.definitions.forms import FormLibrary
from tests.conftest import ROOT
from tests.unit.act_samples import SAMPLES as ACTS
from tests.unit.test_formkit_roundtrip import BrowserSubmission, submitted
from web import demo_data_pippi as d
from web.formkit import parse_form, render_form

LIBRARY = FormLibrary(ROOT / "forms")
DAY = date(2026, 9, 1)
SAMPLES = {
    "preassessment": d.segnalazione(DAY), "consenso": d.consenso(DAY),
    "assessment_t0": d.assessment_t0(DAY), "assessment_t1": d.assessment_t1(DAY),
    "assessment_t2": d.assessment_t2(DAY), "progetto_quadro": d.progetto_quadro(DAY),
    "esito_azione": d.esito_azione(DAY, "in_parte"), "avvio_dispositivo": d.avvio(DAY),
    "registro_dispositivo": d.registro(DAY, "sicurezza"),
    "incontro_em": d.incontro_em(DAY, sicurezza=True), "chiusura": d.chiusura(DAY, "B"),
    "validazione_chiusura": d.validazione(DAY, validata=False),
    "valutazione_sicurezza": d.valutazione_sicurezza(DAY), "revisione_ritardo": d.revisione(DAY),
    **ACTS["pippi"],  # the acts recorded from the case file
}


def test_every_pippi_form_has_sample_data():
    assert sorted(SAMPLES) == sorted(p.stem for p in (ROOT / "forms" / "pippi").glob("*.json"))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_browser_submission_of_a_pippi_form_round_trips(name):
    key, data = f"pippi/{name}", SAMPLES[name]
    schema = LIBRARY.schema(key)
    html = str(render_form(schema, data, {}))
    page = BrowserSubmission()
    page.feed(html)
    assert all(target in page.ids for target in page.labels_for)
    assert parse_form(schema, submitted(html)) == data
    assert LIBRARY.validate(key, data) == []
