"""A household member's consents: recorded, withdrawn, listed, and required by a step.

A consent is given by one member of the household (or the household as a whole when it has
no members listed) for one purpose: ``participation`` in the programme, ``sharing`` data
with a named service, ``photos``. It records who recorded it, when, and the signed document
it rests on; a withdrawal keeps the consent with who withdrew it, when and why. Both are in
the case's history (``consent_recorded``, ``consent_withdrawn``).

A step needs a consent when its form says so (``x-consent`` at the top of the form)::

    "x-consent": {"purpose": "participation", "members": "head",
                  "when": {"consenso_dato": true}}

``members``: ``head`` (the reference person: the member whose relationship is ``head``, else
the first one; the household itself when none is listed), ``adult`` (the adult responsible:
the reference person when of age, else the first listed adult, aged 18 or more, or of unknown
age and not a child or grandchild; when no adult is listed the refusal asks to add one) or
``all``; ``when`` (optional): the submitted answers that make the consent necessary. A form
may list several rules (Comunidad Crece: the young person's and the guardian's consents,
each behind its own answer). Completing such a step without an active consent is refused on
the field of ``when`` (rule ``consent_missing``, naming the member and the purpose) and
nothing is saved.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import Conflict, FieldError, InvalidTaskData, NotFound
from ..definitions import households
from ..persistence import audit
from ..persistence.consent_models import HOUSEHOLD, PURPOSES, SHARING, Consent
from ..persistence.models import Case
from ..persistence.uow import command
from . import privacy
from .cases import visible_case

CONSENT_KEY = "x-consent"
MISSING = "consent_missing"  # the FieldError rule of a step refused for want of a consent
HEAD, ADULT, ALL = "head", "adult", "all"
OF_AGE = 18
NOT_ADULTS = ("child", "grandchild")  # relationships read as minors when no age is given
MAX_DOCUMENT, MAX_SERVICE, MAX_REASON = 300, 200, 500


@dataclass(frozen=True)
class RecordConsent:
    """Record that ``member`` (its position in the household's list; ``None``: the household
    as a whole) consented to ``purpose`` (``service``: with whom data is shared) on
    ``given_on``, as ``document`` says (the signed form's reference)."""

    case_id: int
    member: int | None
    purpose: str
    document: str
    given_on: date | None
    service: str | None = None


@dataclass(frozen=True)
class Needed:
    """A consent a step needs and does not have: whose and for what."""

    member: str  # "": the household as a whole, or (``unlisted``) an adult not listed
    purpose: str
    index: int | None = None  # the member's position in the household's list (None: all)
    field: str = ""  # the answer that calls for it (the rule's ``when``)
    unlisted: bool = False  # an adult whose consent is needed is not among the members


def consents_of(session: Session, case_id: int, actor: Actor) -> list[Consent]:
    """The consents of the case's household, active and withdrawn, oldest first."""
    case = visible_case(session, case_id, actor)
    query = (select(Consent).where(Consent.household_id == case.household_id)
             .order_by(Consent.given_on, Consent.id))
    return list(session.scalars(query))


@command
def record_consent(session: Session, order: RecordConsent, actor: Actor,
                   now: datetime | None = None) -> Consent:
    """Record a consent (policy ``record_consent``); a wrong value raises
    :class:`InvalidInput` naming the field, and nothing is written."""
    with clock.frozen_at(now) as moment:
        case = visible_case(session, order.case_id, actor)
        policy.require(session, actor, policy.RECORD_CONSENT, case)
        members = households.members_of(case.household)
        inputs.refuse_if("record_consent", _errors(order, members, moment))
        name = HOUSEHOLD if order.member is None else members[order.member].name
        consent = Consent(household_id=case.household_id, case_id=case.id, member_name=name,
                          member_index=order.member, purpose=order.purpose,
                          service=(order.service or "").strip() or None,
                          document=order.document.strip(), given_on=order.given_on,
                          recorded_by=actor.id, recorded_at=moment)
        session.add(consent)
        session.flush()
        audit.record(session, case.id, "consent_recorded", actor.id, moment,
                     data={"consent": consent.id},
                     params={"member": name, "purpose": order.purpose,
                             "service": consent.service or ""})
        return consent


def _errors(order: RecordConsent, members: list, moment: datetime) -> list[FieldError]:
    errors = []
    if order.purpose not in PURPOSES:
        errors.append(FieldError("purpose", "enum", "Elija una finalidad.", list(PURPOSES)))
    if order.member is not None and not 0 <= order.member < len(members):
        errors.append(FieldError("member", "enum", "Elija un integrante del hogar."))
    if order.member is None and members:
        errors.append(FieldError("member", "required", "Elija un integrante del hogar."))
    errors += inputs.text_errors("document", order.document, MAX_DOCUMENT, required=True)
    errors += inputs.text_errors("service", order.service, MAX_SERVICE,
                                 required=order.purpose == SHARING)
    if order.given_on is None:
        errors.append(FieldError("given_on", "required", "Este campo es obligatorio."))
    elif order.given_on > moment.date():
        errors.append(FieldError("given_on", "maximum", "No puede ser una fecha futura.",
                                 moment.date().isoformat()))
    return errors


@command
def withdraw_consent(session: Session, consent_id: int, reason: str, actor: Actor,
                     now: datetime | None = None) -> Consent:
    """Record that a consent was withdrawn (with its reason); the consent stays, marked."""
    with clock.frozen_at(now) as moment:
        consent = (session.get(Consent, consent_id, with_for_update=True)  # one withdrawal
                   if inputs.is_database_id(consent_id) else None)
        if consent is None or consent.case_id is None:
            raise NotFound(f"no consent {consent_id}", code="consent.not_found",
                           consent=str(consent_id))
        case = visible_case(session, consent.case_id, actor)
        policy.require(session, actor, policy.RECORD_CONSENT, case)
        inputs.refuse_if("withdraw_consent",
                         inputs.text_errors("reason", reason, MAX_REASON, required=True))
        if not consent.active:
            raise Conflict(f"consent {consent_id} was withdrawn already",
                           code="consent.already_withdrawn", consent=consent.id,
                           by=consent.withdrawn_by, at=consent.withdrawn_at.isoformat())
        consent.withdrawn_on, consent.withdrawn_by = moment.date(), actor.id
        consent.withdrawn_at, consent.withdrawal_reason = moment, reason.strip()
        audit.record(session, case.id, "consent_withdrawn", actor.id, moment,
                     data={"consent": consent.id, "reason": consent.withdrawal_reason},
                     params={"member": consent.member_name, "purpose": consent.purpose,
                             "service": consent.service or ""})
        return consent


def consent_rules(schema: dict | None) -> list[dict]:
    """The consent rules of a form's ``x-consent`` (one rule or a list of them)."""
    rule = (schema or {}).get(CONSENT_KEY) if isinstance(schema, dict) else None
    return [r for r in (rule if isinstance(rule, list) else [rule]) if isinstance(r, dict)]


def missing_consents(session: Session, case: Case, schema: dict | None,
                     data: dict) -> list[Needed]:
    """The consents the step of ``schema`` needs, with ``data`` submitted, that the case's
    household has not given (or withdrew)."""
    needed: list[Needed] = []
    for rule in consent_rules(schema):
        if _applies(rule.get("when"), data):
            needed += [n for n in _missing(session, case, rule) if n not in needed]
    return needed


def _missing(session: Session, case: Case, rule: dict) -> list[Needed]:
    purpose = rule.get("purpose", "participation")
    field = next(iter(rule.get("when") or {}), "")
    given = {c.member_name.casefold() for c in session.scalars(
        select(Consent).where(Consent.household_id == case.household_id,
                              Consent.purpose == purpose, Consent.withdrawn_at.is_(None)))}
    return [Needed(name or "", purpose, index, field, unlisted=name is None)
            for index, name in _who(case, rule.get("members", HEAD))
            if name is None or name.casefold() not in given]


def check_step(session: Session, case: Case, schema: dict | None, form_key: str,
               data: dict) -> None:
    """Refuse (:class:`InvalidTaskData`, rule ``consent_missing`` on the field that calls
    for the consent) a step whose consents are not all given."""
    needed = missing_consents(session, case, schema, data)
    if not needed:
        return
    raise InvalidTaskData(form_key, [
        FieldError(n.field, MISSING, f"falta el consentimiento de "
                   f"{'el adulto responsable' if n.unlisted else n.member} ({n.purpose})",
                   {"member": n.member, "purpose": n.purpose,
                    **({"unlisted": ADULT} if n.unlisted else {})})
        for n in needed])


def _applies(when: object, data: dict) -> bool:
    if not isinstance(when, dict):
        return True
    return all(data.get(name) == value for name, value in when.items())


def _who(case: Case, members: str) -> list[tuple[int | None, str | None]]:
    """(position, name) of the members whose consent is needed; (None, None) for an adult
    the household does not list."""
    listed = list(enumerate(households.members_of(case.household)))
    if not listed:
        return [(None, HOUSEHOLD)]
    if members == ALL:
        return [(i, m.name) for i, m in listed]
    heads = [(i, m) for i, m in listed if m.relationship == "head"]
    if members == ADULT:
        adults = [(i, m) for i, m in heads + listed if _of_age(m)]
        return [(adults[0][0], adults[0][1].name)] if adults else [(None, None)]
    index, member = (heads or listed)[0]
    return [(index, member.name)]


def _of_age(member: households.Member) -> bool:
    if isinstance(member.age, int):
        return member.age >= OF_AGE
    return member.relationship not in NOT_ADULTS


# An erasure, a retention run and a person's export reach the consents too
# (engine.commands.privacy): the member's name, the document, the service and a
# withdrawal's reason are rewritten like every other store of case data.
privacy.register(privacy.ColumnsSection(
    "consents", Consent.__table__, ("member_name", "document", "service", "withdrawal_reason"),
    shown=("id", "case_id", "member_name", "purpose", "service", "document", "given_on",
           "recorded_by", "recorded_at", "withdrawn_on", "withdrawn_by", "withdrawal_reason")))
