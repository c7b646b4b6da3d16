"""The new-case form, and the household members typed one per line."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

MEMBERS_LABEL = _l("Integrantes (uno por línea: nombre, edad, parentesco, documento)")
RELATIONSHIP_LABELS = {
    "head": _l("jefe/a de hogar"), "partner": _l("pareja"), "child": _l("hijo/a"),
    "parent": _l("padre/madre"), "sibling": _l("hermano/a"), "grandparent": _l("abuelo/a"),
    "grandchild": _l("nieto/a"), "other_relative": _l("otro familiar"),
    "other": _l("otra persona"),
}
RELATIONSHIP_WORDS = {  # what caseworkers type, in Spanish, Italian or English
    "head": ("jefe/a de hogar", "jefe de hogar", "jefa de hogar", "jefe", "jefa",
             "capofamiglia", "persona di riferimento", "head"),
    "partner": ("pareja", "esposo", "esposa", "cónyuge", "conviviente", "coniuge", "partner",
                "marito", "moglie", "coniuge/partner"),
    "child": ("hijo/a", "hijo", "hija", "figlio/a", "figlio", "figlia", "child"),
    "parent": ("padre/madre", "padre", "madre", "genitore", "parent"),
    "sibling": ("hermano/a", "hermano", "hermana", "fratello/sorella", "fratello", "sorella",
                "sibling"),
    "grandparent": ("abuelo/a", "abuelo", "abuela", "nonno/a", "nonno", "nonna",
                    "grandparent"),
    "grandchild": ("nieto/a", "nieto", "nieta", "nipote", "grandchild"),
    "other_relative": ("otro familiar", "altro parente", "other relative", "other_relative"),
    "other": ("otra persona", "altra persona", "other person", "other"),
}
_RELATIONSHIP = {word: code for code, words in RELATIONSHIP_WORDS.items() for word in words}


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


def parse_members(text: str) -> list[dict]:
    """``Carla Rojas, 34, jefa de hogar, 12.345.678-5`` lines into canonical members
    (``{"name", "age", "relationship", "national_id"}``); every column after the name may be
    left out or blank. An age that is not a plain number is left out; a relationship that is
    not recognised is kept as typed, for the household schema to refuse beside the field."""
    members = []
    for line in (text or "").splitlines():
        name, age, relationship, national_id = ([*line.split(",", 3), "", "", ""])[:4]
        if not name.strip():
            continue
        entry = {"name": name.strip()}
        if age.strip().isascii() and age.strip().isdecimal() and len(age.strip()) <= 3:
            entry["age"] = int(age.strip())  # "²" or "٣" are digits, but not ages
        if relationship.strip():
            entry["relationship"] = _RELATIONSHIP.get(relationship.strip().lower(),
                                                      relationship.strip())
        if national_id.strip():
            entry["national_id"] = national_id.strip()
        members.append(entry)
    return members
