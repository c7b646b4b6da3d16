"""Bulk household import from a registry export: upload, mapping, dry run, start.

:func:`upload` reads the file (engine.definitions.household_files) and keeps it with the
mapping its column names suggest; :func:`set_mapping` keeps the one the person chose;
:func:`dry_run` says of every row what it would do — create, update (which parts), leave
unchanged, or refuse (each field and why) — writing nothing; :func:`start` turns the file into
one pending row per line for the runners (engine.commands.household_import_runs), which
write each in its own transaction. Everything asks the policy's ``import_households`` of the
programme in the territory (a supervisor, manager or administrator there). A national id
appearing twice in one file is refused on its later rows (``duplicate``, the first row's
number), so what a file does never depends on the order rows are taken in.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs, national_ids
from ..core.actors import Actor
from ..core.errors import Conflict, FieldError, InvalidInput, NotFound
from ..definitions import catalog, household_files, household_mapping, versions
from ..persistence import audit
from ..persistence.models import (
    IMPORT_RUNNING,
    IMPORT_UPLOADED,
    ROW_FAILED,
    ROW_PENDING,
    ROW_STATUSES,
    Household,
    HouseholdImport,
    HouseholdImportRow,
    Territory,
)
from ..persistence.uow import command
from . import household_import_rows as rows_module
from .household_import_rows import RowOutcome

COMMAND = household_files.COMMAND
MAX_FILENAME = 200
KIND = "households_imported"  # the installation's audit trail


@dataclass
class PlannedRow:
    """One line of the file as the mapping reads it: its number, the candidate household,
    and what stops it before the database is asked (unreadable cells, a repeated key)."""

    number: int
    data: dict
    errors: list[FieldError] = field(default_factory=list)


@dataclass
class DryRun:
    """What an import would do, row by row, and the totals by outcome."""

    rows: list[tuple[PlannedRow, RowOutcome]]

    @property
    def totals(self) -> dict[str, int]:
        """How many rows would be created, updated, unchanged, failed."""
        found = dict.fromkeys(ROW_STATUSES[1:], 0)
        for _row, outcome in self.rows:
            found[outcome.status] += 1
        return found


@command
def upload(session: Session, actor: Actor, programme_key: str, territory_code: str,
           filename: str, content: bytes, *, now: datetime | None = None) -> int:
    """Keep an uploaded file for an import into ``territory_code`` for ``programme_key``; its
    id. :class:`NotFound`/:class:`NotAllowed` per the policy; :class:`InvalidInput` on
    ``file`` when it cannot be read (nothing kept)."""
    inputs.refuse_if(COMMAND, inputs.character_errors(
        {"programme": programme_key, "territory": territory_code, "filename": filename}))
    where = policy.opening(session, programme_key, territory_code)
    policy.require(session, actor, policy.IMPORT_HOUSEHOLDS, where)
    table = household_files.read(content, filename or "")
    found = HouseholdImport(
        programme_key=where.programme.key, territory_id=where.territory.id,
        filename=(filename or "households")[:MAX_FILENAME], kind=table.kind,
        encoding=table.encoding, separator=table.separator, columns=table.columns,
        mapping=household_mapping.guess(table.columns), content=table.text,
        row_count=len(table.rows), status=IMPORT_UPLOADED, created_by=actor.id,
        created_at=now or clock.now(), counts={})
    session.add(found)
    session.flush()
    return found.id


def visible_import(session: Session, actor: Actor, import_id: int, *,
                   lock: bool = False) -> HouseholdImport:
    """Import ``import_id`` if the actor may import into its territory for its programme;
    :class:`NotFound` otherwise (its existence does not leak)."""
    found = session.get(HouseholdImport, import_id, with_for_update=lock,
                        populate_existing=lock) if inputs.is_database_id(import_id) else None
    if found is None:
        raise NotFound(f"no household import {import_id}", code="import.not_found",
                       **{"import": import_id})
    territory = session.get(Territory, found.territory_id)
    where = policy.opening(session, found.programme_key, territory.code)
    if not policy.may(session, actor, policy.IMPORT_HOUSEHOLDS, where):
        raise NotFound(f"no household import {import_id}", code="import.not_found",
                       **{"import": import_id})
    return found


@command
def set_mapping(session: Session, actor: Actor, import_id: int, mapping: object) -> None:
    """Keep the mapping ``{target: column}`` chosen for the file; :class:`InvalidInput`
    naming each wrong target (nothing kept); :class:`Conflict` once the import started."""
    found = visible_import(session, actor, import_id, lock=True)
    _still_uploaded(found)
    errors = household_mapping.mapping_errors(mapping, found.columns)
    inputs.refuse_if(COMMAND, errors)
    found.mapping = household_mapping.cleaned(mapping)


def _still_uploaded(found: HouseholdImport) -> None:
    if found.status != IMPORT_UPLOADED:
        raise Conflict(f"household import {found.id} already started",
                       code="import.already_started", **{"import": found.id})


def planned(found: HouseholdImport, country: str) -> list[PlannedRow]:
    """Every line of the import's file as its mapping reads it, repeated keys (national ids
    of ``country`` compared as stored) refused."""
    table = household_files.read(found.content.encode("utf-8"), _name(found))
    first: dict[str, int] = {}
    rows = []
    for number, raw in table.rows:
        data, errors = household_mapping.candidate(raw, found.mapping)
        key = _key(country, data.get("national_id"))
        if key and not errors:
            if key in first:
                errors.append(FieldError("national_id", "duplicate",
                                         "The same national id is on an earlier row.",
                                         first[key]))
            else:
                first[key] = number
        rows.append(PlannedRow(number, data, errors))
    return rows


def _key(country: str, national_id: object) -> str:
    text = str(national_id or "")
    try:
        return national_ids.normalised(country, text)
    except ValueError:
        return "".join(text.split()).upper()


def _name(found: HouseholdImport) -> str:
    return "file.json" if found.kind == "json" else "file.csv"


def schema_of(session: Session, programme_key: str) -> dict | None:
    """The household schema of the programme's latest version (None: the default one)."""
    definition = catalog.latest_definition(session, programme_key)
    return versions.household_schema_of(session, definition.id, programme_key)


