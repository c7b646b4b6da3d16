"""A process problem as the modeler shows it: where (file, element, line), the reason worded
in the reader's language, and what to do about it."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..problem_words import REASON_FIXES, word_problem

FIXES = {
    "process.user_task": _l("Selecciónela y complete el grupo Acompaña: formulario, plazo "
                            "de los ajustes, y un carril con rol."),
    "process.xml_syntax": _l("Corrija el archivo o descarte el borrador para volver a la "
                             "versión publicada."),
    "process.unsupported_element": _l("Cámbielo por una tarea de usuario, una tarea de "
                                      "script o una compuerta exclusiva."),
    "process.no_start_event": _l("Agregue un evento de inicio desde la paleta."),
    "process.settings_invalid": _l("Revise los ajustes del programa."),
    "process.never_runs": _l("Conecte el elemento al flujo o elimínelo."),
    "process.unsafe_code": _l("Escriba la expresión en Python con las funciones "
                              "permitidas (plazo, recordatorio, duracion)."),
    "process.subprocess_in_lane": _l("Saque el subproceso del carril."),
    "process.not_valid_bpmn": _l("Revise el elemento señalado: sus conexiones y "
                                 "propiedades."),
    "process.no_bpmn": _l("Agregue un diagrama BPMN al borrador."),
    "process.foreign_expression": _l("Reescríbalo en Python en el panel de propiedades "
                                     "(p. ej. aprobado == True)."),
    "process.cannot_run": _l("Cámbielo por una tarea de usuario o una tarea de script, o "
                             "elimínelo."),
    "import.encoding_fallback": _l("Revise los acentos de los nombres; en la otra "
                                   "herramienta, guarde el archivo como UTF-8."),
}
GENERIC_FIX = _l("Revise el elemento señalado.")


def as_json(problem) -> dict:
    """``problem`` (a ProcessProblem) as the modeler's problem list and markers read it: the
    reason worded, the fix (the common cases' own, else the code's) and the engine's own
    English text as ``detail``, which the page shows folded."""
    own = REASON_FIXES.get(f"{problem.code}:{problem.params.get('reason')}")
    fix = gettext(own) if own else str(FIXES.get(problem.code, GENERIC_FIX))
    return {"file": problem.file, "element": problem.element, "line": problem.line,
            "code": problem.code, "text": word_problem(problem), "fix": fix,
            "detail": problem.message}
