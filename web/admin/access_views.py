"""Administración → who may do what for one programme: in each territory of the
administrator's countries that runs it, the policy's answers per role and the people holding
each role (the territory page shows the same for one territory)."""

from flask import Blueprint, abort, render_template
from flask_login import login_required
from sqlalchemy import select

from engine import policy
from engine.commands import programme_territories
from engine.persistence.models import Programme
from engine.queries.permissions import permissions

from ..access import actor
from ..auth.models import User
from ..extensions import db
from .territory_choice import administered_territories

bp = Blueprint("admin_access", __name__, url_prefix="/admin/programmes")


@bp.before_request
@login_required
def _administrators_only():
    policy.require(db.session, actor(), policy.ADMINISTER, None)


def people_by_role(territory_id: int) -> dict[str, list[User]]:
    """The active people holding each role in a territory, by name."""
    people = {role: [] for role in policy.ROLES}
    for user in db.session.scalars(select(User).where(User.active.is_(True))
                                   .order_by(User.full_name)):
        for role in user.actor().roles_in(territory_id):
            people.setdefault(role, []).append(user)
    return people


@bp.get("/<key>/access")
def programme_access(key: str):
    """Who may do what for programme ``key``, territory by territory."""
    programme = db.session.get(Programme, key[:64])
    if programme is None:
        abort(404)
    running = set(programme_territories.territories_of(db.session, programme.key))
    territories = [t for t in administered_territories() if t.code in running]
    sections = [(t, permissions(db.session, t, programme), people_by_role(t.id))
                for t in territories]
    return render_template("admin/programme_access.html", programme=programme,
                           sections=sections, roles=policy.ROLES)
