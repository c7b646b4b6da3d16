"""Every problem of a programme's files at once, for a save, an import or a deploy.

:func:`check_sources` is the one entry point the modeler (on every save), the importer and the
command line call: it runs the same checks as a deploy (the XML, the BPMN schema, what would not
run, each script and condition, forms, lanes, deadlines, code that never runs) and returns
every problem found instead of stopping at the first. It never raises.
"""

from ..core.errors import InvalidProcess, ProcessProblem
from ..programmes.settings import SETTINGS_FILE, ProgrammeSettings, settings_from_dict
from .forms import FormLibrary
from .parsing import examine

MAX_CHARACTERS = 5_000_000  # each file; Familias, the largest process, is about 100 000


def check_sources(sources: dict[str, str], raw_settings: dict,
                  forms: FormLibrary) -> list[ProcessProblem]:
    """Every problem of a programme's files, all at once; an empty list means publishable.

    ``sources`` maps file names (``familias.bpmn``, ``trayectoria.dmn``) to their text;
    ``raw_settings`` is the parsed settings file (``[programa]`` with ``clave``, ``nombre``,
    ``pais``; ``[roles]``, ``[plazos]``…); ``forms`` is the form library the user tasks'
    ``formKey`` are looked up in. Each :class:`ProcessProblem` names the file, line, element
    (id and name), the reason and the fix, with a stable ``code`` and ``params``
    (``engine/core/messages.py``). The process checked is the one whose id is the settings'
    ``[programa] clave``. This function never raises, whatever the input: a check that fails
    unexpectedly is reported as a ``process.check_failed`` problem.

    This signature is stable: the modeler calls it on every save.
    """
    try:
        settings, problems = _settings(raw_settings)
        large = [name for name, text in sources.items() if len(text) > MAX_CHARACTERS]
        if large:
            return problems + [ProcessProblem(
                name, f"the file is larger than {MAX_CHARACTERS // 1_000_000} MB: a process "
                      "file is far smaller; is it the right file?", code="process.too_large",
                extra={"limit_mb": MAX_CHARACTERS // 1_000_000}) for name in large]
        return problems + examine(dict(sources), settings, forms).problems
    except Exception as err:  # noqa: BLE001 - the promise is: a list, never an exception
        return [ProcessProblem("(programme)", f"the files could not be checked "
                                              f"({type(err).__name__})",
                               code="process.check_failed",
                               extra={"kind": type(err).__name__})]


def _settings(raw: dict) -> tuple[ProgrammeSettings, list[ProcessProblem]]:
    """The programme's settings, or, when they are not valid, their problems and settings
    lenient enough for the process's own checks to run."""
    raw = raw if isinstance(raw, dict) else {}
    try:
        return settings_from_dict(raw), []
    except InvalidProcess as err:
        problems = err.problems
    except Exception as err:  # noqa: BLE001 - a table of the wrong shape (plazos = 3)
        problems = [ProcessProblem(SETTINGS_FILE, f"the settings are not in the expected "
                                                  f"shape ({type(err).__name__})",
                                   code="process.settings_invalid",
                                   extra={"detail": type(err).__name__})]
    programme = raw.get("programa") if isinstance(raw.get("programa"), dict) else {}
    roles = raw.get("roles") if isinstance(raw.get("roles"), dict) else {}
    key = programme.get("clave") if isinstance(programme.get("clave"), str) else ""
    lenient = ProgrammeSettings(
        key=key, name=str(programme.get("nombre", "")), country=str(programme.get("pais", "")),
        language="es", roles={k: v for k, v in roles.items() if isinstance(v, str)})
    for problem in problems:
        problem.file = problem.file or SETTINGS_FILE
    return lenient, problems
