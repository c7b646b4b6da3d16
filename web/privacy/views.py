"""Administración → Privacidad (``/admin/privacy``): a household member's data on request
(erasure, refused with its reason under a legal hold; export as printable HTML or JSON), the
retention run's preview and the run itself, and the latest requests. Who may is the engine's
policy (``erase_personal_data``, ``export_personal_data``, ``run_retention``)."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

import engine
from engine import policy, unit_of_work

from ..access import actor
from ..extensions import db
from ..messages import word, word_error

bp = Blueprint("admin_privacy", __name__, url_prefix="/admin/privacy")
SECTION_NAMES = {  # the export's sections in the reader's language (others: their name)
    "household": _l("Hogar"), "cases": _l("Casos"), "steps": _l("Pasos abiertos y borradores"),
    "history": _l("Historial"), "documents": _l("Documentos adjuntos"),
    "group_sessions": _l("Sesiones grupales"), "transfers": _l("Transferencias"),
    "notifications": _l("Avisos"), "consents": _l("Consentimientos"), "access_log": _l("Accesos"),
}


@bp.before_request
@login_required
def _administrators_only():
    policy.require(db.session, actor(), policy.ADMINISTER, None)


def _number(text: str | None, digits: int = 9) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= digits else None


@bp.get("")
def index():
    """The page: a case's household (``case=ID``), the retention preview, the requests."""
    asked = request.args.get("case", "")
    found, problem = None, None
    if asked.strip():
        case_id = _number(asked)
        if case_id is None:
            problem = _("Caso: escriba el número del caso (solo dígitos).")
        else:
            try:
                found = engine.privacy.people_of_case(db.session, actor(), case_id)
            except engine.NotFound as error:
                problem = word_error(error)
    due = engine.privacy.due_households(db.session, actor())
    requests = engine.privacy.recent_requests(db.session, actor())
    return render_template("privacy/index.html", asked=asked, found=found, problem=problem,
                           due=due, requests=requests, word=word)


@bp.post("/erase")
def erase():
    """Erase one member's data (the form names the household, the member and a confirmation)."""
    household = _number(request.form.get("household"))
    member = _number(request.form.get("member"), 3)
    back = url_for(".index", case=request.form.get("case", ""))
    if household is None or member is None:
        flash(_("Elija el integrante cuyos datos se borran."), "error")
        return redirect(back)
    if request.form.get("confirm") != "yes":
        flash(_("Confirme el borrado marcando la casilla: no se puede deshacer."), "error")
        return redirect(back)
    with unit_of_work(db.session):
        done = engine.privacy.erase_member(db.session, actor(), household, member)
    if done.status == "refused":
        flash(_("Borrado rechazado: %(reason)s", reason=word(done.reason, done.params)), "error")
    else:
        flash(_("Datos del integrante borrados (solicitud %(id)s).", id=done.id), "success")
    return redirect(back)


@bp.post("/retention")
def retention():
    """Anonymise now every household the preview lists."""
    with unit_of_work(db.session):
        run = engine.privacy.run_retention(db.session, actor())
    flash(_("%(n)s hogar(es) anonimizado(s).", n=len(run.requests)), "success")
    return redirect(url_for(".index"))


@bp.get("/export/<int:household>/<int:member>.<any(json, html):kind>")
def export(household: int, member: int, kind: str):
    """A member's data as a JSON file or a printable HTML page (recorded as a request)."""
    with unit_of_work(db.session):
        got = engine.privacy.export_member(db.session, actor(), household, member)
    if kind == "json":
        body = json.dumps(got.as_json(), ensure_ascii=False, indent=2, default=str)
        return Response(body, mimetype="application/json", headers={
            "Content-Disposition": f'attachment; filename="datos-{household}-{member + 1}.json"'})
    return render_template("privacy/export.html", export=got, pretty=pretty,
                           section_names=SECTION_NAMES)


def pretty(value) -> str:
    """A nested value (answers, a draft) as indented JSON, accents as they are."""
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)
