"""A programme created from scratch, from the starting template (engine/definitions/starter):
one lane for the caseworker and one for supervision, a first step with its form and
deadline. It is stored as an unpublished version 1 — no case can start on it — and opened
as a draft, so the manager designs it in the modeler and publishes it when it is ready.

Who may: managers and administrators working in the programme's country.
"""

import copy
import json
import re
import tomllib
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from .. import policy
from ..core import inputs
from ..core.actors import Actor
from ..core.errors import FieldError, InvalidInput, NotAllowed
from ..definitions.draft_forms import DraftForms
from ..persistence.models import ProcessDraft, Programme
from ..persistence.uow import command
from ..policy.rules import countries
from . import process_drafts
from .deploy import deploy

STARTER = Path(__file__).resolve().parent.parent / "definitions" / "starter"
KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
COUNTRIES = {"CL": "es", "IT": "it"}


def starter_bundle(key: str, name: str, country: str) -> tuple[dict, dict, dict]:
    """The template's sources, forms and raw settings for programme ``key``."""
    bpmn = (STARTER / "process.bpmn").read_text(encoding="utf-8")
    bpmn = bpmn.replace("{key}", key).replace("{name}", escape(name, {'"': "&quot;"}))
    settings = tomllib.loads((STARTER / "settings.toml").read_text(encoding="utf-8"))
    settings = {"programa": {"clave": key, "nombre": name, "pais": country,
                             "idioma": COUNTRIES[country]}, **copy.deepcopy(settings)}
    form = json.loads((STARTER / "primer_paso.schema.json").read_text(encoding="utf-8"))
    return {f"{key}.bpmn": bpmn}, {f"{key}/primer_paso": form}, settings


@command
def create_programme(session: Session, actor: Actor, *, key: str, name: str,
                     country: str) -> ProcessDraft:
    """Create programme ``key`` from the starting template and open its draft."""
    name = (name or "").strip()
    errors = inputs.character_errors({"key": key, "name": name})
    if not KEY.match(key or ""):
        errors.append(FieldError("key", "pattern", "Solo minúsculas, cifras y _.", KEY.pattern))
    if not name or len(name) > 200:
        errors.append(FieldError("name", "maxLength", "Entre 1 y 200 caracteres.", 200))
    if country not in COUNTRIES:
        errors.append(FieldError("country", "enum", "País no disponible.", sorted(COUNTRIES)))
    elif session.get(Programme, key) is not None:
        errors.append(FieldError("key", "duplicate", "Ya existe un programa con esa clave."))
    if errors:
        raise InvalidInput("create_programme", errors)
    policy.require(session, actor, policy.MANAGE_PROGRAMME, None)
    if country not in countries(session, actor, {country}):
        raise NotAllowed(f"{actor.id} works in no territory of {country}",
                         code="policy.not_in_country", action=policy.MANAGE_PROGRAMME,
                         programme=key, country=country)
    sources, forms, settings = starter_bundle(key, name, country)
    deploy(session, sources, settings, DraftForms(forms, {}), actor.id, publish=False)
    return process_drafts.open_draft(session, key, actor)
