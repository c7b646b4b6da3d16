"""What an administrator (or the command line) changes about people: creating an account,
editing it, the roles it holds territory by territory, deactivating it. Every change is
checked by the engine policy (``manage_person``, ``administer_territory``), kept in the
installation's audit trail, and ends the person's sessions when what they were signed in
with changed (web.auth.sessions). No password is ever chosen, shown or typed here: a new
account gets one by the one-time link it is sent (web.admin.links)."""

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select

import engine
from engine import Actor, FieldError, NotFound, policy
from engine.commands.territory_admin import territory as territory_row
from engine.core import clock, inputs

from ..auth.models import ROLES, User, UserRole
from ..auth.passwords import hash_password
from ..auth.sessions import end_all
from ..extensions import db
from ..i18n import LANGUAGES

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIMITS = {"username": 64, "full_name": 200, "email": 200}


@dataclass(frozen=True)
class Details:
    """A person's name, e-mail and language as typed."""

    full_name: str
    email: str
    locale: str


def account(user: User) -> policy.Account:
    """``user`` as the policy sees an account being changed."""
    return policy.Account(user.username, user.territory_ids)


def detail_errors(details: Details, email_required: bool = True) -> list[FieldError]:
    """Problems with a name, an e-mail address (the links go there) and a language."""
    errors = [*inputs.text_errors("full_name", details.full_name, LIMITS["full_name"], True),
              *inputs.text_errors("email", details.email, LIMITS["email"], email_required)]
    if details.email and not any(e.field == "email" for e in errors) \
            and not EMAIL.match(details.email.strip()):
        errors.append(FieldError("email", "email", "No es una dirección de correo."))
    if details.locale not in LANGUAGES:
        errors.append(FieldError("locale", "enum", "Elija un idioma.", sorted(LANGUAGES)))
    return errors


def role_errors(session, pairs: list[tuple[str, str]], actor: Actor) -> tuple[list, list]:
    """``(errors, [(territory row, role)])`` of roles given as ``(territory code, role)``:
    known roles, existing territories the actor administers."""
    errors, rows = [], []
    for code, role in pairs:
        if role not in ROLES:
            errors.append(FieldError("roles", "enum", f"'{role}' no es un rol.", list(ROLES)))
            continue
        found = _territory(code)
        if found is None:
            errors.append(FieldError("roles", "unknown_territory",
                                     f"No existe el territorio '{code}'.", code))
            continue
        policy.require(session, actor, policy.ADMINISTER_TERRITORY, found)
        rows.append((found, role))
    return errors, rows


def _territory(code: str):
    try:
        return territory_row(db.session, code)
    except NotFound:  # reported as a field error
        return None


def create_person(username: str, details: Details, pairs: list[tuple[str, str]],
                  actor: Actor, email_required: bool = True) -> User:
    """A new active account with ``pairs`` as its roles, no usable password yet (its
    invitation link sets one); :class:`InvalidInput` names each wrong field."""
    policy.require(db.session, actor, policy.ADMINISTER, None)
    username = (username or "").strip().lower()
    errors = detail_errors(details, email_required)
    if not USERNAME.match(username):
        errors.append(FieldError("username", "pattern", "Use de 2 a 64 letras minúsculas, "
                                 "números, puntos, guiones."))
    elif db.session.scalar(select(User.id).where(User.username == username)) is not None:
        errors.append(FieldError("username", "duplicate", f"Ya existe '{username}'."))
    more, rows = role_errors(db.session, pairs, actor)
    inputs.refuse_if("create_person", errors + more)
    user = User(username=username, full_name=details.full_name.strip(),
                email=details.email.strip() or None, locale=details.locale,
                password_hash=hash_password(secrets.token_urlsafe(32)), roles="", active=True)
    db.session.add(user)
    _set_roles(user, rows)
    engine.record_change(db.session, "person_created", actor.id, clock.now(), person=username,
                 territory=rows[0][0] if rows else None,
                 data={"full_name": user.full_name, "email": user.email,
                       "roles": _described(rows)})
    return user


