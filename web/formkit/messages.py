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
