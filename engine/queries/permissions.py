"""Who may do what in a territory (and for a programme there), asked of the access policy
itself: for each action and each role, the policy's own rule is run for a person holding only
that role in the territory, on a case, a step, an opening… of that territory, once as someone
else's and once as theirs. Nothing here restates a rule; a changed rule changes the page."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..persistence.models import Case, HumanTask, Programme, Territory

YES, OWN, NO = "yes", "own", "no"
PROBE, OTHER = "~probe", "~someone-else"


@dataclass(frozen=True)
class Permission:
    """One action: for each role, ``yes`` (anywhere in the territory), ``own`` (only on the
    cases, steps or records that are the person's own) or ``no``."""

    action: str
    by_role: dict[str, str]


def _things(territory: Territory, programme: Programme | None, role: str, holder: str):
    case = Case(id=0, territory_id=territory.id, caseworker=holder, programme_key=None)
    task = HumanTask(id="~", territory_id=territory.id, role=role, assignee=holder, title="")
    things = {
        policy.SEE_CASE: case, policy.PAUSE_DEADLINES: case, policy.EDIT_HOUSEHOLD: case,
        policy.ACT_ON_CASE: case, policy.TRANSFER_CASE: case, policy.NAME_CASE_PERSON: case,
        policy.MOVE_CASE_STEP: case, policy.MIGRATE_CASES: case,
        policy.SEE_TASK: task, policy.OPEN_TASK: task, policy.CLAIM_TASK: task,
        policy.WORK_TASK: task, policy.RELEASE_TASK: task, policy.READ_DRAFT: task,
        policy.REASSIGN_TASK: task, policy.TAKE_TASK: task,
        policy.CORRECT_STEP: policy.Authored(case, holder),
        policy.ATTACH_DOCUMENT: policy.Authored(case, holder),
        policy.TAKE_POST: policy.Post(case, role),
        policy.SUPERVISE: None, policy.READ_REPORTS: None,
        policy.ADMINISTER_TERRITORY: territory, policy.ADMINISTER: territory.country,
        policy.ERASE_PERSONAL_DATA: territory, policy.EXPORT_PERSONAL_DATA: territory,
        policy.RUN_RETENTION: territory.country,
    }
    if programme is not None:
        opening = policy.Opening(programme, territory, True)
        things.update({policy.START_CASE: opening, policy.ENABLE_PROGRAMME: opening,
                       policy.MANAGE_PROGRAMME: programme,
                       policy.IMPORT_HOUSEHOLDS: opening})
    return things


def permissions(session: Session, territory: Territory,
                programme: Programme | None = None) -> list[Permission]:
    """What each role may do in ``territory`` (with ``programme``: also opening its cases,
    enabling it, managing it), in the order of the policy's rules."""
    answers: dict[str, dict[str, str]] = {}
    for role in policy.ROLES:
        probe = Actor.of_roles(PROBE, [(territory.id, role)])
        theirs = _things(territory, programme, role, PROBE)
        others = _things(territory, programme, role, OTHER)
        for action, thing in others.items():
            if policy.may(session, probe, action, thing):
                answer = YES
            elif policy.may(session, probe, action, theirs[action]):
                answer = OWN
            else:
                answer = NO
            answers.setdefault(action, {})[role] = answer
    order = [a for a in policy.ACTIONS if a in answers]
    return [Permission(action, answers[action]) for action in order]
