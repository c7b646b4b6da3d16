"""A file brought into a programme's open draft from the modeler, and a version as a zip.

:func:`import_into_draft` reads a ``.bpmn`` written by another tool (with
:func:`engine.definitions.importing.import_and_check`, as ``flask process import`` does) or a
version zip exported by Acompaña (:mod:`engine.definitions.bundle_zip`), and puts it in the
programme's open draft: the imported BPMN replaces the draft's (its DMN files stay, since the
imported process may call them); a zip replaces the draft's files, forms and settings
schema. The draft's ``revision`` must be the one the person saw (else :class:`Conflict`, as a
save), so nobody's work is overwritten silently. A file with several processes and no choice
changes nothing: the answer lists them. Unusable input raises
:class:`~engine.definitions.importing.UnusableImport` and changes nothing. Every import is
kept in the programme's history (``draft_imported``: the file, the process chosen, how many
problems).

:func:`version_zip` is the zip of a version (the bytes ``flask process export`` writes);
:func:`export_version` the same for a person who may manage the programme. Every export is
kept in the programme's history too (``version_exported``: who, when, which version, from
where), by :func:`record_export`.

Who may: ``manage_programme`` (managers and administrators of the programme's country).
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock
from ..core.actors import Actor
from ..core.errors import ProcessProblem
from ..definitions import bundle_zip, bundles, catalog, importing, versions
from ..definitions.forms import FormLibrary
from ..persistence.models import ProcessDefinition, ProcessDraft, Programme, ProgrammeEvent
from ..persistence.uow import command
from .process_drafts import (
    EXPORTED,
    IMPORTED,
    MAX_SOURCES_BYTES,
    _check_parts,
    _check_revision,
    draft_forms,
    open_draft,
    validate_draft,
)

MAX_BYTES = MAX_SOURCES_BYTES  # what a draft holds (the command line takes importing.MAX_BYTES)
MAX_NAME = 120
UnusableImport = importing.UnusableImport
FoundProcess = importing.FoundProcess


@dataclass
class ImportOutcome:
    """What an import did: the processes of the file, the one imported (``None``: the person
    must choose one, and the draft is as it was), the draft afterwards, every problem to fix
    before publishing and the notes (what was carried over or left out)."""

    file: str
    kind: str  # "bpmn" or "zip"
    processes: list[FoundProcess]
    chosen: str | None
    draft: ProcessDraft | None = None
    problems: list[ProcessProblem] = field(default_factory=list)
    notes: list[ProcessProblem] = field(default_factory=list)


@dataclass(frozen=True)
class VersionRow:
    """One version of a programme, as the export's choice lists it."""

    version: int
    status: str
    deployed_by: str
    deployed_at: datetime
    comment: str | None


def file_name(name: str | None) -> str:
    """An uploaded file's name as it may be shown and kept: its last part, printable, short."""
    last = PurePosixPath(str(name or "").replace("\\", "/")).name
    kept = "".join(c for c in last if unicodedata.category(c)[0] not in "CZ" or c == " ")
    return kept.strip()[:MAX_NAME] or "archivo.bpmn"


@command
def import_into_draft(session: Session, programme_key: str, actor: Actor, data: bytes,
                      file: str, *, revision: int, fallback: FormLibrary,
                      process_id: str | None = None) -> ImportOutcome:
    """Import ``data`` (the bytes of ``file``) into the programme's open draft (opened from
    the published version if there is none), which must be at ``revision``. Raises
    :class:`UnusableImport`, :class:`Conflict` (``draft.changed_meanwhile``) or a policy
    refusal; a file whose process must be chosen changes nothing."""
    programme = _programme(session, programme_key, actor)
    file = file_name(file)
    if len(data) > MAX_BYTES:
        raise UnusableImport(file, f"the file is larger than {MAX_BYTES // 2**20} MB",
                             "too_large")
    draft = open_draft(session, programme_key, actor)
    _check_revision(session, draft, revision)  # an import rewrites the whole draft
    if bundle_zip.is_zip(data):
        outcome = _from_zip(session, draft, data, file, fallback)
    else:
        outcome = _from_bpmn(session, programme, draft, data, file, process_id, fallback)
    if outcome.chosen is None:
        return outcome
    now = clock.now()
    draft.revision += 1
    draft.saved_by, draft.saved_at = actor.id, now
    session.add(ProgrammeEvent(
        programme_key=programme_key, kind=IMPORTED, actor=actor.id, at=now,
        data={"file": file, "format": outcome.kind, "process": outcome.chosen,
              "problems": len(outcome.problems), "notes": len(outcome.notes),
              "revision": draft.revision, "files": sorted(draft.sources)}))
    session.flush()
    outcome.draft = draft
    return outcome


