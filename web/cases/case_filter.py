"""The cases page's filters, read from the query string: every parameter checked, each
problem worded beside its field (never a 500), the valid ones made into a CaseSearch."""

from dataclasses import dataclass, field

from flask_babel import gettext as _

from engine.core import national_ids
from engine.core.inputs import has_unstorable
from engine.queries import CaseSearch
from engine.queries.cases import MAX_PAGE, SORTS, STATUSES

PER_PAGE = 25
MAX_TEXT = 100
FIELDS = ("q", "national_id", "programme", "status", "worker", "territory", "step",
          "sort", "page")


@dataclass
class CaseFilter:
    """The filters as typed (``values``, shown back in the form), the problems by field
    (``errors``) and, when there are none, the search they ask for."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    search: CaseSearch | None = None

    @property
    def filtered(self) -> bool:
        """Whether any filter (not the order or page) was given."""
        return any(self.values.get(k) for k in FIELDS[:7])


@dataclass(frozen=True)
class Choices:
    """What the person may choose from: ``(value, label)`` pairs per select."""

    programmes: list[tuple[str, str]]
    caseworkers: list[tuple[str, str]]
    territories: list[tuple[str, str]]


def read_filter(args, choices: Choices) -> CaseFilter:
    """The filter in the query string ``args``, checked against ``choices``."""
    values = {name: _text(args.get(name, "")) for name in FIELDS}
    errors = _character_errors(values) or {}
    keys = national_ids.search_keys(values["national_id"]) if values["national_id"] else []
    if values["national_id"] and not keys:
        errors.setdefault("national_id", _("No es un RUT ni un codice fiscale válido."))
    for name, allowed in _allowed(choices).items():
        if values[name] and values[name] not in allowed:
            errors.setdefault(name, _("Elija una opción de la lista."))
    for name in ("q", "step"):
        if len(values[name]) > MAX_TEXT:
            errors.setdefault(name, _("Escriba a lo más %(max)d caracteres.", max=MAX_TEXT))
    page = _page(values["page"])
    if page is None:
        errors.setdefault("page", _("La página debe ser un número entre 1 y %(max)d.",
                                    max=MAX_PAGE))
    if errors:
        return CaseFilter(values, errors)
    given = {name: values[name] or None for name in ("programme", "status", "territory",
                                                      "step")}
    search = CaseSearch(name=values["q"] or None, national_keys=tuple(keys),
                        caseworker=values["worker"] or None, sort=values["sort"] or SORTS[0],
                        page=page, limit=PER_PAGE, **given)
    return CaseFilter(values, errors, search)


def _allowed(choices: Choices) -> dict[str, set[str]]:
    return {"programme": {value for value, _label in choices.programmes},
            "worker": {value for value, _label in choices.caseworkers},
            "territory": {value for value, _label in choices.territories},
            "status": set(STATUSES), "sort": set(SORTS)}


def _character_errors(values: dict[str, str]) -> dict[str, str]:
    """Fields holding a NUL or a lone surrogate (blanked in ``values``, so never shown)."""
    errors = {}
    for name, value in values.items():
        if has_unstorable(value):
            errors[name] = _("El texto tiene caracteres no válidos.")
            values[name] = ""
    return errors


def _text(value: str) -> str:
    return value.strip()[:MAX_TEXT * 10]


def _page(text: str) -> int | None:
    if not text:
        return 1
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return None
    page = int(text)
    return page if 1 <= page <= MAX_PAGE else None
