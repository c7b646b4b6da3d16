"""What the programme pages show: versions, latest settings changes, and changes in words."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.definitions import catalog
from engine.persistence.models import ProcessDefinition, Programme, SettingsChange
from engine.programmes.settings import DAY_KINDS, ProgrammeSettings

from ..deadline_text import anchor_name
from .forms import ESCALATIONS, UNITS

DEADLINE_MENTION = re.compile(
    r'name="deadline" value="([^"]+)"|(?:plazo|recordatorio)\(\s*["\']([^"\']+)["\']')
FIELD_LABELS = {"titulo": _l("título"), "dias": _l("días"), "meses": _l("meses"),
                "tipo": _l("unidad"), "desde": _l("desde"), "aviso_dias": _l("aviso (días antes)"),
                "escala_a": _l("al vencer, avisar además a")}


@dataclass(frozen=True)
class ProgrammeRow:
    """One line of the programme list."""

    programme: Programme
    country: str
    version: int | None
    last_change: SettingsChange | None


def overview(session: Session, programmes: list[Programme]) -> list[ProgrammeRow]:
    """Each programme with its published version and its latest settings change."""
    keys = [p.key for p in programmes]
    versions = dict(session.execute(
        select(ProcessDefinition.programme_key, func.max(ProcessDefinition.version))
        .where(ProcessDefinition.programme_key.in_(keys),
               ProcessDefinition.status == "published")
        .group_by(ProcessDefinition.programme_key)).all())
    latest = (select(func.max(SettingsChange.id)).where(SettingsChange.programme_key.in_(keys))
              .group_by(SettingsChange.programme_key))
    changes = {c.programme_key: c for c in session.scalars(
        select(SettingsChange).where(SettingsChange.id.in_(latest)))}
    return [ProgrammeRow(p, catalog.settings_of(p).country, versions.get(p.key),
                         changes.get(p.key)) for p in programmes]


def in_process_order(session: Session, programme_key: str, keys) -> list[str]:
    """Deadline keys in the order the deployed diagram first names them (the order of the
    case's steps); keys it never names come last. The stored settings keep no order."""
    sources = catalog.latest_definition(session, programme_key).sources
    found = []
    for name in sorted(sources):
        for match in DEADLINE_MENTION.finditer(sources[name]):
            key = match.group(1) or match.group(2)
            if key in keys and key not in found:
                found.append(key)
    return found + sorted(k for k in keys if k not in found)


@dataclass(frozen=True)
class ChangeLine:
    """One changed value, in words: ``Diagnóstico · días: 60 → 45``."""

    what: str
    before: str
    after: str


def change_lines(change: SettingsChange, settings: ProgrammeSettings) -> list[ChangeLine]:
    """The values a recorded change altered, named the way the form names them."""
    return [ChangeLine(_what(item["field"], settings), _value(item["field"], item["before"]),
                       _value(item["field"], item["after"])) for item in change.changes]


def _what(path: str, settings: ProgrammeSettings) -> str:
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "plazos":
        rule = settings.deadlines.get(parts[1])
        return f"{rule.title if rule else parts[1]} · {FIELD_LABELS.get(parts[2], parts[2])}"
    if len(parts) == 2 and parts[0] == "ciclos":
        return _("ciclo %(key)s", key=parts[1])
    return path


def _value(path: str, value) -> str:
    if value is None:
        return "—"
    if path.endswith(".tipo") and value in DAY_KINDS:
        return str(UNITS[value])
    if path.endswith(".desde"):
        return anchor_name(str(value))
    if path.endswith(".escala_a") and value in ESCALATIONS:
        return str(ESCALATIONS[value])
    return str(value)
