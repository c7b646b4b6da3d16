"""Deploying a programme: parse and check its files, store a new version only when its bundle
(sources, forms, settings schema: see :mod:`engine.definitions.bundles`) changed."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from ..core import clock
from ..core.errors import InvalidProcess
from ..definitions import bundles, manifest_check, names, versions
from ..definitions.forms import FormLibrary
from ..definitions.parsing import parse_process, read_sources
from ..persistence.models import Programme
from ..persistence.uow import command
from ..programmes import version_settings
from ..programmes.settings import read_settings_file, settings_from_dict
from ..programmes.settings_changes import merge_deployed
from . import programme_territories
from .programme_settings import record_change


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did: the programme, its current version, and whether it is new."""

    programme: str
    version: int
    created: bool
    definition_id: int


@command
def deploy_folder(session: Session, folder: Path, forms: FormLibrary,
                  deployed_by: str, *, publish: bool = True) -> DeployResult:
    """Deploy the BPMN, DMN and settings in ``folder`` (e.g. ``processes/familias``)."""
    folder = Path(folder)
    raw_settings = read_settings_file(folder)
    early: list = []  # encoding and manifest problems, reported with the process's own
    sources = read_sources(folder, early)
    found = None
    try:
        found = manifest_check.check_folder(folder, sources, forms)
    except InvalidProcess as err:
        early += err.problems
    programme_names, names_text = None, None
    try:
        programme_names, names_text = names.read(folder)
    except InvalidProcess as err:
        early += err.problems
    early += _names_problems(programme_names, names_text, sources, raw_settings)
    try:
        result = deploy(session, sources, raw_settings, forms, deployed_by, publish=publish,
                        household_schema=found.household_schema if found else None,
                        names=programme_names)
    except InvalidProcess as err:
        raise InvalidProcess(early + err.problems) from err
    if early:
        raise InvalidProcess(early)
    return result


@command
def deploy(session: Session, sources: dict[str, str], raw_settings: dict, forms: FormLibrary,
           deployed_by: str, *, publish: bool = True,
           household_schema: dict | None = None, names: dict | None = None) -> DeployResult:
    """Check and store one programme's process; an identical bundle keeps the current version.

    The new version is published (new cases start on it) unless ``publish`` is false, when it
    stays a draft. ``household_schema`` (the manifest's) and ``names`` (the programme's names
    by language, :mod:`engine.definitions.names`) go into the bundle; names of steps,
    outcomes or lanes the process no longer has are left out.
    """
    settings = settings_from_dict(raw_settings)
    parsed = parse_process(sources, settings, forms)
    if names:
        names = names_kept(names, sources, raw_settings)
    content = bundles.gather(parsed, raw_settings, forms, household_schema, names)
    now = clock.now()
    first = session.get(Programme, settings.key) is None
    _save_settings(session, settings.key, settings.name, raw_settings, deployed_by, now)
    if first:  # a new programme runs in its country's territories (programme_territories)
        session.flush()
        programme_territories.enable_in_country(session, settings.key, settings.country)
    definition, created = versions.store_version(session, parsed, content, deployed_by, now,
                                                 publish=publish)
    return DeployResult(settings.key, definition.version, created, definition.id)


def _known_ids(sources: dict[str, str]) -> tuple[set, set, set] | None:
    """The element ids, outcomes and lane names (as ``[roles]`` names them) of the BPMN
    (None: not well-formed XML)."""
    process = manifest_check.facts(sources)
    if process is None:
        return None
    lanes = {element.get("name") for element in process.elements.values()
             if str(element.tag).endswith("}lane") and element.get("name")}
    return set(process.elements), process.outcomes, lanes


def _modalities(raw_settings: dict) -> set:
    found = raw_settings.get("modalidades")
    return set(found) if isinstance(found, dict) else set()


def _names_problems(found: dict | None, text: str | None, sources: dict[str, str],
                    raw_settings: dict) -> list:
    """What in the folder's names file names nothing the process (or its settings) has."""
    known = _known_ids(sources) if found else None
    return names.problems(found, text, *known, _modalities(raw_settings)) if known else []


def names_kept(found: dict, sources: dict[str, str], raw_settings: dict) -> dict:
    """``found`` without what the process does not have (see :func:`names.without_unknown`)."""
    known = _known_ids(sources)
    return (names.without_unknown(found, *known, _modalities(raw_settings)) if known
            else found)


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
    running = [schema for _, schema in versions.schemas_in_use(session, key, running_only=True)]
    live = version_settings.keep_needed(live, programme.settings, running)
    if previous_file != raw or programme.file_settings is None:
        programme.file_settings = raw
    programme.name = name
    record_change(session, programme, live, deployed_by, now, "deploy")

