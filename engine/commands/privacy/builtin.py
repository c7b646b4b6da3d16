"""The engine's own stores of case data, each registered as a privacy section.

The household (its members, name, address, key), the workflow state (through the runtime:
restored, rewritten, serialized, so it stays loadable), the states kept by migration batches,
the open steps and their drafts, the audit trail (through the controlled unlock, see
:class:`~.sections.AppendOnlySection`), attachments, incidents, group-session rows and transfers.
"""


from sqlalchemy import select
from sqlalchemy.orm import Session

from ...core import national_ids
from ...definitions import catalog, households
from ...persistence.models import (
    Case,
    CaseMigration,
    Document,
    Event,
    GroupSessionMember,
    Household,
    HumanTask,
    Incident,
    ProcessInstance,
    Transfer,
)
from ...runtime.scrubbing import scrub_state
from .redaction import PLACEHOLDER, Redactor, fold
from .sections import AppendOnlySection, ColumnsSection, Scope, plain, register


def member_identifiers(member: dict, family_name: str, country: str) -> list[str]:
    """How one member may be written anywhere: full name, given names, national id forms."""
    name = str(member.get("name") or "")
    family = set(fold(family_name).split())
    given = [t for t in name.split() if fold(t) not in family]
    number = str(member.get("national_id") or "")
    forms = {number, national_ids.shown(country, number) if number else ""}
    forms |= {f.replace(".", "") for f in forms}
    return [name, *given, *forms]


def household_identifiers(household: Household, country: str) -> list[str]:
    """Every identifier of a whole household (retention): names, ids, key, address."""
    found = [household.family_name, *household.family_name.split(), household.address or ""]
    for member in households.members_of(household):
        found += member_identifiers(member.__dict__, household.family_name, country)
        found += member.name.split()
    key = household.national_key or ""
    return found + [key, national_ids.shown(country, key) if key else ""]


def anonymous_member(member: dict, redactor: Redactor) -> dict:
    """A member without name, national id or birth date; age and relationship stay (the
    reports count members by them)."""
    kept = {"name": PLACEHOLDER, "age": member.get("age")}
    relationship = member.get("relationship")
    if relationship is not None:
        kept["relationship"] = redactor.text(str(relationship))
    return kept


class HouseholdSection:
    """The household row: the member (or, for retention, everyone) made anonymous."""

    name = "household"

    def scrub(self, session: Session, scope: Scope, redactor: Redactor) -> int:
        household = session.get(Household, scope.household_id)
        stored = [households.canonical(m) for m in household.members or [] if isinstance(m, dict)]
        whole = scope.member is None
        erased = stored[scope.member] if not whole else None
        members = [anonymous_member(m, redactor) if whole or i == scope.member
                   else redactor.value(m) for i, m in enumerate(stored)]
        if whole or (erased and erased.get("national_id") == household.national_key):
            household.national_key = None
        household.family_name = PLACEHOLDER if whole else redactor.text(household.family_name)
        household.address = None if whole else (
            redactor.text(household.address) if household.address else None)
        household.members = members
        household.search_text = households.search_text(household.family_name, members,
                                                        household.national_key)
        return 1

    def collect(self, session: Session, scope: Scope) -> list[dict]:
        household = session.get(Household, scope.household_id)
        members = households.members_of(household)
        chosen = members if scope.member is None else members[scope.member:scope.member + 1]
        return [{"id": household.id, "family_name": household.family_name,
                 "address": household.address, "members": [m.__dict__ for m in chosen]}]


class CaseSection:
    """The case rows: nothing personal to scrub; the export lists them."""

    name = "cases"

    def scrub(self, session: Session, scope: Scope, redactor: Redactor) -> int:
        return 0

    def collect(self, session: Session, scope: Scope) -> list[dict]:
        cases = session.scalars(select(Case).where(Case.id.in_(scope.case_ids)).order_by(Case.id))
        return [{"id": c.id, "programme": c.programme_key, "territory": c.territory.name,
                 "caseworker": c.caseworker, "status": c.status, "outcome": c.outcome,
                 "opened_at": plain(c.opened_at), "closed_at": plain(c.closed_at)}
                for c in cases]


