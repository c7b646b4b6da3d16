"""What a migration form asks for (source and target versions, which cases, the manual mapping,
the deadlines choice), read from the query string or the posted form and checked against what
the programme offers (engine.queries.migration_batches.Choices). A value the page never
offered is refused in words, before the engine is asked."""

from dataclasses import dataclass, field, fields

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine.commands.migrations import MigrationRequest

MAX_NUMBER = 10**9
MAX_TEXT = 200
MAP_PREFIX = "map."
DEADLINES = ("keep", "recompute")


class BadInput(Exception):
    """A value that is not what the form could have sent (a version that is no number)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


@dataclass
class Asked:
    """The form's values, as given (``None``: not chosen)."""

    from_version: int | None = None
    to_version: int | None = None
    territory: str | None = None
    step: str | None = None
    caseworker: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    deadlines: str = "keep"

    def request(self, programme: str) -> MigrationRequest:
        """The engine's request for these values."""
        return MigrationRequest(programme, self.from_version, self.to_version, self.territory,
                                self.step, self.caseworker, dict(self.mapping), self.deadlines)

    def query(self) -> dict:
        """The values as query-string (and hidden form) fields."""
        values = {"from": self.from_version, "to": self.to_version, "territory": self.territory,
                  "step": self.step, "caseworker": self.caseworker, "deadlines": self.deadlines}
        values.update({MAP_PREFIX + old: new for old, new in self.mapping.items()})
        return {k: v for k, v in values.items() if v not in (None, "")}


TEXT_FIELDS = [f.name for f in fields(Asked) if f.type == (str | None)]


def _number(values: MultiDict, name: str) -> int | None:
    text = (values.get(name) or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_NUMBER:
        raise BadInput(_("«%(value)s» no es un número de versión.", value=text[:40]))
    return int(text)


def _text(values: MultiDict, name: str) -> str | None:
    text = (values.get(name) or "").strip()
    return text[:MAX_TEXT + 1] or None


def read(values: MultiDict) -> Asked:
    """The values of the form (BadInput when a version is not a number)."""
    chosen = {name: _text(values, name) for name in TEXT_FIELDS}  # territory, step, holder
    asked = Asked(_number(values, "from"), _number(values, "to"), **chosen)
    asked.deadlines = (values.get("deadlines") or "keep").strip()[:MAX_TEXT + 1]
    for name, value in values.items(multi=True):
        if name.startswith(MAP_PREFIX) and value.strip():
            asked.mapping[name[len(MAP_PREFIX):][:MAX_TEXT + 1]] = value.strip()[:MAX_TEXT + 1]
    return asked


def problems(asked: Asked, choices, step_label) -> list[str]:
    """What is wrong with ``asked`` given ``choices`` (of the same source and target), in
    words; ``step_label(bpmn_id, name)`` names a step."""
    found = []
    if asked.from_version is None or asked.to_version is None:
        found.append(_("Elija la versión de origen y la de destino."))
        return found
    if asked.from_version == asked.to_version:
        found.append(_("La versión de origen y la de destino son la misma: elija dos "
                       "versiones distintas."))
    if asked.from_version not in {s.version for s in choices.sources}:
        found.append(_("La versión %(n)s no tiene casos en curso que usted pueda migrar.",
                       n=asked.from_version))
    if asked.territory and asked.territory not in {code for code, _n in choices.territories}:
        found.append(_("Ese territorio no tiene casos en curso en la versión de origen."))
    if asked.step and asked.step not in {s.bpmn_id for s in choices.all_steps}:
        found.append(_("El paso «%(step)s» no es un paso de la versión %(n)s.",
                       step=asked.step[:MAX_TEXT], n=asked.from_version))
    if asked.caseworker and asked.caseworker not in choices.caseworkers:
        found.append(_("Esa persona no tiene casos en curso en la versión de origen."))
    if asked.deadlines not in DEADLINES:
        found.append(_("Elija si los plazos en curso conservan su fecha o se recalculan."))
    found.extend(_mapping_problems(asked, choices, step_label))
    return found


def _mapping_problems(asked: Asked, choices, step_label) -> list[str]:
    places = {m.step.bpmn_id: m for m in choices.mappable}
    found = []
    for old, new in asked.mapping.items():
        gone = places.get(old)
        if gone is None:
            found.append(_("«%(step)s» no es un paso de la versión de origen que falte en la "
                           "de destino: no lleva correspondencia.", step=old[:MAX_TEXT]))
        elif new not in {c.bpmn_id for c in gone.choices}:
            found.append(_("«%(step)s» no puede pasar a «%(target)s»: elija un paso de la "
                           "lista, del mismo tipo.",
                           step=step_label(gone.step.bpmn_id, gone.step.name),
                           target=new[:MAX_TEXT]))
    return found
