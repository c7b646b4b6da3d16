"""*Sesiones grupales*: a programme's group sessions in the territories where the person runs
them — the list, a new session (date, modality, place, topic) and its attendance page, where
the facilitator lists the families waiting at the session's step, ticks who attended and
submits: every attending family's case moves on (engine.submit_group_session), and the page
says what became of each one. Who may is the engine's policy (``run_group_session``)."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import unit_of_work
from engine.queries import group_sessions as queries

from ..access import actor, refuse, require
from ..extensions import db
from ..field_errors import translated
from ..messages import word, word_error

bp = Blueprint("group_sessions", __name__, url_prefix="/group-sessions")
MAX_LISTED = 1000  # more ticks than any session could hold: refused before looking
MODALITY_FIELD = "modalidad"


def _library() -> engine.FormLibrary:
    return current_app.extensions["acompana.forms"]


@bp.app_template_global("group_session_programmes")
def group_session_programmes() -> list:
    """The programmes whose group sessions the signed-in person runs somewhere (for links:
    each has ``key`` and ``name``)."""
    if "group_session_programmes" in g:
        return g.group_session_programmes
    found = g.group_session_programmes = []
    for key in ("triple_p",):
        try:
            if queries.modalities(key) and queries.territories(db.session, actor(), key):
                found.append(queries.programme(db.session, key))
        except engine.NotFound:  # the programme is not deployed here
            continue
    return found


def _labels(group) -> dict[str, dict[str, str]]:
    """The step form's labels of the session's place and topic codes (once per request)."""
    cache = g.setdefault("group_session_labels", {})
    key = (group.programme_key, group.modality)
    if key not in cache:
        cache[key] = queries.form_choices(db.session, _library(), *key)
    return cache[key]


@bp.app_template_global("topic_label")
def topic_label(group) -> str:
    """The session's topic as it reads (a code of the step's form, or free text)."""
    label = _labels(group).get("tema", {}).get(group.topic)
    return _(label) if label else group.topic


@bp.app_template_global("place_label")
def place_label(group) -> str:
    """The session's place as it reads."""
    label = _labels(group).get("lugar", {}).get(group.place)
    return _(label) if label else group.place


def _territories(programme: str) -> list:
    """Where the person runs the programme's sessions; 404 for a programme without them, 403
    for a person who runs them nowhere."""
    if not queries.modalities(programme):
        refuse(404, f"{programme[:64]} has no group sessions")
    try:
        found = queries.territories(db.session, actor(), programme)
    except engine.NotFound:
        refuse(404, f"{programme[:64]} is not deployed")
    if not found:
        require(engine.policy.RUN_GROUP_SESSION, None)
        refuse(403, f"runs no {programme[:64]} group sessions")
    return found


def _choices(programme: str) -> dict[str, dict[str, dict[str, str]]]:
    """Per modality, the codes the step's form allows for ``lugar`` and ``tema``."""
    return {m: queries.form_choices(db.session, _library(), programme, m)
            for m in queries.modalities(programme)}


def _index(programme: str, values: dict, errors: dict, status: int = 200):
    territories = _territories(programme)
    rows = queries.sessions(db.session, actor(), programme)
    modalities = list(queries.modalities(programme))
    chosen = values.get(MODALITY_FIELD) or request.args.get(MODALITY_FIELD) or modalities[0]
    chosen = chosen if chosen in modalities else modalities[0]
    return render_template("group_sessions/index.html", programme=programme, rows=rows,
                           programme_row=queries.programme(db.session, programme),
                           territories=territories, modalities=modalities, chosen=chosen,
                           choices=_choices(programme)[chosen], values=values, errors=errors,
                           limits=queries.all_limits(db.session, programme),
                           modality_names=queries.modality_names(db.session, programme)), status


@bp.route("/<programme>")
@login_required
def index(programme: str):
    """The sessions of the person's territories, latest first, and a new session's form."""
    return _index(programme, {}, {})


@bp.route("/<programme>", methods=["POST"])
@login_required
def create(programme: str):
    """Create a session; bad values come back beside their fields, nothing kept."""
    territories = {t.code: t for t in _territories(programme)}
    values = {k: request.form.get(k, "")[:400] for k in ("fecha_sesion", "lugar", "tema")}
    modality = request.form.get(MODALITY_FIELD, "")[:64]
    code = request.form.get("territorio", "")[:64]
    if code not in territories:
        code = next(iter(territories)) if len(territories) == 1 else code
    try:
        with unit_of_work(db.session):
            group = engine.create_group_session(db.session, _library(), actor(), programme,
                                                code, modality, values)
            group_id = group.id
    except engine.InvalidTaskData as invalid:
        flash(_("Revise los campos marcados: la sesión no se creó."), "error")
        return _index(programme, {**values, MODALITY_FIELD: modality},
                      translated(invalid.errors), 422)
    flash(_("Sesión creada: marque las familias de la lista y quiénes asistieron."), "success")
    return redirect(url_for("group_sessions.show", group_id=group_id))


