"""Drafts of a programme's process, edited in the modeler, and publishing one as a version.

A programme has at most one open draft: its BPMN and DMN, its forms and its raw settings,
begun from the published version (:func:`open_draft`). Every save names the ``revision`` it
was based on and is refused with ``draft.changed_meanwhile`` (who saved it and when) when a
save made since that revision changed a part this one writes — never a silent overwrite. The
parts are the sources, the settings and each form (``forms:<key>``): the modeler (sources and
settings) and the form editor (one form) save the same draft in turn without refusing each
other, two people editing the diagram do not. Publishing goes through
:func:`engine.commands.deploy.deploy`, so the version bundle is built exactly as ``flask
deploy`` builds it; the new version records who published it, when, and their comment.
Running cases stay on their version.

Who may: ``manage_programme`` (managers and administrators of the programme's country).
Saving, discarding and publishing are kept in the programme's history (``ProgrammeEvent``).
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    InvalidProcess,
    NotFound,
    ProcessProblem,
)
from ..definitions import catalog, instruments, versions
from ..definitions.draft_checks import check_draft, code_problems, unsafe_xml
from ..definitions.draft_forms import DraftForms
from ..definitions.field_order import ORDER_KEY, reordered
from ..definitions.forms import FormLibrary
from ..persistence.models import ProcessDefinition, ProcessDraft, Programme, ProgrammeEvent
from ..persistence.uow import command
from .deploy import DeployResult, deploy

MAX_SOURCES_BYTES = 2 * 1024 * 1024
MAX_FORMS_BYTES = 1024 * 1024
MAX_COMMENT = 2000
SOURCE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.(bpmn|dmn)$")
FORM_KEY = re.compile(r"^[a-z0-9_]{1,64}(/[a-z0-9_]{1,64}){0,3}$")
SAVED, DISCARDED, PUBLISHED = "draft_saved", "draft_discarded", "draft_published"
IMPORTED = "draft_imported"  # engine.commands.process_import
EXPORTED = "version_exported"  # engine.commands.process_import: who took a version out, when
WRITES = (SAVED, IMPORTED)  # the events that wrote parts of a draft


@dataclass(frozen=True)
class PublishResult:
    """The version a published draft became."""

    programme: str
    version: int
    created: bool
    definition_id: int


@command
def open_draft(session: Session, programme_key: str, actor: Actor) -> ProcessDraft:
    """The programme's open draft; a new one from the published version if there is none."""
    programme = _programme(session, programme_key, actor)
    draft = _draft(session, programme_key, lock=True)
    if draft is not None:
        return draft
    now = clock.now()
    version = _base_version(session, programme_key)
    sources, forms, settings = _bundle_of(session, programme, version.id)
    household = versions.household_schema_of(session, version.id, programme_key)
    draft = ProcessDraft(programme_key=programme_key, based_on_version=version.version,
                         sources=sources, forms=forms, settings=settings,
                         household_schema=household, revision=1,
                         created_by=actor.id, created_at=now, saved_by=actor.id, saved_at=now)
    session.add(draft)
    session.flush()
    return draft


@command
def save_draft(session: Session, programme_key: str, actor: Actor, *, revision: int,
               sources: dict | None = None, forms: dict | None = None,
               settings: dict | None = None) -> ProcessDraft:
    """Keep the given parts of the draft (``None`` leaves a part as it is) and return it with
    its next revision. Raises :class:`Conflict` ``draft.changed_meanwhile`` when ``revision``
    is not the draft's, :class:`InvalidInput` for parts that cannot be stored."""
    _programme(session, programme_key, actor)
    _check_parts(sources, forms, settings)
    draft = _draft(session, programme_key, lock=True)
    if draft is None:
        raise NotFound(f"no open draft of {programme_key}", code="draft.not_found",
                       programme=programme_key)
    parts = [name for name, part in (("sources", sources), ("forms", forms),
                                     ("settings", settings)) if part is not None]
    _check_revision(session, draft, revision, parts)
    now = clock.now()
    if sources is not None:
        draft.sources = dict(sources)
    if forms is not None:
        draft.forms = dict(forms)
    if settings is not None:
        draft.settings = dict(settings)
    return _saved(session, draft, actor, now, parts)


@command
def save_form(session: Session, programme_key: str, actor: Actor, form_key: str,
              schema: dict, *, revision: int) -> ProcessDraft:
    """Keep one form of the draft (the form editor's save); refused only when that form was
    changed by a save made since ``revision`` (:class:`Conflict`)."""
    _programme(session, programme_key, actor)
    _check_parts(None, {form_key: schema}, None)
    draft = _draft(session, programme_key, lock=True)
    if draft is None:
        raise NotFound(f"no open draft of {programme_key}", code="draft.not_found",
                       programme=programme_key)
    part = f"forms:{form_key}"
    _check_revision(session, draft, revision, [part])
    draft.forms = {**(draft.forms or {}), form_key: schema}
    return _saved(session, draft, actor, clock.now(), [part])


