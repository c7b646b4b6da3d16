"""The case file's "Transferencias": the family's money transfers month by month.

Everyone who may see the case reads the page (engine.queries.transfers); the Jefe/a de Unidad
marks a due transfer paid, the case's AFI (or a supervisor) records a month's Control Niño
Sano proof or a member's achievement — each asked of the engine's policy, each kept in the
case history. A refusal or a transfer that changed meanwhile is said in words on the page,
with its status (403, 409), and changes nothing.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput
from engine.queries import transfers as transfer_queries

from ..access import actor, require
from ..extensions import db
from ..field_errors import translated
from ..messages import ACHIEVEMENTS, TRANSFER_STATUS, pesos, word, word_error
from .views import bp

MAX_CHOICE = 8  # characters of a member's index in the household


@bp.app_template_filter("pesos")
def _pesos(amount) -> str:
    return pesos(amount)


@bp.app_template_global()
def transfer_status(status: str) -> str:
    """A transfer's status in the reader's language."""
    return str(TRANSFER_STATUS.get(status, status))


@bp.app_template_global()
def transfer_reason(code: str | None) -> str:
    """Why a transfer was withheld, in the reader's language."""
    return word(code) if code else ""


@bp.app_template_global()
def achievement_name(key: str) -> str:
    """An achievement's name in the reader's language."""
    return str(ACHIEVEMENTS.get(key, key))


@bp.app_template_global()
def achievement_of(row, case) -> str:
    """``formalización laboral — Pedro Soto``: an achievement transfer's what and whose."""
    key, _sep, index = (row.detail or "").partition(":")
    members = case.household.members or []
    name = members[int(index)].get("name") if index.isdigit() and int(index) < len(
        members) else ""
    return f"{achievement_name(key)} — {name}" if name else achievement_name(key)


@bp.app_template_global()
def transfer_title(case, kind: str) -> str:
    """A kind of transfer as the case's programme names it (``Bono de Protección``)."""
    return transfer_queries.title_of(case, kind)


@bp.app_template_global()
def has_transfers(case) -> bool:
    """Whether the case file links to the family's transfers (its programme has them)."""
    return transfer_queries.has_transfers(db.session, case)


def _page(case_id: int, status: int = 200, refusal: str | None = None,
          errors: dict | None = None):
    found = transfer_queries.family_transfers(db.session, case_id, actor())
    return render_template("cases/transfers.html", found=found, case=found.case,
                           refusal=refusal, errors=errors or {}), status


@bp.route("/transfers/due")
@login_required
def due_transfers():
    """Every transfer due in the person's territories, the longest waiting first, each with
    its "marcar pagado" for the Jefe/a."""
    require(engine.policy.SUPERVISE)
    rows = transfer_queries.due_transfers(db.session, actor())
    return render_template("cases/transfers_due.html", rows=rows,
                           total=sum(r.transfer.amount for r in rows))


@bp.route("/<id:case_id>/transfers")
@login_required
def transfers(case_id: int):
    """The family's transfers, month by month, with what the reader may do."""
    return _page(case_id)


def _act(case_id: int, command, done: str):
    try:
        with unit_of_work(db.session):
            command()
    except (engine.Conflict, engine.NotAllowed) as refused:
        db.session.rollback()
        return _page(case_id, 403 if isinstance(refused, engine.NotAllowed) else 409,
                     word_error(refused))
    flash(done, "success")
    if request.form.get("back") == "due":  # one fixed place to go back to, never a URL
        return redirect(url_for("cases.due_transfers"), 303)
    return redirect(url_for("cases.transfers", case_id=case_id), 303)


@bp.route("/<id:case_id>/transfers/<id:transfer_id>/paid", methods=["POST"])
@login_required
def transfer_paid(case_id: int, transfer_id: int):
    """The Jefe/a marks a due transfer paid."""
    return _act(case_id, lambda: engine.mark_transfer_paid(
        db.session, transfer_id, actor(), case_id=case_id), _("Transferencia marcada pagada."))


@bp.route("/<id:case_id>/transfers/<id:transfer_id>/proof", methods=["POST"])
@login_required
def transfer_proof(case_id: int, transfer_id: int):
    """The AFI records the month's Control Niño Sano proof."""
    return _act(case_id, lambda: engine.record_transfer_proof(
        db.session, transfer_id, actor(), case_id=case_id),
        _("Control Niño Sano acreditado: la transferencia del mes quedó por pagar."))


@bp.route("/<id:case_id>/transfers/achievement", methods=["POST"])
@login_required
def transfer_achievement(case_id: int):
    """The AFI records a member's achievement: its transfer por logro becomes due."""
    achievement = request.form.get("achievement", "")[:64]
    member = request.form.get("member", "")
    index = int(member) if member.isdigit() and len(member) <= MAX_CHOICE else -1
    try:
        return _act(case_id, lambda: engine.record_achievement(
            db.session, case_id, achievement, index, actor()), _("Logro registrado."))
    except InvalidInput as invalid:
        db.session.rollback()
        flash(_("Revise los campos marcados: no se registró nada."), "error")
        return _page(case_id, 422, errors=translated(invalid.errors))
