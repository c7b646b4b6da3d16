"""Managers change a programme's live settings; every change is kept with who, when and what.

A deadline is computed when its timer is created, so a change reaches every deadline created
after it, and a timer already waiting keeps the moment it was given.

Who may: the policy's ``manage_programme`` (engine.policy): managers and administrators, for
the programmes of the countries they work in (a programme's settings apply in all of its
territories, so a manager in Italy does not change a Chilean programme); the command line
and the system act everywhere.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import Conflict, InvalidSettings, NotFound
from ..definitions import versions
from ..persistence.models import Programme, SettingsChange
from ..persistence.uow import command
from ..programmes.settings_changes import apply_changes, differences
from ..programmes.version_settings import problems_in_use

HISTORY_SHOWN = 50


@command
def update_settings(session: Session, programme_key: str, changes: Mapping[str, object],
                    actor: Actor, now: datetime | None = None, *,
                    based_on: datetime | None = None) -> SettingsChange | None:
    """Change ``programme_key``'s settings, e.g. ``{"plazos.diagnostico.dias": 45}``.

    The new values must suit every version still in use (published, or with running cases):
    a deadline may count only from a field each of them fills in, and no value one of them
    needs is removed.

    Raises :class:`InvalidSettings` (each field and why; nothing changed), :class:`NotAllowed`
    for someone who does not manage the programme, and :class:`Conflict` when ``based_on``
    (the ``updated_at`` the person saw) is no longer current. Returns the recorded change, or
    ``None`` when the values were already those.
    """
    unstorable = inputs.character_errors({"programme": programme_key, **changes})
    if unstorable:
        raise InvalidSettings(programme_key, unstorable)
    with clock.frozen_at(now) as moment:
        programme = _locked(session, programme_key)
        check_may_manage(session, actor, programme)
        if based_on is not None and clock.as_utc(based_on) != programme.updated_at:
            raise Conflict(f"the settings of {programme_key} were changed by someone else "
                           "since you opened them; reload and try again",
                           code="settings.changed_meanwhile", programme=programme_key)
        deployed = programme.file_settings or programme.settings
        changed, problems = apply_changes(programme.settings, changes, deployed)
        if not problems:
            problems = problems_in_use(versions.schemas_in_use(session, programme_key),
                                       programme.settings, changed)
        if problems:
            raise InvalidSettings(programme_key, problems)
        return record_change(session, programme, changed, actor.id, moment, "manager")


def record_change(session: Session, programme: Programme, settings: dict, actor_id: str,
                  at: datetime, source: str) -> SettingsChange | None:
    """Make ``settings`` live and append what changed to the programme's history."""
    changes = differences(programme.settings, settings)
    if not changes:
        return None
    programme.settings = settings
    # strictly later, so the settings cache (keyed by updated_at) never serves the old ones
    programme.updated_at = max(at, programme.updated_at + timedelta(microseconds=1))
    row = SettingsChange(programme_key=programme.key, actor=actor_id, at=at, source=source,
                         changes=changes)
    session.add(row)
    session.flush()
    return row


def history(session: Session, programme_key: str,
            limit: int = HISTORY_SHOWN) -> list[SettingsChange]:
    """The programme's settings changes, newest first."""
    query = (select(SettingsChange).where(SettingsChange.programme_key == programme_key)
             .order_by(SettingsChange.id.desc()).limit(limit))
    return list(session.scalars(query))


def managed_programmes(session: Session, actor: Actor) -> list[Programme]:
    """The programmes ``actor`` may change the settings of, by name."""
    if not actor.roles & policy.MANAGERS:
        return []
    programmes = session.scalars(select(Programme).order_by(Programme.name))
    return [p for p in programmes if policy.may(session, actor, policy.MANAGE_PROGRAMME, p)]


def check_may_manage(session: Session, actor: Actor, programme: Programme) -> None:
    """Raise :class:`NotAllowed` unless ``actor`` manages ``programme``."""
    policy.require(session, actor, policy.MANAGE_PROGRAMME, programme)


def _locked(session: Session, programme_key: str) -> Programme:
    """The programme, read afresh and locked until the change is saved."""
    query = (select(Programme).where(Programme.key == programme_key)
             .options(undefer(Programme.settings), undefer(Programme.file_settings))
             .with_for_update().execution_options(populate_existing=True))
    found = session.scalars(query).first()
    if found is None:
        raise NotFound(f"no programme '{programme_key}'", code="programme.not_found",
                       programme=programme_key)
    return found
