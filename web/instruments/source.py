"""What the instruments page shows: each ``[instrumentos]`` table of the programme's draft
(or, with no draft, of its published version), with its items as that draft or version has
them, and the state they give it (publishing sets the settings to it)."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine import Actor, FormLibrary
from engine.commands import process_drafts
from engine.core import clock
from engine.definitions import catalog, instruments, versions


@dataclass(frozen=True)
class Shown:
    """One instrument as the page shows it."""

    item: instruments.Instrument  # as publishing will set it (its items decide its state)
    stored_state: str  # as the draft's (or version's) settings say it now
    marked: int
    indicators: list[dict]
    dimensions: dict[str, str]
    form_titles: list[tuple[str, str]]


@dataclass(frozen=True)
class Page:
    """The instruments of the draft (``draft`` set) or of the published version."""

    version: int
    draft: object | None
    shown: list[Shown]

    @property
    def revision(self) -> int | None:
        """The draft revision a load is based on (None: no draft yet)."""
        return None if self.draft is None else self.draft.revision


def page(session: Session, key: str, actor: Actor, library: FormLibrary) -> Page:
    """The instruments page of programme ``key``."""
    definition = catalog.latest_definition(session, key)
    draft = process_drafts.current_draft(session, key, actor)
    if draft is not None:
        forms, settings = process_drafts.draft_forms(session, draft, library), draft.settings
    else:
        forms = versions.forms_of(session, definition.id, library)
        settings = definition.settings_schema
    stored = {i.key: i.state for i in instruments.instruments_of(settings)}
    if draft is not None:  # what publishing will make of the draft's settings
        settings = instruments.synced(settings, forms, actor.id, clock.now())
    return Page(definition.version, draft, [_shown(i, stored.get(i.key, i.state), forms)
                                            for i in instruments.instruments_of(settings)])


def _shown(item: instruments.Instrument, stored_state: str, forms: FormLibrary) -> Shown:
    marked = instruments.marked_items(item, forms)
    data = {}
    if item.reference:
        try:
            data = forms.reference(item.reference)
        except (KeyError, OSError, ValueError):
            data = {}
    dimensions = {d.get("codigo"): d.get("titulo") for d in data.get("dimensiones") or []
                  if isinstance(d, dict)}
    titles = []
    for form_key in item.forms:
        try:
            titles.append((form_key, str(forms.schema(form_key).get("title") or form_key)))
        except (KeyError, OSError, ValueError):
            titles.append((form_key, form_key))
    return Shown(item, stored_state, marked, instruments.reference_items(item, forms), dimensions,
                 titles)
