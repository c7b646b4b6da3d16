"""A programme's instruments (``[instrumentos.<clave>]`` of its settings): the Matriz de
Bienestar, Il Mondo del Bambino, the Triple P questionnaires, the Comunidad Crece factors.

Each table says which forms (``formularios``) and which reference data set (``referencia``)
hold the instrument's items, which report figures are computed from them (``cifras``,
shell patterns of figure keys), whether the items are the programme's official ones
(``estado``: ``oficial``) or placeholders no published source gives (``provisional``:
written for Acompaña; ``reconstruido``: rebuilt from the literature), and where that comes
from (``fuente``). The items carry the same mark: ``"x-provenance"`` in a form, ``"conocido":
false`` in reference data. :func:`problems` keeps the two in step at deploy; a draft's
settings follow its items (:func:`synced`) when a manager loads the official list.
"""

import copy
import re
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatch

from ..core.errors import ProcessProblem
from .forms import FormLibrary

TABLE = "instrumentos"
OFFICIAL, PROVISIONAL, RECONSTRUCTED = "oficial", "provisional", "reconstruido"
STATES = (PROVISIONAL, RECONSTRUCTED, OFFICIAL)
MARKS = {PROVISIONAL: "provisional", RECONSTRUCTED: "reconstructed"}  # estado -> x-provenance
KEY = re.compile(r"^[a-z0-9_]{1,64}$")
SETTINGS = "settings.toml"


@dataclass(frozen=True)
class Instrument:
    """One ``[instrumentos.<key>]`` table, read leniently (checked by :func:`problems`)."""

    key: str
    title: str
    state: str
    forms: tuple[str, ...]
    reference: str | None
    figures: tuple[str, ...]
    source: str

    @property
    def official(self) -> bool:
        """Whether the instrument's items are the programme's official ones."""
        return self.state == OFFICIAL

    @property
    def mark(self) -> str | None:
        """The badge kind of its figures and items (``provisional``/``reconstructed``)."""
        return MARKS.get(self.state)

    def computes(self, figure_key: str) -> bool:
        """Whether report figure ``figure_key`` is computed from this instrument."""
        return any(fnmatch(figure_key, pattern) for pattern in self.figures)


def instruments_of(raw_settings: dict | None) -> list[Instrument]:
    """The instruments a settings dict declares, in their order (``[]`` for none)."""
    tables = (raw_settings or {}).get(TABLE)
    if not isinstance(tables, dict):
        return []
    return [_instrument(key, table) for key, table in tables.items() if isinstance(table, dict)]


def _instrument(key: str, table: dict) -> Instrument:
    def strings(name: str) -> tuple[str, ...]:
        value = table.get(name)
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

    reference = table.get("referencia")
    return Instrument(str(key), str(table.get("titulo") or key), str(table.get("estado", "")),
                      strings("formularios"),
                      reference if isinstance(reference, str) else None,
                      strings("cifras"), str(table.get("fuente") or ""))


def marked_items(instrument: Instrument, forms: FormLibrary) -> int:
    """How many of the instrument's items are provisional or reconstructed: form fields
    with ``x-provenance`` anywhere in its forms and reference items with ``"conocido":
    false``. Forms or data it cannot read count none."""
    marked = 0
    for key in instrument.forms:
        try:
            schema = forms.schema(key) if forms.exists(key) else {}
        except (KeyError, OSError, ValueError, TypeError):
            schema = {}
        marked += _provenances(schema, skip_reference=instrument.reference)
    items = reference_items(instrument, forms)
    return marked + sum(1 for i in items if i.get("conocido") is False)


