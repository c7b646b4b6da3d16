"""What every widget needs while a form is rendered."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace


@dataclass
class Context:
    """Errors by path, the translate function, reference data, and which errors were shown."""

    errors: dict[str, str]
    translate: Callable[[str], str]
    references: dict
    quiet: bool = False
    shown: dict[str, tuple[str, str]] = field(default_factory=dict)

    def t(self, text: str) -> str:
        """``text`` (one of formkit's own words) in the person's language."""
        return self.translate(text)

    def error(self, path: str, anchor: str, label: str) -> str | None:
        """The message for ``path``, if any; remembers where it was shown for the summary."""
        if self.quiet:
            return None
        message = self.errors.get(path)
        if message is not None:
            self.shown.setdefault(path, (anchor, label))
        return message

    def silent(self) -> "Context":
        """The same context without errors: for the empty row inside a ``<template>``."""
        return replace(self, quiet=True, shown={})
