"""The places left per modality, where a family is enrolled: on the enrolment step and on the
case file (engine.queries.group_sessions)."""

from flask import Blueprint
from flask_babel import gettext as _

from engine.queries import group_sessions as queries

from ..extensions import db
from ..names import modality_name

bp = Blueprint("places", __name__)


@bp.app_template_global("enrolment_places")
def enrolment_places(task) -> list | None:
    """The places left per modality for a step that enrols the family (None otherwise)."""
    return queries.enrolment_places(db.session, task)


@bp.app_template_global("case_place")
def case_place(case):
    """The family's place or waiting-list entry, with its modality's places (or None)."""
    return queries.case_places(db.session, case)


@bp.app_template_global("places_modality")
def places_modality(programme, modality: str, fallback: str) -> str:
    """A modality in the reader's language."""
    return modality_name(programme, modality, fallback)


def waiting_notice(case) -> str | None:
    """After an enrolment: the sentence that tells the family went to a waiting list."""
    found = queries.case_places(db.session, case)
    if found is None or found.status != "waiting":
        return None
    name = modality_name(case.programme_key, found.modality,
                         found.places.name if found.places else found.modality)
    return _("La modalidad «%(modality)s» no tiene cupos: la familia quedó en su lista de "
             "espera (n.º %(position)s).", modality=name, position=found.position or "—")
