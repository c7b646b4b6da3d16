"""Every difference between two versions reads as a sentence a manager understands, in
Spanish, Italian and English: none falls back to the generic wording, values are quoted, long
scripts are said to have changed without being copied in."""

import pytest
from flask_babel import force_locale

from tests.unit.test_version_diff import diff  # noqa: F401 - the module's comparison
from web.versions.diff_words import change, word_difference

FALLBACK = {"es": "Otro cambio", "it": "Altra modifica", "en": "Another change"}


def worded(app, lang: str, found) -> list[str]:
    with app.test_request_context(), force_locale(lang):
        return [word_difference(d.code, d.params)
                for group in found.groups.values() for d in group]


@pytest.mark.parametrize("lang", ["es", "it", "en"])
def test_every_difference_has_its_own_sentence_in_each_language(app, diff, lang):  # noqa: F811
    sentences = worded(app, lang, diff)
    assert len(sentences) == len(diff.codes) > 15
    assert not [s for s in sentences if FALLBACK[lang] in s or "%(" in s]


def test_the_spanish_sentences_name_what_changed(app, diff):  # noqa: F811
    said = worded(app, "es", diff)
    assert "Quitado: tarea de una persona «Visita domiciliaria»." in said
    assert ("Cambió tarea de una persona «Cierre del caso»: nombre: «Cierre» → «Cierre del "
            "caso»; carril: «Equipo» → «Jefatura».") in said
    assert ("Plazo «Primer contacto»: días: «15» → «10»; al vencer, avisar a: la supervisión "
            "→ la gestión del programa.") in said
    assert ("«Contacto»: el campo «Canal» cambió: obligatorio: no → sí; opciones nuevas "
            "«videollamada».") in said
    assert ("Cambió flecha «Contacto → Llamada de seguimiento»: destino: «Visita "
            "domiciliaria» → «Llamada de seguimiento».") in said
    assert ("Cambió evento de borde «Aviso (Contacto)»: tipo de temporizador: fecha → "
            "duración; temporizador: «recordatorio(\"contacto\")» → «\"P3D\"».") in said
    assert ("«Nivel de riesgo»: fila nueva 2 (si Puntaje [5..10[, entonces Nivel "
            "\"medio\").") in said


def test_english_reads_english(app, diff):  # noqa: F811
    said = worded(app, "en", diff)
    assert "Removed: task for a person «Visita domiciliaria»." in said
    assert "New deadline «Visita»." in said


def test_a_long_script_is_said_to_have_changed_not_copied(app):
    with app.test_request_context(), force_locale("es"):
        assert change({"attribute": "script", "before": "x = 1\ny = 2",
                       "after": "x = 2"}) == "script cambió"
        assert change({"attribute": "form", "before": None, "after": "mini/a"}) == (
            "formulario: ahora «mini/a»")
