"""The start-case page's household errors: each beside its field, in the reader's language,
a member's error saying which member, and the registered family a national id belongs to."""

from flask_babel import gettext as _

from engine.core.errors import FieldError, InvalidInput

from ..field_errors import translated
from .forms import RELATIONSHIP_LABELS


def placed_errors(errors: list[FieldError]) -> list[tuple[str, str]]:
    """``(form field, message)`` for each error: ``members[1].age`` goes beside ``members``
    as "Integrante 2: …"."""
    messages = translated(errors)
    placed = []
    for error in errors:
        name = error.field.split("[")[0].split(".")[0]
        message = messages[error.field]
        if error.field.endswith(".relationship") and error.code == "enum":
            message = _("Parentesco no reconocido; use uno de: %(options)s.",
                        options=", ".join(str(label) for label in RELATIONSHIP_LABELS.values()))
        if name == "members" and "[" in error.field:
            number = int(error.field.split("[")[1].split("]")[0]) + 1
            message = _("Integrante %(number)s: %(message)s", number=number, message=message)
        placed.append((name, message))
    return placed


def existing_household(invalid: InvalidInput) -> dict | None:
    """The registered household a refused national id belongs to (``household_id``,
    ``family_name``), so the page can offer to open the case on it."""
    return next((e.limit for e in invalid.errors
                 if e.code == "household_exists" and isinstance(e.limit, dict)), None)
