"""The engine's message codes worded in the reader's language (Spanish, Italian, English).

The engine gives every error, deploy problem and audit event a stable code and plain params
(``engine/core/messages.py`` lists them); this module is the one place that words them for people:

- :func:`word` ``(code, params) -> str``: one sentence in the current language;
- :func:`word_error` for an :class:`engine.EngineError`, :func:`word_event` for an event of
  a case's trail (older events without a code show their stored title),
  :func:`word_problem` for one problem of a process at deploy time.

An unknown code never shows English (or the code) to a reader: it words as a generic
sentence in the reader's language. Params are shown as given, except those named in
``FORMATS`` (moments in the reader's time zone and language, role names).

To add a code: register it in ``engine/core/messages.py``, add its Spanish sentence to
``WORDINGS`` (web/wordings.py) with the same ``%(name)s`` placeholders as its params, and add
the Italian and English ``msgstr`` at the end of
``web/translations/{it,en}/LC_MESSAGES/messages.po`` (and the bare msgid to ``es``);
``tests/unit/test_message_codes.py`` checks all three.
"""

from collections.abc import Callable
from datetime import date, datetime

from flask_babel import format_date, format_datetime, gettext, ngettext
from flask_babel import lazy_gettext as _l

from . import names
from .wordings import GENERIC, GENERIC_EVENT, N_, PLURAL_WORDINGS, WORDINGS  # noqa: F401

ROLE_NAMES = {
    "caseworker": _l("profesional a cargo"), "supervisor": _l("supervisión"),
    "manager": _l("gestión del programa"), "admin": _l("administración"),
}
SYSTEM_ACTORS = {"sistema": _l("Sistema")}


def _moment(value) -> str:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return format_datetime(moment, "short")


HOUSEHOLD_PARTS = {"family_name": _l("familia"), "address": _l("dirección"),
                   "members": _l("integrantes")}


def _parts(value) -> str:
    """The parts of a household that changed (``household_changed``), worded."""
    parts = value if isinstance(value, list) else [value]
    return ", ".join(str(HOUSEHOLD_PARTS.get(p, p)) for p in parts)


TRANSFER_STATUS = {"scheduled": _l("programada"), "due": _l("por pagar"),
                   "paid": _l("pagada"), "withheld": _l("retenida"),
                   "cancelled": _l("anulada")}
ACHIEVEMENTS = {"formalizacion_laboral": _l("formalización laboral"),
                "egreso_ensenanza_media": _l("egreso de enseñanza media")}


def pesos(value) -> str:
    """An amount in Chilean pesos as Chile writes it: ``$22.000``."""
    try:
        return "$" + f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(value)


def _day(value) -> str:
    try:
        return format_date(date.fromisoformat(str(value)[:10]), "short")
    except ValueError:
        return str(value)


PURPOSES = {"participation": _l("participación en el programa"),
            "sharing": _l("compartir datos con un servicio"), "photos": _l("fotografías")}


def purpose_name(purpose, service: str | None = None) -> str:
    """A consent's purpose in the reader's language (with the service data is shared with)."""
    worded = str(PURPOSES.get(purpose, purpose))
    return f"{worded} ({service})" if service else worded


def member_name(name) -> str:
    """A consent's member: the household as a whole when it names nobody."""
    return str(name) if name else gettext("la familia")


FORMATS: dict[str, Callable[[object], str]] = {
    "at": _moment, "due": _moment, "parts": _parts,
    "role": lambda role: str(ROLE_NAMES.get(role, role)),
    "to": names.person_name, "by": names.person_name, "assignee": names.person_name,
    "from": names.person_name,  # a transfer's caseworker (a move's territory name reads as it is)
    "amount": pesos, "day": _day, "entry": _day,
    "status": lambda status: str(TRANSFER_STATUS.get(status, status)),
    "achievement": lambda key: str(ACHIEVEMENTS.get(key, key)),
    "purpose": purpose_name, "member": member_name,
    "roles": lambda roles: ", ".join(str(ROLE_NAMES.get(r, r)) for r in roles or ()),
}


