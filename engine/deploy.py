"""Deploying a programme: parse and check its files, store a new version only when they changed."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock, programme_territories
from .forms import FormLibrary
from .models import ProcessDefinition, Programme
from .parsing import parse_process, read_sources
from .programme_settings import record_change
from .serialization import spec_to_dict
from .settings import read_settings_file, settings_from_dict
from .settings_changes import merge_deployed
from .uow import unit_of_work


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did: the programme, its current version, and whether it is new."""

    programme: str
    version: int
    created: bool
    definition_id: int


def deploy_folder(session: Session, folder: Path, forms: FormLibrary,
                  deployed_by: str) -> DeployResult:
    """Deploy the BPMN, DMN and settings in ``folder`` (e.g. ``processes/familias``)."""
    folder = Path(folder)
    raw_settings = read_settings_file(folder)
    return deploy(session, read_sources(folder), raw_settings, forms, deployed_by)


def deploy(session: Session, sources: dict[str, str], raw_settings: dict, forms: FormLibrary,
           deployed_by: str) -> DeployResult:
    """Check and store one programme's process; identical content keeps the current version."""
    settings = settings_from_dict(raw_settings)
    parsed = parse_process(sources, settings, forms)
    now = clock.now()
    with unit_of_work(session):
        first = session.get(Programme, settings.key) is None
        _save_settings(session, settings.key, settings.name, raw_settings, deployed_by, now)
        if first:  # a new programme runs in its country's territories (programme_territories)
            session.flush()
            programme_territories.enable_in_country(session, settings.key, settings.country)
        latest = _latest(session, settings.key)
        if latest is not None and latest.content_hash == parsed.content_hash:
            return DeployResult(settings.key, latest.version, False, latest.id)
        definition = ProcessDefinition(
            programme_key=settings.key, process_id=parsed.process_id,
            version=(latest.version + 1) if latest else 1, content_hash=parsed.content_hash,
            sources=sources, spec=spec_to_dict(parsed.spec, parsed.subprocess_specs),
            deployed_by=deployed_by, deployed_at=now,
        )
        session.add(definition)
        session.flush()
        return DeployResult(settings.key, definition.version, True, definition.id)


def _save_settings(session: Session, key: str, name: str, raw: dict, deployed_by: str,
                   now) -> None:
    """The file's settings become live, except values a manager changed that the file has
    not changed since the last deploy (see :func:`settings_changes.merge_deployed`)."""
    programme = session.get(Programme, key)
    if programme is None:
        session.add(Programme(key=key, name=name, settings=raw, file_settings=raw,
                              updated_at=now))
        return
    previous_file = programme.file_settings or programme.settings
    live = merge_deployed(programme.settings, previous_file, raw)
    if previous_file != raw or programme.file_settings is None:
        programme.file_settings = raw
    programme.name = name
    record_change(session, programme, live, deployed_by, now, "deploy")


def _latest(session: Session, key: str) -> ProcessDefinition | None:
    query = (select(ProcessDefinition).where(ProcessDefinition.programme_key == key)
             .order_by(ProcessDefinition.version.desc()).limit(1))
    return session.scalars(query).first()
