"""What a new version (a published or retired one, or the programme's draft) would do to the
running cases of the other versions, element by element and territory by territory.

Each case is judged by the classifier of the migration plan itself
(engine.commands.migration_plan.classify_case), so the preview and the migration never disagree.
"""

import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..commands import migration_plan, store
from ..commands.process_drafts import draft_forms
from ..core.actors import Actor
from ..core.errors import NotFound
from ..definitions import catalog, versions
from ..definitions.forms import FormLibrary
from ..definitions.parsing import parse_process
from ..persistence.models import Case, ProcessDefinition, ProcessDraft, ProcessInstance
from ..policy import MIGRATE_CASES, require
from ..programmes.settings import settings_from_dict
from ..runtime import migration as runtime_migration

DRAFT = "draft"
DRAFTS_KEPT = 16
# the drafts parsed as targets, by programme, revision, content and form library: a parse is
# reused only while the draft is the same (parsing the Familias draft costs as much as judging
# five cases)
_drafts: dict[tuple, "migration_plan.Target"] = {}
_drafts_lock = threading.Lock()


@dataclass
class ElementImpact:
    """One changed or removed element: how many running cases sit there per territory code,
    and what would become of them (outcomes, and the reason codes of those that need a
    mapping or cannot move)."""

    bpmn_id: str
    name: str | None
    change: str
    by_territory: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)

    @property
    def cases(self) -> int:
        """The running cases sitting at the element."""
        return sum(self.by_territory.values())


@dataclass
class Impact:
    """The impact of ``target`` on the running cases of the ``sources`` versions."""

    programme: str
    target: str
    sources: list[int]
    elements: list[ElementImpact]
    outcomes: Counter  # over every running case looked at, touched or not


def migration_impact(session: Session, actor: Actor, programme_key: str, target: int | str,
                     mapping: dict[str, str] | None = None, *,
                     forms: FormLibrary | None = None) -> Impact:
    """The impact of version ``target`` (a number) or of the programme's draft
    (``"draft"``; its sources are parsed as its validation does, with ``forms`` for the
    reference data not in the draft) on the running cases the actor may migrate."""
    programme = catalog.programme(session, programme_key)
    require(session, actor, MIGRATE_CASES, programme)
    goal = _target(session, programme_key, target, forms)
    skip = goal.definition.id if goal.definition is not None else None
    elements: dict[str, ElementImpact] = {}
    outcomes: Counter = Counter()
    sources = []
    for source in versions.in_use(session, programme_key):
        if source.id == skip:
            continue
        sources.append(source.version)
        for chunk in _running(session, actor, source):
            incidents = migration_plan.open_incidents(session, [i.id for i, _ in chunk])
            for instance, case in chunk:
                loaded = store.loaded_from(session, instance, case)
                _judge(session, loaded, incidents, goal, mapping or {}, elements, outcomes)
                session.expunge(instance)  # memory stays that of one chunk
                session.expunge(case)
    return Impact(programme_key, goal.label, sorted(sources),
                  sorted(elements.values(), key=lambda e: (-e.cases, e.bpmn_id)), outcomes)


def _target(session: Session, programme_key: str, target: int | str,
            forms: FormLibrary | None) -> migration_plan.Target:
    if target != DRAFT:
        definition = versions.find_version(session, programme_key, int(target))
        return migration_plan.definition_target(session, definition)
    draft = session.get(ProcessDraft, programme_key)
    if draft is None:
        raise NotFound(f"{programme_key} has no draft", code="programme.not_found",
                       programme=programme_key)
    cache_key = (programme_key, draft.revision, _fingerprint(draft), id(forms))
    with _drafts_lock:
        found = _drafts.get(cache_key)
    if found is not None:
        return found
    settings = settings_from_dict(draft.settings or {})
    library = draft_forms(session, draft, forms)
    parsed = parse_process(draft.sources or {}, settings, library)
    found = migration_plan.Target(DRAFT, parsed.spec, parsed.subprocess_specs, None, settings)
    with _drafts_lock:
        if len(_drafts) >= DRAFTS_KEPT:
            _drafts.pop(next(iter(_drafts)))
        _drafts[cache_key] = found
    return found


def _fingerprint(draft: ProcessDraft) -> str:
    """What the draft's parse depends on (a discarded draft begun again restarts at revision 1)."""
    parts = [draft.sources or {}, draft.settings or {}, draft.forms or {}]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _running(session: Session, actor: Actor, source: ProcessDefinition, chunk: int = 500):
    """The running cases of ``source`` the actor may migrate, with their instances, read
    ``chunk`` at a time (one round trip per chunk, not per case)."""
    query = (select(ProcessInstance, Case).join(Case, Case.id == ProcessInstance.case_id)
             .where(ProcessInstance.definition_id == source.id,
                    ProcessInstance.status == "running").order_by(ProcessInstance.id))
    if actor.territories is not None:
        query = query.where(Case.territory_id.in_(sorted(actor.territories)))
    after = 0
    while True:
        rows = [tuple(r) for r in session.execute(query.where(ProcessInstance.id > after)
                                                  .limit(chunk))]
        if not rows:
            return
        yield rows
        after = rows[-1][0].id


def _judge(session: Session, loaded: store.LoadedCase, incidents: dict[int, str],
           goal: migration_plan.Target, mapping: dict, elements: dict,
           outcomes: Counter) -> None:
    found = migration_plan.classify_case(session, loaded, goal, mapping, incidents)
    outcomes[found.outcome] += 1
    changes = runtime_migration.element_changes(loaded.workflow, goal.spec,
                                                goal.subprocess_specs)
    names = {e.bpmn_id: e.name for e in found.open}
    for bpmn_id, change in changes.items():
        element = elements.setdefault(bpmn_id, ElementImpact(bpmn_id, names.get(bpmn_id),
                                                             change))
        element.by_territory[loaded.case.territory.code] += 1
        element.outcomes[found.outcome] += 1
        if found.reason:
            element.reasons[found.reason] += 1
