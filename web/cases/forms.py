"""The new-case form, and the household members typed one per line."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from engine.definitions.member_lines import (  # noqa: F401 - the form's words and reader
    RELATIONSHIP_WORDS,
    parse_members,
)

MEMBERS_LABEL = _l("Integrantes (uno por línea: nombre, edad, parentesco, documento)")
RELATIONSHIP_LABELS = {
    "head": _l("jefe/a de hogar"), "partner": _l("pareja"), "child": _l("hijo/a"),
    "parent": _l("padre/madre"), "sibling": _l("hermano/a"), "grandparent": _l("abuelo/a"),
    "grandchild": _l("nieto/a"), "other_relative": _l("otro familiar"),
    "other": _l("otra persona"),
}


class NewCaseForm(FlaskForm):
    """A household and the programme that will follow it."""

    family_name = StringField(_l("Familia (apellidos)"), validators=[DataRequired(),
                                                                     Length(max=200)])
    national_id = StringField(_l("RUT o codice fiscale de la persona de referencia"),
                              validators=[Optional(), Length(max=64)])
    address = StringField(_l("Dirección"), validators=[Optional(), Length(max=300)])
    members = TextAreaField(MEMBERS_LABEL, validators=[Optional(), Length(max=4000)])
    programme = SelectField(_l("Programa"), validators=[DataRequired()])
    territory = SelectField(_l("Territorio"), validators=[DataRequired()])
    municipality = SelectField(_l("Municipio (comune) de la familia"), validators=[Optional()],
                               validate_choice=False)  # the engine refuses one it lacks
    caseworker = SelectField(_l("Profesional a cargo"), validators=[DataRequired()])

