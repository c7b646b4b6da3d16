"""Inbox pages: my tasks, tasks to pick up, claim, release, reassign."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import queries, unit_of_work
from engine.core import clock
from engine.queries import InboxFilter

from ..access import actor
from ..auth.people import full_name, staff_member
from ..cases.routing import about_the_person
from ..extensions import db
from ..messages import word_error
from ..names import step_name
from ..redirects import safe_next

bp = Blueprint("inbox", __name__)


@bp.route("/")
@login_required
def index():
    """My tasks or tasks to pick up, filtered, sorted by due date and paginated."""
    who = actor()
    inbox = InboxFilter.from_args(request.args)
    page = queries.inbox_page(db.session, who, inbox, clock.now())
    programmes = queries.programmes_in_reach(db.session, who)
    return render_template("inbox/index.html", page=page, inbox=inbox, now=clock.now(),
                           programmes=programmes,
                           steps=queries.step_choices(db.session, who, inbox))


@bp.route("/tasks/<task_id>/claim", methods=["POST"])
@login_required
def claim(task_id: str):
    """Take a task from the pool."""
    with unit_of_work(db.session):
        row = engine.claim(db.session, task_id, actor())
    flash(_("Tarea «%(title)s» asignada a usted.", title=step_name(row)), "success")
    return redirect(safe_next(request.form.get("next"), url_for("tasks.show", task_id=task_id)))


@bp.route("/tasks/<task_id>/release", methods=["POST"])
@login_required
def release(task_id: str):
    """Give a task back to the pool."""
    with unit_of_work(db.session):
        engine.release(db.session, task_id, actor())
    flash(_("Tarea devuelta a las tareas por tomar."), "info")
    return redirect(url_for("inbox.index"))


@bp.route("/tasks/<task_id>/reassign", methods=["POST"])
@login_required
def reassign(task_id: str):
    """A supervisor gives a task to someone the picker offered (the policy's ``take_task``);
    anyone else is refused with why (unknown, lacking the role, another territory)."""
    row = engine.get_task(db.session, task_id, actor())
    try:
        with unit_of_work(db.session):
            done = engine.reassign(db.session, task_id, request.form.get("assignee", ""),
                                   actor(), staff=staff_member)
            to_user = done.assignee
    except (engine.NotAllowed, engine.InvalidTaskData) as refused:
        if not about_the_person(refused):
            raise
        flash(word_error(refused), "error")
    else:
        flash(_("Tarea «%(title)s» reasignada a %(user)s.", title=step_name(row),
                user=full_name(to_user)), "success")
    return redirect(safe_next(request.form.get("next")))
