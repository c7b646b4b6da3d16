"""The notifications page: what happened to my tasks and my territory's deadlines."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, update

from engine.core import clock
from engine.persistence.models import Case, Event, Household

from ..extensions import db
from .models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def unread_count() -> int:
    """How many unread notifications the signed-in person has."""
    query = select(func.count(Notification.id)).where(
        Notification.username == current_user.username, Notification.read_at.is_(None))
    return db.session.scalar(query) or 0


@bp.route("/")
@login_required
def index():
    """The latest notifications, unread first, each worded in the reader's language."""
    query = (select(Notification, Event, Household.family_name)
             .join(Event, Event.id == Notification.event_id)
             .join(Case, Case.id == Notification.case_id)
             .join(Household, Household.id == Case.household_id)
             .where(Notification.username == current_user.username)
             .order_by(Notification.read_at.is_not(None), Notification.id.desc()).limit(100))
    return render_template("notifications/index.html", items=db.session.execute(query).all())


@bp.route("/read", methods=["POST"])
@login_required
def mark_read():
    """Mark every notification as read."""
    db.session.execute(update(Notification).where(
        Notification.username == current_user.username, Notification.read_at.is_(None))
        .values(read_at=clock.now()))
    db.session.commit()
    return redirect(url_for("notifications.index"))
