"""Sign-in and sign-out pages."""

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..extensions import db
from ..i18n import CHOSEN, LANGUAGES
from ..redirects import safe_next
from . import sessions
from .signin import SignInRefused, authenticate
from .throttle import Attempt, remember_device, throttle

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
        return _attempt(form)
    return render_template("auth/login.html", form=form)


def _attempt(form: SignInForm):
    """Check the credentials, unless this address, account or device must wait first."""
    attempt = Attempt.of_request(form.username.data)
    wait = throttle().wait(attempt)
    if wait:
        flash(_("Demasiados intentos de ingreso. Espere %(seconds)s segundos y vuelva a "
                "intentarlo.", seconds=wait), "error")
        response = make_response(render_template("auth/login.html", form=form), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        user = authenticate(db.session, form.username.data, form.password.data)
    except SignInRefused:
        throttle().failed(attempt)
        flash(_("Usuario o contraseña incorrectos."), "error")
        return render_template("auth/login.html", form=form), 401
    sessions.begin(user)
    login_user(user)
    response = redirect(safe_next(request.args.get("next")))
    return remember_device(response, form.username.data)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out: the session ends on the server, so a copied cookie is worthless too."""
    sessions.end_current("signout")
    logout_user()
    flash(_("Sesión cerrada."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/language", methods=["POST"])
def language():
    """Remember the language chosen: the person's, or (before signing in) this browser's
    until the person signs in and keeps it."""
    choice = request.form.get("locale")
    if choice in LANGUAGES and current_user.is_authenticated:
        current_user.locale = choice
        db.session.commit()
    elif choice in LANGUAGES:
        session[CHOSEN] = choice
    return redirect(safe_next(request.form.get("next")))