def edit_person(user: User, details: Details, pairs: list[tuple[str, str]] | None,
                actor: Actor) -> dict:
    """Change ``user``'s name, e-mail, language and (unless ``pairs`` is None) roles; what
    changed. Changed roles end their sessions."""
    policy.require(db.session, actor, policy.MANAGE_PERSON, account(user))
    errors = detail_errors(details)
    rows = None
    if pairs is not None:
        more, rows = role_errors(db.session, pairs, actor)
        errors += more
    inputs.refuse_if("edit_person", errors)
    changed = {}
    for field in ("full_name", "email", "locale"):
        value = getattr(details, field).strip()
        if getattr(user, field) != value:
            changed[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if changed:
        engine.record_change(db.session, "person_edited", actor.id, clock.now(),
                             person=user.username, territory=_home(user),
                             data={"changes": changed})
    if rows is not None:
        _replace_roles(user, rows, actor)
    return changed


def _replace_roles(user: User, rows, actor: Actor) -> None:
    before = sorted(_pair_codes(user))
    after = sorted({(t.code, role) for t, role in rows})
    if before == after:
        return
    gone = {code for code, _r in before} - {code for code, _r in after}
    for code in gone:  # taking someone out of a territory is administering it too
        policy.require(db.session, actor, policy.ADMINISTER_TERRITORY, territory_row(db.session,
                                                                                     code))
    _set_roles(user, rows)
    engine.record_change(db.session, "roles_changed", actor.id, clock.now(), person=user.username,
                 territory=rows[0][0] if rows else None,
                 data={"before": [f"{r}@{c}" for c, r in before],
                       "after": [f"{r}@{c}" for c, r in after]})
    db.session.flush()
    end_all(user, "roles")


def _pair_codes(user: User) -> set[tuple[str, str]]:
    codes = {t.id: t.code for t in user.territories}
    return {(codes.get(t, str(t)), role) for t, role in user.role_pairs}


def _set_roles(user: User, rows) -> None:
    """Store the roles per territory, and their union in ``roles``/``territories``."""
    user.territory_roles = [UserRole(territory_id=t.id, role=role)
                            for t, role in sorted({(t, r) for t, r in rows},
                                                  key=lambda p: (p[0].id, p[1]))]
    user.roles = ",".join(sorted({role for _t, role in rows}))
    user.territories = sorted({t for t, _r in rows}, key=lambda t: t.id)


def _described(rows) -> list[str]:
    return sorted(f"{role}@{t.code}" for t, role in rows)


def deactivate(user: User, actor: Actor) -> int:
    """Stop ``user`` signing in and end their sessions (how many were open); refused
    (``person.still_holds``) while they hold open cases or steps: hand them over first."""
    policy.require(db.session, actor, policy.MANAGE_PERSON, account(user))
    held = engine.workload(db.session, user.username)
    if not held.empty:
        raise engine.Conflict(f"{user.username} still holds {len(held.cases)} case(s) and "
                              f"{len(held.steps)} step(s)", code="person.still_holds",
                              person=user.username, cases=len(held.cases),
                              steps=len(held.steps))
    user.active = False
    engine.record_change(db.session, "person_deactivated", actor.id, clock.now(),
                         person=user.username, territory=_home(user))
    db.session.flush()
    return end_all(user, "deactivated")


def activate(user: User, actor: Actor) -> None:
    """Let ``user`` sign in again."""
    policy.require(db.session, actor, policy.MANAGE_PERSON, account(user))
    user.active = True
    engine.record_change(db.session, "person_activated", actor.id, clock.now(),
                         person=user.username, territory=_home(user))


def _home(user: User):
    """The first territory ``user`` works in (whose country their changes are filed under)."""
    return min(user.territories, key=lambda t: t.id) if user.territories else None
