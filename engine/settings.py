"""A programme's settings file: deadline rules, lane-to-role map, cycle durations.

Every number a manager may want to change lives here, not in the diagram.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidProcess, ProcessProblem

SETTINGS_FILE = "settings.toml"
DAY_KINDS = {"habiles": "días hábiles", "corridos": "días corridos"}
STEP_START = "inicio_paso"


@dataclass(frozen=True)
class DeadlineRule:
    """How one deadline is computed: an amount of days or months from an anchor."""

    key: str
    title: str
    days: int | None = None
    months: int | None = None
    kind: str = "corridos"
    anchor: str = STEP_START
    reminder_days: int = 0

    def describe(self) -> str:
        """The rule in words, e.g. ``15 días hábiles desde fecha_asignacion``."""
        amount = f"{self.months} meses" if self.months else f"{self.days} {DAY_KINDS[self.kind]}"
        anchor = "el inicio del paso" if self.anchor == STEP_START else self.anchor
        return f"{amount} desde {anchor}"


@dataclass(frozen=True)
class ProgrammeSettings:
    """Everything configurable about one programme."""

    key: str
    name: str
    country: str
    language: str
    roles: dict[str, str] = field(default_factory=dict)
    deadlines: dict[str, DeadlineRule] = field(default_factory=dict)
    cycles: dict[str, str] = field(default_factory=dict)

    def role_for_lane(self, lane: str | None) -> str | None:
        """The application role that may work tasks in ``lane``."""
        return self.roles.get(lane) if lane else None


def read_settings_file(folder: Path) -> dict:
    """The parsed ``settings.toml`` of a programme folder."""
    path = folder / SETTINGS_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise _invalid(path, "settings file is missing") from err
    except tomllib.TOMLDecodeError as err:
        raise _invalid(path, f"not valid TOML: {err}") from err


def settings_from_dict(raw: dict, source: str = SETTINGS_FILE) -> ProgrammeSettings:
    """Build settings from their parsed form (as stored in the database)."""
    programme = raw.get("programa", {})
    required = ("clave", "nombre", "pais")
    problems = [f"[programa] needs '{k}'" for k in required if k not in programme]
    rules = {}
    for key, table in raw.get("plazos", {}).items():
        rule, rule_problems = _rule(key, table)
        rules[key] = rule
        problems += rule_problems
    if problems:
        raise InvalidProcess([ProcessProblem(source, p) for p in problems])
    return ProgrammeSettings(
        key=programme["clave"], name=programme["nombre"], country=programme["pais"],
        language=programme.get("idioma", "es"), roles=dict(raw.get("roles", {})),
        deadlines=rules, cycles=dict(raw.get("ciclos", {})),
    )


def _rule(key: str, table: dict) -> tuple[DeadlineRule, list[str]]:
    problems = []
    if ("dias" in table) == ("meses" in table):
        problems.append(f"[plazos.{key}] needs exactly one of 'dias' or 'meses'")
    kind = table.get("tipo", "corridos")
    if kind not in DAY_KINDS:
        problems.append(f"[plazos.{key}] tipo must be one of {sorted(DAY_KINDS)}, not {kind!r}")
    amount = table.get("dias", table.get("meses", 0))
    if not isinstance(amount, int) or amount < 0:
        problems.append(f"[plazos.{key}] the amount must be a whole number ≥ 0")
    rule = DeadlineRule(
        key=key, title=table.get("titulo", key), days=table.get("dias"),
        months=table.get("meses"), kind=kind, anchor=table.get("desde", STEP_START),
        reminder_days=int(table.get("aviso_dias", 0)),
    )
    return rule, problems


def _invalid(path: Path, message: str) -> InvalidProcess:
    return InvalidProcess([ProcessProblem(str(path), message)])
