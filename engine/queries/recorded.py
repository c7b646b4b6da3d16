"""What was recorded at a completed step: its answers (corrected), who and when, its form.

Read from the trail (the task row is gone once a step is done): the ``task_completed`` event
holds what was submitted and the form's key; the ``step_corrected`` events after it
(engine.commands.corrections) what was changed, by whom and why. The form is the one of the
version the case runs on, so the labels are those the caseworker saw.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from .. import policy
from ..commands import corrections
from ..core.actors import Actor
from ..core.errors import NotFound
from ..definitions import versions
from ..definitions.forms import FormLibrary
from ..persistence.models import Case


@dataclass(frozen=True)
class RecordedStep:
    """A completed step: ``answers`` are the current ones (after corrections), ``submitted``
    the original; ``schema`` its form (None when the step had no form or the version lost it);
    ``references`` the reference data (indicator grids) the form names."""

    task_id: str
    case: Case
    bpmn_id: str | None
    title: str | None
    form_key: str | None
    by: str
    at: datetime
    submitted: dict
    answers: dict
    corrections: list[corrections.Correction]
    schema: dict | None
    references: dict

    @property
    def corrected(self) -> bool:
        """Whether the answers differ from what was first submitted."""
        return bool(self.corrections)


def recorded_step(session: Session, task_id: str, actor: Actor,
                  forms: FormLibrary) -> RecordedStep:
    """The completed step ``task_id`` if ``actor`` may see its case; :class:`NotFound`
    (``task.not_found``) when it was never completed or its case is not the actor's to see."""
    completion = corrections.completion_event(session, task_id)
    if completion is None:
        raise NotFound(f"no completed task {task_id}", code="task.not_found", task=task_id)
    case = session.get(Case, completion.case_id)
    if not policy.may(session, actor, policy.SEE_CASE, case):
        raise NotFound(f"no completed task {task_id}", code="task.not_found", task=task_id)
    made = corrections.corrections_of(session, completion)
    form_key = (completion.data or {}).get("form")
    schema, references = form_of(session, case, form_key, forms)
    return RecordedStep(task_id, case, completion.bpmn_id, completion.title, form_key,
                        completion.actor, completion.at,
                        dict((completion.data or {}).get("submitted") or {}),
                        corrections.current_answers(completion, made),
                        corrections.described(made), schema, references)


def form_of(session: Session, case: Case, form_key: str | None,
            forms: FormLibrary) -> tuple[dict | None, dict]:
    """The schema of ``form_key`` in the case's version, and the reference data it names."""
    library = versions.forms_for_case(session, case.id, forms)
    if not form_key or not library.exists(form_key):
        return None, {}
    schema = library.schema(form_key)
    names = {node["x-reference"] for node in _nodes(schema)
             if isinstance(node.get("x-reference"), str)}
    references = {}
    for name in names:
        try:
            references[name] = library.reference(name)
        except (KeyError, OSError, ValueError):
            continue
    return schema, references


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def may_correct(session: Session, actor: Actor, step: RecordedStep) -> bool:
    """Whether ``actor`` may correct ``step`` (its author or a supervisor of its territory)."""
    return policy.may(session, actor, policy.CORRECT_STEP, policy.Authored(step.case, step.by))
