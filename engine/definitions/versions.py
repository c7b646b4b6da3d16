"""Process versions as bundles: storing them at deploy, their status, and what a case reads
from its own version (forms and settings), never from the files on disk.

``draft`` → ``published`` → ``retired``: new cases start on the one published version of a
programme; publishing another retires it, and its running cases go on with their version.
A version is *in use* while it is published or has running cases.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, undefer

from ..core.errors import NotFound
from ..persistence import transaction_memo
from ..persistence.models import (
    VERSION_DRAFT,
    VERSION_PUBLISHED,
    VERSION_RETIRED,
    ProcessDefinition,
    ProcessInstance,
    Programme,
)
from ..programmes import version_settings
from ..programmes.settings import ProgrammeSettings, settings_from_dict
from ..runtime.serialization import spec_to_dict
from . import catalog, manifest
from .bundles import HOUSEHOLD_KEY, NAMES_KEY, BundleContent
from .field_order import ORDER_KEY, reordered
from .forms import BundledForms, FormLibrary
from .names import Names
from .parsing import ParsedProcess

DRAFT, PUBLISHED, RETIRED = VERSION_DRAFT, VERSION_PUBLISHED, VERSION_RETIRED
RUNNING = "running"
PINNED = "instance_versions"  # transaction memo: instance id -> definition id


@dataclass(frozen=True)
class Bundle:
    """What a case needs from its version besides the spec: forms and settings schema
    (``None`` for a version deployed before bundles, which reads the live ones)."""

    definition_id: int
    version: int
    forms: BundledForms | None
    settings_schema: dict | None
    household_schema: dict | None = None
    has_household_schema: bool = False  # False: deployed before the bundle kept it
    names: dict | None = None  # the programme's names by language (names.toml), if any


def store_version(session: Session, parsed: ParsedProcess, content: BundleContent,
                  deployed_by: str, now: datetime, *, publish: bool = True
                  ) -> tuple[ProcessDefinition, bool]:
    """The version of ``content`` and whether it is new: an unchanged bundle keeps the latest
    version (published again if it was not), a changed one is stored as the next version."""
    latest = _latest(session, parsed.programme)
    if latest is not None and latest.content_hash == content.content_hash:
        if publish and latest.status != PUBLISHED:
            publish_version(session, latest)
        return latest, False
    definition = ProcessDefinition(
        programme_key=parsed.programme, process_id=parsed.process_id,
        version=(latest.version + 1) if latest else 1, content_hash=content.content_hash,
        sources=parsed.sources, spec=spec_to_dict(parsed.spec, parsed.subprocess_specs),
        forms=content.forms, settings_schema=content.settings_schema, status=DRAFT,
        deployed_by=deployed_by, deployed_at=now)
    session.add(definition)
    session.flush()
    catalog.forget_names()
    if publish:
        publish_version(session, definition)
    return definition, True


def publish_version(session: Session, definition: ProcessDefinition) -> None:
    """Make ``definition`` the version new cases start on; the one published before retires."""
    query = select(ProcessDefinition).where(
        ProcessDefinition.programme_key == definition.programme_key,
        ProcessDefinition.status == PUBLISHED, ProcessDefinition.id != definition.id)
    for older in session.scalars(query):
        older.status = RETIRED
    definition.status = PUBLISHED
    session.flush()
    catalog.forget_names()


def in_use(session: Session, programme_key: str) -> list[ProcessDefinition]:
    """The programme's published version and every version with running cases, oldest first."""
    running = select(ProcessInstance.definition_id).where(ProcessInstance.status == RUNNING)
    query = (select(ProcessDefinition).options(undefer(ProcessDefinition.settings_schema))
             .where(ProcessDefinition.programme_key == programme_key,
                    or_(ProcessDefinition.status == PUBLISHED,
                        ProcessDefinition.id.in_(running)))
             .order_by(ProcessDefinition.version))
    return list(session.scalars(query))


def schemas_in_use(session: Session, programme_key: str, *,
                   running_only: bool = False) -> list[tuple[int, dict]]:
    """``(version, settings schema)`` of the versions in use that have a schema."""
    versions = in_use(session, programme_key)
    if running_only:
        ids = set(session.scalars(select(ProcessInstance.definition_id)
                                  .where(ProcessInstance.status == RUNNING).distinct()))
        versions = [v for v in versions if v.id in ids]
    return [(v.version, v.settings_schema) for v in versions if v.settings_schema is not None]


def bundle_of(session: Session, definition_id: int) -> Bundle:
    """The forms and settings schema of a version, read once and kept in memory."""
    return catalog.cached_bundle(definition_id, lambda: _read_bundle(session, definition_id))


def _read_bundle(session: Session, definition_id: int) -> Bundle:
    query = (select(ProcessDefinition.version, ProcessDefinition.forms,
                    ProcessDefinition.settings_schema)
             .where(ProcessDefinition.id == definition_id))
    row = session.execute(query).first()
    if row is None:
        raise NotFound(f"no process version {definition_id}", code="version.not_found",
                       definition=definition_id)
    forms = (BundledForms(reordered(row.forms.get("schemas", {}), row.forms.get(ORDER_KEY)),
                          row.forms.get("references", {}))
             if row.forms is not None else None)
    kept = row.forms is not None and HOUSEHOLD_KEY in row.forms
    return Bundle(definition_id, row.version, forms, row.settings_schema,
                  row.forms.get(HOUSEHOLD_KEY) if kept else None, kept,
                  (row.forms or {}).get(NAMES_KEY))


