"""Names in the reader's language: programmes, steps, outcomes, lanes and people.

A programme's process names its steps in one language; its version carries the other
languages (``processes/<programme>/names.toml``, see :mod:`engine.definitions.names`). These
helpers (also Jinja globals) read them once per request (one small query; each version's
names are cached by the engine per definition id) and fall back to the process's own name
when the reader's language has none:

- :func:`step_name` ``(case_or_task, bpmn_id=None, fallback=None)``: a step;
- :func:`programme_name` ``(programme_or_key)``, :func:`outcome_name` ``(case_or_key, code)``,
  :func:`lane_name` ``(case_or_task, lane)``;
- :func:`person_name` ``(username)``: a person's full name (read once per request, and
  :func:`remember_people` reads those a page names in one go), the username when unknown.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, g, has_app_context, has_request_context
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import select

import engine
from engine.persistence.models import Case

from .auth.models import User
from .extensions import db

EMPTY = engine.Names()
_outside: ContextVar[tuple | None] = ContextVar("names_outside_requests", default=None)


@contextmanager
def reading_from(session) -> Iterator[None]:
    """Let the helpers read names and people through ``session`` outside a request (a
    background job such as the e-mail digest), cached until the block ends."""
    token = _outside.set((session, {}))
    try:
        yield
    finally:
        _outside.reset(token)


def _cached(key: str, build):
    """``build(session)`` once per request (or per :func:`reading_from` block); ``None`` when
    there is no session to read from."""
    outside = _outside.get()
    if outside is not None:
        session, cache = outside
        if key not in cache:
            cache[key] = build(session)
        return cache[key]
    if not has_app_context():
        return None
    if not has_request_context():
        return build(db.session)
    if key not in g:
        setattr(g, key, build(db.session))
    return getattr(g, key)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "es"


def _all_names() -> dict:
    return _cached("programme_names", engine.programme_names) or {}


def names_for(programme) -> engine.Names:
    """The names of ``programme`` (a key, a Programme, or anything with ``programme_key``)."""
    key = programme if isinstance(programme, str) else (
        getattr(programme, "programme_key", None) or getattr(programme, "key", None))
    return _all_names().get(key, EMPTY)


def step_name(item, bpmn_id: str | None = None, fallback: str | None = None) -> str:
    """How step ``bpmn_id`` (default: ``item.bpmn_id``) of ``item``'s programme reads in the
    reader's language; else ``fallback`` (default: ``item.title``, the BPMN name)."""
    bpmn_id = bpmn_id if bpmn_id is not None else getattr(item, "bpmn_id", None)
    fallback = fallback if fallback is not None else getattr(item, "title", None)
    names = names_for(item)
    language = _language()
    return (names.step(language, bpmn_id) or names.step_named(language, fallback)
            or fallback or bpmn_id or "")


def step_named(programme, bpmn_name: str | None) -> str | None:
    """The step the BPMN calls ``bpmn_name`` in the reader's language (itself if unknown);
    ``programme`` may also be a case id."""
    if isinstance(programme, int):
        programme = case_programme(programme)
    return names_for(programme).step_named(_language(), bpmn_name) or bpmn_name


def step_choice_name(bpmn_id: str, title: str, programme: str | None = None) -> str:
    """A step of a filter menu (known by id and BPMN name, maybe not by programme): the
    programme's when given, else the first programme whose BPMN names it so."""
    language = _language()
    if programme:
        return names_for(programme).step(language, bpmn_id) or title
    for found in _all_names().values():
        if any(table.get(title) == bpmn_id for table in found.bpmn_names):
            return found.step(language, bpmn_id) or title
    return title


def programme_name(programme) -> str:
    """A programme's name in the reader's language (its settings' name when none)."""
    key = programme if isinstance(programme, str) else getattr(programme, "key", None)
    own = programme if isinstance(programme, str) else getattr(programme, "name", key)
    return names_for(key).programme(_language()) or own or ""


