"""Which column of a registry export holds which part of a household, chosen per file, and
one row of the file made a household candidate by it.

The targets (:data:`TARGETS`): ``national_id`` (the reference person's RUT or codice fiscale,
the household's natural key) and ``family_name`` are needed; ``address``; the reference
person's ``head_name``, ``head_birth_date`` (``2026-03-31``, ``31/03/2026`` or
``31-03-2026``) and ``head_age``, who becomes the first member (relationship ``head``, the
household's national id); and ``members``, the others: a JSON list of members, or text with
one member per line or per ``|`` (``Carla Rojas, 34, hija, 12.345.678-5``, as the new-case
form takes them). A mapping is ``{target: column}``; :func:`guess` proposes one from the
column names a registry uses (``RUT``, ``Apellidos``, ``Dirección``, ``codice_fiscale``…).
"""

import re
import unicodedata
from datetime import date

from ..core import inputs
from ..core.errors import FieldError
from . import households
from .member_lines import parse_members

TARGETS = ("national_id", "family_name", "address", "head_name", "head_birth_date",
           "head_age", "members")
NEEDED = ("national_id", "family_name")
SYNONYMS = {
    "national_id": ("national_id", "rut", "run", "rut_jefe", "rut_jefe_hogar", "documento",
                    "codice_fiscale", "cf", "codicefiscale", "dni", "national id"),
    "family_name": ("family_name", "familia", "apellidos", "apellido", "cognome",
                    "nucleo", "surname", "family"),
    "address": ("address", "direccion", "domicilio", "indirizzo", "residenza"),
    "head_name": ("head_name", "nombre", "nombres", "nombre_jefe", "jefe_hogar", "nome",
                  "persona_riferimento", "name"),
    "head_birth_date": ("head_birth_date", "fecha_nacimiento", "fecha_de_nacimiento",
                        "nacimiento", "data_di_nascita",
                        "data_nascita", "birth_date"),
    "head_age": ("head_age", "edad", "eta", "age"),
    "members": ("members", "integrantes", "miembros", "componenti", "membri"),
}
DATE_FORMATS = (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
                re.compile(r"^(\d{2})[/.-](\d{2})[/.-](\d{4})$"))


def plain(name: str) -> str:
    """A column name as compared: lower case, no accents, spaces as ``_``."""
    decomposed = unicodedata.normalize("NFKD", str(name).strip().lower())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", "_", letters)


def guess(columns: list[str]) -> dict[str, str]:
    """The mapping the column names suggest: each target to the first column named as
    registries name it (a target no column suggests is left out)."""
    by_name = {plain(c): c for c in reversed(columns)}
    found = {}
    for target in TARGETS:
        column = next((by_name[plain(s)] for s in SYNONYMS[target] if plain(s) in by_name), None)
        if column is not None and column not in found.values():
            found[target] = column
    return found


def mapping_errors(mapping: object, columns: list[str]) -> list[FieldError]:
    """What is wrong with ``mapping`` for a file of ``columns``: a needed target left out
    (``required``), a target that is none (``unknown``), a column the file lacks
    (``columns``)."""
    if not isinstance(mapping, dict):
        return [FieldError("mapping", "type", "The mapping is {target: column}.", "object")]
    errors = [FieldError(f"mapping.{t}", "unknown", f"{t} is not a household field.",
                         list(TARGETS)) for t in mapping if t not in TARGETS]
    errors += [FieldError(f"mapping.{t}", "required", f"Choose the column holding {t}.")
               for t in NEEDED if not mapping.get(t)]
    errors += [FieldError(f"mapping.{t}", "columns", f"The file has no column {c!r}.", columns)
               for t, c in mapping.items() if t in TARGETS and c and c not in columns]
    return errors


def cleaned(mapping: dict) -> dict[str, str]:
    """``mapping`` without its blank targets."""
    return {t: str(c) for t, c in mapping.items() if t in TARGETS and c}


def candidate(row: dict, mapping: dict[str, str]) -> tuple[dict, list[FieldError]]:
    """The household one row makes (``national_id``, ``family_name``, ``address``,
    ``members``), and what in it cannot even be read (errors named by target)."""
    if "__extra__" in row:
        return {}, [FieldError("(row)", "columns", "The row has more cells than the header.",
                               row["__extra__"])]
    value = {t: row.get(c) for t, c in mapping.items()}
    errors: list[FieldError] = []
    scalars = ("national_id", "family_name", "address", "head_name", "head_birth_date",
               "head_age")
    errors += [FieldError(t, "type", "Text, not a list or an object.") for t in scalars
               if not _scalar(value.get(t))]
    text = {t: _text(value.get(t)) for t in scalars}
    errors += inputs.text_errors("family_name", text["family_name"], inputs.MAX_FAMILY_NAME,
                                 required=True)
    errors += inputs.text_errors("address", text["address"], inputs.MAX_ADDRESS)
    if not text["national_id"]:
        errors.append(FieldError("national_id", "required", "The household's key is needed."))
    members = []
    if text["head_name"]:
        head, head_errors = _head(text)
        members.append(head)
        errors += head_errors
    others, member_errors = _members(value.get("members"))
    errors += member_errors
    found = {"national_id": text["national_id"], "family_name": text["family_name"],
             "address": text["address"] or None, "members": members + others}
    return found, errors


def _scalar(value: object) -> bool:
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


def _text(value: object) -> str:
    return str(value).strip() if value is not None and _scalar(value) else ""


def _head(text: dict) -> tuple[dict, list[FieldError]]:
    head = {"name": text["head_name"], "relationship": "head"}
    if text["national_id"]:
        head["national_id"] = text["national_id"]
    errors = []
    if text["head_age"]:
        age = text["head_age"].removesuffix(".0")
        if age.isascii() and age.isdecimal() and len(age) <= 3:
            head["age"] = int(age)
        else:
            errors.append(FieldError("head_age", "whole_number", "The age is a whole number."))
    if text["head_birth_date"]:
        day = iso_date(text["head_birth_date"])
        if day is None:
            errors.append(FieldError("head_birth_date", "format", "A date such as 2026-03-31."))
        else:
            head["birth_date"] = day
    return head, errors


def iso_date(text: str) -> str | None:
    """``text`` (``2026-03-31``, ``31/03/2026``, ``31-03-2026``, ``31.03.2026``) as an ISO
    date, or None when it is no date."""
    for number, pattern in enumerate(DATE_FORMATS):
        match = pattern.match(text.strip())
        if match:
            year, month, day = match.groups() if number == 0 else reversed(match.groups())
            try:
                return date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                return None
    return None


def _members(value: object) -> tuple[list, list[FieldError]]:
    if value is None or value == "":
        return [], []
    if isinstance(value, list):
        if all(isinstance(m, dict) for m in value):
            return [households.canonical(m) for m in value], []
        return [], [FieldError("members", "type", "A list of members, each an object.")]
    if isinstance(value, str):
        return parse_members(value, "\n|"), []
    return [], [FieldError("members", "type", "Members are text or a list.")]
