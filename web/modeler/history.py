"""The process history shown on the modeler page, worded in the reader's language.

The page draws it at first; ``GET /programmes/<key>/modeler/history`` gives the same lines as
JSON, for the page to refresh the list after a save, a discard or a publication.
"""

from flask import jsonify
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import login_required

from engine import policy
from engine.commands import process_drafts, process_import
from engine.definitions import catalog

from ..access import require
from ..extensions import db
from ..names import person_name
from .views import api

LIMIT = 10


def history_lines(programme_key: str) -> list[str]:
    """The programme's last saves, discards, publications, imports and exports, newest
    first, one line each."""
    return [_line(event) for event in process_drafts.history(db.session, programme_key,
                                                             limit=LIMIT)]


def _line(event) -> str:
    data = event.data or {}
    head = f"{format_datetime(event.at, 'short')} · {person_name(event.actor)} · "
    if event.kind == process_drafts.PUBLISHED:
        text = _("publicó la versión %(version)s", version=data.get("version"))
        if data.get("comment"):
            text += f": «{data['comment']}»"
    elif event.kind == process_drafts.DISCARDED:
        text = _("descartó el borrador")
    elif event.kind == process_drafts.EXPORTED:
        text = _("exportó la versión %(version)s", version=data.get("version"))
    elif event.kind == process_import.IMPORTED:
        from .importing import imported_line  # importing's views import this module's blueprint
        text = imported_line(data.get("file"), data.get("process"), data.get("problems") or 0)
    else:
        text = _("guardó el borrador (revisión %(revision)s)", revision=data.get("revision"))
    return head + text


@api.get("/history")
@login_required
def history(key: str):
    """The history list, as the page shows it."""
    require(policy.MANAGE_PROGRAMME)
    programme = catalog.programme(db.session, key)
    require(policy.MANAGE_PROGRAMME, programme)
    return jsonify({"lines": history_lines(key),
                    "empty": _("Todavía no hay cambios hechos en el modelador.")})
