"""Administración → Personas: the people of the countries an administrator administers,
searched, created (and invited by e-mail), edited with their roles per territory, their open
cases and steps handed to a colleague, deactivated. Every check is the engine policy's
(``administer``, ``manage_person``, ``administer_territory``)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select

import engine
from engine import policy

from ..access import actor
from ..auth.models import ROLES, User
from ..auth.people import person, staff_member
from ..extensions import db
from ..field_errors import message
from ..i18n import LANGUAGES
from . import accounts, links
from .territory_choice import administered_territories

bp = Blueprint("people_admin", __name__, url_prefix="/admin")
MAX_QUERY = 100


@bp.before_request
@login_required
def _administrators_only():
    """Only administrators (of some country) reach these pages."""
    policy.require(db.session, actor(), policy.ADMINISTER, None)


def _manageable(users):
    allowed = {a.username for a in policy.manageable(db.session, actor(),
                                                      [accounts.account(u) for u in users])}
    return [u for u in users if u.username in allowed]


@bp.get("/people")
def people():
    """Everyone the administrator may manage, searched by name, username or e-mail."""
    q = request.args.get("q", "")[:MAX_QUERY].strip()
    query = select(User).order_by(User.active.desc(), User.full_name)
    if q:
        like = f"%{q}%"
        query = query.where(or_(User.full_name.ilike(like), User.username.ilike(like),
                                User.email.ilike(like)))
    rows = _manageable(db.session.scalars(query).all())
    return render_template("admin/people.html", people=rows, q=q, codes=_codes())


def _codes() -> dict[int, str]:
    return {t.id: t.name for t in administered_territories()}


def _form_details() -> accounts.Details:
    form = request.form
    return accounts.Details(form.get("full_name", ""), form.get("email", ""),
                            form.get("locale", "es"))


def _form_roles() -> list[tuple[str, str]]:
    pairs = []
    for value in request.form.getlist("role")[:200]:
        role, _at, code = value.partition("@")
        pairs.append((code, role))
    return pairs


def _errors(error: engine.InvalidTaskData) -> dict[str, str]:
    return {e.field: message(e, _WORDS) for e in error.errors}


@bp.route("/people/new", methods=["GET", "POST"])
def new_person():
    """Create a person and e-mail them the invitation that sets their password."""
    errors = {}
    if request.method == "POST":
        try:
            links.require_mail()
            user = accounts.create_person(request.form.get("username", ""), _form_details(),
                                          _form_roles(), actor())
            db.session.flush()
            links.send(user, links.INVITE, actor().id)
        except engine.InvalidTaskData as error:
            db.session.rollback()
            errors = _errors(error)
        except links.MailNotSetUp:
            db.session.rollback()
            errors = {"email": _("No hay servidor de correo configurado (MAIL_SERVER): no se "
                                 "puede enviar la invitación.")}
        except OSError:  # the account is kept; the invitation goes again from its page
            flash(_("No se pudo enviar el correo: revise la dirección y el servidor de "
                    "correo."), "error")
            return redirect(url_for("people_admin.person_page", username=user.username))
        else:
            flash(_("%(name)s fue creada/o; le enviamos la invitación a %(email)s.",
                    name=user.full_name, email=user.email), "success")
            return redirect(url_for("people_admin.person_page", username=user.username))
    return _person_form(None, errors)


def _person_form(user: User | None, errors: dict, status: int | None = None):
    chosen = set(request.form.getlist("role")) if request.method == "POST" else {
        f"{role}@{t.code}" for t in (user.territories if user else [])
        for tid, role in (user.role_pairs if user else []) if tid == t.id}
    page = render_template("admin/person_form.html", user=user, errors=errors,
                           territories=administered_territories(), roles=ROLES,
                           chosen=chosen, languages=LANGUAGES, form=request.form,
                           held=engine.workload(db.session, user.username) if user else None,
                           colleagues=_colleagues(user) if user else [])
    return page, status or (422 if errors else 200)


def _colleagues(user: User) -> list[User]:
    rows = db.session.scalars(select(User).where(User.active.is_(True),
                                                 User.id != user.id)
                              .order_by(User.full_name)).all()
    mine = user.territory_ids
    return [u for u in rows if u.territory_ids & mine]


def _person(username: str) -> User:
    found = person(username)
    if found is None or not policy.may(db.session, actor(), policy.MANAGE_PERSON,
                                       accounts.account(found)):
        abort(404)
    return found


@bp.route("/people/<username>", methods=["GET", "POST"])
def person_page(username: str):
    """A person: details, roles per territory, what they hold, hand-over and deactivation."""
    user = _person(username)
    if request.method == "POST":
        try:
            accounts.edit_person(user, _form_details(), _form_roles() + _kept_roles(user),
                                 actor())
            db.session.commit()
        except engine.InvalidTaskData as error:
            db.session.rollback()
            return _person_form(user, _errors(error))
        flash(_("Cambios guardados."), "success")
        return redirect(url_for("people_admin.person_page", username=username))
    return _person_form(user, {})


def _kept_roles(user: User) -> list[tuple[str, str]]:
    """Roles in territories this administrator does not administer: the form cannot show
    them, so they stay as they are."""
    mine = {t.id for t in administered_territories()}
    codes = {t.id: t.code for t in user.territories}
    return [(codes[t], role) for t, role in user.role_pairs if t not in mine and t in codes]


@bp.post("/people/<username>/hand-over")
def hand_over(username: str):
    """Give the person's open cases and steps to the colleague chosen."""
    user = _person(username)
    colleague = request.form.get("to", "")[:64]
    try:
        with engine.unit_of_work(db.session):
            cases, steps = engine.hand_over(db.session, accounts.account(user), colleague,
                                            actor(), staff=staff_member)
    except (engine.NotAllowed, engine.Conflict) as error:
        from ..messages import word_error

        flash(word_error(error), "error")
        return redirect(url_for("people_admin.person_page", username=username))
    flash(_("%(cases)s caso(s) y %(steps)s paso(s) entregados a %(to)s.", cases=cases,
            steps=steps, to=colleague), "success")
    return redirect(url_for("people_admin.person_page", username=username))


