"""The few interface words formkit writes itself, marked for translation extraction.

formkit passes each through the ``translate`` function it is given; listing them here lets
``pybabel extract`` find them.
"""


def _(text: str) -> str:
    return text


UI_STRINGS = [_("Sí"), _("No"), _("Agregar"), _("Quitar"), _("obligatorio"), _("Elegir…"),
              _("Indicador")]
