"""Adding a territory (a comuna, an Ambito), checked so that every later deadline can be
counted there: a real time zone, and a country and holiday subdivision the holidays package
knows."""

from functools import lru_cache
from zoneinfo import available_timezones

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import SYSTEM, Actor
from ..core.errors import FieldError
from ..persistence.audit import record_admin
from ..persistence.models import Territory
from ..persistence.uow import command

LENGTHS = {"code": 64, "name": 200, "country": 2, "region": 16, "timezone": 64}


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def territory_errors(values: dict[str, str | None]) -> list[FieldError]:
    """Every problem with a new territory's ``code``, ``name``, ``country``, ``region`` and
    ``timezone``."""
    errors = [error for field, limit in LENGTHS.items()
              for error in inputs.text_errors(field, values.get(field), limit,
                                              required=field != "region")]
    if errors:
        return errors
    return _calendar_errors(values["country"], values.get("region"), values["timezone"])


def _calendar_errors(country: str, region: str | None, timezone: str) -> list[FieldError]:
    errors = []
    if timezone not in _zones():
        errors.append(FieldError("timezone", "timezone",
                                 f"'{timezone}' no es una zona horaria (p. ej. America/Santiago)."))
    subdivisions = holidays.list_supported_countries().get(country)
    if subdivisions is None:
        errors.append(FieldError("country", "country",
                                 f"No hay calendario de feriados para el país '{country}'."))
    elif region and region not in subdivisions:
        errors.append(FieldError("region", "enum",
                                 f"'{region}' no es una subdivisión de {country}: "
                                 + ", ".join(subdivisions) + ".", subdivisions))
    return errors


@command
def add_territory(session: Session, code: str, name: str, country: str, region: str | None,
                  timezone: str, actor: Actor = SYSTEM) -> Territory:
    """Store a new territory (``actor`` an administrator of ``country``); raise
    :class:`InvalidInput` (nothing stored) if any value is wrong or the code is taken."""
    values = {"code": code, "name": name, "country": country, "region": region or None,
              "timezone": timezone}
    inputs.refuse_if("add_territory", territory_errors(values))
    policy.require(session, actor, policy.ADMINISTER, country)
    if session.scalar(select(Territory.id).where(Territory.code == code)) is not None:
        inputs.refuse_if("add_territory", [FieldError(
            "code", "duplicate", f"Ya existe un territorio con el código '{code}'.")])
    territory = Territory(**values)
    session.add(territory)
    record_admin(session, "territory_added", actor.id, clock.now(), territory=territory,
                 data={k: v for k, v in values.items() if k != "code"})
    return territory