def dry_run(session: Session, actor: Actor, import_id: int) -> DryRun:
    """What each row would do with the mapping chosen, writing nothing; :class:`InvalidInput`
    while the mapping is incomplete."""
    found = visible_import(session, actor, import_id)
    inputs.refuse_if(COMMAND, household_mapping.mapping_errors(found.mapping, found.columns))
    territory = session.get(Territory, found.territory_id)
    schema = schema_of(session, found.programme_key)
    parts = rows_module.parts_of(found.mapping)
    plan = planned(found, territory.country)
    checked = []
    for row in plan:
        errors = row.errors or rows_module.row_errors(territory, schema, row.data)
        checked.append((row, errors))
    registered = _registered(session, territory, [
        rows_module.stored(territory, row.data)["national_key"]
        for row, errors in checked if not errors])
    result = []
    for row, errors in checked:
        if errors:
            result.append((row, RowOutcome(ROW_FAILED, errors)))
            continue
        wanted = rows_module.stored(territory, row.data)
        result.append((row, rows_module.compared(registered.get(wanted["national_key"]),
                                                 wanted, parts)))
    return DryRun(result)


def _registered(session: Session, territory: Territory, keys: list[str]) -> dict:
    found = {}
    for start in range(0, len(keys), 500):
        query = select(Household).where(Household.territory_id == territory.id,
                                        Household.national_key.in_(keys[start:start + 500]))
        found.update({h.national_key: h for h in session.scalars(query)})
    return found


@command
def start(session: Session, actor: Actor, import_id: int, *,
          now: datetime | None = None) -> int:
    """Turn the file into one row per line for the runners (those refused before the
    database is asked are ``failed`` at once, the others ``pending``); how many rows.
    :class:`Conflict` when it already started; :class:`InvalidInput` while the mapping is
    incomplete."""
    found = visible_import(session, actor, import_id, lock=True)
    _still_uploaded(found)
    inputs.refuse_if(COMMAND, household_mapping.mapping_errors(found.mapping, found.columns))
    moment = now or clock.now()
    territory = session.get(Territory, found.territory_id)
    plan = planned(found, territory.country)
    session.add_all(_row(found.id, row) for row in plan)
    found.status, found.started_at = IMPORT_RUNNING, moment
    found.counts = {"pending": sum(1 for r in plan if not r.errors),
                    "failed": sum(1 for r in plan if r.errors)}
    territory = session.get(Territory, found.territory_id)
    audit.record_admin(session, KIND, actor.id, moment, territory=territory,
                       programme_key=found.programme_key,
                       data={"import": found.id, "file": found.filename, "rows": len(plan)})
    session.flush()
    return len(plan)


def _row(import_id: int, row: PlannedRow) -> HouseholdImportRow:
    text = {k: str(row.data.get(k) or "")[:limit] or None
            for k, limit in (("national_id", 64), ("family_name", 200))}
    return HouseholdImportRow(
        import_id=import_id, row_number=row.number,
        status=ROW_FAILED if row.errors else ROW_PENDING, data=row.data,
        errors=[error_json(e) for e in row.errors] or None, **text)


def error_json(error: FieldError) -> dict:
    """A field error as a row keeps it."""
    return {"field": error.field, "code": error.code, "message": error.message,
            "limit": error.limit}


def refused(error: InvalidInput) -> list[dict]:
    """The field errors of a refusal as a row keeps them."""
    return [error_json(e) for e in error.errors]
