"""A programme's versions for its managers: the list (with running cases on each and the open
draft), one version's content read-only, and what changed between two of them.

Who may: ``manage_programme`` (managers and administrators of the programme's country); the
running cases counted are all the programme's, since a version is the whole programme's.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..core.errors import NotFound
from ..definitions import catalog
from ..definitions.field_order import ORDER_KEY, reordered
from ..definitions.version_diff import Side, VersionDiff, compare
from ..definitions.version_diff.forms import fields
from ..definitions.version_diff.settings import rule
from ..definitions.versions import RUNNING, find_version
from ..persistence.models import ProcessDefinition, ProcessDraft, ProcessInstance, Programme

DRAFT = "draft"


@dataclass(frozen=True)
class VersionRow:
    """One version as the versions page lists it."""

    version: int
    status: str
    deployed_by: str
    deployed_at: datetime
    comment: str | None
    running: int


@dataclass(frozen=True)
class DraftRow:
    """The programme's open draft, if any."""

    based_on: int | None
    revision: int
    saved_by: str
    saved_at: datetime


@dataclass(frozen=True)
class Overview:
    """Every version of a programme, newest first, and its open draft."""

    programme: Programme
    versions: list[VersionRow]
    draft: DraftRow | None


@dataclass(frozen=True)
class FormView:
    """One form of a version: its key, title and fields (``{path: attributes}``)."""

    key: str
    title: str
    fields: dict[str, dict]


@dataclass(frozen=True)
class Content:
    """What a version (or the draft) is made of, to be read."""

    label: int | str  # the version number, or "draft"
    sources: dict[str, str]
    forms: list[FormView] | None  # None: a version deployed before bundles kept its forms
    deadlines: dict[str, dict] | None
    cycles: dict[str, str] | None
    side: Side


@dataclass(frozen=True)
class Comparison:
    """Two sides of a programme and what changed from the first to the second."""

    programme: Programme
    old: Content
    new: Content
    diff: VersionDiff
    not_compared: tuple[str, ...] = ()  # "forms", "settings": one side did not keep them


def overview(session: Session, actor: Actor, key: str) -> Overview:
    """Every version of programme ``key`` with its running cases (one grouped query)."""
    programme = _programme(session, actor, key)
    running = (select(ProcessInstance.definition_id, func.count().label("n"))
               .where(ProcessInstance.status == RUNNING)
               .group_by(ProcessInstance.definition_id).subquery())
    query = (select(ProcessDefinition.version, ProcessDefinition.status,
                    ProcessDefinition.deployed_by, ProcessDefinition.deployed_at,
                    ProcessDefinition.comment, func.coalesce(running.c.n, 0))
             .outerjoin(running, running.c.definition_id == ProcessDefinition.id)
             .where(ProcessDefinition.programme_key == key)
             .order_by(ProcessDefinition.version.desc()))
    rows = [VersionRow(*row) for row in session.execute(query)]
    draft = session.get(ProcessDraft, key)
    found = (DraftRow(draft.based_on_version, draft.revision, draft.saved_by, draft.saved_at)
             if draft is not None else None)
    return Overview(programme, rows, found)


def version_content(session: Session, actor: Actor, key: str, version: int | str) -> Content:
    """Version ``version`` of ``key`` (or ``"draft"``, its open draft), to be read.
    Raises NotFound (``version.not_found``, ``draft.not_found``)."""
    programme = _programme(session, actor, key)
    return _content(session, programme, version)


def comparison(session: Session, actor: Actor, key: str, old: int,
               new: int | str | None = None) -> Comparison:
    """What changed from version ``old`` to ``new`` (a version or ``"draft"``). Raises
    NotFound for a version or draft the programme does not have."""
    programme = _programme(session, actor, key)
    before = _content(session, programme, old)
    after = _content(session, programme, new)
    one, other = before.side, after.side
    missing = []
    if before.forms is None or after.forms is None:  # a version from before bundles
        missing.append("forms")
        other = replace(other, forms=one.forms)
    if before.deadlines is None or after.deadlines is None:
        missing.append("settings")
        other = replace(other, settings=one.settings)
    return Comparison(programme, before, after, compare(one, other), tuple(missing))


def draft_base(session: Session, actor: Actor, key: str) -> int:
    """The version the open draft was begun from (NotFound without a draft or base)."""
    _programme(session, actor, key)
    draft = session.get(ProcessDraft, key)
    if draft is None or draft.based_on_version is None:
        raise NotFound(f"no open draft of {key}", code="draft.not_found", programme=key)
    return draft.based_on_version


def _programme(session: Session, actor: Actor, key: str) -> Programme:
    programme = catalog.programme(session, key)
    policy.require(session, actor, policy.MANAGE_PROGRAMME, programme)
    return programme


def _content(session: Session, programme: Programme, version: int | str) -> Content:
    if version == DRAFT:
        draft = session.get(ProcessDraft, programme.key)
        if draft is None:
            raise NotFound(f"no open draft of {programme.key}", code="draft.not_found",
                           programme=programme.key)
        return _made(DRAFT, dict(draft.sources or {}), dict(draft.forms or {}),
                     dict(draft.settings or {}))
    definition = find_version(session, programme.key, int(version))
    stored = definition.forms
    forms = (reordered(dict(stored.get("schemas") or {}), stored.get(ORDER_KEY))
             if stored is not None else None)
    return _made(definition.version, dict(definition.sources), forms,
                 definition.settings_schema)


def _made(label, sources: dict, forms: dict | None, settings: dict | None) -> Content:
    views = ([FormView(k, _title(s, k), fields(s)) for k, s in forms.items()
              if isinstance(s, dict)] if forms is not None else None)
    plazos = (settings or {}).get("plazos") if settings is not None else None
    deadlines = ({k: rule(t, k) for k, t in plazos.items()} if isinstance(plazos, dict)
                 else None if settings is None else {})
    ciclos = (settings or {}).get("ciclos")
    cycles = (dict(ciclos) if isinstance(ciclos, dict)
              else None if settings is None else {})
    return Content(label, sources, views, deadlines, cycles,
                   Side(sources, forms or {}, settings or {}))


def _title(schema: dict, key: str) -> str:
    title = schema.get("title")
    return title if isinstance(title, str) and title.strip() else key


__all__ = ["DRAFT", "Comparison", "Content", "Overview", "comparison", "draft_base",
           "overview", "version_content"]
