"""Every problem of a draft at once, never an exception: a DOCTYPE or an entity refused
before any parser reads the XML, then the deploy's own checks (the settings, the real parser
and Acompaña's rules: :func:`engine.definitions.checks.check_sources`)."""

import logging

from ..core.errors import InvalidProcess, ProcessProblem
from ..programmes.settings import settings_from_dict
from .checks import check_sources
from .forms import FormLibrary

log = logging.getLogger("acompana.drafts")


def unsafe_xml(sources: dict[str, str]) -> list[ProcessProblem]:
    """Sources that must not reach any parser: a DOCTYPE (entities, external files)."""
    problems = []
    for name, text in sources.items():
        head = text[:4096].upper()
        if "<!DOCTYPE" in head or "<!ENTITY" in text.upper():
            problems.append(ProcessProblem(name, "XML syntax error: DOCTYPE and entity "
                                           "declarations are not allowed", line=1,
                                           code="process.xml_syntax"))
    return problems


def check_draft(sources: dict[str, str], raw_settings: dict,
                forms: FormLibrary) -> list[ProcessProblem]:
    """Every problem of ``sources`` with ``raw_settings`` and ``forms``; ``[]`` when it
    would publish. Never raises: a DOCTYPE or an entity is refused before any parser reads
    the XML, then the deploy's own checks run, all of them at once
    (:func:`engine.definitions.checks.check_sources`)."""
    return unsafe_xml(sources) or check_sources(sources, raw_settings, forms)


def code_problems(code: str, mode: str, raw_settings: dict | None) -> list[ProcessProblem]:
    """The restricted check of one script (``exec``) or condition (``eval``); ``[]`` when
    it would run. The settings (when usable) let it check deadline keys too."""
    from ..programmes.settings import ProgrammeSettings
    from .process_lint import Expression, check

    try:
        settings = settings_from_dict(raw_settings or {}, "settings")
    except (InvalidProcess, KeyError, TypeError, ValueError, AttributeError):
        settings = ProgrammeSettings(key="", name="", country="", language="es", roles={},
                                     deadlines={}, cycles={}, values={})
    what = "script" if mode == "exec" else "condition"
    try:
        return check(Expression(code, mode, "(editor)", 1, what), "(editor)", settings)
    except Exception as err:  # noqa: BLE001 - feedback while typing must never fail
        log.warning("code check failed: %r", err)
        return [ProcessProblem("(editor)", f"cannot be checked: {err}", "(editor)", 1,
                               code="process.unsafe_code")]
