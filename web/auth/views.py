"""Sign-in and sign-out pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from engine import clock

from ..extensions import db
from ..i18n import LANGUAGES
from ..redirects import safe_next
from .signin import SignInRefused, authenticate

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Usuario"), validators=[DataRequired()])
    password = PasswordField(_l("Contraseña"), validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign the person in on valid credentials."""
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = authenticate(db.session, form.username.data, form.password.data, clock.now())
        except SignInRefused as refused:
            message = (_("Demasiados intentos fallidos: la cuenta quedó bloqueada por 15 minutos.")
                       if refused.locked else _("Usuario o contraseña incorrectos."))
            flash(message, "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out."""
    logout_user()
    flash(_("Sesión cerrada."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/language", methods=["POST"])
@login_required
def language():
    """Remember the language the person chose."""
    choice = request.form.get("locale")
    if choice in LANGUAGES:
        current_user.locale = choice
        db.session.commit()
    return redirect(safe_next(request.form.get("next")))
