"""Which forms a programme has: those of its latest published version (its bundle)."""

import re
from pathlib import Path

from sqlalchemy.orm import Session

from engine import FormLibrary
from engine.definitions import catalog
from engine.definitions.field_order import ORDER_KEY, reordered
from engine.definitions.forms import REFERENCE_KEY

FORM_KEY = re.compile(r"[a-z0-9_]{1,64}(/[a-z0-9_]{1,64}){0,3}")
GRID_EXPANSION = ("type", "properties", "additionalProperties")


class ProgrammeForms:
    """The schemas and reference data of a programme's published version.

    Versions deployed before bundles existed keep their forms on disk: then the programme's
    folder of the library (``forms/<programme>/``) stands in.
    """

    def __init__(self, session: Session, programme_key: str, library: FormLibrary):
        definition = catalog.latest_definition(session, programme_key)
        self.version = definition.version
        self.revision: int | None = None  # the draft's, when its forms are the ones shown
        bundle = definition.forms or {}
        self.schemas: dict[str, dict] = reordered(dict(bundle.get("schemas") or {}),
                                                  bundle.get(ORDER_KEY))
        self.references: dict[str, dict] = {**_disk_references(library.root),
                                            **(bundle.get("references") or {})}
        if not self.schemas:
            self.schemas = _disk_forms(library, programme_key)

    def titles(self) -> list[tuple[str, str, int]]:
        """``(form key, title, number of fields)`` of every form, by key."""
        return [(key, str(schema.get("title") or key), len(schema.get("properties") or {}))
                for key, schema in sorted(self.schemas.items())]

    def editable(self, form_key: str) -> dict | None:
        """The form as a manager edits it: grids back to ``{"x-reference": …}``."""
        schema = self.schemas.get(form_key)
        return None if schema is None else collapsed(schema)


def collapsed(node):
    """``node`` with every expanded grid written as its reference again (as in forms/)."""
    if isinstance(node, dict):
        if REFERENCE_KEY in node:
            return {k: v for k, v in node.items() if k not in GRID_EXPANSION}
        return {k: collapsed(v) for k, v in node.items()}
    if isinstance(node, list):
        return [collapsed(v) for v in node]
    return node


def valid_key(programme_key: str, form_key: str) -> bool:
    """Whether ``form_key`` may name a form of ``programme_key`` (``familias/plan``)."""
    return bool(FORM_KEY.fullmatch(form_key)) and form_key.startswith(programme_key + "/")


def _disk_references(root: Path) -> dict[str, dict]:
    library = FormLibrary(root)
    found = {}
    for path in sorted((Path(root) / "reference").glob("*.json")):
        try:
            found[path.stem] = library.reference(path.stem)
        except (OSError, ValueError):
            continue
    return found


def _disk_forms(library: FormLibrary, programme_key: str) -> dict[str, dict]:
    found = {}
    for path in sorted((Path(library.root) / programme_key).glob("*.json")):
        try:
            found[f"{programme_key}/{path.stem}"] = library.schema(f"{programme_key}/{path.stem}")
        except (OSError, ValueError):
            continue
    return found
