"""Every error the engine raises on purpose; the web layer maps each class to one HTTP status."""

from dataclasses import dataclass, field


class EngineError(Exception):
    """Base class of the engine's domain errors.

    Every error has a stable ``code`` (e.g. ``case.not_found``) and ``params`` that the web
    words in the reader's language (and the API returns as they are); the English ``message``
    is for logs and the command line only.
    """

    code = "engine.error"

    def __init__(self, message: str = "", *, code: str | None = None, **params):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.params = params


class NotFound(EngineError):
    """The case, task or process asked for does not exist (or is not visible to the actor)."""


class NotAllowed(EngineError):
    """The actor may not do this (wrong role for the lane, or another person's task)."""


class Conflict(EngineError):
    """Someone else changed the case first (task already completed or claimed)."""


@dataclass
class FieldError:
    """One problem with submitted task data: where, which rule (``code``, with the rule's
    ``limit``), and a Spanish message for people reading the command line."""

    field: str
    code: str
    message: str
    limit: object = None


class InvalidTaskData(EngineError):
    """Submitted task data does not satisfy the task's form; nothing was changed."""

    def __init__(self, form_key: str, errors: list[FieldError]):
        self.form_key = form_key
        self.errors = errors
        details = "; ".join(f"{e.field}: {e.message}" for e in errors)
        super().__init__(f"invalid data for form {form_key}: {details}")


class InvalidSettings(InvalidTaskData):
    """A change to a programme's settings is not valid; ``errors`` name each field (e.g.
    ``plazos.diagnostico.dias``) and why. Nothing was changed."""

    def __init__(self, programme: str, errors: list[FieldError]):
        self.programme = programme
        super().__init__(f"{programme}/settings", errors)


@dataclass
class ProcessProblem:
    """One problem found in a BPMN/DMN file at deploy time: the file and line, the element's
    id and name, which part of it (``what``: "loop condition", "pre-script"…) and why."""

    file: str
    message: str
    element: str | None = None
    line: int | None = None
    name: str | None = None
    what: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.element:
            label = f' "{self.name}"' if self.name and self.name != self.element else ""
            where += f" [{self.element}{label}]"
        what = f"{self.what}: " if self.what else ""
        return f"{where}: {what}{self.message}"


class InvalidProcess(EngineError):
    """A process could not be deployed; ``problems`` says where and why."""

    def __init__(self, problems: list[ProcessProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnsafeScript(EngineError):
    """A script or expression uses something the restricted environment forbids."""


@dataclass
class ScriptFailure(EngineError):
    """A BPMN script or expression failed while the case ran; the case was not changed."""

    element: str
    message: str
    details: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.element}: {self.message}"


class AlreadyCompleted(Conflict):
    """The task was completed a moment earlier; ``completion`` says by whom and when."""

    def __init__(self, completion):
        self.completion = completion
        when = completion.at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(f"this task was already completed by {completion.by} at {when}")

class InvalidInput(InvalidTaskData):
    """A command's values cannot be accepted (characters the database refuses, too long, blank,
    an unknown person, a time zone that does not exist); ``errors`` name each field. Nothing
    was changed."""

    def __init__(self, command: str, errors: list[FieldError]):
        self.command = command
        super().__init__(command, errors)
