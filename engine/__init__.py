"""Acompaña's workflow engine: SpiffWorkflow, persisted, restricted and on an explicit clock.

This package never imports Flask. Every command takes a SQLAlchemy session, the acting
:class:`Actor`, and optionally the moment it happens; commands never commit: the caller opens
a :func:`unit_of_work` around them and owns the transaction (:mod:`engine.uow`). What an actor
may do is :mod:`engine.policy`; what it may read, :mod:`engine.queries`; what commands tell
each other, :mod:`engine.events`.
"""

from . import event_handlers, events, policy, queries
from .actors import SYSTEM, Actor
from .cases import CaseView, StartCase, case_history, show_case, start_case, visible_case
from .completions import Completion, completion_of
from .deploy import DeployResult, deploy, deploy_folder
from .drafts import MAX_DRAFT_BYTES, Draft, draft_for, may_read_draft, save_draft
from .errors import (
    AlreadyCompleted,
    Conflict,
    EngineError,
    FieldError,
    InvalidProcess,
    InvalidSettings,
    InvalidTaskData,
    NotAllowed,
    NotFound,
    ProcessProblem,
    ScriptFailure,
    UnsafeScript,
)
from .forms import FormLibrary
from .limits import configure as configure_limits
from .models import Base
from .pauses import may_pause, pause_deadlines, resume_deadlines
from .programme_settings import update_settings
from .programme_territories import disable_programme, enable_programme
from .sweep import SweepResult, fire_due_timers
from .tasks import claim, complete, get_task, list_tasks, reassign, release
from .uow import NoUnitOfWork, UnitOfWork, handles, unit_of_work
from .versions import forms_for_case, forms_for_instance

__all__ = [
    "MAX_DRAFT_BYTES", "AlreadyCompleted", "Completion", "Draft", "completion_of", "draft_for",
    "may_pause", "may_read_draft", "save_draft",
    "SYSTEM", "Actor", "Base", "CaseView", "Conflict", "DeployResult", "EngineError",
    "FieldError", "FormLibrary", "InvalidProcess", "InvalidSettings", "InvalidTaskData",
    "forms_for_case", "forms_for_instance",
    "NotAllowed", "NotFound",
    "ProcessProblem", "ScriptFailure", "StartCase", "SweepResult", "UnsafeScript", "case_history",
    "claim", "complete", "deploy", "deploy_folder", "fire_due_timers", "get_task", "list_tasks",
    "pause_deadlines", "reassign", "release", "resume_deadlines", "show_case", "start_case",
    "update_settings", "visible_case", "configure_limits", "policy", "queries",
    "enable_programme", "disable_programme", "NoUnitOfWork", "UnitOfWork", "unit_of_work",
    "handles", "events", "event_handlers",
]
