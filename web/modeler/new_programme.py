"""Creating a programme from scratch, from the starting template, then designing it in the
modeler (``POST /programmes/new``)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

import engine
from engine import policy, unit_of_work
from engine.commands.new_programme import create_programme

from ..access import actor, require
from ..extensions import db
from ..field_errors import translated
from .views import bp


class NewProgrammeForm(FlaskForm):
    """The key, name and country of a new programme."""

    key = StringField(_l("Clave (minúsculas, cifras y _)"))
    name = StringField(_l("Nombre del programa"))
    country = SelectField(_l("País"), choices=[SelectChoice("CL", "Chile"),
                                                       SelectChoice("IT", "Italia")])


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_programme():
    """The form, and the programme created from the template on a valid submit."""
    require(policy.MANAGE_PROGRAMME)
    form = NewProgrammeForm()
    if not form.validate_on_submit():
        return render_template("modeler/new.html", form=form, errors={})
    key = (form.key.data or "").strip()
    try:
        with unit_of_work(db.session):
            create_programme(db.session, actor(), key=key, name=form.name.data or "",
                             country=form.country.data)
    except engine.InvalidTaskData as error:
        return render_template("modeler/new.html", form=form,
                               errors=translated(error.errors)), 422
    flash(_("Programa creado desde la plantilla. Diséñelo aquí y publíquelo cuando esté "
            "listo: hasta entonces no se pueden abrir casos."), "success")
    return redirect(url_for("modeler.page", key=key))
