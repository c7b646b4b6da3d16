"""Every problem of a draft at once, never an exception: the XML read safely first (no
DOCTYPE, no entities, no network), then the settings, then the real parser and Acompaña's
checks (:func:`engine.definitions.parsing.parse_process`)."""

import logging

from lxml import etree

from ..core.errors import InvalidProcess, ProcessProblem
from ..programmes.settings import settings_from_dict
from .forms import FormLibrary
from .parsing import parse_process

log = logging.getLogger("acompana.drafts")
SAFE_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                   dtd_validation=False)


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


def _syntax(sources: dict[str, str]) -> list[ProcessProblem]:
    problems = []
    for name, text in sources.items():
        try:
            etree.fromstring(text.encode("utf-8"), etree.XMLParser(**SAFE_PARSER))
        except etree.XMLSyntaxError as err:
            problems.append(ProcessProblem(name, f"XML syntax error: {err.msg}",
                                           line=err.lineno, code="process.xml_syntax"))
        except (ValueError, UnicodeError) as err:
            problems.append(ProcessProblem(name, f"XML syntax error: {err}", line=1,
                                           code="process.xml_syntax"))
    return problems


def check_draft(sources: dict[str, str], raw_settings: dict,
                forms: FormLibrary) -> list[ProcessProblem]:
    """Every problem of ``sources`` with ``raw_settings`` and ``forms``; ``[]`` when it
    would publish. Never raises: an unexpected failure is itself reported as a problem."""
    problems = unsafe_xml(sources) or _syntax(sources)
    if problems:
        return problems
    try:
        settings = settings_from_dict(raw_settings, "settings")
    except InvalidProcess as err:
        return list(err.problems)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        return [ProcessProblem("settings", f"settings are not usable: {err}",
                               code="process.settings_invalid")]
    try:
        parse_process(sources, settings, forms)
    except InvalidProcess as err:
        return list(err.problems)
    except Exception as err:  # noqa: BLE001 - a draft must be reported on, never crash
        log.warning("draft of %s: the parser failed: %r", settings.key, err)
        return [ProcessProblem("(programme)", f"the process cannot be read: {err}",
                               code="process.not_valid_bpmn")]
    return []


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
