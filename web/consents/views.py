"""Consentimientos: each household member's consents of a case (purpose, document, who
recorded it and when, withdrawal), recorded and withdrawn through the engine
(engine.commands.consents, policy ``record_consent``). A wrong value comes back beside its
field in the reader's language (422) and nothing is saved."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import policy, unit_of_work

from ..access import actor, may
from ..extensions import db
from ..field_errors import translated
from ..messages import PURPOSES, member_name, purpose_name, word_error

bp = Blueprint("consents", __name__, url_prefix="/cases")
HOUSEHOLD = "household"  # the member choice of a household with nobody listed


@bp.app_template_global("consent_section")
def consent_section(case) -> dict:
    """What the case file shows of the household's consents, and whether the reader may
    record one."""
    return {"consents": engine.consents_of(db.session, case.id, actor()),
            "may_record": may(policy.RECORD_CONSENT, case)}


@bp.app_template_global("purpose_name")
def _purpose_name(purpose: str, service: str | None = None) -> str:
    return purpose_name(purpose, service)


def consents_needed(case, schema: dict) -> str | None:
    """Whose consent, for what, the step of ``schema`` still needs (read before it is
    submitted: as if its answers called for every consent), worded; None when none is
    missing."""
    rules = engine.consent_rules(schema)
    if not rules:
        return None
    answers = {name: value for rule in rules for name, value in (rule.get("when") or {}).items()}
    needed = engine.missing_consents(db.session, case, schema, answers)
    return ", ".join(f"{needed_name(n)} ({purpose_name(n.purpose)})" for n in needed) or None


def needed_name(needed) -> str:
    """Whose consent a step needs: a member, the household, or an adult not yet listed."""
    if needed.unlisted:
        return _("el adulto responsable (agréguelo a los integrantes del hogar)")
    return member_name(needed.member)


def _page(case_id: int, values: dict, errors: dict, status: int = 200, refusal=None):
    case = engine.visible_case(db.session, case_id, actor())
    view = engine.show_case(db.session, case_id, actor())
    return render_template("consents/page.html", case=case, members=view.members,
                           consents=engine.consents_of(db.session, case_id, actor()),
                           may_record=may(policy.RECORD_CONSENT, case), values=values,
                           errors=errors, purposes=PURPOSES, refusal=refusal), status


@bp.get("/<id:case_id>/consents")
@login_required
def index(case_id: int):
    """The household's consents and the form to record one."""
    return _page(case_id, {"given_on": date.today().isoformat()}, {})


def _order(case_id: int, form) -> engine.RecordConsent:
    member = form.get("member", "")
    given = form.get("given_on", "")
    try:
        given_on = date.fromisoformat(given) if given else None
    except ValueError:
        given_on = None
    return engine.RecordConsent(
        case_id=case_id,
        member=int(member) if member.isdigit() and len(member) < 4 else (
            None if member == HOUSEHOLD else -1),
        purpose=form.get("purpose", ""), document=form.get("document", ""),
        given_on=given_on, service=form.get("service") or None)


@bp.post("/<id:case_id>/consents")
@login_required
def record(case_id: int):
    """Record a consent; bad values come back beside their fields and nothing is saved."""
    order = _order(case_id, request.form)
    try:
        with unit_of_work(db.session):
            consent = engine.record_consent(db.session, order, actor())
    except engine.InvalidTaskData as invalid:
        flash(_("Revise los campos marcados: el consentimiento no se registró."), "error")
        errors = translated(invalid.errors)
        if request.form.get("given_on") and order.given_on is None:
            errors["given_on"] = _("Formato inválido (use p. ej. 2026-03-31).")
        return _page(case_id, request.form.to_dict(), errors, 422)
    flash(_("Consentimiento registrado: %(member)s, %(purpose)s.",
            member=consent.member_name or _("la familia"),
            purpose=purpose_name(consent.purpose, consent.service)), "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#consents-title")


@bp.post("/<id:case_id>/consents/<int:consent_id>/withdraw")
@login_required
def withdraw(case_id: int, consent_id: int):
    """Withdraw a consent (a reason is required); the consent stays, marked withdrawn."""
    try:
        with unit_of_work(db.session):
            engine.withdraw_consent(db.session, consent_id, request.form.get("reason", ""),
                                    actor())
    except engine.InvalidTaskData:
        flash(_("Indique el motivo de la revocación: el consentimiento sigue vigente."),
              "error")
        return _page(case_id, {}, {f"reason-{consent_id}": _("Este campo es obligatorio.")},
                     422)
    except engine.Conflict as withdrawn:  # someone withdrew it a moment earlier
        return _page(case_id, {}, {}, 409, word_error(withdrawn))
    flash(_("Consentimiento revocado."), "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#consents-title")