def _saved(session: Session, draft: ProcessDraft, actor: Actor, now: datetime,
           parts: list[str], **details) -> ProcessDraft:
    draft.revision += 1
    draft.saved_by, draft.saved_at = actor.id, now
    _record(session, draft.programme_key, SAVED, actor, now, revision=draft.revision,
            files=sorted(draft.sources), forms=sorted(draft.forms), parts=parts, **details)
    session.flush()
    return draft


def check_revision(session: Session, draft: ProcessDraft, revision: int,
                   parts: list[str]) -> None:
    """Refuse a save of ``parts`` based on ``revision`` when a save since wrote one of them
    (:class:`Conflict` ``draft.changed_meanwhile``), for commands that write other parts
    of the draft (engine.commands.reference_loads)."""
    _check_revision(session, draft, revision, parts)


def saved(session: Session, draft: ProcessDraft, actor: Actor, parts: list[str],
          **details) -> ProcessDraft:
    """Record a save of ``parts`` of the draft (its next revision, who, when, ``details``)."""
    return _saved(session, draft, actor, clock.now(), parts, **details)


@command
def discard_draft(session: Session, programme_key: str, actor: Actor, *,
                  revision: int) -> None:
    """Throw the open draft away (the published version is untouched)."""
    _programme(session, programme_key, actor)
    draft = _draft(session, programme_key, lock=True)
    if draft is None:
        raise NotFound(f"no open draft of {programme_key}", code="draft.not_found",
                       programme=programme_key)
    _check_revision(session, draft, revision)
    _record(session, programme_key, DISCARDED, actor, clock.now(), revision=draft.revision)
    session.delete(draft)
    session.flush()


def draft_forms(session: Session, draft: ProcessDraft, fallback: FormLibrary) -> DraftForms:
    """The draft's forms as a library, with the reference data of its version or the disk."""
    references: dict = {}
    if draft.based_on_version is not None:
        query = (select(ProcessDefinition.forms)
                 .where(ProcessDefinition.programme_key == draft.programme_key,
                        ProcessDefinition.version == draft.based_on_version))
        bundled = session.scalar(query) or {}
        references = dict(bundled.get("references") or {})
    references.update(draft.reference_data or {})  # what a manager loaded into the draft
    return DraftForms(draft.forms or {}, references, fallback)


def _base_names(session: Session, draft: ProcessDraft) -> dict | None:
    """The names (names.toml) of the version the draft was begun from: a redesigned process
    keeps the translations of the steps it still has."""
    if draft.based_on_version is None:
        return None
    query = (select(ProcessDefinition.id)
             .where(ProcessDefinition.programme_key == draft.programme_key,
                    ProcessDefinition.version == draft.based_on_version))
    found = session.scalar(query)
    return versions.names_of(session, found) if found is not None else None


def validate_draft(session: Session, draft: ProcessDraft,
                   fallback: FormLibrary) -> list[ProcessProblem]:
    """Every problem of the draft at once (``[]``: it can be published). Never raises.
    The instruments' states are checked as publishing will set them (:func:`_synced`)."""
    forms = draft_forms(session, draft, fallback)
    return check_draft(draft.sources or {}, _synced(draft, forms, draft.saved_by, clock.now()),
                       forms)


def _synced(draft: ProcessDraft, forms: DraftForms, actor_id: str, now: datetime) -> dict:
    """The draft's settings with each ``[instrumentos]`` state following its items (official
    once a manager loaded official items), never an exception."""
    try:
        return instruments.synced(draft.settings or {}, forms, actor_id, now)
    except (AttributeError, KeyError, TypeError, ValueError):
        return draft.settings or {}


