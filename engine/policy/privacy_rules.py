"""Who handles personal data on request: erasing a household member's data, exporting it,
and running (or previewing) the retention of closed cases.

- ``erase_personal_data`` and ``export_personal_data`` (Territory: the household's):
  administrators of its country (``policy.not_admin_of_country``);
- ``run_retention`` (a country code, or None: every country the actor administers): the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..persistence.models import Territory
from .admin_rules import _administer
from .rules import Refusal, _rule

if TYPE_CHECKING:
    from ..core.actors import Actor

ERASE_PERSONAL_DATA, EXPORT_PERSONAL_DATA, RUN_RETENTION = (
    "erase_personal_data", "export_personal_data", "run_retention")


@_rule(ERASE_PERSONAL_DATA, EXPORT_PERSONAL_DATA)
def _personal_data(session: Session, actor: Actor, territory: Territory) -> Refusal:
    """A household member's data: an administrator of the household's country."""
    return _administer(session, actor, territory.country)


@_rule(RUN_RETENTION)
def _run_retention(session: Session, actor: Actor, country: str | None) -> Refusal:
    """The retention run and its preview: an administrator (of ``country`` when given)."""
    return _administer(session, actor, country)