def definition_of_instance(session: Session, instance_id: int) -> int:
    """The version (definition id) a running instance is pinned to (read once per
    transaction; a migration forgets it: :data:`PINNED`)."""
    pinned = transaction_memo.memo(session, PINNED)
    if instance_id in pinned:
        return pinned[instance_id]
    found = session.scalar(select(ProcessInstance.definition_id)
                           .where(ProcessInstance.id == instance_id))
    if found is None:
        raise NotFound(f"no process instance {instance_id}", code="instance.not_found",
                       instance=instance_id)
    pinned[instance_id] = found
    return found


def forms_of(session: Session, definition_id: int, fallback: FormLibrary) -> FormLibrary:
    """The forms of a version (``fallback``, the library on disk, for pre-bundle versions)."""
    return bundle_of(session, definition_id).forms or fallback


def forms_for_instance(session: Session, instance_id: int,
                       fallback: FormLibrary) -> FormLibrary:
    """The forms of the version a case's workflow runs on."""
    return forms_of(session, definition_of_instance(session, instance_id), fallback)


def forms_for_case(session: Session, case_id: int, fallback: FormLibrary) -> FormLibrary:
    """The forms of the version case ``case_id`` runs on."""
    query = select(ProcessInstance.definition_id).where(ProcessInstance.case_id == case_id)
    definition_id = session.scalar(query)
    return fallback if definition_id is None else forms_of(session, definition_id, fallback)


def household_schema_of(session: Session, definition_id: int, programme_key: str) -> dict | None:
    """The household schema of a version (None: the default one); a version deployed before
    bundles kept it reads the programme's manifest on disk."""
    bundle = bundle_of(session, definition_id)
    if bundle.has_household_schema:
        return bundle.household_schema
    return manifest.household_schema(programme_key)


def names_of(session: Session, definition_id: int) -> dict | None:
    """The names (by language) a version was deployed with, or None."""
    return bundle_of(session, definition_id).names


def programme_names(session: Session) -> dict[str, Names]:
    """Every programme's names (names.toml) by programme key, over its versions: the published
    one first, then the others newest first (kept a few seconds in the process:
    :func:`catalog.cached_names`; each version's names are read once, with its bundle)."""
    return catalog.cached_names(lambda: _read_programme_names(session))


def _read_programme_names(session: Session) -> dict[str, Names]:
    query = (select(ProcessDefinition.id, ProcessDefinition.programme_key)
             .order_by(ProcessDefinition.programme_key,
                       (ProcessDefinition.status == PUBLISHED).desc(),
                       ProcessDefinition.version.desc()))
    tables: dict[str, list[dict]] = {}
    sources: dict[str, list[dict]] = {}
    for definition_id, key in session.execute(query):
        found = names_of(session, definition_id)
        tables.setdefault(key, [])
        if found:
            tables[key].append(found)
            sources.setdefault(key, []).append(_bpmn_names(session, definition_id))
    return {key: Names(tuple(found), tuple(sources.get(key, ()))) for key, found in tables.items()}


def _bpmn_names(session: Session, definition_id: int) -> dict[str, str]:
    """``{BPMN name: BPMN id}`` of a version's elements (older events name a step only by its
    BPMN name, e.g. the step a deadline belongs to), read once per process."""
    def build() -> dict[str, str]:
        spec, subprocesses = catalog.spec_by_id(session, definition_id)
        found: dict[str, str] = {}
        for process in (spec, *subprocesses.values()):
            for task_spec in process.task_specs.values():
                name, bpmn_id = getattr(task_spec, "bpmn_name", None), getattr(
                    task_spec, "bpmn_id", None)
                if name and bpmn_id:
                    found.setdefault(name, bpmn_id)
        return found

    return catalog.cached_bundle(("bpmn_names", definition_id), build)


def settings_for(session: Session, programme: Programme, definition_id: int) -> ProgrammeSettings:
    """The settings a case of version ``definition_id`` runs with: each key of the version's
    schema with its live value, or the version's default when the live settings lack it."""
    bundle = bundle_of(session, definition_id)
    if bundle.settings_schema is None:
        return catalog.settings_of(programme)

    def build() -> ProgrammeSettings:
        resolved = version_settings.resolve(bundle.settings_schema, programme.settings)
        return settings_from_dict(resolved, f"{programme.key}/v{bundle.version}/settings")

    return catalog.cached_settings((programme.key, programme.updated_at, definition_id), build)


def _latest(session: Session, key: str) -> ProcessDefinition | None:
    query = (select(ProcessDefinition).where(ProcessDefinition.programme_key == key)
             .order_by(ProcessDefinition.version.desc()).limit(1))
    return session.scalars(query).first()


def find_version(session: Session, key: str, version: int | None = None) -> ProcessDefinition:
    """Version ``version`` of programme ``key`` (its latest when ``None``), or NotFound."""
    query = select(ProcessDefinition).where(ProcessDefinition.programme_key == key)
    query = query.options(undefer(ProcessDefinition.settings_schema))
    if version is None:
        query = query.order_by(ProcessDefinition.version.desc()).limit(1)
    else:
        query = query.where(ProcessDefinition.version == version)
    found = session.scalars(query).first()
    if found is None:
        label = f"{key} v{version}" if version is not None else key
        raise NotFound(f"no process version {label}", code="version.not_found",
                       definition=label)
    return found
