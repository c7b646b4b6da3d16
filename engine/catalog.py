"""Deployed process versions and programme settings, restored once and kept in memory."""

from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import NotFound
from .models import ProcessDefinition, Programme
from .serialization import spec_from_dict
from .settings import ProgrammeSettings, settings_from_dict

_specs: dict[tuple, tuple] = {}
_settings: dict[tuple, ProgrammeSettings] = {}
_lock = Lock()


def spec_of(definition: ProcessDefinition) -> tuple:
    """``(spec, subprocess_specs)`` of a deployed version, restored once per process."""
    key = (definition.id, definition.content_hash)
    cached = _specs.get(key)
    if cached is None:
        with _lock:
            cached = _specs.get(key) or spec_from_dict(definition.spec)
            _specs[key] = cached
    return cached


def forget() -> None:
    """Drop every cached spec and settings (after a database is emptied or replaced)."""
    with _lock:
        _specs.clear()
        _settings.clear()


def settings_of(programme: Programme) -> ProgrammeSettings:
    """The live settings of a programme (re-read when they change)."""
    key = (programme.key, programme.updated_at)
    if key not in _settings:
        _settings[key] = settings_from_dict(programme.settings, f"{programme.key}/settings")
    return _settings[key]


def latest_definition(session: Session, programme_key: str) -> ProcessDefinition:
    """The newest deployed version of a programme's process."""
    query = (select(ProcessDefinition).where(ProcessDefinition.programme_key == programme_key)
             .order_by(ProcessDefinition.version.desc()).limit(1))
    definition = session.scalars(query).first()
    if definition is None:
        raise NotFound(f"programme '{programme_key}' has no deployed process")
    return definition


def programme(session: Session, key: str) -> Programme:
    """A programme by key."""
    found = session.get(Programme, key)
    if found is None:
        raise NotFound(f"no programme '{key}'")
    return found
