"""The places a programme has in a territory (Triple P: per modality), set by an
administrator of the territory's country where the programme is enabled. They are the
programme's ``[cupos.<territory>]`` live settings, so the change is kept in the settings
history too, and a redeploy keeps it unless the file changed that territory's places."""

import copy

from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import FieldError
from ..definitions import catalog
from ..persistence.audit import record_admin
from ..persistence.uow import command
from .programme_settings import _locked, record_change

MAX_PLACES = 1_000_000


def modalities(programme) -> list[str]:
    """The modalities a programme counts places in (``[modalidades]``), or none."""
    table = catalog.settings_of(programme).values.get("modalidades", {})
    return sorted(table) if isinstance(table, dict) and "cupos" in (
        catalog.settings_of(programme).values) else []


@command
def set_places(session: Session, programme_key: str, territory_code: str,
               places: dict[str, object], actor: Actor) -> dict[str, list]:
    """Set the places of each modality of ``programme_key`` in ``territory_code``; the
    modalities changed, ``{modality: [before, after]}``."""
    where = policy.opening(session, programme_key, territory_code)
    policy.require(session, actor, policy.ENABLE_PROGRAMME, where)
    known = modalities(where.programme)
    errors = [FieldError(m, "unknown", f"'{m}' no es una modalidad con cupos.")
              for m in places if m not in known]
    values = {}
    for modality, value in places.items():
        number = int(value) if isinstance(value, str) and value.strip().isdigit() else value
        if not isinstance(number, int) or isinstance(number, bool) or not \
                0 <= number <= MAX_PLACES:
            errors.append(FieldError(modality, "maximum", "Indique un número entero de 0 a "
                                     f"{MAX_PLACES}.", MAX_PLACES))
        values[modality] = number
    inputs.refuse_if("set_places", errors)
    programme = _locked(session, programme_key)
    settings = copy.deepcopy(programme.settings)
    mine = settings.setdefault("cupos", {}).setdefault(territory_code, {})
    changed = {m: [mine.get(m), v] for m, v in values.items() if mine.get(m) != v}
    if changed:
        mine.update(values)
        moment = clock.now()
        record_change(session, programme, settings, actor.id, moment, "admin")
        record_admin(session, "places_set", actor.id, moment, territory=where.territory,
                     programme_key=programme_key, data={"changes": changed})
    return changed


def places_of(programme, territory_code: str) -> dict[str, int]:
    """The places of each modality of ``programme`` in ``territory_code`` (0 when unset)."""
    table = catalog.settings_of(programme).values.get("cupos", {}).get(territory_code, {})
    return {m: table.get(m, 0) for m in modalities(programme)}
