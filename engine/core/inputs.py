"""Checks on every value that reaches the engine from outside (a form, the command line).

PostgreSQL refuses NUL characters in text and JSON, and no database can store a lone UTF-16
surrogate, so both are refused here, before anything is written, with an error naming the
field. Text lengths match the columns of engine/persistence/models.py.
"""

import re
from collections.abc import Iterator

from .errors import FieldError, InvalidInput

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
CHARACTERS = "characters"
MAX_FAMILY_NAME = 200
MAX_ADDRESS = 300
MAX_MEMBER_NAME = 200
MAX_MEMBERS = 50
MAX_PAUSE_REASON = 200
MAX_DATABASE_ID = 2**31 - 1  # an INTEGER column


def has_unstorable(text: str) -> bool:
    """Whether ``text`` holds a NUL or a lone surrogate."""
    return UNSTORABLE.search(text) is not None


def is_database_id(value: object) -> bool:
    """Whether ``value`` is a whole number an INTEGER id column can hold (1 to 2**31 - 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_DATABASE_ID


def character_errors(value: object, path: str = "") -> list[FieldError]:
    """One error per place in ``value`` (text, list or mapping, keys included) whose text
    cannot be stored."""
    return [FieldError(where or "(formulario)", CHARACTERS,
                       "Contiene caracteres no válidos (p. ej. un carácter nulo).")
            for where in _unstorable_paths(value, path)]


def _unstorable_paths(value: object, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if has_unstorable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_unstorable(key):
                yield path or "(formulario)"
            else:
                yield from _unstorable_paths(item, where)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _unstorable_paths(item, f"{path}[{index}]")


def text_errors(field: str, value: str | None, max_length: int,
                required: bool = False) -> list[FieldError]:
    """Problems with one text value: blank when required, too long, or unstorable."""
    text = value or ""
    if required and not text.strip():
        return [FieldError(field, "required", "Este campo es obligatorio.")]
    if len(text) > max_length:
        return [FieldError(field, "maxLength", f"Máximo {max_length} caracteres.", max_length)]
    return character_errors(text, field)


def refuse_if(command: str, errors: list[FieldError]) -> None:
    """Raise :class:`InvalidInput` for ``command`` when there is any error."""
    if errors:
        raise InvalidInput(command, errors)
