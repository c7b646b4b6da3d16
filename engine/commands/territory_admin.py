"""Changing a territory once it exists: its name, region and time zone (the country stays:
its people, households and programmes belong to it), the days it closes on top of the public
holidays, and when it began a programme. Each change is checked by the policy
(``administer_territory``) and kept in the installation's audit trail."""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import FieldError, NotFound
from ..persistence.audit import record_admin
from ..persistence.models import ProgrammeTerritory, Territory, TerritoryHoliday
from ..persistence.uow import command
from .territories import territory_errors

EDITABLE = ("name", "region", "timezone")
MAX_HOLIDAY_NAME = 200


def territory(session: Session, code: str) -> Territory:
    """The territory ``code``; :class:`NotFound` (``territory.not_found``) when there is none."""
    found = session.scalars(select(Territory).where(Territory.code == code)).first()
    if found is None:
        raise NotFound(f"no territory '{code}'", code="territory.not_found", territory=code)
    return found


@command
def edit_territory(session: Session, code: str, changes: dict[str, str | None],
                   actor: Actor) -> dict[str, list]:
    """Change ``name``, ``region`` or ``timezone`` of territory ``code`` (checked like a new
    one); the fields changed, ``{field: [before, after]}``."""
    row = territory(session, code)
    policy.require(session, actor, policy.ADMINISTER_TERRITORY, row)
    unknown = sorted(set(changes) - set(EDITABLE))
    inputs.refuse_if("edit_territory", [FieldError(f, "unknown", f"'{f}' no se puede cambiar.")
                                        for f in unknown])
    values = {f: getattr(row, f) for f in (*EDITABLE, "code", "country")}
    values.update({f: (v or None) if f == "region" else v for f, v in changes.items()})
    inputs.refuse_if("edit_territory", territory_errors(values))
    changed = {f: [getattr(row, f), values[f]] for f in EDITABLE if getattr(row, f) != values[f]}
    for field, (_before, after) in changed.items():
        setattr(row, field, after)
    if changed:
        record_admin(session, "territory_edited", actor.id, clock.now(), territory=row,
                     data={"changes": changed})
    return changed


def holiday_errors(day: date | None, name: str | None) -> list[FieldError]:
    """Problems with a local holiday: a date, and a name of at most 200 characters."""
    errors = inputs.text_errors("name", name, MAX_HOLIDAY_NAME, required=True)
    if day is None:
        errors.append(FieldError("day", "format", "Indique una fecha (p. ej. 2026-08-15)."))
    return errors


@command
def add_holiday(session: Session, code: str, day: date | None, name: str, yearly: bool,
                actor: Actor) -> TerritoryHoliday:
    """Territory ``code`` closes on ``day`` (every year when ``yearly``): every working-day
    deadline counted there from now on skips it. A day it already closes on is refused."""
    row = territory(session, code)
    policy.require(session, actor, policy.ADMINISTER_TERRITORY, row)
    inputs.refuse_if("add_holiday", holiday_errors(day, name))
    if any(h.day == day for h in row.local_holidays):
        inputs.refuse_if("add_holiday", [FieldError(
            "day", "duplicate", f"{row.name} ya tiene un feriado el {day.isoformat()}.")])
    holiday = TerritoryHoliday(day=day, name=name.strip(), yearly=bool(yearly))
    row.local_holidays.append(holiday)
    row.holidays_stamp = uuid.uuid4().hex
    record_admin(session, "holiday_added", actor.id, clock.now(), territory=row,
                 data={"day": day.isoformat(), "name": holiday.name, "yearly": holiday.yearly})
    return holiday


@command
def remove_holiday(session: Session, code: str, holiday_id: int, actor: Actor) -> None:
    """Territory ``code`` no longer closes on its holiday ``holiday_id``."""
    row = territory(session, code)
    policy.require(session, actor, policy.ADMINISTER_TERRITORY, row)
    holiday = next((h for h in row.local_holidays if h.id == holiday_id), None)
    if holiday is None:
        raise NotFound(f"no holiday {holiday_id} in {code}", code="holiday.not_found",
                       territory=code)
    row.local_holidays.remove(holiday)
    row.holidays_stamp = uuid.uuid4().hex if row.local_holidays else None
    record_admin(session, "holiday_removed", actor.id, clock.now(), territory=row,
                 data={"day": holiday.day.isoformat(), "name": holiday.name})


@command
def set_programme_start(session: Session, programme_key: str, code: str,
                        starts_on: date | None, actor: Actor) -> None:
    """Record when territory ``code`` began running ``programme_key`` (enabled there)."""
    where = policy.opening(session, programme_key, code)
    policy.require(session, actor, policy.ENABLE_PROGRAMME, where)
    link = session.get(ProgrammeTerritory, (where.programme.key, where.territory.id))
    if link is None:
        raise NotFound(f"{programme_key} is not enabled in {code}",
                       code="policy.programme_not_enabled", programme=programme_key,
                       territory=code)
    if link.starts_on != starts_on:
        record_admin(session, "programme_start", actor.id, clock.now(),
                     territory=where.territory, programme_key=where.programme.key,
                     data={"before": link.starts_on and link.starts_on.isoformat(),
                           "after": starts_on and starts_on.isoformat()})
        link.starts_on = starts_on
