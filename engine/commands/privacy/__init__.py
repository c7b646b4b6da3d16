"""Personal data: erasure of one household member, the retention run, a person's export.

Every store of case data is a *section* (:mod:`.sections`), registered once; the engine's own
are in :mod:`.builtin`. Each command runs inside the caller's unit of work and keeps a
``privacy_request`` row (engine.persistence.privacy_models).
"""

from .erasure import ERASED, anonymise_household, erase_member
from .export import MemberExport, export_member
from .holds import LegalHold, legal_hold
from .listing import HouseholdPeople, Person, RequestRow, people_of_case, recent_requests
from .redaction import PLACEHOLDER, Redactor
from .retention_run import DueHousehold, RetentionRun, due_households, run_retention
from .sections import AppendOnlySection, ColumnsSection, Scope, Section, register, registered

__all__ = [
    "ERASED", "PLACEHOLDER", "AppendOnlySection", "ColumnsSection", "DueHousehold", "LegalHold",
    "MemberExport",
    "Redactor", "RetentionRun", "Scope", "Section", "anonymise_household", "due_households",
    "erase_member", "export_member", "legal_hold", "register", "registered", "run_retention",
    "HouseholdPeople", "Person", "RequestRow", "people_of_case", "recent_requests",
]
