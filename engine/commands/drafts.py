"""Drafts of a task's form: saved by its assignee, read by them and the territory's supervisors.

A draft is a JSON object of the form's own fields, at most ``MAX_DRAFT_BYTES`` once encoded.
Saving one on a task still waiting in the pool claims it for the person saving: they started
the work, so colleagues no longer see it as free. Every save is an audit event (``draft_saved``,
with the field names and the size, not a copy of the data); the last one says whose draft it is.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock
from ..core.actors import Actor
from ..core.errors import FieldError, InvalidTaskData
from ..definitions import versions
from ..definitions.forms import FormLibrary
from ..persistence import audit
from ..persistence.models import Event, HumanTask
from ..persistence.uow import command
from .tasks import assign, locked_row

MAX_DRAFT_BYTES = 256 * 1024
SAVED = "draft_saved"


@dataclass(frozen=True)
class Draft:
    """A saved draft and who saved it when (None for drafts older than the audit of drafts)."""

    data: dict
    author: str | None
    saved_at: datetime | None


@command
def save_draft(session: Session, forms: FormLibrary, task_id: str, data: dict, actor: Actor,
               now: datetime | None = None) -> HumanTask:
    """Keep ``data`` as the task's draft; only its assignee may (a pool task is claimed).

    A draft that is not an object of the form's fields, or is too large, raises
    :class:`InvalidTaskData` and changes nothing.
    """
    with clock.frozen_at(now) as moment:
        row = locked_row(session, task_id, actor)
        policy.require(session, actor, policy.WORK_TASK, row)
        if row.assignee is None:
            assign(session, row, actor.id, actor, moment, "task_claimed")
        forms = versions.forms_for_instance(session, row.instance_id, forms)
        size = _checked_size(forms, row.form_key, data)
        row.draft = data
        event = audit.record(session, row.case_id, SAVED, actor.id, moment, title=row.title,
                             params={"step": row.title},
                             data={"task": row.id, "fields": sorted(data), "bytes": size})
        event.task_id = row.id
        return row


def draft_for(session: Session, row: HumanTask, actor: Actor) -> Draft | None:
    """The task's draft if ``actor`` may read it (its assignee, a supervisor of the territory)."""
    if row.draft is None or not may_read_draft(row, actor):
        return None
    query = (select(Event).where(Event.task_id == row.id, Event.kind == SAVED)
             .order_by(Event.id.desc()).limit(1))
    last = session.scalars(query).first()
    return Draft(row.draft, last.actor if last else None, last.at if last else None)


def may_read_draft(row: HumanTask, actor: Actor) -> bool:
    """Whether ``actor`` may read the task's draft."""
    return policy.may(Session.object_session(row), actor, policy.READ_DRAFT, row)


def _checked_size(forms: FormLibrary, form_key: str | None, data: object) -> int:
    """The draft's encoded size, after checking its shape; :class:`InvalidTaskData` if wrong."""
    if not isinstance(data, dict):
        raise _refused(form_key, "type", "el borrador debe ser un objeto")
    fields = set(forms.schema(form_key).get("properties", {})) if form_key else set()
    unknown = sorted(str(k) for k in data if k not in fields)
    if unknown:
        raise _refused(form_key, "unknown", f"campos que el formulario no tiene: {unknown}")
    if _has_nul(data):
        raise _refused(form_key, "nul", "el borrador contiene caracteres nulos")
    try:
        size = len(json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError) as err:
        raise _refused(form_key, "type", f"valor no guardable: {err}") from err
    if size > MAX_DRAFT_BYTES:
        raise _refused(form_key, "size", "el borrador es demasiado grande", MAX_DRAFT_BYTES)
    return size


def _refused(form_key: str | None, code: str, message: str, limit=None) -> InvalidTaskData:
    return InvalidTaskData(form_key or "-", [FieldError("", code, message, limit)])


def _has_nul(value: object) -> bool:
    """Whether a NUL character hides in any key or string of ``value`` (PostgreSQL refuses it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False
