"""Who reads the log of who looked at what (engine.commands.access_log).

- ``read_access_log`` (None: the whole log of the administrator's countries): administrators
  (``policy.not_admin_of_country`` as for the other administration pages).
- ``see_case_access`` (Case: who opened this family's file): a supervisor of its territory
  or an administrator of its country (``policy.case_access_not_allowed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..core.roles import ADMIN
from ..persistence.models import Case
from .admin_rules import _administer
from .rules import Refusal, _administers, _rule, not_allowed, unseen_case
from .scope import supervises

if TYPE_CHECKING:
    from ..core.actors import Actor

READ_ACCESS_LOG, SEE_CASE_ACCESS = "read_access_log", "see_case_access"


@_rule(READ_ACCESS_LOG)
def _read_access_log(session: Session, actor: Actor, thing: object) -> Refusal:
    """The access log: administrators only, over their countries."""
    return _administer(session, actor, None)


@_rule(SEE_CASE_ACCESS)
def _see_case_access(session: Session, actor: Actor, case: Case) -> Refusal:
    """Who opened a family's file: a supervisor of its territory or an administrator of its
    country."""
    refusal = unseen_case(actor, case)
    if refusal is not None or supervises(actor, case.territory_id):
        return refusal
    if ADMIN in actor.roles and _administers(session, actor, case.territory.country):
        return None
    return not_allowed(actor, SEE_CASE_ACCESS, "only a supervisor of its territory or an "
                       "administrator may see who opened this file",
                       code="policy.case_access_not_allowed", case=case.id)
