"""The settings form: one group of fields per deadline rule, one field per cycle.

The engine validates (the same rules as the command line); this module only turns the form
into the engine's ``{"plazos.diagnostico.dias": 45}`` changes and puts the engine's errors
back beside the fields they name.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from engine import FieldError
from engine.programmes.settings import ESCALATE_TO, ProgrammeSettings

from ..deadline_text import anchor_name
from ..field_errors import MESSAGES
from ..field_errors import message as field_message

UNITS = {"habiles": _l("días hábiles"), "corridos": _l("días corridos"), "meses": _l("meses")}
INPUT_OF = {"titulo": "titulo", "dias": "cantidad", "meses": "cantidad", "tipo": "unidad",
            "desde": "desde", "aviso_dias": "aviso_dias", "escala_a": "escala_a"}
ESCALATIONS = {"supervisor": _l("la supervisión del territorio"),
               "manager": _l("la gestión del programa en el territorio"),
               "caseworker": _l("la persona a cargo del caso")}
SETTING_MESSAGES = {
    **MESSAGES,
    "whole_number": lambda limit: _("Debe ser un número entero mayor o igual que 0."),
    "reminder": lambda limit: _("El aviso no puede llegar antes de que empiece el plazo: "
                                "como máximo %(limit)s días.", limit=limit),
    "title": lambda limit: _("Escriba un título de 1 a 200 caracteres."),
    "escalation": lambda limit: _("Elija a quién más avisar: %(options)s.", options=", ".join(
        str(ESCALATIONS[w]) for w in ESCALATE_TO)),
    "duration": lambda limit: _("Use una duración ISO 8601 en años, meses, semanas o días, "
                                "p. ej. P1M o P14D."),
    "version_anchor": lambda limit: _(
        "Hay casos en curso en una versión del proceso que no registra ese dato; elija: "
        "%(options)s.", options=", ".join(anchor_name(a) for a in limit or [])),
    "needed_by_version": lambda limit: _(
        "Los casos en curso de la versión %(limit)s del proceso usan este valor: no se puede "
        "quitar.", limit=limit),
}


class DeadlineForm(Form):
    """One deadline rule: its title, amount and unit, anchor, and reminder."""

    titulo = StringField(_l("Título"))
    cantidad = StringField(_l("Plazo"))
    unidad = SelectField(_l("Unidad"), choices=[SelectChoice(value, label)
                                                for value, label in UNITS.items()],
                         validate_choice=False)
    desde = SelectField(_l("Desde"), validate_choice=False)
    aviso_dias = StringField(_l("Aviso (días antes)"))
    escala_a = SelectField(_l("Al vencer, avisar además a"),
                           choices=[SelectChoice(value, ESCALATIONS[value])
                                    for value in ESCALATE_TO], validate_choice=False)


def settings_form(settings: ProgrammeSettings, anchors: dict[str, list[str]],
                  based_on: str) -> FlaskForm:
    """The form for ``settings``, filled with their values (or with what was submitted)."""
    fields = {f"plazo_{key}": FormField(DeadlineForm, label=rule.title)
              for key, rule in settings.deadlines.items()}
    fields |= {f"ciclo_{key}": StringField(key) for key in settings.cycles}
    fields["based_on"] = HiddenField()
    form = type("ProgrammeSettingsForm", (FlaskForm,), fields)(
        data={**initial_values(settings), "based_on": based_on})
    for key in settings.deadlines:
        form[f"plazo_{key}"].form.desde.choices = [SelectChoice(a, anchor_name(a))
                                                   for a in anchors[key]]
    return form


def initial_values(settings: ProgrammeSettings) -> dict:
    """The form's values for ``settings``, as text, keyed like the form's fields."""
    values = {}
    for key, rule in settings.deadlines.items():
        months = rule.months is not None
        values[f"plazo_{key}"] = {
            "titulo": rule.title, "cantidad": str(rule.months if months else rule.days),
            "unidad": "meses" if months else rule.kind, "desde": rule.anchor,
            "aviso_dias": str(rule.reminder_days), "escala_a": rule.escalate_to}
    values |= {f"ciclo_{key}": period for key, period in settings.cycles.items()}
    return values


def changes_from(form: FlaskForm, settings: ProgrammeSettings) -> dict[str, object]:
    """The engine changes for what the person altered (untouched values are not sent)."""
    initial = initial_values(settings)
    changes = {}
    for key in settings.deadlines:
        before, after = initial[f"plazo_{key}"], form[f"plazo_{key}"].data
        changes |= _rule_changes(key, before, after)
    for key in settings.cycles:
        value = (form[f"ciclo_{key}"].data or "").strip()
        if value != initial[f"ciclo_{key}"]:
            changes[f"ciclos.{key}"] = value
    return changes


def _rule_changes(key: str, before: dict, after: dict) -> dict[str, object]:
    where = f"plazos.{key}."
    after = {name: (value or "").strip() for name, value in after.items()}
    changes = {}
    if (after["cantidad"], after["unidad"]) != (before["cantidad"], before["unidad"]):
        amount = _number(after["cantidad"])
        if after["unidad"] == "meses":
            changes[where + "meses"] = amount
        else:
            changes |= {where + "dias": amount, where + "tipo": after["unidad"]}
    for name in ("titulo", "desde", "escala_a"):
        if after[name] != before[name]:
            changes[where + name] = after[name]
    if after["aviso_dias"] != before["aviso_dias"]:
        changes[where + "aviso_dias"] = _number(after["aviso_dias"])
    return changes


def _number(text: str):
    """A whole number as a number; anything else as typed, for the engine to refuse."""
    return int(text) if re.fullmatch(r"-?\d{1,9}", text) else text


def place_errors(form: FlaskForm, errors: list[FieldError]) -> list[str]:
    """Put each error beside its field, in the person's language; return those with no field."""
    unplaced = []
    for error in errors:
        message = field_message(error, SETTING_MESSAGES)
        field = _field_of(form, error.field)
        if field is None:
            unplaced.append(message)
        else:
            field.errors = [*field.errors, message]
    return unplaced


def _field_of(form: FlaskForm, path: str):
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "plazos" and f"plazo_{parts[1]}" in form:
        name = INPUT_OF.get(parts[2])
        return form[f"plazo_{parts[1]}"].form[name] if name else None
    if len(parts) == 2 and parts[0] == "ciclos" and f"ciclo_{parts[1]}" in form:
        return form[f"ciclo_{parts[1]}"]
    return None