@bp.post("/people/<username>/deactivate")
def deactivate(username: str):
    """Deactivate the person (their sessions end); refused while they hold open work."""
    user = _person(username)
    try:
        accounts.deactivate(user, actor())
        db.session.commit()
    except engine.Conflict as error:
        from ..messages import word_error

        db.session.rollback()
        flash(word_error(error), "error")
        return redirect(url_for("people_admin.person_page", username=username))
    flash(_("%(name)s fue desactivada/o; sus sesiones terminaron.", name=user.full_name),
          "success")
    return redirect(url_for("people_admin.people"))


@bp.post("/people/<username>/activate")
def activate(username: str):
    """Let the person sign in again."""
    accounts.activate(_person(username), actor())
    db.session.commit()
    return redirect(url_for("people_admin.person_page", username=username))


@bp.post("/people/<username>/reset")
def send_reset(username: str):
    """E-mail the person a link to choose a new password."""
    user = _person(username)
    try:
        links.send(user, links.RESET, actor().id)
    except (links.MailNotSetUp, OSError):
        db.session.rollback()
        flash(_("No se pudo enviar el correo: revise la dirección y el servidor de correo."),
              "error")
    else:
        flash(_("Le enviamos a %(email)s un enlace para elegir una nueva contraseña.",
                email=user.email), "success")
    return redirect(url_for("people_admin.person_page", username=username))


_WORDS = {
    "unknown_territory": lambda limit: _("No existe el territorio %(code)s.", code=limit),
    "email": lambda limit: _("No es una dirección de correo."),
    "pattern": lambda limit: _("Use de 2 a 64 letras minúsculas, números, puntos o guiones."),
    "duplicate": lambda limit: _("Ya existe uno con este valor."),
}


def _all_words():
    from ..field_errors import MESSAGES

    return {**MESSAGES, **_WORDS}


_WORDS = _all_words()


from . import words as _words  # noqa: E402 - the templates' words, on this blueprint

_words.register(bp)
