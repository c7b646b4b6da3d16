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


def field_params(errors: list[FieldError]) -> list[dict]:
    """The fields and rules of ``errors`` as plain values (for an error's ``params``)."""
    return [{"field": e.field, "code": e.code, "limit": e.limit} for e in errors]


class InvalidTaskData(EngineError):
    """Submitted task data does not satisfy the task's form; nothing was changed."""

    code = "task.invalid_data"

    def __init__(self, form_key: str, errors: list[FieldError], *, code: str | None = None,
                 **params):
        self.form_key = form_key
        self.errors = errors
        details = "; ".join(f"{e.field}: {e.message}" for e in errors)
        params = params or {"form": form_key}
        super().__init__(f"invalid data for form {form_key}: {details}", code=code,
                         fields=field_params(errors), **params)


class InvalidSettings(InvalidTaskData):
    """A change to a programme's settings is not valid; ``errors`` name each field (e.g.
    ``plazos.diagnostico.dias``) and why. Nothing was changed."""

    code = "settings.invalid"

    def __init__(self, programme: str, errors: list[FieldError]):
        self.programme = programme
        super().__init__(f"{programme}/settings", errors, programme=programme)


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
    code: str = "process.problem"
    extra: dict = field(default_factory=dict)

    @property
    def params(self) -> dict:
        """Where and what, as plain values (``detail`` is the English message)."""
        return {"file": self.file, "line": self.line, "element": self.element,
                "name": self.name, "what": self.what, "detail": self.message, **self.extra}

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

    code = "process.invalid"

    def __init__(self, problems: list[ProcessProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems), count=len(problems))


class UnsafeScript(EngineError):
    """A script or expression uses something the restricted environment forbids."""

    code = "script.unsafe"

    def __init__(self, message: str = "", *, code: str | None = None, **params):
        super().__init__(message, code=code, **(params or {"detail": message}))


@dataclass
class ScriptFailure(EngineError):
    """A BPMN script or expression failed while the case ran; the case was not changed."""

    element: str
    message: str
    details: dict = field(default_factory=dict)
    code: str = "script.failed"
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        Exception.__init__(self, str(self))
        self.params = {"element": self.element, "name": self.details.get("name"),
                       **self.params}

    def __str__(self) -> str:
        return f"{self.element}: {self.message}"


class AlreadyCompleted(Conflict):
    """The task was completed a moment earlier; ``completion`` says by whom and when."""

    code = "task.already_completed"

    def __init__(self, completion):
        self.completion = completion
        when = completion.at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(f"this task was already completed by {completion.by} at {when}",
                         task=completion.task_id, title=completion.title, by=completion.by,
                         at=completion.at.isoformat())


class InvalidInput(InvalidTaskData):
    """A command's values cannot be accepted (characters the database refuses, too long, blank,
    an unknown person, a time zone that does not exist); ``errors`` name each field. Nothing
    was changed."""

    code = "input.invalid"

    def __init__(self, command: str, errors: list[FieldError]):
        self.command = command
        super().__init__(command, errors, command=command)
