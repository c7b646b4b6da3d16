"""A household's members in one shape, checked against the programme's household schema.

Every member is stored as ``{"name", "age", "birth_date", "relationship", "national_id"}``
(only ``name`` required; ``national_id`` normalised for the territory's country, see
:mod:`national_ids`). Each programme's schema (``processes/<programme>/household.schema.json``,
named by its manifest) says what a member may hold there; without one, :data:`DEFAULT_SCHEMA`.
The case page and every report read members through :func:`members_of`, which also reads the
shapes written before (``nombre``/``edad``, P.I.P.P.I.'s ``nome``/``eta``).
"""

from dataclasses import dataclass

from jsonschema import Draft202012Validator, FormatChecker

from ..core import inputs, national_ids
from ..core import search_text as search_text_module
from ..core.errors import FieldError
from .forms import field_errors_of

RELATIONSHIPS = ("head", "partner", "child", "parent", "sibling", "grandparent", "grandchild",
                 "other_relative", "other")
MEMBER_KEYS = ("name", "age", "birth_date", "relationship", "national_id")
LEGACY_KEYS = {"nombre": "name", "nome": "name", "edad": "age", "eta": "age",
               "età": "age", "parentesco": "relationship", "parentela": "relationship",
               "rut": "national_id", "codice_fiscale": "national_id"}

DEFAULT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "maxItems": inputs.MAX_MEMBERS,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": inputs.MAX_MEMBER_NAME},
            "age": {"type": "integer", "minimum": 0, "maximum": 120},
            "birth_date": {"type": "string", "format": "date"},
            "relationship": {"enum": list(RELATIONSHIPS)},
            "national_id": {"type": "string", "minLength": 1, "maxLength": 32},
        },
    },
}


@dataclass(frozen=True)
class Member:
    """One person of a household, as every page and report reads them."""

    name: str
    age: int | None = None
    birth_date: str | None = None
    relationship: str | None = None
    national_id: str | None = None


def canonical(member: dict) -> dict:
    """``member`` with the keys of earlier shapes (``nombre``, ``nome``, ``edad``, ``eta``…)
    renamed to the canonical ones; other keys are kept as they are."""
    return {LEGACY_KEYS.get(key, key): value for key, value in member.items()}


def members_of(household) -> list[Member]:
    """The household's members, whatever shape they were stored in."""
    found = []
    for raw in household.members or []:
        if not isinstance(raw, dict):
            continue
        member = canonical(raw)
        found.append(Member(**{k: member.get(k) for k in MEMBER_KEYS}
                            | {"name": str(member.get("name") or "")}))
    return found


def shown_members(household, country: str) -> list[Member]:
    """The household's members with national ids as people write them (``12.345.678-5``)."""
    return [Member(m.name, m.age, m.birth_date, m.relationship,
                   national_ids.shown(country, m.national_id) or None)
            for m in members_of(household)]


def member_errors(schema: dict | None, country: str, members: object) -> list[FieldError]:
    """Every problem with ``members`` for the programme's ``schema`` (field paths such as
    ``members[1].age``), then each national id checked for ``country``."""
    if not isinstance(members, list) or len(members) > inputs.MAX_MEMBERS:
        return [FieldError("members", "maxItems", f"Máximo {inputs.MAX_MEMBERS} integrantes.",
                           inputs.MAX_MEMBERS)]
    errors = inputs.character_errors(members, "members")
    if errors:
        return errors
    validator = Draft202012Validator(schema or DEFAULT_SCHEMA, format_checker=FormatChecker())
    for error in sorted(validator.iter_errors(members), key=lambda e: list(map(str, e.path))):
        errors += [_under_members(e) for e in field_errors_of(error)]
    for index, member in enumerate(members):
        number = member.get("national_id") if isinstance(member, dict) else None
        if isinstance(number, str) and number.strip():
            errors += national_ids.id_errors(f"members[{index}].national_id", country, number)
    return list({(e.field, e.code): e for e in errors}.values())


def _under_members(error: FieldError) -> FieldError:
    path = error.field
    where = "members" if path == "(formulario)" else (
        f"members{path}" if path.startswith("[") else f"members.{path}")
    return FieldError(where, error.code, error.message, error.limit)


def stored_members(country: str, members: list[dict]) -> list[dict]:
    """Valid ``members`` as stored: canonical keys, national ids normalised."""
    stored = []
    for member in members:
        entry = dict(member)
        if entry.get("national_id"):
            entry["national_id"] = national_ids.normalised(country, entry["national_id"])
        stored.append(entry)
    return stored


def search_text(family_name: str, members: list | None, national_key: str | None) -> str:
    """What a household is found by (``Household.search_text``): its family name, its
    members' names and national ids, and its own national key, in one normal form."""
    parts = [family_name, (national_key or "").lower()]
    for raw in members or []:
        if isinstance(raw, dict):
            member = canonical(raw)
            parts += [member.get("name"), str(member.get("national_id") or "").lower()]
    return search_text_module.joined(parts)
