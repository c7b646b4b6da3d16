"""A deadline rule in the reader's language, e.g. ``15 días hábiles desde la asignación``."""

from flask_babel import gettext as _
from flask_babel import ngettext

from engine.programmes.settings import STEP_START, DeadlineRule

ANCHORS = {  # the data fields deadlines count from, as a reader calls them
    STEP_START: lambda: _("el inicio del paso"),
    "fecha_asignacion": lambda: _("la asignación del caso"),
    "fecha_ingreso": lambda: _("el ingreso"),
}


def describe_rule(rule: DeadlineRule) -> str:
    """``<title>: <amount> desde <anchor>``, translated."""
    if rule.months is not None:
        amount = ngettext("%(num)d mes", "%(num)d meses", rule.months)
    elif rule.kind == "habiles":
        amount = ngettext("%(num)d día hábil", "%(num)d días hábiles", rule.days)
    else:
        amount = ngettext("%(num)d día corrido", "%(num)d días corridos", rule.days)
    return _("%(title)s: %(amount)s desde %(anchor)s", title=rule.title, amount=amount,
             anchor=anchor_name(rule.anchor))


def anchor_name(anchor: str) -> str:
    """The moment a deadline counts from, as a reader calls it (else the field's name)."""
    named = ANCHORS.get(anchor)
    return named() if named else anchor.replace("_", " ")
