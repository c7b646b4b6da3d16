"""Deployed process versions and programme settings, restored once and kept in memory."""

import time
from collections.abc import Callable
from threading import Lock
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import NotFound
from ..persistence.models import VERSION_PUBLISHED, ProcessDefinition, Programme
from ..programmes.settings import ProgrammeSettings, settings_from_dict
from ..runtime.serialization import spec_from_dict

_specs: dict[int, tuple] = {}
_settings: dict[tuple, ProgrammeSettings] = {}
_bundles: dict[object, object] = {}
_names: list = []  # [(monotonic time read, every programme's names)]
_lock = Lock()
T = TypeVar("T")
NAMES_KEPT_SECONDS = 5.0  # how long another process's new version may take to show its names


def spec_of(definition: ProcessDefinition) -> tuple:
    """``(spec, subprocess_specs)`` of a deployed version, restored once per process."""
    cached = _specs.get(definition.id)
    if cached is None:
        with _lock:
            cached = _specs.get(definition.id) or spec_from_dict(definition.spec)
            _specs[definition.id] = cached
    return cached


def spec_by_id(session: Session, definition_id: int) -> tuple:
    """Like :func:`spec_of`, reading the (large) definition row only when not cached."""
    cached = _specs.get(definition_id)
    return cached if cached is not None else spec_of(session.get(ProcessDefinition, definition_id))


def forget() -> None:
    """Drop every cached spec and settings (after a database is emptied or replaced)."""
    with _lock:
        _specs.clear()
        _settings.clear()
        _bundles.clear()
        _names.clear()


def cached_names(build: Callable[[], T]) -> T:
    """Every programme's names (see :func:`engine.definitions.versions.programme_names`),
    read again after ``NAMES_KEPT_SECONDS`` or when this process stores or publishes a
    version: every page names steps, and versions change a few times a year."""
    now = time.monotonic()
    kept = _names[0] if _names else None
    if kept is None or now - kept[0] > NAMES_KEPT_SECONDS:
        kept = (now, build())
        _names[:] = [kept]
    return kept[1]


def forget_names() -> None:
    """Read the programmes' names again at the next ask (a version was stored or published)."""
    _names.clear()


def cached_bundle(definition_id, build: Callable[[], T]) -> T:
    """A version's bundle (see :mod:`engine.definitions.versions`), built once per process."""
    if definition_id not in _bundles:
        _bundles[definition_id] = build()
    return _bundles[definition_id]


def cached_settings(key: tuple, build: Callable[[], ProgrammeSettings]) -> ProgrammeSettings:
    """Settings cached under ``key`` (which names the ``updated_at`` they were built from)."""
    if key not in _settings:
        _settings[key] = build()
    return _settings[key]


def settings_of(programme: Programme) -> ProgrammeSettings:
    """The live settings of a programme (re-read when ``updated_at`` changes)."""
    key = (programme.key, programme.updated_at)
    if key not in _settings:
        _settings[key] = settings_from_dict(programme.settings, f"{programme.key}/settings")
    return _settings[key]


def latest_definition(session: Session, programme_key: str) -> ProcessDefinition:
    """The published version of a programme's process: the one new cases start on."""
    query = (select(ProcessDefinition).where(ProcessDefinition.programme_key == programme_key,
                                             ProcessDefinition.status == VERSION_PUBLISHED)
             .order_by(ProcessDefinition.version.desc()).limit(1))
    definition = session.scalars(query).first()
    if definition is None:
        raise NotFound(f"programme '{programme_key}' has no deployed process",
                       code="programme.not_deployed", programme=programme_key)
    return definition


def programme(session: Session, key: str) -> Programme:
    """A programme by key."""
    found = session.get(Programme, key)
    if found is None:
        raise NotFound(f"no programme '{key}'", code="programme.not_found", programme=key)
    return found
