"""The case file's people: who holds the case (transfer it to a colleague) and the people
named to its posts (its tutor, its home educator, its referent: the process says which),
each chosen with a picker of the people the engine policy lets take it; and the same posts
on the new-case form."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import policy, unit_of_work

from ..access import actor, may
from ..auth.people import full_name, staff_member, who_may
from ..extensions import db
from ..messages import word_error
from .views import bp

REFUSALS = (engine.NotAllowed, engine.Conflict, engine.InvalidTaskData)


def about_the_person(refused: engine.EngineError) -> bool:
    """Whether a refusal is about the person chosen (worded beside the picker) rather than
    about the reader (a 403/404 of the policy, logged by the error handler)."""
    return (refused.code or "").startswith("routing.") or isinstance(refused,
                                                                      engine.InvalidTaskData)


@bp.app_template_global("case_routing")
def case_routing(case) -> dict:
    """What the case file's people panel shows: the holder, and whom the transfer picker
    offers (empty when the reader may not transfer the case)."""
    transfer = []
    if case.status == "open" and may(policy.TRANSFER_CASE, case):
        post = policy.Post(case, policy.CASEWORKER)
        transfer = [u for u in who_may(policy.TAKE_POST, post) if u.username != case.caseworker]
    return {"holder": full_name(case.caseworker), "transfer": transfer,
            "posts": _posts(case)}


def _posts(case) -> list[dict]:
    """Each post of the case: its name, who holds it, and (to those who may name people)
    whom its picker offers."""
    naming = case.status == "open" and may(policy.NAME_CASE_PERSON, case)
    named = case.people or {}
    shown = []
    for post in engine.posts_of_case(db.session, case):
        label = post.lane or post.name
        offered = (who_may(policy.TAKE_POST, policy.Post(case, post.role, label))
                   if naming else [])
        shown.append({"name": post.name, "label": label, "holder": full_name(
            named.get(post.name)), "offered": offered, "current": named.get(post.name)})
    return shown


@bp.route("/<id:case_id>/people", methods=["POST"])
@login_required
def name_person(case_id: int):
    """Name a person to one of the case's posts; their open steps of that post move."""
    post = request.form.get("post", "")
    try:
        with unit_of_work(db.session):
            case = engine.name_case_person(db.session, case_id, post,
                                           request.form.get("to", ""), actor(),
                                           staff=staff_member)
            named = (case.people or {}).get(post)
    except REFUSALS as refused:
        if not about_the_person(refused):
            raise
        flash(word_error(refused), "error")
    else:
        flash(_("%(name)s quedó a cargo.", name=full_name(named)), "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.app_template_global("opening_posts")
def opening_posts(form) -> list[dict]:
    """The posts of each programme the new-case form offers, with the people who may take
    them in the person's territories (the engine checks the territory chosen)."""
    shown = []
    for key, name in form.programme.choices:
        if not key:
            continue
        for post in engine.posts_of_programme(db.session, key):
            shown.append({"programme": key, "programme_name": name, "name": post.name,
                          "label": post.lane or post.name,
                          "offered": _may_hold(post.role, form.territory.choices)})
    return shown


def _may_hold(role: str | None, territories) -> list:
    codes = {code for code, _name in territories}
    return [u for u in _active() if u.has_role(role or "")
            and any(t.code in codes for t in u.territories)]


def _active() -> list:
    from sqlalchemy import select

    from ..auth.models import User
    return db.session.scalars(select(User).where(User.active.is_(True))
                              .order_by(User.full_name)).all()


def opening_people(form: dict, programme: str) -> dict:
    """The people chosen on the new-case form for ``programme``'s posts (fields
    ``post:<programme>:<post>``), by post."""
    prefix = f"post:{programme}:"
    return {name.removeprefix(prefix): value.strip() for name, value in form.items()
            if name.startswith(prefix) and value.strip()}


@bp.route("/<id:case_id>/transfer", methods=["POST"])
@login_required
def transfer(case_id: int):
    """Give the whole case to another caseworker; their open steps follow it."""
    try:
        with unit_of_work(db.session):
            case = engine.transfer_case(db.session, case_id, request.form.get("to", ""),
                                        actor(), staff=staff_member)
            holder = case.caseworker
    except REFUSALS as refused:
        if not about_the_person(refused):
            raise
        flash(word_error(refused), "error")
    else:
        flash(_("Caso transferido a %(name)s.", name=full_name(holder)), "success")
    return redirect(url_for("cases.show", case_id=case_id))
