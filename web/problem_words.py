"""Problems of a process (deploy time, the modeler, the importer) worded for the manager: the
common cases (a problem's ``reason`` param) in plain words with their own fix, without the
engine's English ``detail`` (which the modeler shows apart, folded); the others by code,
as :mod:`web.messages` words every engine message."""

from flask_babel import gettext

from .messages import N_, _prepared, word

# the common cases of a problem (its ``reason`` param), worded without the engine's English
# ``detail`` (which the modeler shows apart, folded)
REASON_WORDINGS = {
    "process.user_task:no_form": N_(
        "%(file)s, línea %(line)s: la tarea %(element)s no tiene formulario."),
    "process.user_task:form_missing": N_(
        "%(file)s, línea %(line)s: la tarea %(element)s usa el formulario «%(form)s», que el "
        "borrador no tiene."),
    "process.user_task:form_invalid": N_(
        "%(file)s, línea %(line)s: el formulario «%(form)s» de la tarea %(element)s no es "
        "válido."),
    "process.user_task:no_lane": N_(
        "%(file)s, línea %(line)s: la tarea %(element)s no está en ningún carril."),
    "process.user_task:lane_without_role": N_(
        "%(file)s, línea %(line)s: el carril «%(lane)s» de la tarea %(element)s no tiene rol."),
    "process.user_task:deadline_unknown": N_(
        "%(file)s, línea %(line)s: la tarea %(element)s usa el plazo «%(deadline)s», que los "
        "ajustes del programa no tienen."),
    "process.user_task:assignee_invalid": N_(
        "%(file)s, línea %(line)s: no se entiende quién recibe la tarea %(element)s "
        "(«%(assignee)s»)."),
    "process.not_valid_bpmn:unexpected_element": N_(
        "%(file)s, línea %(line)s, %(element)s: el BPMN no admite <%(tag)s> en este lugar."),
    "process.not_valid_bpmn:attribute_not_allowed": N_(
        "%(file)s, línea %(line)s, %(element)s: el BPMN no admite el atributo «%(tag)s» en "
        "este elemento."),
    "process.not_valid_bpmn:unknown_decision": N_(
        "%(file)s, línea %(line)s, %(element)s: llama a la decisión «%(decision)s», que "
        "ninguna tabla DMN tiene."),
    # a file the importer cannot read, by why (engine.definitions.importing.UnusableImport)
    "import.unusable:empty": N_(
        "%(file)s está vacío: elija el archivo .bpmn correcto."),
    "import.unusable:too_large": N_(
        "%(file)s es demasiado grande para ser un diagrama BPMN: ¿es el archivo correcto?"),
    "import.unusable:dtd": N_(
        "%(file)s declara un DTD o entidades XML, que un diagrama BPMN nunca necesita: por "
        "seguridad no se lee. Expórtelo de nuevo sin ellos."),
    "import.unusable:truncated": N_(
        "%(file)s está cortado (incompleto): expórtelo de nuevo desde la otra herramienta."),
    "import.unusable:not_xml": N_(
        "%(file)s no es un archivo XML bien formado: expórtelo de nuevo como .bpmn desde la "
        "otra herramienta."),
    "import.unusable:not_bpmn": N_(
        "%(file)s es XML, pero no un diagrama BPMN 2.0: elija el archivo .bpmn del proceso."),
    "import.unusable:no_process": N_(
        "%(file)s no tiene ningún proceso con pasos: dibuje al menos un paso en la otra "
        "herramienta o elija otro archivo."),
    "import.unusable:no_such_process": N_(
        "%(file)s no tiene el proceso elegido: vuelva a importarlo y elija uno de los que "
        "lista."),
}
REASON_FIXES = {  # what to do about each of them
    "process.user_task:no_form": N_(
        "Elija uno en el grupo Acompaña o créelo con «Crear formulario»."),
    "process.user_task:form_missing": N_(
        "Elija otro formulario o créelo con «Crear formulario»."),
    "process.user_task:form_invalid": N_(
        "Ábralo en el editor de formularios y corrija lo que señala."),
    "process.user_task:no_lane": N_(
        "Muévala a un carril que tenga rol."),
    "process.user_task:lane_without_role": N_(
        "Seleccione el carril y elija su rol en el grupo Acompaña."),
    "process.user_task:deadline_unknown": N_(
        "Elija otro plazo o defina uno nuevo en el grupo Acompaña."),
    "process.user_task:assignee_invalid": N_(
        "Elija quién la recibe en el grupo Acompaña."),
    "process.not_valid_bpmn:unexpected_element": N_(
        "Quite el elemento o póngalo donde el BPMN lo admite."),
    "process.not_valid_bpmn:attribute_not_allowed": N_(
        "Quite el atributo o corrija cómo está escrito."),
    "process.not_valid_bpmn:unknown_decision": N_(
        "Agregue su archivo DMN o corrija la decisión que llama."),
}


def word_problem(problem) -> str:
    """One problem of a process (deploy time) in the reader's language: its common cases
    (``reason``; a setting and the rule it broke) in plain words, the others by code."""
    params = problem.params
    reason = REASON_WORDINGS.get(f"{problem.code}:{params.get('reason')}")
    if reason is not None:
        return gettext(reason) % _prepared(params)
    if problem.code == "process.settings_invalid" and params.get("field") and params.get("rule"):
        return _setting_problem(params)
    return word(problem.code, params)


def _setting_problem(params: dict) -> str:
    """A setting that broke a rule, as the settings page words it beside its field."""
    from engine import FieldError

    from .field_errors import message as field_message
    from .programmes.forms import SETTING_MESSAGES

    error = FieldError(params["field"], params["rule"], params.get("detail") or "",
                       params.get("limit"))
    return gettext("%(file)s, %(field)s: %(reason)s") % _prepared(
        {**params, "reason": field_message(error, SETTING_MESSAGES)})
