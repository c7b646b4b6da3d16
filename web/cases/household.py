"""Changing a case's household after it was opened (family name, address, members), and the
history of those changes: ``/cases/<id>/household``. Policy: the case's caseworker and the
supervisors of its territory (engine.policy ``edit_household``)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

import engine
from engine import policy, unit_of_work
from engine.core.errors import InvalidInput

from ..access import actor, require
from ..admin import access_log
from ..auth.people import full_name
from ..extensions import db
from ..messages import HOUSEHOLD_PARTS as PART_LABELS
from .forms import MEMBERS_LABEL, RELATIONSHIP_LABELS, RELATIONSHIP_WORDS, parse_members
from .household_errors import placed_errors
from .views import bp


class HouseholdForm(FlaskForm):
    """The household's details as they can change while the case runs."""

    family_name = StringField(_l("Familia (apellidos)"), validators=[DataRequired(),
                                                                     Length(max=200)])
    address = StringField(_l("Dirección"), validators=[Optional(), Length(max=300)])
    members = TextAreaField(MEMBERS_LABEL, validators=[Optional(), Length(max=4000)])


def _relationship_word(code: str | None) -> str:
    """A relationship as the person would type it back (their language's word if
    :func:`parse_members` reads it, else the Spanish one)."""
    if not code:
        return ""
    label = str(RELATIONSHIP_LABELS.get(code, code))
    words = RELATIONSHIP_WORDS.get(code, ())
    return label if label.lower() in words else (words[0] if words else code)


def members_text(members) -> str:
    """The members one per line, in the shape the form reads back."""
    lines = []
    for m in members:
        parts = [m.name, "" if m.age is None else str(m.age), _relationship_word(m.relationship),
                 m.national_id or ""]
        lines.append(", ".join(parts).rstrip(", "))
    return "\n".join(lines)


def _kept_birth_dates(typed: list[dict], old) -> list[dict]:
    """A member's birth date (not in the one-line shape) stays with the member's name."""
    births = {m.name: m.birth_date for m in old if m.birth_date}
    return [{**m, "birth_date": births[m["name"]]}
            if m["name"] in births and "birth_date" not in m else m for m in typed]


@bp.route("/<id:case_id>/household", methods=["GET", "POST"])
@login_required
def household(case_id: int):
    """The household's details to change (422 with each error beside its field)."""
    view = engine.show_case(db.session, case_id, actor())
    case = view.case
    require(policy.EDIT_HOUSEHOLD, case)
    form = HouseholdForm()
    if not form.is_submitted():
        access_log.viewed(access_log.CASE_FILE, f"{case.id} household", case)
        form.family_name.data = case.household.family_name
        form.address.data = case.household.address
        form.members.data = members_text(view.members)
    elif form.validate():
        members = _kept_birth_dates(parse_members(form.members.data), view.members)
        try:
            with unit_of_work(db.session):
                changed = engine.update_household(
                    db.session, case_id, actor(), family_name=form.family_name.data,
                    address=form.address.data, members=members)
        except InvalidInput as invalid:
            for name, message in placed_errors(invalid.errors):
                field = form._fields.get(name, form.family_name)
                field.errors = [*field.errors, message]
        else:
            flash(_("Datos del hogar guardados.") if changed else _("No había cambios."),
                  "success" if changed else "info")
            return redirect(url_for("cases.household", case_id=case_id))
    status = 422 if form.is_submitted() else 200
    return render_template("cases/household.html", case=case, form=form,
                           history=history(case_id)), status


def history(case_id: int) -> list[dict]:
    """Each change to the household: who, when, and each part from what to what."""
    rows = []
    for event in engine.household_history(db.session, case_id, actor()):
        parts = []
        for part, change in (event.data or {}).get("changed", {}).items():
            before, after = change.get("from"), change.get("to")
            if part == "members":
                before, after = _names(before), _names(after)
            parts.append({"label": str(PART_LABELS.get(part, part)),
                          "before": before or "—", "after": after or "—"})
        rows.append({"by": full_name(event.actor), "at": event.at, "parts": parts})
    return rows


def _names(members) -> str:
    return "; ".join(str(m.get("name") or m.get("nombre") or m.get("nome") or "")
                     for m in members or [] if isinstance(m, dict))
