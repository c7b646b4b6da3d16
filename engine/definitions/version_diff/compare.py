"""The two sides of a comparison and the result (see the package's docstring for the codes)."""

from dataclasses import dataclass, field

from . import bpmn, dmn, forms, settings
from .common import Difference


@dataclass(frozen=True)
class Side:
    """One version (or the draft) as compared: sources by file name, form schemas by form key,
    settings tables (``programa`` is ignored: it is the programme's, not a version's)."""

    sources: dict[str, str]
    forms: dict[str, dict] = field(default_factory=dict)
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class VersionDiff:
    """Every difference, by group, and the diagram elements to highlight."""

    diagram: list[Difference]
    forms: list[Difference]
    deadlines: list[Difference]
    rules: list[Difference]
    other: list[Difference]

    @property
    def groups(self) -> dict[str, list[Difference]]:
        """The groups in the page's order (empty ones too)."""
        return {"diagram": self.diagram, "forms": self.forms, "deadlines": self.deadlines,
                "rules": self.rules, "other": self.other}

    @property
    def empty(self) -> bool:
        """Whether the two sides are the same in everything compared."""
        return not any(self.groups.values())

    def elements(self, kind: str) -> list[str]:
        """The element ids ``added``, ``removed`` or ``changed`` on the diagram."""
        code = f"diagram.element_{kind}"
        return [d.params["element"] for d in self.diagram if d.code == code]

    @property
    def codes(self) -> list[str]:
        """Every difference's code, in order (for tests and logs)."""
        return [d.code for group in self.groups.values() for d in group]


def compare(old: Side, new: Side) -> VersionDiff:
    """What changed from ``old`` to ``new``."""
    deadlines, other = settings.differences(old.settings, new.settings)
    return VersionDiff(
        diagram=bpmn.differences(_files(old, ".bpmn"), _files(new, ".bpmn")),
        forms=forms.differences(old.forms, new.forms),
        deadlines=deadlines,
        rules=dmn.differences(_files(old, ".dmn"), _files(new, ".dmn")),
        other=other,
    )


def _files(side: Side, suffix: str) -> list[str]:
    return [text for name, text in sorted(side.sources.items()) if name.endswith(suffix)]


__all__ = ["Difference", "Side", "VersionDiff", "compare"]
