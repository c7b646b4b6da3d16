"""The people named in a case beside its caseworker: its tutor, its home educator, its
referent. The process says which posts there are (a user task's ``assignee`` property
``field:NAME``, engine.runtime.posts); the steps of a post go to the person named to it
(engine.persistence.mirror), chosen when the case is opened and changed from the case file.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock
from ..core.actors import Actor
from ..core.errors import FieldError, NotAllowed, NotFound
from ..definitions import catalog, versions
from ..persistence import audit
from ..persistence.models import Case, ProcessInstance
from ..persistence.uow import command
from ..runtime.posts import named_posts
from . import routing
from .cases import visible_case


@dataclass(frozen=True)
class NamedPost:
    """A post of a process: its field name, the lane (the process's own name for it, shown
    to people), the role it needs and the steps that go to it."""

    name: str
    lane: str | None
    role: str | None
    steps: tuple[str, ...]


def posts_of_definition(session: Session, definition_id: int, settings) -> list[NamedPost]:
    """The posts of a deployed version, by name."""
    spec, subs = catalog.spec_by_id(session, definition_id)
    return [NamedPost(name, post["lane"], settings.role_for_lane(post["lane"]),
                      tuple(post["steps"]))
            for name, post in sorted(named_posts(spec, subs).items())]


def posts_of_programme(session: Session, programme_key: str) -> list[NamedPost]:
    """The posts a new case of ``programme_key`` has (its published version's)."""
    programme = catalog.programme(session, programme_key)
    definition = catalog.latest_definition(session, programme_key)
    settings = versions.settings_for(session, programme, definition.id)
    return posts_of_definition(session, definition.id, settings)


def posts_of_case(session: Session, case: Case) -> list[NamedPost]:
    """The posts of the version ``case`` runs on."""
    definition_id = session.scalar(select(ProcessInstance.definition_id)
                                   .where(ProcessInstance.case_id == case.id))
    settings = versions.settings_for(session, case.programme, definition_id)
    return posts_of_definition(session, definition_id, settings)


def opening_errors(session: Session, case: Case, posts: list[NamedPost], people: dict,
                   staff: routing.Staff) -> tuple[dict, list[FieldError]]:
    """The people named when ``case`` is opened, checked by the policy (``take_post``):
    ``(the ones kept, the errors of the others, each on field post_NAME)``."""
    by_name = {post.name: post for post in posts}
    kept, errors = {}, []
    for name, username in (people or {}).items():
        post = by_name.get(name)
        if post is None or not str(username or "").strip():
            continue
        try:
            person = routing.receiver(session, staff, str(username), policy.TAKE_POST,
                                      policy.Post(case, post.role, post.lane or name))
        except NotAllowed as refused:
            errors.append(FieldError(f"post_{name}", _rule(refused.code), str(refused)))
        else:
            kept[name] = person.id
    return kept, errors


def _rule(code: str | None) -> str:
    return {"routing.unknown_person": "unknown_person",
            "routing.not_in_territory": "not_in_territory"}.get(code or "", "not_caseworker")


@command
def name_case_person(session: Session, case_id: int, post_name: str, username: str,
                     actor: Actor, *, staff: routing.Staff,
                     now: datetime | None = None) -> Case:
    """Name ``username`` to the case's post ``post_name`` (its tutor...): the post's open
    steps held by the person named before (or waiting in the pool) go to them, and the
    history records who, from whom, to whom.

    The case's caseworker or a supervisor of its territory may (``name_case_person``); the
    person must be one the policy lets take the post (``take_post``).
    """
    with clock.frozen_at(now) as moment:
        case = visible_case(session, case_id, actor)
        session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
        policy.require(session, actor, policy.NAME_CASE_PERSON, case)
        post = next((p for p in posts_of_case(session, case) if p.name == post_name), None)
        if post is None:
            raise NotFound(f"case {case.id} has no post {post_name!r}", code="post.not_found",
                           post=post_name)
        person = routing.receiver(session, staff, username, policy.TAKE_POST,
                                  policy.Post(case, post.role, post.lane or post.name))
        people = dict(case.people or {})
        previous = people.get(post.name)
        if previous == person.id:
            return case
        people[post.name] = person.id
        case.people = people
        moved = routing.move_open_steps(session, case, previous, person.id, moment,
                                        set(post.steps))
        audit.record(session, case.id, "case_person_named", actor.id, moment,
                     title=post.lane or post.name,
                     data={"post": post.name, "from": previous, "to": person.id,
                           "tasks": moved},
                     params={"post": post.lane or post.name, "to": person.id,
                             "moved": len(moved)})
        return case