class WorkflowSection:
    """Each case's workflow state, rewritten through the runtime (it stays loadable)."""

    name = "workflow"
    exported = False  # what it holds was submitted in the steps: the history lists it

    def scrub(self, session: Session, scope: Scope, redactor: Redactor) -> int:
        query = select(ProcessInstance).where(ProcessInstance.case_id.in_(scope.case_ids))
        changed = 0
        for instance in session.scalars(query.with_for_update()):
            spec, subs = catalog.spec_by_id(session, instance.definition_id)
            state = scrub_state(instance.state, spec, subs, redactor.value, redactor.internal)
            if state != instance.state:
                instance.state, changed = state, changed + 1
        return changed

    def collect(self, session: Session, scope: Scope) -> list[dict]:
        return []


class MigrationStateSection:
    """The states a migration batch kept to roll a case back: rewritten like the live one,
    or let go (no rollback then) when it no longer loads or the whole case goes."""

    name = "migration_states"
    exported = False

    def scrub(self, session: Session, scope: Scope, redactor: Redactor) -> int:
        query = select(CaseMigration).where(CaseMigration.case_id.in_(scope.case_ids),
                                            CaseMigration.state_before.is_not(None))
        changed = 0
        for row in session.scalars(query):
            row.state_before, changed = self._rewritten(session, row, scope, redactor), changed + 1
        return changed

    def _rewritten(self, session, row, scope: Scope, redactor: Redactor) -> str | None:
        if scope.member is None or row.definition_before is None:
            return None
        try:
            spec, subs = catalog.spec_by_id(session, row.definition_before)
            return scrub_state(row.state_before, spec, subs, redactor.value, redactor.internal)
        except Exception:  # noqa: BLE001 - a state that does not load cannot be rolled back to
            return None

    def collect(self, session: Session, scope: Scope) -> list[dict]:
        return []


class DocumentSection:
    """Attachments: for a whole case every file's content goes; for one person the files that
    name them (in their name or their text) go, and the rest stay."""

    name = "documents"

    def scrub(self, session: Session, scope: Scope, redactor: Redactor) -> int:
        changed = 0
        for document in session.scalars(select(Document).where(
                Document.case_id.in_(scope.case_ids))):
            if scope.member is None or self._names(document, redactor):
                document.content, document.size = b"", 0
                document.filename, document.sha256 = PLACEHOLDER, "0" * 64
                changed += 1
        return changed

    @staticmethod
    def _names(document: Document, redactor: Redactor) -> bool:
        text = document.content.decode("utf-8", errors="ignore")
        return redactor.identifiers_out(document.filename) != document.filename or \
            redactor.identifiers_out(text) != text

    def collect(self, session: Session, scope: Scope) -> list[dict]:
        query = select(Document).where(Document.case_id.in_(scope.case_ids)).order_by(Document.id)
        return [{"id": d.id, "case_id": d.case_id, "kind": d.kind, "filename": d.filename,
                 "size": d.size, "uploaded_by": d.uploaded_by, "uploaded_at": plain(d.uploaded_at)}
                for d in session.scalars(query)]


def _table(model):
    return model.__table__


def register_builtin() -> None:
    """Register the engine's sections (done once, at import)."""
    register(HouseholdSection())
    register(CaseSection())
    register(WorkflowSection())
    register(MigrationStateSection())
    register(ColumnsSection("steps", _table(HumanTask), ("title", "draft"),
                            shown=("id", "case_id", "title", "assignee", "created_at", "draft")))
    register(AppendOnlySection("history", _table(Event), ("title", "data", "params"),
                          shown=("id", "case_id", "kind", "actor", "at", "title", "code",
                                 "params", "data")))
    register(DocumentSection())
    register(ColumnsSection("incidents", _table(Incident), ("error", "params", "element_name"),
                            exported=False))
    register(ColumnsSection("group_sessions", _table(GroupSessionMember), ("params",)))
    register(ColumnsSection("transfers", _table(Transfer), ("detail",),
                            shown=("id", "case_id", "kind", "period", "amount", "status",
                                   "due_at", "paid_at")))


register_builtin()