def _from_bpmn(session: Session, programme: Programme, draft: ProcessDraft, data: bytes,
               file: str, process_id: str | None, fallback: FormLibrary) -> ImportOutcome:
    decisions = {name: text for name, text in (draft.sources or {}).items()
                 if name.endswith(".dmn")}
    result = importing.import_and_check(
        data, file, draft_forms(session, draft, fallback), programme=programme.key,
        process_id=process_id or None, raw_settings=draft.settings or {},
        country=catalog.settings_of(programme).country, decisions=decisions)
    outcome = ImportOutcome(file, "bpmn", result.processes, result.chosen,
                            problems=result.problems, notes=result.notes)
    if result.chosen is not None:
        _check_parts(result.sources, None, None)
        draft.sources = dict(result.sources)
    return outcome


def _from_zip(session: Session, draft: ProcessDraft, data: bytes, file: str,
              fallback: FormLibrary) -> ImportOutcome:
    bundle = bundle_zip.read_zip(data, file)
    if not any(name.endswith(".bpmn") for name in bundle.sources):
        raise UnusableImport(file, "the zip holds no BPMN file", "not_bundle")
    table = (draft.settings or {}).get(bundles.PROGRAMME_TABLE, {})
    forms = dict(bundle.forms.get("schemas") or {})
    _check_parts(bundle.sources, forms, bundle.settings)
    draft.sources = dict(bundle.sources)
    draft.forms = forms
    draft.settings = {bundles.PROGRAMME_TABLE: table, **bundle.settings_schema}
    household = bundle.forms.get(bundles.HOUSEHOLD_KEY)
    if household is not None:
        draft.household_schema = household
    label = f"{bundle.programme} v{bundle.version}"
    return ImportOutcome(file, "zip", [], label, problems=validate_draft(session, draft, fallback))


def version_zip(session: Session, programme_key: str,
                version: int | None = None) -> tuple[ProcessDefinition, bytes]:
    """Version ``version`` (the latest when ``None``) of the programme and its zip file;
    :class:`NotFound` when there is no such version."""
    definition = versions.find_version(session, programme_key, version)
    programme = session.get(Programme, programme_key)
    table = (programme.file_settings or programme.settings or {}).get(
        bundles.PROGRAMME_TABLE, {}) if programme else {}
    return definition, bundle_zip.write_zip(bundle_zip.from_version(definition, table))


@command
def export_version(session: Session, programme_key: str, actor: Actor,
                   version: int | None = None) -> tuple[ProcessDefinition, bytes]:
    """:func:`version_zip` for a person who may manage the programme, recorded in the
    programme's history."""
    _programme(session, programme_key, actor)
    definition, data = version_zip(session, programme_key, version)
    record_export(session, definition, actor.id, "web")
    return definition, data


@command
def record_export(session: Session, definition: ProcessDefinition, who: str,
                  via: str) -> None:
    """Keep in the programme's history that ``who`` exported ``definition`` (``via``: "web"
    or "cli")."""
    session.add(ProgrammeEvent(
        programme_key=definition.programme_key, kind=EXPORTED, actor=who, at=clock.now(),
        data={"version": definition.version, "via": via,
              "content_hash": definition.content_hash}))
    session.flush()


def versions_of(session: Session, programme_key: str, actor: Actor) -> list[VersionRow]:
    """The programme's versions, newest first."""
    _programme(session, programme_key, actor)
    query = (select(ProcessDefinition.version, ProcessDefinition.status,
                    ProcessDefinition.deployed_by, ProcessDefinition.deployed_at,
                    ProcessDefinition.comment)
             .where(ProcessDefinition.programme_key == programme_key)
             .order_by(ProcessDefinition.version.desc()))
    return [VersionRow(*row) for row in session.execute(query)]


def _programme(session: Session, programme_key: str, actor: Actor) -> Programme:
    programme = catalog.programme(session, programme_key)
    policy.require(session, actor, policy.MANAGE_PROGRAMME, programme)
    return programme
