"""The new-case form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class NewCaseForm(FlaskForm):
    """A household and the programme that will follow it."""

    family_name = StringField(_l("Familia (apellidos)"), validators=[DataRequired(),
                                                                     Length(max=200)])
    address = StringField(_l("Dirección"), validators=[Optional(), Length(max=300)])
    members = TextAreaField(_l("Integrantes (uno por línea: nombre, edad)"),
                            validators=[Optional(), Length(max=4000)])
    programme = SelectField(_l("Programa"), validators=[DataRequired()])
    territory = SelectField(_l("Territorio"), validators=[DataRequired()])
    caseworker = SelectField(_l("Profesional a cargo"), validators=[DataRequired()])


def parse_members(text: str) -> list[dict]:
    """``Carla Rojas, 34`` lines into ``{"nombre": "Carla Rojas", "edad": 34}`` entries."""
    members = []
    for line in (text or "").splitlines():
        name, _, age = line.partition(",")
        if name.strip():
            entry = {"nombre": name.strip()}
            if age.strip().isascii() and age.strip().isdecimal() and len(age.strip()) <= 3:
                entry["edad"] = int(age.strip())  # "²" or "٣" are digits, but not ages
            members.append(entry)
    return members
