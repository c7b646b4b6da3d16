"""The form editor's own interface words, in the reader's language, for its JavaScript.

The page hands them to the script as non-executed JSON (the CSP forbids inline scripts).
"""

from flask_babel import lazy_gettext as _l

WORDS = {
    "fields": _l("Campos"),
    "addField": _l("Agregar campo"),
    "addInnerField": _l("Agregar campo al grupo"),
    "remove": _l("Quitar"),
    "moveUp": _l("Subir"),
    "moveDown": _l("Bajar"),
    "name": _l("Nombre interno"),
    "label": _l("Etiqueta"),
    "help": _l("Ayuda"),
    "required": _l("Obligatorio"),
    "kind": _l("Tipo"),
    "choices": _l("Opciones (una por línea: valor | etiqueta)"),
    "reference": _l("Datos de referencia"),
    "formTitle": _l("Título del formulario"),
    "formHelp": _l("Descripción del formulario"),
    "kind.text": _l("Texto"),
    "kind.textarea": _l("Texto largo"),
    "kind.number": _l("Número"),
    "kind.date": _l("Fecha"),
    "kind.boolean": _l("Sí / No"),
    "kind.choice": _l("Una opción"),
    "kind.choices": _l("Varias opciones"),
    "kind.group": _l("Grupo repetible"),
    "kind.grid": _l("Matriz (grilla de indicadores)"),
    "kind.other": _l("Otro (edítelo en JSON)"),
    "json": _l("JSON del formulario"),
    "jsonHelp": _l("Todo lo que los campos de arriba no muestran (condiciones, límites, "
                   "formatos) se edita aquí."),
    "jsonInvalid": _l("El JSON no es válido; el formulario no cambió:"),
    "preview": _l("Vista previa"),
    "previewNote": _l("Así verá el formulario la profesional a cargo."),
    "previewStale": _l("Mientras haya problemas, la vista previa muestra la última versión "
                       "sin problemas."),
    "problems": _l("Problemas"),
    "noProblems": _l("Sin problemas."),
    "save": _l("Guardar en el borrador"),
    "saving": _l("Guardando…"),
    "failed": _l("No se pudo contactar al servidor."),
    "newField": _l("Campo nuevo"),
    "wholeForm": _l("Formulario"),
    "backToModeler": _l("Volver al modelador"),
}


def editor_words() -> dict[str, str]:
    """Every word of :data:`WORDS` in the current language."""
    return {key: str(text) for key, text in WORDS.items()}