@command
def publish_draft(session: Session, programme_key: str, actor: Actor, *, revision: int,
                  comment: str, fallback: FormLibrary) -> PublishResult:
    """Publish the draft as the programme's next version (new cases start on it; running
    cases keep theirs) and close the draft. Raises :class:`InvalidProcess` listing every
    problem when it cannot run, :class:`Conflict` when ``revision`` is stale."""
    _programme(session, programme_key, actor)
    comment = (comment or "").strip()
    errors = inputs.character_errors({"comment": comment})
    if len(comment) > MAX_COMMENT:
        errors.append(FieldError("comment", "maxLength", "Comentario demasiado largo.",
                                 MAX_COMMENT))
    if errors:
        raise InvalidInput("publish_draft", errors)
    draft = _draft(session, programme_key, lock=True)
    if draft is None:
        raise NotFound(f"no open draft of {programme_key}", code="draft.not_found",
                       programme=programme_key)
    _check_revision(session, draft, revision)
    forms = draft_forms(session, draft, fallback)
    draft.settings = _synced(draft, forms, actor.id, clock.now())
    problems = check_draft(draft.sources, draft.settings, forms)
    if not problems and draft.settings.get("programa", {}).get("clave") != programme_key:
        problems = [ProcessProblem("settings", "[programa] clave must be the programme's key "
                                   f"'{programme_key}'", code="process.settings_invalid")]
    if problems:
        raise InvalidProcess(problems)
    now = clock.now()
    result: DeployResult = deploy(session, draft.sources, draft.settings, forms, actor.id,
                                  publish=True, household_schema=draft.household_schema,
                                  names=_base_names(session, draft))
    if result.created:
        definition = session.get(ProcessDefinition, result.definition_id)
        definition.comment = comment or None
    _record(session, programme_key, PUBLISHED, actor, now, version=result.version,
            created=result.created, revision=draft.revision, comment=comment)
    session.delete(draft)
    session.flush()
    return PublishResult(programme_key, result.version, result.created, result.definition_id)


def current_draft(session: Session, programme_key: str, actor: Actor) -> ProcessDraft | None:
    """The programme's open draft, if any (read only)."""
    _programme(session, programme_key, actor)
    return _draft(session, programme_key, lock=False)


def history(session: Session, programme_key: str, limit: int = 50) -> list[ProgrammeEvent]:
    """The programme's process history (saves, discards, publications), newest first."""
    query = (select(ProgrammeEvent).where(ProgrammeEvent.programme_key == programme_key)
             .order_by(ProgrammeEvent.id.desc()).limit(limit))
    return list(session.scalars(query))


def _programme(session: Session, programme_key: str, actor: Actor) -> Programme:
    programme = catalog.programme(session, programme_key)
    policy.require(session, actor, policy.MANAGE_PROGRAMME, programme)
    return programme


def _base_version(session: Session, programme_key: str) -> ProcessDefinition:
    """The published version; for a programme never published (made from the starting
    template), its latest version."""
    try:
        return catalog.latest_definition(session, programme_key)
    except NotFound:
        query = (select(ProcessDefinition).where(ProcessDefinition.programme_key == programme_key)
                 .order_by(ProcessDefinition.version.desc()).limit(1))
        found = session.scalars(query).first()
        if found is None:
            raise
        return found


def _draft(session: Session, programme_key: str, *, lock: bool) -> ProcessDraft | None:
    query = select(ProcessDraft).where(ProcessDraft.programme_key == programme_key)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def _check_revision(session: Session, draft: ProcessDraft, revision: int,
                    parts: list[str] | None = None) -> None:
    """Refuse ``revision`` unless it is the draft's or, for a save writing ``parts``, no save
    since it wrote any of them (``None``: the whole draft — discarding, publishing)."""
    if revision == draft.revision:
        return
    conflict = None
    if parts is not None and isinstance(revision, int) and 1 <= revision < draft.revision:
        conflict = _overlapping_save(session, draft, revision, parts)
    else:
        conflict = ProgrammeEvent(actor=draft.saved_by, at=draft.saved_at)
    if conflict is not None:
        raise Conflict(f"the draft of {draft.programme_key} was saved by {conflict.actor} at "
                       f"{conflict.at:%Y-%m-%d %H:%M} UTC since revision {revision}",
                       code="draft.changed_meanwhile", programme=draft.programme_key,
                       by=conflict.actor, at=conflict.at.isoformat(),
                       revision=draft.revision)


def _overlapping_save(session: Session, draft: ProcessDraft, revision: int,
                      parts: list[str]) -> ProgrammeEvent | None:
    """The latest save of this draft after ``revision`` that wrote one of ``parts``."""
    closed = (select(ProgrammeEvent.id)
              .where(ProgrammeEvent.programme_key == draft.programme_key,
                     ProgrammeEvent.kind.in_((DISCARDED, PUBLISHED)))
              .order_by(ProgrammeEvent.id.desc()).limit(1))
    since = session.scalar(closed) or 0
    query = (select(ProgrammeEvent)
             .where(ProgrammeEvent.programme_key == draft.programme_key,
                    ProgrammeEvent.kind.in_(WRITES), ProgrammeEvent.id > since)
             .order_by(ProgrammeEvent.id.desc()))
    for event in session.scalars(query):
        saved = (event.data or {}).get("revision")
        if not isinstance(saved, int) or saved <= revision:
            break
        # an import, and saves made before parts were recorded, wrote the whole draft
        written = (event.data or {}).get("parts", ["*"])
        if any(_overlap(mine, theirs) for mine in parts for theirs in written):
            return event
    return None


