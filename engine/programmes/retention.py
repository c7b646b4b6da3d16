"""How long a programme keeps a closed case, and which acts put a legal hold on a household.

``[retencion]`` in ``processes/<programme>/settings.toml``: ``anos_tras_cierre`` (whole
years after the case closed; then the daily retention run anonymises it) and
``actos_proteccion`` (the acts, by message name, that while their case is open refuse an
erasure: an open protection case). A programme without the table keeps cases
:data:`DEFAULT_YEARS` years and has no protection acts.
"""

from dataclasses import dataclass
from datetime import datetime

from ..core.errors import FieldError

TABLE = "retencion"
DEFAULT_YEARS = 5
MAX_YEARS = 100


@dataclass(frozen=True)
class RetentionRule:
    """One programme's retention: years after closure, and its protection acts."""

    years: int = DEFAULT_YEARS
    protection_acts: frozenset[str] = frozenset()

    def expires(self, closed_at: datetime) -> datetime:
        """The moment a case closed at ``closed_at`` is past retention."""
        try:
            return closed_at.replace(year=closed_at.year + self.years)
        except ValueError:  # 29 February into a common year
            return closed_at.replace(year=closed_at.year + self.years, day=28)


def rule_of(settings_values: dict | None) -> RetentionRule:
    """The retention rule in a programme's settings (the default one when absent or wrong)."""
    table = (settings_values or {}).get(TABLE)
    if not isinstance(table, dict) or problems({TABLE: table}):
        return RetentionRule()
    acts = table.get("actos_proteccion", [])
    return RetentionRule(table.get("anos_tras_cierre", DEFAULT_YEARS), frozenset(acts))


def problems(raw: dict) -> list[FieldError]:
    """What is wrong with ``[retencion]``, field by field (nothing when it is absent)."""
    table = raw.get(TABLE)
    if table is None:
        return []
    if not isinstance(table, dict):
        return [FieldError(TABLE, "type", "[retencion] must be a table")]
    found = []
    years = table.get("anos_tras_cierre", DEFAULT_YEARS)
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        found.append(FieldError(f"{TABLE}.anos_tras_cierre", "whole_number",
                                f"a whole number of years from 1 to {MAX_YEARS}", MAX_YEARS))
    acts = table.get("actos_proteccion", [])
    if not isinstance(acts, list) or not all(isinstance(a, str) for a in acts):
        found.append(FieldError(f"{TABLE}.actos_proteccion", "type",
                                "a list of act (message) names"))
    return found
