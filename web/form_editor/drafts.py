"""The one place a saved form goes to the drafts storage (``engine.commands.process_drafts``).

A form is saved into the programme's open draft (begun from the published version when there
is none), beside the draft's other forms; a save based on an older revision of the draft is refused
by the storage (``engine.Conflict``) only when this form was saved since — the modeler
saving the diagram in between is no conflict — never an overwrite.
"""

from sqlalchemy.orm import Session

from engine import Actor
from engine.commands import process_drafts


def save_form(session: Session, programme_key: str, actor: Actor, form_key: str,
              schema: dict, revision: int | None) -> object:
    """Keep ``schema`` as form ``form_key`` of the programme's draft (the caller's unit of
    work commits); ``revision`` is the draft revision the editor opened (None: the form was
    opened from the published version, before any draft)."""
    draft = process_drafts.open_draft(session, programme_key, actor)
    return process_drafts.save_form(session, programme_key, actor, form_key, schema,
                                    revision=draft.revision if revision is None else revision)


def draft_forms(session: Session, programme_key: str, actor: Actor):
    """The open draft's forms and revision, or ``(None, None)`` when there is no draft."""
    draft = process_drafts.current_draft(session, programme_key, actor)
    return (None, None) if draft is None else (dict(draft.forms or {}), draft.revision)


def draft_references(session: Session, programme_key: str, actor: Actor) -> dict:
    """The reference data loaded into the open draft (the official Matriz list), if any."""
    draft = process_drafts.current_draft(session, programme_key, actor)
    return dict(draft.reference_data or {}) if draft is not None else {}
