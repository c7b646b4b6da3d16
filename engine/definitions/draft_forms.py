"""The forms of a draft being edited in the modeler: its own schemas, reference data from the
version it began from (or the library on disk), so a draft reads like a version bundle."""

from pathlib import Path

from .forms import FormLibrary


class DraftForms(FormLibrary):
    """A draft's forms (``schemas``: form key -> JSON Schema, expanded on reading)."""

    def __init__(self, schemas: dict[str, dict], references: dict[str, dict],
                 fallback: FormLibrary | None = None):
        super().__init__(Path("(draft)"))
        self._raw = dict(schemas)
        self._references = dict(references)
        self._fallback = fallback

    def path(self, form_key: str) -> Path:
        """Where ``form_key`` would be: in the draft."""
        return self.root / form_key

    def exists(self, form_key: str) -> bool:
        """Whether the draft has the form ``form_key``."""
        return isinstance(self._raw.get(form_key), dict)

    def schema(self, form_key: str) -> dict:
        """The draft's schema of ``form_key`` with reference data expanded (KeyError if none)."""
        if form_key not in self._schemas:
            self._schemas[form_key] = self._expand(self._raw[form_key])
        return self._schemas[form_key]

    def check(self, form_key: str) -> list[str]:
        """Problems with the form itself; a reference data set that is missing is one."""
        if not self.exists(form_key):
            return [f"form '{form_key}' is not among the draft's forms"]
        try:
            self.schema(form_key)
        except (KeyError, OSError, ValueError, TypeError) as err:
            return [f"form '{form_key}' names reference data that does not exist: {err}"]
        return super().check(form_key)

    def reference(self, name: str) -> dict:
        """Reference data ``name``: the version's copy, else the library's on disk."""
        if name not in self._references:
            if self._fallback is None:
                raise KeyError(name)
            self._references[name] = self._fallback.reference(name)
        return self._references[name]

    def keys(self) -> list[str]:
        """The draft's form keys, sorted."""
        return sorted(self._raw)
