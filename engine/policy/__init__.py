"""Who may do what: the one access policy of the web pages, the API, the CLI and the jobs.

``may(session, actor, action, thing)`` answers yes or no; ``require(...)`` raises
:class:`NotFound` when the actor may not even see the thing (so its existence does not
leak) and :class:`NotAllowed` when they see it but may not do this, each with a stable code
and parameters. ``visible(actor, query, column)`` is the one territory filter every query
applies (engine.queries). The rules, by action (and the thing it is about):

- ``see_case`` (Case), ``see_task`` (HumanTask): a person with a role, working in the
  territory (``case.not_found`` / ``task.not_found``). Without any role one sees nothing.
- ``open_task`` (HumanTask): sees it, and may work it or supervises its territory.
- ``start_case`` (:class:`Opening`): a caseworker, supervisor or administrator working in
  the territory (``policy.not_in_territory``), where the programme is enabled
  (``policy.programme_not_enabled``), from its start date there on
  (``policy.programme_not_started``).
- ``claim_task`` (HumanTask): has the task's role in its territory (``policy.needs_task_role``).
- ``work_task`` (HumanTask): may claim it, and nobody else holds it
  (``policy.task_held_by_other``).
- ``release_task``, ``read_draft`` (HumanTask): its holder or a supervisor of its territory;
  ``reassign_task``: a supervisor of its territory.
- ``pause_deadlines`` (Case): the case's caseworker or a supervisor of its territory.
- ``correct_step`` (:class:`Authored`): the step's author or a supervisor of the case's
  territory (``policy.correct_not_allowed``); ``edit_household`` (Case): the case's
  caseworker or a supervisor of its territory (``policy.household_not_allowed``);
  ``attach_document`` (:class:`Authored`): the step's author, the case's caseworker or a
  supervisor of its territory (``policy.attach_not_allowed``).
- ``act_on_case`` (Case: a withdrawal, a move... from the case file): the case's caseworker
  or a supervisor of its territory (``policy.act_not_allowed``).
- ``transfer_case`` (Case): a supervisor of its territory (``policy.transfer_not_allowed``);
  ``name_case_person`` (Case: its tutor, home educator, referent): the case's caseworker or a
  supervisor of its territory (``policy.name_not_allowed``).
- ``take_task`` (HumanTask) and ``take_post`` (:class:`Post`) are asked about the person a
  task or a post would be given to, not the one giving it: they need the task's (post's)
  role (``routing.needs_role``) in its territory (``routing.not_in_territory``). The people
  pickers list exactly the people :func:`who_may` lets through.
- ``supervise`` (the dashboard) and ``read_reports``: supervisors, managers and
  administrators, over their own territories.
- ``manage_programme`` (Programme: its settings and incidents): managers and administrators
  working in the programme's country (``policy.not_in_country``).
- ``enable_programme`` (:class:`Opening`): administrators; the territory must be in the
  programme's country (``policy.country_mismatch``).
- ``run_group_session`` (:class:`Opening`) and ``record_group_attendance`` (HumanTask): a
  programme's group sessions (engine.policy.group_rules).
- ``import_households`` (:class:`Opening`): a supervisor, manager or administrator of the
  territory, where the programme is enabled (engine.policy.import_rules).
- ``pay_transfer`` (Case: marking a family's transfer paid): a supervisor of its territory
  (``policy.pay_not_allowed``); ``record_transfer`` (Case: a Control Niño Sano proof, an
  achievement): the case's caseworker or a supervisor of its territory
  (``policy.record_transfer_not_allowed``).
- ``move_case_step`` (Case: moving it back to a step it passed, a repair): administrators
  working in its territory (``policy.move_not_allowed``).
- ``record_consent`` (Case: a household member's consent, recorded or withdrawn): the
  case's caseworker or a supervisor of its territory (engine.policy.consent_rules).
- ``read_access_log``, ``see_case_access`` (Case) and ``read_sensitive``
  (:class:`Sensitive`): who reads the log of views (engine.policy.access_log_rules) and a
  form's sensitive fields (engine.policy.sensitive_rules).
- ``administer`` (a country code, or None: the administration pages at all),
  ``administer_territory`` (Territory: it, its programmes, holidays and the roles held
  there) and ``manage_person`` (:class:`Account`: a person's account): administrators of the
  country, i.e. holding ``admin`` in one of its territories (``policy.not_admin_of_country``);
  a person working in several countries needs an administrator of all of them.
- ``erase_personal_data``, ``export_personal_data`` (Territory: the household's) and
  ``run_retention`` (a country code, or None): administrators of the country
  (engine.policy.privacy_rules).

A missing role is ``policy.not_allowed`` (params ``action``, ``roles``). An actor with the
``system`` role (the engine itself, the command line) passes every rule except those about
doing a person's step (``claim_task``, ``work_task``).

Layer engine.policy; it may import: engine.definitions, engine.persistence, engine.core. The
contracts that hold it are in pyproject.toml ([tool.importlinter]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from ..core.errors import NotFound
from ..core.roles import ADMIN, CASEWORKER, MANAGER, ROLES, SUPERVISOR, SYSTEM_ROLE
from ..definitions import catalog
from ..persistence.models import Case, ProgrammeTerritory, Territory
from . import scope
from .access_log_rules import READ_ACCESS_LOG, SEE_CASE_ACCESS
from .admin_rules import ADMINISTER, ADMINISTER_TERRITORY, MANAGE_PERSON, Account, manageable
from .consent_rules import RECORD_CONSENT
from .group_rules import RECORD_GROUP_ATTENDANCE, RUN_GROUP_SESSION
from .import_rules import IMPORT_HOUSEHOLDS
from .privacy_rules import ERASE_PERSONAL_DATA, EXPORT_PERSONAL_DATA, RUN_RETENTION
from .rules import (
    ACT_ON_CASE,
    ATTACH_DOCUMENT,
    CLAIM_TASK,
    CORRECT_STEP,
    EDIT_HOUSEHOLD,
    ENABLE_PROGRAMME,
    MANAGE_PROGRAMME,
    MANAGERS,
    MIGRATE_CASES,
    MOVE_CASE_STEP,
    NAME_CASE_PERSON,
    OPEN_TASK,
    OVERSEERS,
    PAUSE_DEADLINES,
    READ_DRAFT,
    READ_REPORTS,
    REASSIGN_TASK,
    RELEASE_TASK,
    RULES,
    SEE_CASE,
    SEE_TASK,
    START_CASE,
    STARTERS,
    SUPERVISE,
    TAKE_POST,
    TAKE_TASK,
    TRANSFER_CASE,
    WORK_TASK,
    Authored,
    Opening,
    Post,
    admin_countries,
    countries,
)
from .scope import pool, reach, sees_territory, supervises, territory_ids
from .sensitive_rules import (
    READ_SENSITIVE,
    ROWS,
    Sensitive,
    hidden_fields,
    hidden_report_columns,
    sensitive_fields,
)
from .transfer_rules import PAY_TRANSFER, RECORD_TRANSFER

if TYPE_CHECKING:
    from ..core.actors import Actor

ACTIONS = tuple(RULES)

__all__ = [
    "ACT_ON_CASE",
    "ACTIONS", "ADMIN", "ATTACH_DOCUMENT", "Authored", "CASEWORKER", "CLAIM_TASK", "CORRECT_STEP",
    "EDIT_HOUSEHOLD", "ENABLE_PROGRAMME", "MANAGE_PROGRAMME", "MIGRATE_CASES",
    "MANAGER", "MANAGERS", "OPEN_TASK", "OVERSEERS", "PAUSE_DEADLINES", "READ_DRAFT",
    "READ_REPORTS", "REASSIGN_TASK", "RELEASE_TASK", "ROLES", "SEE_CASE", "SEE_TASK",
    "START_CASE", "STARTERS", "SUPERVISE", "SUPERVISOR", "SYSTEM_ROLE", "WORK_TASK", "Opening",
    "countries", "may", "opening", "reach", "require", "sees_territory", "supervises",
    "territory_ids", "visible", "NAME_CASE_PERSON", "TAKE_POST", "TAKE_TASK", "TRANSFER_CASE",
    "Post", "who_may", "MOVE_CASE_STEP", "RUN_GROUP_SESSION", "RECORD_GROUP_ATTENDANCE",
    "pool", "ADMINISTER", "ADMINISTER_TERRITORY", "MANAGE_PERSON", "Account", "admin_countries",
    "manageable", "PAY_TRANSFER", "RECORD_TRANSFER",
    "RECORD_CONSENT", "READ_ACCESS_LOG", "SEE_CASE_ACCESS", "READ_SENSITIVE", "Sensitive",
    "ROWS", "hidden_fields", "hidden_report_columns", "sensitive_fields",
    "ERASE_PERSONAL_DATA", "EXPORT_PERSONAL_DATA", "RUN_RETENTION",
    "manageable", "PAY_TRANSFER", "RECORD_TRANSFER", "IMPORT_HOUSEHOLDS",
]


def may(session: Session, actor: Actor, action: str, thing: object = None) -> bool:
    """Whether ``actor`` may do ``action`` to ``thing``."""
    return _refusal(session, actor, action, thing) is None


def require(session: Session, actor: Actor, action: str, thing: object = None) -> None:
    """Raise :class:`NotFound` or :class:`NotAllowed` (with a code) unless ``actor`` may do
    ``action`` to ``thing``."""
    refusal = _refusal(session, actor, action, thing)
    if refusal is not None:
        raise refusal


def _refusal(session: Session, actor: Actor, action: str, thing: object):
    rule = RULES.get(action)
    if rule is None:
        raise ValueError(f"no access rule for the action {action!r}")
    return rule(session, actor, thing)


def who_may(session: Session, people, action: str, thing: object) -> list:
    """Of ``people`` (each an :class:`Actor`), those ``may`` lets do ``action`` to ``thing``,
    in the order given: what a people picker offers."""
    return [person for person in people if may(session, person, action, thing)]


def visible(actor: Actor, query: Select, territory_column=Case.territory_id, *,
            action: str | None = None) -> Select:
    """``query`` limited to the rows ``actor`` may see, by their ``territory_column``
    (``Case.territory_id`` unless told otherwise); nothing at all unless the actor may do
    ``action`` (a rule about no particular thing: ``supervise``, ``read_reports``…)."""
    if action is not None and _refusal(None, actor, action, None) is not None:
        return query.where(false())
    return scope.visible(actor, query, territory_column)


def opening(session: Session, programme_key: str, territory_code: str) -> Opening:
    """The programme ``programme_key`` in the territory ``territory_code`` (whether it is
    enabled there); :class:`NotFound` when either does not exist."""
    territory = session.scalars(select(Territory).where(Territory.code == territory_code)).first()
    if territory is None:
        raise NotFound(f"no territory '{territory_code}'", code="territory.not_found",
                       territory=territory_code)
    programme = catalog.programme(session, programme_key)
    link = session.get(ProgrammeTerritory, (programme.key, territory.id))
    return Opening(programme, territory, link is not None, link.starts_on if link else None)
