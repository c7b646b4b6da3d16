"""The few interface words formkit writes itself.

Each goes through the ``translate`` function given to ``render_form``; the ``_`` marker lets
``pybabel extract`` (which scans ``web/**.py``) put them in the message catalogue.
"""


def _(text: str) -> str:
    return text


YES = _("Sí")
NO = _("No")
ADD = _("Agregar")
REMOVE = _("Quitar")
REQUIRED = _("obligatorio")
CHOOSE = _("Elegir…")
INDICATOR = _("Indicador")
SUMMARY = _("Revise lo siguiente:")
UNANSWERED = _("Sin respuesta")
CORRECTED = _("corregido")
STATE = _("Estado")
RECONSTRUCTED = _("reconstruido")
PROVISIONAL = _("provisional")
RECONSTRUCTED_NOTE = _("Ítem reconstruido: no viene de un documento publicado del programa, "
                       "se rehízo a partir de descripciones parciales. Contrástelo con el "
                       "material oficial antes de basar una decisión en él.")
PROVISIONAL_NOTE = _("Ítem provisional: redactado para Acompaña mientras no se conozca el "
                     "oficial (la lista completa no es pública); será reemplazado.")
SENSITIVE = _("dato sensible")
SENSITIVE_NOTE = _("Dato sensible: solo lo leen las personas cuyo rol lo necesita; para las "
                   "demás aparece como reservado en la historia y en las exportaciones.")
