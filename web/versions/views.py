"""The versions of a programme, for its managers and administrators (others: 403).

``GET /programmes/<key>/versions`` lists every version (status, who published it and when,
the comment, its running cases) and the open draft; ``GET /programmes/<key>/versions/<n>``
(or ``/draft``) shows one read-only: the diagram in bpmn-js's viewer, its decision tables,
forms, deadlines and cycles; ``GET /programmes/<key>/versions/compare?from=N&to=M`` (``to``:
a version or ``draft``, by default the draft's base version against the draft) lists what
changed in words and shows both diagrams side by side, what changed highlighted.

The compare page is made of partials (:data:`COMPARE_SECTIONS`); a later part adds its own
(e.g. the impact on running cases of a draft) with :func:`add_compare_section`.
"""

from collections.abc import Callable

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import engine
from engine import policy
from engine.queries import versions

from ..access import actor, require
from ..errors import render_error
from ..extensions import db
from ..messages import word_error
from .diff_words import GROUPS, word_difference

bp = Blueprint("versions", __name__, url_prefix="/programmes")
MAX_NUMBER = 10**9
# (partial, when): the compare page's sections in order; ``when(comparison)`` says whether
# the section is shown (e.g. only for a draft)
COMPARE_SECTIONS: list[tuple[str, Callable]] = [
    ("versions/_compare_summary.html", lambda c: True),
    ("versions/_compare_differences.html", lambda c: True),
    ("versions/_compare_diagrams.html", lambda c: True),
]


def add_compare_section(partial: str, when: Callable = lambda c: True, *,
                        before: str | None = None) -> None:
    """Show ``partial`` on the compare page (after the others, or before ``before``)."""
    names = [name for name, _when in COMPARE_SECTIONS]
    at = names.index(before) if before in names else len(COMPARE_SECTIONS)
    COMPARE_SECTIONS.insert(at, (partial, when))


class BadVersion(Exception):
    """A version asked for is not a number (nor ``draft``)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


@bp.route("/<key>/versions")
@login_required
def index(key: str):
    """Every version of the programme and its open draft."""
    require(policy.MANAGE_PROGRAMME)
    found = versions.overview(db.session, actor(), key)
    published = [row.version for row in found.versions if row.status == "published"]
    return render_template("versions/index.html", overview=found, programme=found.programme,
                           published=published[0] if published else None)


@bp.route("/<key>/versions/<label>")
@login_required
def show(key: str, label: str):
    """One version (or the draft), read-only."""
    require(policy.MANAGE_PROGRAMME)
    try:
        content = versions.version_content(db.session, actor(), key, _label(label))
    except BadVersion as error:
        return _bad_number(error)
    except engine.NotFound as error:
        return _not_found(error)
    return render_template("versions/show.html", content=content, key=key,
                           diagrams=_diagrams(content), decisions=_decisions(content))


@bp.route("/<key>/versions/compare")
@login_required
def compare(key: str):
    """Two versions (or a version and the draft) compared."""
    require(policy.MANAGE_PROGRAMME)
    try:
        old, new = _pair(key)
        if old == new:
            return render_error(422, _("Elija dos versiones distintas para comparar."))
        comparison = versions.comparison(db.session, actor(), key, old, new)
    except BadVersion as error:
        return _bad_number(error)
    except engine.NotFound as error:
        return _not_found(error)
    sections = [name for name, when in COMPARE_SECTIONS if when(comparison)]
    return render_template("versions/compare.html", comparison=comparison, key=key,
                           sections=sections, groups=_worded(comparison.diff),
                           marks=_marks(comparison.diff),
                           choices=_choices(key), old=old, new=new)


def _pair(key: str) -> tuple[int | str, int | str]:
    """The ``from`` and ``to`` asked for: ``to`` defaults to the draft, ``from`` (with the
    draft) to the version it was begun from."""
    new = _label(request.args.get("to") or versions.DRAFT)
    given = request.args.get("from")
    if given:
        return _label(given), new
    if new == versions.DRAFT:
        return versions.draft_base(db.session, actor(), key), new
    return _label(given or ""), new


def _label(text: str) -> int | str:
    text = (text or "").strip()
    if text == versions.DRAFT:
        return text
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_NUMBER:
        raise BadVersion(text[:40])
    return int(text)


def _bad_number(error: BadVersion):
    if not error.text:
        return render_error(422, _("Diga qué versiones comparar (from y to)."))
    return render_error(422, _("«%(value)s» no es un número de versión.", value=error.text))


def _not_found(error: engine.NotFound):
    """A version or draft the programme does not have: said plainly (the person may manage
    the programme, so its versions are no secret to them)."""
    return render_error(404, word_error(error))


def _worded(diff) -> list[dict]:
    """The differences by group, each worded and with the element it points at."""
    return [{"key": group, "title": str(GROUPS[group]),
             "items": [{"code": d.code, "text": word_difference(d.code, d.params),
                        "element": d.params.get("element"),
                        "kind": d.code.rsplit("_", 1)[-1] if group == "diagram" else None}
                       for d in items]}
            for group, items in diff.groups.items()]


def _marks(diff) -> dict:
    return {kind: diff.elements(kind) for kind in ("added", "removed", "changed")}


def _diagrams(content) -> list[tuple[str, str]]:
    return [(name, text) for name, text in sorted(content.sources.items())
            if name.endswith(".bpmn")]


def _decisions(content) -> list[tuple[str, str]]:
    return [(name, text) for name, text in sorted(content.sources.items())
            if name.endswith(".dmn")]


def _choices(key: str) -> versions.Overview:
    """The versions (and draft) the compare form offers."""
    return versions.overview(db.session, actor(), key)


@bp.app_template_global()
def version_label(label) -> str:
    """A version's name on a page: ``versión 3`` or ``borrador``."""
    return _("borrador") if label == versions.DRAFT else _("versión %(n)s", n=label)


@bp.app_template_global()
def version_url(key: str, label) -> str:
    """The read-only page of a version (or of the draft)."""
    return url_for("versions.show", key=key, label=label)


@bp.app_template_global()
def main_diagram(content) -> str:
    """The BPMN of a version shown on the compare page (its first .bpmn file; '' if none)."""
    found = _diagrams(content)
    return found[0][1] if found else ""
