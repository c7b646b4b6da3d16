"""A programme's money transfers as its settings give them (``[transferencias]``), and the
schedule they make for one family: which kind, which month, which step, how much.

Pure arithmetic on dates and the settings (no database): engine.commands.transfers keeps the
rows. A month of the programme counts from the entry date (the Carta de Compromiso's
signature): month 1 starts that day, month ``k`` the same day ``k − 1`` months later (clamped
to the month's length, :func:`add_months`).
"""

from dataclasses import dataclass
from datetime import date

from ..core.errors import FieldError
from .calendars import add_months

PROTECTION, BASE, HEALTH_CHECK, ACHIEVEMENT = (
    "proteccion", "base", "control_nino_sano", "logros")
KINDS = (PROTECTION, BASE, HEALTH_CHECK, ACHIEVEMENT)
HEALTH_DEADLINE = "control_nino_sano"  # [plazos.control_nino_sano]: the proof's deadline
ACHIEVEMENTS = ("formalizacion_laboral", "egreso_ensenanza_media")
MAX_AMOUNT = 10_000_000
MAX_MONTHS = 120


@dataclass(frozen=True)
class Planned:
    """One transfer of a family's schedule."""

    kind: str
    period: int
    start: date
    amount: int
    step: int | None = None
    beneficiaries: int = 1


@dataclass(frozen=True)
class Family:
    """What the schedule depends on: the entry date, the household, its monthly income."""

    entry: date
    members: list[dict]
    income: int | None = None


def table(values: dict) -> dict:
    """The ``[transferencias]`` table of a programme's settings (empty: no transfers)."""
    found = values.get("transferencias")
    return found if isinstance(found, dict) else {}


def months(values: dict) -> int:
    """How many months the family receives its monthly transfers."""
    return int(table(values).get("meses", 0))


def title(values: dict, kind: str) -> str:
    """The transfer's name in the settings (``titulo``), else its key."""
    return str(table(values).get(kind, {}).get("titulo", kind))


def period_start(entry: date, period: int) -> date:
    """The first day of month ``period`` of the programme."""
    return add_months(entry, period - 1)


def period_of(entry: date, day: date) -> int:
    """The month of the programme ``day`` falls in (1 on the entry date)."""
    period = 1
    while period_start(entry, period + 1) <= day:
        period += 1
    return period


def schedule(values: dict, family: Family) -> list[Planned]:
    """Every monthly transfer the settings give ``family``, month by month."""
    planned = []
    for period in range(1, months(values) + 1):
        start = period_start(family.entry, period)
        planned += [p for p in (_protection(values, period, start),
                                _base(values, period, start, family),
                                _health_check(values, period, start, family)) if p]
    return planned


def _protection(values: dict, period: int, start: date) -> Planned | None:
    rules = table(values).get(PROTECTION)
    if not rules:
        return None
    amounts = rules["montos"]
    step = min(len(amounts), (period - 1) // rules["meses_por_tramo"] + 1)
    return Planned(PROTECTION, period, start, amounts[step - 1], step=step)


def _base(values: dict, period: int, start: date, family: Family) -> Planned | None:
    rules = table(values).get(BASE)
    if not rules or family.income is None:
        return None
    gap = rules["linea_pobreza_extrema_persona"] * max(1, len(family.members)) - family.income
    amount = gap * rules["porcentaje_brecha"] // 100
    return Planned(BASE, period, start, amount) if amount > 0 else None


def _health_check(values: dict, period: int, start: date, family: Family) -> Planned | None:
    rules = table(values).get(HEALTH_CHECK)
    if not rules:
        return None
    children = sum(1 for member in family.members
                   if _age(member, start) is not None and _age(member, start) < rules[
                       "edad_menor_que"])
    if not children:
        return None
    return Planned(HEALTH_CHECK, period, start, rules["monto_por_nino"] * children,
                   beneficiaries=children)


def _age(member: dict, on: date) -> int | None:
    """A member's age on ``on``: from the birth date, else the age recorded."""
    born = member.get("birth_date")
    if born:
        born = date.fromisoformat(str(born)[:10])
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    age = member.get("age")
    return age if isinstance(age, int) else None


def achievement_amount(values: dict, achievement: str) -> int | None:
    """What an achievement (``formalizacion_laboral``…) pays, None if it pays nothing."""
    amount = table(values).get(ACHIEVEMENT, {}).get(achievement)
    return amount if isinstance(amount, int) and not isinstance(amount, bool) else None


def problems(values: dict) -> list[FieldError]:
    """Every problem of the ``[transferencias]`` table, each naming its field."""
    rules = table(values)
    if not rules:
        return []
    found = _whole(rules, "transferencias.meses", "meses", MAX_MONTHS)
    protection = rules.get(PROTECTION)
    if protection:
        found += _whole(protection, "transferencias.proteccion.meses_por_tramo",
                        "meses_por_tramo", MAX_MONTHS, minimum=1)
        amounts = protection.get("montos")
        if not isinstance(amounts, list) or not amounts:
            found.append(FieldError("transferencias.proteccion.montos", "amount",
                                    "transferencias.proteccion.montos must list one amount "
                                    "per step"))
        else:
            for index, _ in enumerate(amounts):
                found += _whole(dict(enumerate(amounts)),
                                f"transferencias.proteccion.montos[{index}]", index, MAX_AMOUNT)
    for kind, names in ((BASE, ("porcentaje_brecha", "linea_pobreza_extrema_persona")),
                        (HEALTH_CHECK, ("edad_menor_que", "monto_por_nino"))):
        if rules.get(kind):
            for name in names:
                found += _whole(rules[kind], f"transferencias.{kind}.{name}", name, MAX_AMOUNT)
    return found


def _whole(where: dict, field: str, key, maximum: int, minimum: int = 0) -> list[FieldError]:
    value = where.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        return [FieldError(field, "whole_number", f"{field} must be a whole number ≥ {minimum}")]
    if value > maximum:
        return [FieldError(field, "maximum", f"{field} must be at most {maximum}", maximum)]
    return []
