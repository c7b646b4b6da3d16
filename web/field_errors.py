"""Form error messages in the person's language, from the engine's error codes."""

from flask_babel import gettext as _

from engine import FieldError

from .messages import member_name, purpose_name


def _options(limit) -> str:
    return ", ".join(map(str, limit or []))


def _frame(limit, key: str):
    """One figure of a full frame's ``limit`` (``{"used": 10, "capacity": 10}``)."""
    return limit.get(key, "—") if isinstance(limit, dict) else "—"


def _consent(limit) -> str:
    """Whose consent a step needs, and for what (engine.commands.consents)."""
    limit = limit if isinstance(limit, dict) else {}
    if limit.get("unlisted"):
        return _("Falta el consentimiento del adulto responsable para %(purpose)s: agréguelo a "
                 "los integrantes del hogar y registre su consentimiento en la ficha del caso "
                 "(Consentimientos) antes de completar este paso.",
                 purpose=purpose_name(limit.get("purpose")))
    return _("Falta el consentimiento de %(member)s para %(purpose)s: regístrelo en la ficha "
             "del caso (Consentimientos) antes de completar este paso.",
             member=member_name(limit.get("member")), purpose=purpose_name(limit.get("purpose")))


MESSAGES = {
    "required": lambda limit: _("Este campo es obligatorio."),
    "type": lambda limit: _("Tipo de dato incorrecto."),
    "enum": lambda limit: _("Elija una de las opciones: %(options)s.", options=_options(limit)),
    "format": lambda limit: _("Formato inválido (use p. ej. 2026-03-31)."),
    "minimum": lambda limit: _("Debe ser mayor o igual que %(limit)s.", limit=limit),
    "maximum": lambda limit: _("Debe ser menor o igual que %(limit)s.", limit=limit),
    "minLength": lambda limit: (_("No puede estar vacío.") if limit == 1
                                else _("Mínimo %(limit)s caracteres.", limit=limit)),
    "maxLength": lambda limit: _("Máximo %(limit)s caracteres.", limit=limit),
    "minItems": lambda limit: _("Agregue al menos %(limit)s elemento(s).", limit=limit),
    "const": lambda limit: _("Debe marcarse.") if limit is True else _("Valor no permitido."),
    "pattern": lambda limit: _("Formato inválido."),
    "characters": lambda limit: _("Contiene caracteres no válidos (p. ej. un carácter nulo)."),
    "maxItems": lambda limit: _("Máximo %(limit)s elementos.", limit=limit),
    "unknown_person": lambda limit: _("No hay una persona activa con ese usuario."),
    "not_caseworker": lambda limit: _("Esta persona no lleva casos."),
    "not_in_territory": lambda limit: _("Esta persona no trabaja en el territorio elegido."),
    "unknown": lambda limit: _("Este campo no existe aquí."),
    "amount": lambda limit: _("Indique días o meses, no ambos."),
    "duplicate": lambda limit: _("Ya existe uno con este valor."),
    "country": lambda limit: _("No hay calendario de feriados para este país."),
    "timezone": lambda limit: _("No es una zona horaria (p. ej. America/Santiago)."),
    "nul": lambda limit: _("Contiene caracteres no válidos (p. ej. un carácter nulo)."),
    "size": lambda limit: _("Demasiado grande (máximo %(kb)s KB).", kb=(limit or 0) // 1024),
    "national_id_checksum": lambda limit: _("El dígito verificador del %(document)s no "
                                            "corresponde.", document=limit),
    "national_id_format": lambda limit: _("No es un %(document)s válido.", document=limit),
    "household_exists": lambda limit: (
        _("Ya hay una familia registrada con este documento en el territorio: %(name)s.",
          name=limit["family_name"]) if isinstance(limit, dict)
        else _("Ya hay una familia registrada con este documento en el territorio.")),
    "no_change": lambda limit: _("La corrección no cambia ninguna respuesta."),
    "file_type": lambda limit: _("Solo se aceptan archivos PDF, PNG o JPEG."),
    "encoding": lambda limit: _("El archivo no está en UTF-8: guárdelo como UTF-8 (CSV UTF-8)."),
    "file_format": lambda limit: _("El archivo no es una lista de indicadores en CSV o JSON."),
    "columns": lambda limit: _("Faltan columnas; la primera línea debe nombrar al menos: "
                               "%(columns)s.", columns=_options(limit if isinstance(limit, list)
                                                               else None)),
    "consent_missing": _consent,
    "frame_full": lambda limit: _(
        "El territorio ya tomó a cargo %(used)s de %(capacity)s familias en esta "
        "implementación: la familia podrá entrar en la próxima.",
        used=_frame(limit, "used"), capacity=_frame(limit, "capacity")),
}


def message(error: FieldError, messages: dict | None = None) -> str:
    """One field error in the current language (a rule with no wording reads as a generic
    sentence in that language, never the engine's own text)."""
    worded = (messages or MESSAGES).get(error.code)
    return worded(error.limit) if worded else _("Valor no válido.")


def translated(errors: list[FieldError]) -> dict[str, str]:
    """``{field path: message}`` in the current language."""
    return {e.field: message(e) for e in errors}
