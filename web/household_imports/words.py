"""A household import's words in the reader's language: the targets of a mapping, the
outcome of a row, and each refused cell as ``Columna «RUT»: El dígito verificador…``."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import FieldError

from ..field_errors import MESSAGES, message  # noqa: F401 - message is the views' too
from ..messages import known, word

TARGETS = {
    "national_id": _l("RUT o codice fiscale de la persona de referencia (clave)"),
    "family_name": _l("Familia (apellidos)"),
    "address": _l("Dirección"),
    "head_name": _l("Nombre de la persona de referencia"),
    "head_birth_date": _l("Fecha de nacimiento de la persona de referencia"),
    "head_age": _l("Edad de la persona de referencia"),
    "members": _l("Otros integrantes (nombre, edad, parentesco, documento; uno por línea o "
                  "separados por |)"),
}
OUTCOMES = {
    "created": _l("se crea"), "updated": _l("se actualiza"), "unchanged": _l("sin cambios"),
    "failed": _l("error"), "pending": _l("pendiente"),
}
DONE = {
    "created": _l("creada"), "updated": _l("actualizada"), "unchanged": _l("sin cambios"),
    "failed": _l("error"), "pending": _l("pendiente"),
}
PARTS = {"family_name": _l("familia"), "address": _l("dirección"), "members": _l("integrantes")}
STATUSES = {"uploaded": _l("por revisar"), "running": _l("importando"), "done": _l("terminada")}
MEMBER = re.compile(r"^members\[(\d+)\](?:\.(\w+))?$")
MEMBER_KEYS = {"name": _l("nombre"), "age": _l("edad"), "birth_date": _l("fecha de nacimiento"),
               "relationship": _l("parentesco"), "national_id": _l("documento")}
IMPORT_MESSAGES = {
    **MESSAGES,
    "duplicate": lambda limit: _("El mismo documento ya está en la fila %(row)s del archivo.",
                                 row=limit),
    "whole_number": lambda limit: _("Debe ser un número entero."),
    "columns": lambda limit: _("La fila tiene más celdas que columnas el encabezado."),
    "type": lambda limit: _("Tipo de dato incorrecto (se esperaba texto)."),
}


def outcome(status: str, done: bool = False) -> str:
    """A row's outcome: what it would do (dry run) or what it did."""
    return str((DONE if done else OUTCOMES).get(status, status))


def parts(changed: list | None) -> str:
    """The parts an update changes, in words."""
    return ", ".join(str(PARTS.get(p, p)) for p in changed or [])


def where(field: str, mapping: dict) -> str:
    """The column (and member) a row's error is about."""
    found = MEMBER.match(field)
    if found is None:
        column = mapping.get(field)
        return _("Columna «%(column)s»", column=column) if column else _("Fila")
    index, key = int(found.group(1)), found.group(2)
    head = "head_name" in mapping
    column = mapping.get("head_name") if head and index == 0 else mapping.get("members")
    number = index if head else index + 1
    text = _("Columna «%(column)s»", column=column or "?")
    if not (head and index == 0):
        text += ", " + _("integrante %(n)s", n=number)
    if key:
        text += ", " + str(MEMBER_KEYS.get(key, key))
    return text


def error_text(error: dict | FieldError, mapping: dict) -> str:
    """One refused cell in words: where, then why."""
    if isinstance(error, FieldError):
        error = {"field": error.field, "code": error.code, "limit": error.limit}
    code = str(error.get("code") or "")
    if "." in code and known(code):
        why = word(code, {})
    else:
        why = message(FieldError(error.get("field") or "", code, "", error.get("limit")),
                      IMPORT_MESSAGES)
    return f"{where(str(error.get('field') or ''), mapping)}: {why}"


def errors_text(errors: list | None, mapping: dict) -> str:
    """Every refused cell of a row, one after the other."""
    return " ".join(error_text(e, mapping) for e in errors or [])


def _megabytes(limit) -> int:
    return limit // (1024 * 1024) if isinstance(limit, int) else 0


FILE_ERRORS = {
    "required": lambda limit: _("El archivo está vacío."),
    "size": lambda limit: _("El archivo es demasiado grande (máximo %(mb)s MB).",
                            mb=_megabytes(limit)),
    "encoding": lambda limit: _("El archivo no es texto (binario o UTF-16): guárdelo como CSV "
                                "UTF-8 o Latin-1."),
    "file_format": lambda limit: _("El archivo no es un CSV ni una lista JSON de familias."),
    "columns": lambda limit: _("La primera línea debe nombrar cada columna, sin nombres "
                               "repetidos ni vacíos."),
    "maxItems": lambda limit: _("El archivo tiene demasiadas filas o columnas (máximo "
                                "%(limit)s).", limit=limit),
}


def file_error(error: FieldError) -> str:
    """Why a whole file was refused."""
    worded = FILE_ERRORS.get(error.code)
    return worded(error.limit) if worded else message(error, IMPORT_MESSAGES)