def _page(group_id: int, status: int = 200, refusal: str | None = None,
          ticked: tuple[set, set] | None = None):
    found = queries.detail(db.session, actor(), group_id)
    names = queries.modality_names(db.session, found.group.programme_key)
    return render_template("group_sessions/show.html", found=found, group=found.group,
                           refusal=refusal, rows=_rows(found, ticked), word=word,
                           modality_names=names), status


def _rows(found, ticked: tuple[set, set] | None) -> list[dict]:
    """The attendance form's lines: the families listed, then those that may be; ticked as
    saved, or as the person sent them when the list came back refused."""
    rows = [{"case_id": e.member.case_id, "family_name": e.family_name,
             "caseworker": e.caseworker, "still_open": e.still_open, "listed": True,
             "attended": e.member.attended} for e in found.listed]
    rows += [{"case_id": e.case_id, "family_name": e.family_name, "caseworker": e.caseworker,
              "still_open": True, "listed": False, "attended": False} for e in found.others]
    if ticked is not None:
        on_list, came = ticked
        for row in rows:
            row["listed"], row["attended"] = row["case_id"] in on_list, row["case_id"] in came
    return rows


@bp.route("/<int:group_id>")
@login_required
def show(group_id: int):
    """The session's attendance page: its list, who attended, what submitting did."""
    return _page(group_id)


def _ticked() -> tuple[dict[int, bool], set, set] | None:
    """The families listed (case id → attended) from the form; None when it is not a list."""
    listed, attended = request.form.getlist("listed"), request.form.getlist("attended")
    if len(listed) + len(attended) > MAX_LISTED or not all(
            v.isdigit() and len(v) < 12 for v in (*listed, *attended)):
        return None
    on_list, came = {int(v) for v in listed}, {int(v) for v in attended}
    return {case_id: case_id in came for case_id in sorted(on_list | came)}, on_list, came


@bp.route("/<int:group_id>", methods=["POST"])
@login_required
def save(group_id: int):
    """Save the list (``action=save``) or save it and submit the session (``submit``)."""
    found = queries.detail(db.session, actor(), group_id)  # 404/403 before reading the form
    parsed = _ticked()
    if parsed is None:
        return _page(group_id, 400, _("La lista enviada no es válida; vuelva a cargar la página."))
    listed, on_list, came = parsed
    version = request.form.get("version", "")
    try:
        if found.group.status == "open":
            with unit_of_work(db.session):
                engine.save_attendance(db.session, actor(), group_id, listed,
                                       int(version) if version.isdigit() else None)
        if request.form.get("action") == "submit":
            return _submitted(group_id)
    except engine.InvalidTaskData as invalid:
        return _page(group_id, 422, _refusal(invalid), (on_list, came))
    except (engine.Conflict, engine.NotAllowed) as refused:
        status = 403 if isinstance(refused, engine.NotAllowed) else 409
        return _page(group_id, status, word_error(refused), (on_list, came))
    flash(_("Lista guardada."), "success")
    return redirect(url_for("group_sessions.show", group_id=group_id))


def _refusal(invalid: engine.InvalidTaskData) -> str:
    if invalid.code and invalid.code.startswith("group."):
        return word_error(invalid)
    fields = translated(invalid.errors)
    return _("La lista tiene familias que ya no esperan en este paso: %(count)s.",
             count=len(fields))


def _submitted(group_id: int):
    result = engine.submit_group_session(db.session, _library(), group_id, actor())
    if result.already:
        flash(word("group.already_submitted", {"group": group_id, "by": result.by,
                                                "at": result.at.isoformat()}), "info")
    else:
        flash(_("Sesión registrada: %(moved)s familias avanzaron, %(absent)s no asistieron, "
                "%(conflicts)s con cambios.", moved=result.moved, absent=result.absent,
                conflicts=result.conflicts + result.failed),
              "success" if not (result.conflicts or result.failed) else "error")
    return redirect(url_for("group_sessions.show", group_id=group_id))
