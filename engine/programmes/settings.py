"""A programme's settings file: deadline rules, lane-to-role map, cycle durations.

Every number a manager may want to change lives here, not in the diagram.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import FieldError, InvalidProcess, ProcessProblem
from . import retention, transfers
from .calendars import municipality_problems

SETTINGS_FILE = "settings.toml"
DAY_KINDS = {"habiles": "días hábiles", "corridos": "días corridos"}
STEP_START = "inicio_paso"
REQUIRED = ("clave", "nombre", "pais")
MAXIMUM = {"dias": 3660, "meses": 120, "aviso_dias": 3660}  # ten years
MAX_TITLE = 200
# whom an overdue step is escalated to, besides the person holding it (``escala_a``): the
# territory's supervisors, the programme's managers of the territory, the case's caseworker
ESCALATE_TO = ("supervisor", "manager", "caseworker")


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
    escalate_to: str = ESCALATE_TO[0]

    def describe(self) -> str:
        """The rule in words, e.g. ``15 días hábiles desde fecha_asignacion``."""
        if self.months is not None:
            amount = f"{self.months} meses"
        else:
            amount = f"{self.days} {DAY_KINDS[self.kind]}"
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
    values: dict = field(default_factory=dict, repr=False)  # every table as stored (cupos…)

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
    except UnicodeDecodeError as err:
        line = path.read_bytes()[:err.start].count(b"\n") + 1
        raise _invalid(path, f"line {line} is not UTF-8: save the file as UTF-8") from err


def settings_from_dict(raw: dict, source: str = SETTINGS_FILE) -> ProgrammeSettings:
    """Build settings from their parsed form (as stored in the database)."""
    problems = settings_problems(raw)
    if problems:
        raise InvalidProcess([ProcessProblem(source, p.message, code="process.settings_invalid",
                                             extra={"field": p.field, "rule": p.code,
                                                    "limit": p.limit})
                              for p in problems])
    programme = raw["programa"]
    return ProgrammeSettings(
        key=programme["clave"], name=programme["nombre"], country=programme["pais"],
        language=programme.get("idioma", "es"), roles=dict(raw.get("roles", {})),
        deadlines={key: _rule(key, table) for key, table in raw.get("plazos", {}).items()},
        cycles=dict(raw.get("ciclos", {})), values=raw,
    )


def settings_problems(raw: dict) -> list[FieldError]:
    """Every problem in parsed settings, each naming its field (``plazos.diagnostico.dias``)."""
    programme = raw.get("programa", {})
    problems = [FieldError(f"programa.{k}", "required", f"[programa] needs '{k}'")
                for k in REQUIRED if k not in programme]
    for key, table in raw.get("plazos", {}).items():
        problems += rule_problems(key, table)
    problems += [FieldError(where, "pattern", message)
                 for where, message in municipality_problems(raw)]
    return problems + transfers.problems(raw) + retention.problems(raw)


def rule_problems(key: str, table: dict) -> list[FieldError]:
    """What is wrong with the deadline rule ``[plazos.<key>]``, field by field."""
    where = f"plazos.{key}"
    problems = []
    if ("dias" in table) == ("meses" in table):
        problems.append(FieldError(f"{where}.dias", "amount",
                                   f"{where} needs exactly one of 'dias' or 'meses'"))
    kind = table.get("tipo", "corridos")
    if kind not in DAY_KINDS:
        problems.append(FieldError(f"{where}.tipo", "enum", f"{where}.tipo must be one of "
                                   f"{sorted(DAY_KINDS)}, not {kind!r}", sorted(DAY_KINDS)))
    for name in ("dias", "meses", "aviso_dias"):
        if name in table:
            problems += _whole_number(f"{where}.{name}", table[name], MAXIMUM[name])
    title = table.get("titulo", key)
    if not isinstance(title, str) or not 0 < len(title.strip()) <= MAX_TITLE:
        problems.append(FieldError(f"{where}.titulo", "title",
                                   f"{where}.titulo must be text of 1 to {MAX_TITLE} characters"))
    if not isinstance(table.get("desde", STEP_START), str) or not table.get("desde", STEP_START):
        problems.append(FieldError(f"{where}.desde", "type", f"{where}.desde must name a field"))
    if table.get("escala_a", ESCALATE_TO[0]) not in ESCALATE_TO:
        problems.append(FieldError(f"{where}.escala_a", "escalation",
                                   f"{where}.escala_a must be one of {list(ESCALATE_TO)}",
                                   list(ESCALATE_TO)))
    return problems or _reminder_problems(where, table)


def _whole_number(where: str, value, maximum: int) -> list[FieldError]:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return [FieldError(where, "whole_number", f"{where} must be a whole number ≥ 0")]
    if value > maximum:
        return [FieldError(where, "maximum", f"{where} must be at most {maximum}", maximum)]
    return []


def _reminder_problems(where: str, table: dict) -> list[FieldError]:
    """A reminder may not come before the deadline starts counting."""
    days, reminder = table.get("dias"), table.get("aviso_dias", 0)
    if days is not None and reminder > days:
        return [FieldError(f"{where}.aviso_dias", "reminder", f"{where}.aviso_dias must be at "
                           f"most {where}.dias ({days}): the reminder would come before the "
                           "deadline starts", days)]
    return []


def _rule(key: str, table: dict) -> DeadlineRule:
    return DeadlineRule(
        key=key, title=table.get("titulo", key), days=table.get("dias"),
        months=table.get("meses"), kind=table.get("tipo", "corridos"),
        anchor=table.get("desde", STEP_START), reminder_days=table.get("aviso_dias", 0),
        escalate_to=table.get("escala_a", ESCALATE_TO[0]),
    )


def _invalid(path: Path, message: str) -> InvalidProcess:
    return InvalidProcess([ProcessProblem(str(path), message, code="process.settings_invalid")])
