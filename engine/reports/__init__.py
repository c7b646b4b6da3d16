"""Outcome reports per programme (``build_report``); one module per programme.

Layer engine.reports; it may import: engine.commands and every layer below it. The contracts
that hold it are in pyproject.toml ([tool.importlinter]).
"""

from collections.abc import Iterable

from sqlalchemy.orm import Session

from ..core.errors import NotFound
from .base import Builder, Figure, Report

BUILDERS: dict[str, Builder] = {}


def register(programme: str):
    """Decorator: ``build`` is the outcome report of ``programme``."""

    def wrap(build: Builder) -> Builder:
        BUILDERS[programme] = build
        return build

    return wrap


def build_report(session: Session, programme: str, territory_ids: Iterable[int]) -> Report:
    """The outcome report of ``programme`` over ``territory_ids``."""
    if programme not in BUILDERS:
        raise NotFound(f"no outcome report for programme '{programme}'",
                       code="report.not_found", programme=programme)
    return BUILDERS[programme](session, territory_ids)


# Each programme's module registers itself on import (one line per programme).
from . import (  # noqa: E402
    comunidad_crece,  # noqa: F401
    familias,  # noqa: F401
    pippi,  # noqa: F401
    triple_p,  # noqa: F401
)

__all__ = ["BUILDERS", "Figure", "Report", "build_report", "register"]