def reference_items(instrument: Instrument, forms: FormLibrary) -> list[dict]:
    """The items of the instrument's reference data set (``[]`` without one)."""
    if not instrument.reference:
        return []
    try:
        data = forms.reference(instrument.reference)
    except (KeyError, OSError, ValueError, TypeError):
        return []
    items = data.get("indicadores") if isinstance(data, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _provenances(node, skip_reference: str | None) -> int:
    """Fields marked ``x-provenance`` in ``node`` (a grid of ``skip_reference`` is counted
    from the reference data instead)."""
    if isinstance(node, dict):
        if skip_reference and node.get("x-reference") == skip_reference:
            return 0
        own = 1 if node.get("x-provenance") in MARKS.values() else 0
        return own + sum(_provenances(v, skip_reference) for v in node.values())
    if isinstance(node, list):
        return sum(_provenances(v, skip_reference) for v in node)
    return 0


def problems(raw_settings: dict, forms: FormLibrary) -> list[ProcessProblem]:
    """What is wrong with the ``[instrumentos]`` tables: a state not known, no source, a
    form or reference data set the version does not have, or a state the items belie (an
    instrument said official while items are still marked, or marked while none is)."""
    found = []
    for item in instruments_of(raw_settings):
        found += _table_problems(item, forms)
    return found


def _table_problems(item: Instrument, forms: FormLibrary) -> list[ProcessProblem]:
    where = f"{TABLE}.{item.key}"
    if not KEY.match(item.key) or item.state not in STATES:
        return [_problem(item, f"{where}.estado must be one of {list(STATES)}",
                         "process.instrument_state", field=f"{where}.estado",
                         allowed=", ".join(STATES))]
    if not item.source.strip():
        return [_problem(item, f"{where} needs its 'fuente' ([src] or [default])",
                         "process.instrument_state", field=f"{where}.fuente",
                         allowed=", ".join(STATES))]
    missing = [k for k in item.forms if not forms.exists(k)]
    if item.reference and not reference_items(item, forms):
        missing.append(f"reference/{item.reference}")
    if missing or not (item.forms or item.reference):
        return [_problem(item, f"{where} names forms or reference data the process does not "
                               f"have: {', '.join(missing) or '(none)'}",
                         "process.instrument_forms", forms=", ".join(missing))]
    marked = marked_items(item, forms)
    if item.official and marked:
        return [_problem(item, f"{where} is 'oficial' but {marked} of its items are still "
                               "marked provisional or reconstructed",
                         "process.instrument_marked", marked=marked)]
    if not item.official and not marked:
        return [_problem(item, f"{where} is '{item.state}' but none of its items is marked: "
                               "set estado = \"oficial\"", "process.instrument_unmarked",
                         state=item.state)]
    return []


def _problem(item: Instrument, message: str, code: str, **extra) -> ProcessProblem:
    return ProcessProblem(SETTINGS, message, element=item.key, name=item.title, code=code,
                          extra={"instrument": item.title, **extra})


def synced(raw_settings: dict, forms: FormLibrary, actor_id: str,
           when: datetime) -> dict:
    """``raw_settings`` with each instrument's ``estado`` following its items: ``oficial``
    (with a ``fuente`` saying who loaded the official items, and when) once none is marked
    any more, ``provisional`` again when an official one has marked items."""
    settings = copy.deepcopy(raw_settings or {})
    tables = settings.get(TABLE)
    for item in instruments_of(settings):
        if item.state not in STATES or not (item.forms or item.reference):
            continue
        marked = marked_items(item, forms)
        table = tables[item.key]
        if not marked and not item.official:
            table["estado"] = OFFICIAL
            table["fuente"] = (f"[src] ítems oficiales cargados por {actor_id} el "
                               f"{when:%Y-%m-%d}")
        elif marked and item.official:
            table["estado"] = PROVISIONAL
            table["fuente"] = (f"[default] {marked} ítems provisionales en la versión de "
                               f"{actor_id} del {when:%Y-%m-%d}")
    return settings


def figure_marks(raw_settings: dict | None) -> list[tuple[str, str, str]]:
    """``(figure pattern, mark, instrument title)`` for every figure pattern of a
    non-official instrument of these settings."""
    return [(pattern, item.mark, item.title) for item in instruments_of(raw_settings)
            if item.mark for pattern in item.figures]