class _Params(dict):
    """Params as ``%`` reads them: each formatted by its name when the sentence uses it; a
    missing (or None) one shows as a dash."""

    def __getitem__(self, key: str):
        value = self.get(key)
        if value is None:
            return "—"
        return FORMATS[key](value) if key in FORMATS else value


def _prepared(params: dict | None) -> _Params:
    return _Params(params or {})


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def known(code: str | None) -> bool:
    """Whether ``code`` has a wording here."""
    return code in WORDINGS or code in PLURAL_WORDINGS


def word(code: str | None, params: dict | None = None, fallback: str = GENERIC) -> str:
    """``code`` with ``params`` as one sentence in the current language; an unknown code
    words as ``fallback`` (a msgid, by default a generic sentence), never as the code."""
    ready = _prepared(params)
    if code in PLURAL_WORDINGS:
        singular, plural, count = PLURAL_WORDINGS[code]
        number = _number(ready.get(count))
        return ngettext(singular, plural, number) % _Params(ready, num=number)
    return gettext(WORDINGS.get(code, fallback)) % ready


def word_error(error) -> str:
    """An engine error in the reader's language."""
    return word(error.code, error.params)


def word_event(event, programme=None) -> str:
    """What an event of a case's trail says, in the reader's language, its step, deadline host
    and programme named in that language too (``programme``: the case's programme, a key or
    anything with ``programme_key``; default: looked up from the event's case). Events
    written before codes existed (``code`` NULL) show their stored title."""
    programme = programme if programme is not None else names.case_programme(event.case_id)
    if event.code is None or not known(event.code):
        title = event.title
        return (names.step_name(programme, event.bpmn_id, title) if title
                else gettext(GENERIC_EVENT))
    return word(event.code, _event_params(event, programme))


def _event_params(event, programme) -> dict:
    """The event's params with the process's names in the reader's language."""
    params = dict(event.params or {})
    if params.get("step"):
        step_id = event.bpmn_id or (event.data or {}).get("step")
        params["step"] = names.step_name(programme, step_id, params["step"])
    if params.get("host"):
        params["host"] = names.step_named(programme, params["host"])
    if params.get("modality") and (event.data or {}).get("modality"):
        params["modality"] = names.modality_name(programme, event.data["modality"],
                                                 params["modality"])
    if event.code == "event.case_step_moved":
        _moved_step_names(params, event.data or {}, programme)
    if event.code == "event.case_migrated":
        _migration_words(params, event.data or {}, programme)
    if event.code == "event.case_started" and programme is not None:
        params["programme"] = names.programme_name(
            programme if isinstance(programme, str) else programme.programme_key)
    return params


def _moved_step_names(params: dict, data: dict, programme) -> None:
    """A move's steps (``case_step_moved``) named in the reader's language."""
    if data.get("to"):
        params["to_step"] = names.step_name(programme, data["to"], params.get("to_step"))
    ids = data.get("from") or []
    steps = [names.step_name(programme, b, n)
             for b, n in zip(ids, data.get("from_names") or ids, strict=False)]
    if steps:
        params["from_steps"] = ", ".join(dict.fromkeys(steps))


MIGRATION_DEADLINES = {"keep": _l("conservan su fecha"),
                       "recompute": _l("se recalculan con la regla nueva")}


def _migration_words(params: dict, data: dict, programme) -> None:
    """A migration's mapping (``case_migrated``) by step names, its deadlines choice in words."""
    mapping = data.get("mapping") or {}
    if isinstance(mapping, dict):
        params["mapping"] = ", ".join(
            f"{names.step_by_id(programme, old)} → {names.step_by_id(programme, new)}"
            for old, new in mapping.items()) or gettext("ninguna")
    if data.get("deadlines") in MIGRATION_DEADLINES:
        params["deadlines"] = str(MIGRATION_DEADLINES[data["deadlines"]])


def word_incident(incident) -> str:
    """What failed in an incident, in the reader's language. Incidents opened before codes
    were kept (``code`` NULL) show their technical text."""
    if incident.code is None or not known(incident.code):
        return incident.error
    return word(incident.code, incident.params)


def word_actor(actor_id: str) -> str:
    """Who did it: the person's full name, or "System" in the reader's language."""
    named = SYSTEM_ACTORS.get(actor_id)
    return str(named) if named else names.person_name(actor_id)
