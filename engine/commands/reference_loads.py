"""Loading an official indicator list (the Matriz de Bienestar) into a programme's draft.

A manager uploads a CSV or JSON file (:mod:`engine.definitions.reference_files` reads and
checks it); the list replaces the reference data set in the programme's draft (begun from
the published version when there is none), beside its forms, so publishing the draft makes
it the new version's (:func:`engine.commands.process_drafts.publish_draft`): new cases see
the official list, running cases keep the one of their version. An item loaded as official
(``"conocido": true``) loses its provisional mark, and an instrument with none left is
``oficial`` in the published settings. A file with any wrong row changes nothing.

The save is a draft save like any other (``draft_saved``, the part ``references:<name>``):
refused with ``draft.changed_meanwhile`` only when a save since ``revision`` loaded the same
list; the diagram and the forms saved in between are no conflict.
"""

import re

from sqlalchemy.orm import Session

from ..core import clock
from ..core.actors import Actor
from ..core.errors import FieldError, InvalidInput, NotFound
from ..definitions import instruments, reference_files
from ..definitions.forms import FormLibrary
from ..persistence.models import ProcessDraft
from ..persistence.uow import command
from . import process_drafts

NAME = re.compile(r"^[a-z0-9_]{1,64}$")
MAX_FILENAME = 200


@command
def load_reference(session: Session, programme_key: str, actor: Actor, name: str,
                   content: bytes, filename: str, *, revision: int | None,
                   fallback: FormLibrary) -> ProcessDraft:
    """Put the indicator list of ``content`` into the draft as reference data ``name`` and
    return the draft at its next revision. ``revision`` is the draft revision the manager
    saw (None: the published version, no draft yet). Raises :class:`InvalidInput` with one
    error per wrong cell, :class:`NotFound` for a data set the programme does not use."""
    draft = process_drafts.open_draft(session, programme_key, actor)
    forms = process_drafts.draft_forms(session, draft, fallback)
    current = _current(forms, name, programme_key, draft)
    filename = "".join(c for c in (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
                       if c.isprintable())[:MAX_FILENAME]
    loaded = reference_files.read_indicators(content, filename, current)
    if all(item["conocido"] for item in loaded["indicadores"]):
        loaded["fuente"] = (f"[src] lista oficial cargada desde «{filename or 'archivo'}» por "
                            f"{actor.id} el {clock.now():%Y-%m-%d}")
    part = f"references:{name}"
    process_drafts.check_revision(session, draft, draft.revision if revision is None
                                  else revision, [part])
    draft.reference_data = {**(draft.reference_data or {}), name: loaded}
    official = sum(1 for item in loaded["indicadores"] if item["conocido"])
    return process_drafts.saved(session, draft, actor, [part], reference=name, file=filename,
                                indicators=len(loaded["indicadores"]), official=official)


def _current(forms: FormLibrary, name: str, programme_key: str, draft: ProcessDraft) -> dict:
    """The data set ``name`` as the draft has it; only those its instruments name."""
    named = {i.reference for i in instruments.instruments_of(draft.settings)}
    if not isinstance(name, str) or not NAME.match(name) or name not in named:
        raise NotFound(f"{programme_key} has no reference data {name!r}",
                       code="instrument.not_found", programme=programme_key,
                       instrument=str(name)[:64])
    try:
        return forms.reference(name)
    except (KeyError, OSError, ValueError) as err:
        raise InvalidInput(reference_files.COMMAND, [FieldError(
            "archivo", "unknown", f"no reference data {name}")]) from err
