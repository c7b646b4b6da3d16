"""The compare page's section "Impacto en los casos en curso" (shown when the draft is compared):
per element the draft changes or removes, the running cases sitting there per territory and
what would become of them (engine.queries.migration_impact, the migration's own classifier).

The section is a partial (templates/versions/_impact.html) added to the compare page with
web.versions.views.add_compare_section; it reads the impact through :func:`draft_impact`.
"""

import logging
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

import engine
from engine.persistence.models import ProcessDefinition, Territory
from engine.queries import migration_batches
from engine.queries.migration_impact import Impact, migration_impact

from ..access import actor
from ..extensions import db
from ..messages import word_error
from ..versions.views import add_compare_section
from .views import bp

PARTIAL = "versions/_impact.html"
log = logging.getLogger("acompana.migrations")


@dataclass
class DraftImpact:
    """The impact, the names of its territories, and how long it took (ms)."""

    impact: Impact | None
    territories: dict[str, str]
    next_version: int | None
    problem: str | None
    ms: float


def _is_draft(comparison) -> bool:
    return comparison.new.label == "draft"


add_compare_section(PARTIAL, _is_draft)


@bp.app_template_global()
def draft_impact(key: str) -> DraftImpact | None:
    """The draft's impact on the running cases the signed-in person may migrate (None when
    they may not migrate the programme's cases)."""
    started = time.perf_counter()
    try:
        impact = migration_impact(db.session, actor(), key, "draft",
                                  forms=current_app.extensions["acompana.forms"])
    except engine.NotAllowed:
        return None
    except engine.EngineError as error:
        db.session.rollback()
        return DraftImpact(None, {}, None, word_error(error), _ms(started))
    steps = migration_batches.waiting_step_ids(db.session, key, impact.sources)
    impact.elements = [e for e in impact.elements if e.bpmn_id in steps]  # not their timers
    codes = {code for e in impact.elements for code in e.by_territory}
    names = dict(db.session.execute(select(Territory.code, Territory.name)
                                    .where(Territory.code.in_(sorted(codes)))).all())
    latest = max(impact.sources, default=0)
    found = DraftImpact(impact, names, _next_version(key, latest), None, _ms(started))
    log.info("impact of the %s draft: %d cases in %.0f ms", key, sum(impact.outcomes.values()),
             found.ms)
    return found


def _next_version(key: str, latest: int) -> int:
    highest = db.session.scalar(select(ProcessDefinition.version)
                                .where(ProcessDefinition.programme_key == key)
                                .order_by(ProcessDefinition.version.desc()).limit(1))
    return max(highest or 0, latest) + 1


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