def outcome_name(item, code: str | None = None) -> str:
    """How outcome ``code`` (default: ``item.outcome``) reads in the reader's language."""
    code = code if code is not None else getattr(item, "outcome", None)
    if not code:
        return ""
    names = names_for(item)
    return (names.outcome(_language(), code) or names.outcome("es", code)
            or names.outcome("it", code) or code.replace("_", " "))


def modality_name(item, key: str, fallback: str) -> str:
    """A places modality (by its settings key) in the reader's language, else ``fallback``."""
    return names_for(item).modality(_language(), key) or fallback


def lane_name(item, lane: str | None = None) -> str:
    """A lane (as the BPMN names it; default ``item.lane``) in the reader's language."""
    lane = lane if lane is not None else getattr(item, "lane", None)
    return names_for(item).lane(_language(), lane) or lane or ""


def case_programme(case_id: int | None) -> str | None:
    """The programme key of case ``case_id`` (read once per case and request)."""
    if case_id is None:
        return None
    known = _cached("case_programmes", lambda session: (session, {}))
    if known is None:
        return None
    session, cache = known
    if case_id not in cache:
        cache[case_id] = session.scalar(select(Case.programme_key).where(Case.id == case_id))
    return cache[case_id]


FEW_PEOPLE = 40  # names read one by one; past this many, every account at once
EVERYONE = "\0everyone"  # the key saying every account has been read


def _people():
    """``(session, names read so far)`` in this request (username -> full name, None when
    unknown); None when there is no session to read from."""
    return _cached("people_names", lambda session: (session, {}))


def remember_people(usernames) -> None:
    """Read the full names of ``usernames`` in one statement (a page about to name them)."""
    found = _people()
    if found is None:
        return
    session, known = found
    wanted = sorted({str(u) for u in usernames if u and str(u) not in known})  # ids may be ints
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start:start + 1000]
        names = dict(session.execute(select(User.username, User.full_name)
                                     .where(User.username.in_(chunk))).all())
        known.update({u: names.get(u) for u in chunk})


def person_name(username: str | None) -> str:
    """How a person reads on a page: their full name, else the username (or a dash).

    Names are read as they are asked for (an installation may have thousands of
    accounts), every account at once when a page names more than :data:`FEW_PEOPLE`."""
    if not username:
        return ""
    username = str(username)  # an event's actor may have been stored as a number
    if has_request_context() and _outside.get() is None and _is_reader(username):
        return current_user.full_name or username  # the reader themself: no lookup
    found = _people()
    if found is None:
        return username
    session, known = found
    if username not in known and EVERYONE not in known:
        if len(known) >= FEW_PEOPLE:
            known.update(dict(session.execute(select(User.username, User.full_name)).all()))
            known[EVERYONE] = None
        else:
            remember_people([username])
    return known.get(username) or username


def _is_reader(username: str) -> bool:
    return current_user.is_authenticated and current_user.username == username


def register(app: Flask) -> None:
    """Make the helpers Jinja globals."""
    app.jinja_env.globals.update(step_name=step_name, programme_name=programme_name,
                                 outcome_name=outcome_name, lane_name=lane_name,
                                 person_name=person_name, step_choice_name=step_choice_name,
                                 overdue_person=overdue_person, step_named=step_named,
                                 step_by_id=step_by_id)
    app.jinja_env.filters["step_label"] = lambda title, item: step_named(item, title)


def overdue_person(username: str | None) -> str:
    """Who an overdue step waits on, by name; nobody's (the engine's "(sin asignar)") in the
    reader's language."""
    if not username or username == engine.queries.UNASSIGNED:
        return gettext("nadie (por tomar)")
    return person_name(username)


def step_by_id(programme, bpmn_id: str | None) -> str:
    """Step ``bpmn_id`` of ``programme`` in the reader's language when only its id is known
    (a migration's mapping): the BPMN name any version gave it as the fallback."""
    if not bpmn_id:
        return ""
    found = names_for(programme)
    title = next((t for table in found.bpmn_names for t, b in table.items() if b == bpmn_id),
                 None)
    return step_name(programme, bpmn_id, title or bpmn_id)
