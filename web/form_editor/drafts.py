"""The one place a saved form goes to the drafts storage (``engine.commands.process_drafts``).

The drafts storage is being built alongside the editor; until its module exists, saving
answers :class:`DraftsUnavailable`. Once it lands, wiring it is two lines of
:func:`save_form`: a plain ``from engine.commands import process_drafts`` instead of the
guarded import (and the ``forms=`` argument as the storage wants it).
"""

import importlib

from sqlalchemy.orm import Session

from engine import Actor


class DraftsUnavailable(Exception):
    """The drafts storage is not installed yet."""


def save_form(session: Session, programme_key: str, actor: Actor, form_key: str,
              schema: dict, revision) -> object:
    """Keep ``schema`` as form ``form_key`` of the programme's draft (the caller commits).

    Raises :class:`DraftsUnavailable` without the drafts storage, and the storage's
    ``engine.Conflict`` when ``revision`` is not the draft's current one.
    """
    try:
        process_drafts = importlib.import_module("engine.commands.process_drafts")
    except ModuleNotFoundError as missing:
        if missing.name != "engine.commands.process_drafts":
            raise
        raise DraftsUnavailable() from missing
    return process_drafts.save_draft(session, programme_key, actor, revision=revision,
                                     forms={form_key: schema})
