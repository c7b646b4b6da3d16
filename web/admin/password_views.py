"""The pages a one-time link opens: choosing one's password (an invitation, a reset), and
asking for a reset link by e-mail. Nobody is signed in on them; a link that is unknown,
spent or expired says so and changes nothing."""

from contextlib import suppress

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth.throttle import reset_throttle
from . import links

bp = Blueprint("password", __name__)
WORDS = {"short": lambda: _("La contraseña debe tener al menos %(n)s caracteres.",
                            n=links.MIN_PASSWORD),
         "long": lambda: _("La contraseña puede tener a lo más %(n)s caracteres.",
                           n=links.MAX_PASSWORD),
         "mismatch": lambda: _("Las dos contraseñas no coinciden.")}


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Choose a password with a valid link; the link is then spent."""
    row = links.valid(token)
    if row is None:
        return render_template("admin/password_link_dead.html"), 410
    problems = []
    if request.method == "POST":
        password = request.form.get("password", "")
        problems = links.password_errors(password, request.form.get("again", ""))
        if not problems:
            user = links.redeem(row, password)
            flash(_("Contraseña guardada. Ingrese con el usuario %(username)s.",
                    username=user.username), "success")
            return redirect(url_for("auth.login"))
    return render_template("admin/password_set.html", problems=[WORDS[p]() for p in problems],
                           invite=row.purpose == links.INVITE), 422 if problems else 200


@bp.route("/password/forgotten", methods=["GET", "POST"])
def forgotten():
    """Ask for a reset link: the same answer whether or not the account exists."""
    if request.method == "POST":
        name = request.form.get("name", "")
        if len(name) > 200:
            abort(400)
        person = links.person_for_reset(name) if reset_throttle().allowed(name) else None
        if person is not None and person.email:
            # the answer must not tell whether the account exists
            with suppress(links.MailNotSetUp, OSError):
                links.send(person, links.RESET, person.username)
        flash(_("Si la cuenta existe y tiene correo, le enviamos un enlace para elegir una "
                "nueva contraseña."), "success")
        return redirect(url_for("auth.login"))
    return render_template("admin/password_forgotten.html")
