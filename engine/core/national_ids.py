"""A person's national identity number per country, checked and stored in one normal form.

Chile: the RUT with its check digit (``12.345.678-5``, ``12345678-5`` and ``123456785`` are one
RUT, stored ``123456785``). Italy: the codice fiscale (stored upper case, without spaces,
with its check character verified). The checks are python-stdnum's, not hand-written.
"""

from dataclasses import dataclass

from stdnum.cl import rut
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.it import codicefiscale

from .errors import FieldError
from .inputs import character_errors, has_unstorable

MAX_LENGTH = 32  # the column holding a normalised number


@dataclass(frozen=True)
class Document:
    """A country's identity document: its name and how it is checked and shown."""

    name: str
    module: object

    def compact(self, text: str) -> str:
        """``text`` in normal form (raises stdnum's ``ValidationError`` when invalid)."""
        return self.module.validate(text)

    def shown(self, key: str) -> str:
        """A normalised number as people write it (``12.345.678-5``)."""
        return self.module.format(key)


DOCUMENTS = {"CL": Document("RUT", rut), "IT": Document("codice fiscale", codicefiscale)}


def document_of(country: str) -> Document | None:
    """The identity document of ``country`` (None where none is known)."""
    return DOCUMENTS.get(country.upper())


def normalised(country: str, text: str) -> str:
    """``text`` as stored for ``country``: checked and compacted; elsewhere, trimmed and upper
    case. Raises :class:`ValueError` (stdnum's ``ValidationError``) when it is not valid."""
    document = document_of(country)
    if document is None:
        return "".join(text.split()).upper()
    return document.compact(text)


def shown(country: str, key: str | None) -> str:
    """A stored number as people write it (``12.345.678-5``); blank for none."""
    if not key:
        return ""
    document = document_of(country)
    return document.shown(key) if document else key


def id_errors(field: str, country: str, text: str) -> list[FieldError]:
    """The problem with one identity number, if any: ``national_id_checksum`` (the check digit
    or character does not match) or ``national_id_format`` (not such a number at all); the
    error's ``limit`` names the document (``RUT``, ``codice fiscale``)."""
    if has_unstorable(text):
        return character_errors(text, field)
    document = document_of(country)
    name = document.name if document else "documento"
    try:
        key = normalised(country, text)
    except InvalidChecksum:
        return [FieldError(field, "national_id_checksum",
                           f"El dígito verificador del {name} no corresponde.", name)]
    except ValidationError:
        return [FieldError(field, "national_id_format", f"No es un {name} válido.", name)]
    if not key or len(key) > MAX_LENGTH:
        return [FieldError(field, "national_id_format", f"No es un {name} válido.", name)]
    return []


def search_keys(text: str) -> list[str]:
    """The stored forms ``text`` may be, typed as people type it (dots, dash, spaces, lower
    case), for a search over every country: each document it is a valid number of, normalised;
    empty when it is none (or holds characters no number has)."""
    if has_unstorable(text) or not text.strip():
        return []
    keys = []
    for document in DOCUMENTS.values():
        try:
            key = document.compact(text)
        except ValidationError:
            continue
        if key and len(key) <= MAX_LENGTH and key not in keys:
            keys.append(key)
    return keys