def _overlap(one: str, other: str) -> bool:
    """Whether two parts of a draft are (or contain) the same thing."""
    if "*" in (one, other) or one == other:
        return True
    return {one.partition(":")[0], other.partition(":")[0]} == {"forms"} and (
        ":" not in one or ":" not in other)


def _bundle_of(session: Session, programme: Programme, definition_id: int
               ) -> tuple[dict, dict, dict]:
    query = (select(ProcessDefinition).where(ProcessDefinition.id == definition_id)
             .options(undefer(ProcessDefinition.sources), undefer(ProcessDefinition.forms),
                      undefer(ProcessDefinition.settings_schema)))
    version = session.scalars(query).one()
    programme = session.scalars(select(Programme).where(Programme.key == programme.key)
                                .options(undefer(Programme.file_settings),
                                         undefer(Programme.settings))).one()
    file_settings = programme.file_settings or programme.settings
    if version.settings_schema is not None:
        settings = {"programa": file_settings.get("programa", {}), **version.settings_schema}
    else:
        settings = dict(file_settings)
    stored = version.forms or {}
    forms = reordered(dict(stored.get("schemas") or {}), stored.get(ORDER_KEY))
    return dict(version.sources), forms, settings


def _check_parts(sources, forms, settings) -> None:
    errors: list[FieldError] = []
    if sources is not None:
        errors += _source_errors(sources)
    if forms is not None:
        errors += _form_errors(forms)
    if settings is not None and not isinstance(settings, dict):
        errors.append(FieldError("settings", "type", "Los ajustes deben ser un objeto.",
                                 "object"))
    if not errors:
        errors = inputs.character_errors({"sources": sources or {}, "forms": forms or {},
                                          "settings": settings or {}})
    if errors:
        raise InvalidInput("save_draft", errors)


def _source_errors(sources) -> list[FieldError]:
    if not isinstance(sources, dict):
        return [FieldError("sources", "type", "Los archivos deben ser un objeto.", "object")]
    errors = [FieldError(f"sources.{name}"[:200], "pattern", "Nombre de archivo no válido.",
                         "name.bpmn")
              for name, text in sources.items()
              if not SOURCE_NAME.match(str(name)) or not isinstance(text, str)]
    if not errors and sum(len(t.encode("utf-8", "replace")) for t in sources.values()) \
            > MAX_SOURCES_BYTES:
        errors.append(FieldError("sources", "size", "Los archivos son demasiado grandes.",
                                 MAX_SOURCES_BYTES))
    if not errors:
        errors = [FieldError(f"sources.{p.file}", "pattern", p.message, "xml")
                  for p in unsafe_xml(sources)]
    return errors


def _form_errors(forms) -> list[FieldError]:
    if not isinstance(forms, dict):
        return [FieldError("forms", "type", "Los formularios deben ser un objeto.", "object")]
    errors = [FieldError(f"forms.{key}"[:200], "pattern", "Clave de formulario no válida.",
                         "programa/formulario")
              for key, schema in forms.items()
              if not FORM_KEY.match(str(key)) or not isinstance(schema, dict)]
    if not errors and len(repr(forms)) > MAX_FORMS_BYTES:
        errors.append(FieldError("forms", "size", "Los formularios son demasiado grandes.",
                                 MAX_FORMS_BYTES))
    return errors


def _record(session: Session, programme_key: str, kind: str, actor: Actor, at: datetime,
            **data) -> None:
    session.add(ProgrammeEvent(programme_key=programme_key, kind=kind, actor=actor.id, at=at,
                               data=data))


CODE_MODES = {"exec": "script", "eval": "condition"}
MAX_CODE = 20_000


def check_code(session: Session, programme_key: str, actor: Actor, code: str,
               mode: str) -> list[ProcessProblem]:
    """What the restricted check says of one script (``exec``) or condition (``eval``), with
    the draft's settings, as the modeler shows it while the manager types. Never raises on
    the code itself."""
    _programme(session, programme_key, actor)
    if mode not in CODE_MODES or not isinstance(code, str) or len(code) > MAX_CODE:
        raise InvalidInput("check_code", [FieldError("code", "maxLength", "Código no válido.",
                                                     MAX_CODE)])
    draft = _draft(session, programme_key, lock=False)
    raw = draft.settings if draft is not None else None
    return code_problems(code, mode, raw)
