"""Items no published source gives are marked where a caseworker fills them in: provisional
Matriz indicators, the reconstructed sub-items of Il Mondo del Bambino and the Triple P
instruments — a badge beside each, its explanation as a tooltip and once atop the form."""

import re
from pathlib import Path

import pytest

from engine.definitions.forms import FormLibrary
from web.formkit import render_form

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = FormLibrary(ROOT / "forms")
REFERENCES = {"matriz_bienestar": LIBRARY.reference("matriz_bienestar")}
BADGE = re.compile(r'<span class="badge formkit-provenance formkit-provenance--(\w+)"')


def rendered(key: str, translate=lambda s: s) -> str:
    return str(render_form(LIBRARY.schema(key), {}, {}, translate=translate,
                           references=REFERENCES))


def row_of(page: str, code: str) -> str:
    """The grid row of indicator ``code``."""
    return page.split(f'<span class="formkit-grid-code">{code}</span>')[1].split("</tr>")[0]


def test_provisional_matriz_indicators_carry_a_badge_and_known_ones_do_not():
    page = rendered("familias/diagnostico")
    data = REFERENCES["matriz_bienestar"]["indicadores"]
    known = next(i["codigo"] for i in data if i.get("conocido"))
    provisional = next(i["codigo"] for i in data if i.get("conocido") is False)
    assert "formkit-provenance--provisional" in row_of(page, provisional)
    assert "formkit-provenance" not in row_of(page, known)
    badges = BADGE.findall(page)
    marked = sum(1 for i in data if i.get("conocido") is False)
    assert badges.count("provisional") == marked + 1  # each row, and the note atop the form


def test_the_note_atop_the_form_says_what_the_badge_means():
    page = rendered("familias/diagnostico")
    note = page.split('<div class="formkit-provenance-notes" role="note">')[1].split("</div>")[0]
    assert "Ítem provisional: redactado para Acompaña" in note
    assert 'title="Ítem provisional' in page  # the tooltip beside each item


@pytest.mark.parametrize("key", ["pippi/assessment_t0", "pippi/assessment_t1",
                                 "pippi/assessment_t2"])
def test_every_mondo_del_bambino_sub_item_is_marked_reconstructed(key):
    page = rendered(key)
    assert BADGE.findall(page).count("reconstructed") == 18 + 1
    label = page.split("Salute e crescita")[1].split("</legend>")[0]
    assert "formkit-provenance--reconstructed" in label
    date_field = page.split("Data dell&#39;assessment")[1].split("</label>")[0]
    assert "formkit-provenance" not in date_field


@pytest.mark.parametrize("key", ["triple_p/cuestionarios_iniciales",
                                 "triple_p/cuestionarios_finales"])
def test_the_triple_p_instruments_are_marked_reconstructed(key):
    page = rendered(key)
    assert BADGE.findall(page).count("reconstructed") == 3 + 1
    assert "formkit-provenance" not in page.split("Observaciones")[1].split("</label>")[0]


def test_the_badge_is_worded_by_the_translate_function():
    page = rendered("triple_p/cuestionarios_iniciales",
                    translate=lambda s: {"reconstruido": "reconstructed"}.get(s, s))
    assert ">reconstructed<" in page


def test_a_form_without_marked_items_has_no_note():
    assert "formkit-provenance" not in rendered("familias/primer_contacto")


def test_the_comunidad_crece_risk_and_protective_factors_are_marked_provisional():
    page = rendered("comunidad_crece/evaluacion_ingreso")
    assert BADGE.findall(page).count("provisional") == 2 + 1  # two checklists, the note
    for title in ("Factores de riesgo", "Factores protectores"):
        legend = page.split(f">{title}")[1].split("</legend>")[0]
        assert "formkit-provenance--provisional" in legend, title
    age = page.split(">Edad")[1].split("</label>")[0]
    assert "formkit-provenance" not in age
