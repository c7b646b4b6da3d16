"""Acompaña's workflow engine: SpiffWorkflow, persisted, restricted and on an explicit clock.

This package never imports Flask. Every command takes a SQLAlchemy session, the acting
:class:`Actor`, and optionally the moment it happens; commands never commit: the caller opens
a :func:`unit_of_work` around them and owns the transaction (:mod:`engine.persistence.uow`). What an
actor may do is :mod:`engine.policy`; what it may read, :mod:`engine.queries`; what commands tell
each other, :mod:`engine.persistence.events`.
"""

from . import policy, queries
from .commands import event_handlers, privacy
from .commands.access_log import log_export, log_view
from .commands.acts import Act, case_acts, may_act, move_destinations, perform_act
from .commands.audit_trail import (
    LogFilter,
    TrailFilter,
    TrailPage,
    record_change,
    trail_page,
    trail_rows,
)
from .commands.case_moves import MovePlan, move_case, plan_case_move, step_destinations
from .commands.case_people import NamedPost, name_case_person, posts_of_case, posts_of_programme
from .commands.cases import CaseView, StartCase, case_history, show_case, start_case, visible_case
from .commands.consents import (
    RecordConsent,
    consent_rules,
    consents_of,
    missing_consents,
    record_consent,
    withdraw_consent,
)
from .commands.corrections import Change, Correction, correct_step
from .commands.deploy import DeployResult, deploy, deploy_folder
from .commands.documents import attach_document, document, documents_of
from .commands.drafts import MAX_DRAFT_BYTES, Draft, draft_for, may_read_draft, save_draft
from .commands.group_sessions import (
    Submission,
    create_group_session,
    save_attendance,
    submit_group_session,
)
from .commands.hand_over import Workload, hand_over, workload
from .commands.household_changes import household_history, update_household
from .commands.messages import awaited_messages, deliver_message
from .commands.pauses import may_pause, pause_deadlines, resume_deadlines
from .commands.programme_settings import update_settings
from .commands.programme_territories import disable_programme, enable_programme
from .commands.reviews import reviewed_row
from .commands.routing import transfer_case
from .commands.sweep import (
    TIMER_CHANNEL,
    SweepResult,
    fire_due_timers,
    next_due_after,
    when_a_timer_falls_due_soon,
)
from .commands.tasks import claim, complete, get_task, list_tasks, reassign, release
from .commands.transfer_actions import mark_paid as mark_transfer_paid
from .commands.transfer_actions import record_achievement
from .commands.transfer_actions import record_proof as record_transfer_proof
from .core.actors import SYSTEM, Actor
from .core.errors import (
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
from .definitions.checks import check_sources
from .definitions.forms import FormLibrary
from .definitions.names import Names
from .definitions.versions import forms_for_case, forms_for_instance, programme_names
from .persistence import events
from .persistence.models import Base
from .persistence.uow import NoUnitOfWork, UnitOfWork, handles, unit_of_work
from .queries.completions import Completion, completion_of
from .queries.plans import Plan, current_plan
from .queries.recorded import RecordedStep, may_correct, recorded_step
from .queries.trajectory import Trajectory, trajectory
from .runtime.limits import configure as configure_limits

__all__ = [
    "privacy", "Act", "case_acts", "may_act", "move_destinations", "perform_act",
    "MAX_DRAFT_BYTES", "AlreadyCompleted", "Completion", "Draft", "completion_of", "draft_for",
    "may_pause", "may_read_draft", "save_draft",
    "SYSTEM", "Actor", "Base", "CaseView", "Conflict", "DeployResult", "EngineError",
    "FieldError", "FormLibrary", "InvalidProcess", "InvalidSettings", "InvalidTaskData",
    "forms_for_case", "forms_for_instance", "Names", "programme_names",
    "NotAllowed", "NotFound",
    "ProcessProblem", "ScriptFailure", "StartCase", "SweepResult", "UnsafeScript", "case_history",
    "claim", "complete", "deploy", "deploy_folder", "fire_due_timers", "next_due_after",
    "when_a_timer_falls_due_soon", "TIMER_CHANNEL", "get_task", "list_tasks",
    "pause_deadlines", "reassign", "release", "resume_deadlines", "show_case", "start_case",
    "update_settings", "visible_case", "mark_transfer_paid", "record_achievement",
    "record_transfer_proof", "configure_limits", "policy", "queries",
    "enable_programme", "disable_programme", "NoUnitOfWork", "UnitOfWork", "unit_of_work",
    "handles", "events", "event_handlers", "check_sources",
    "Change", "Correction", "RecordedStep", "correct_step", "may_correct", "recorded_step",
    "Plan", "Trajectory", "current_plan", "trajectory", "household_history", "update_household",
    "attach_document", "document", "documents_of",
    "transfer_case",
    "MovePlan", "move_case", "plan_case_move", "step_destinations",
    "LogFilter", "TrailFilter", "TrailPage", "record_change", "trail_page", "trail_rows",
    "Workload", "hand_over", "workload", "awaited_messages", "deliver_message",
    "reviewed_row", "NamedPost", "name_case_person", "posts_of_case", "posts_of_programme",
    "Submission", "create_group_session", "save_attendance", "submit_group_session",
    "log_export", "log_view", "RecordConsent", "consents_of", "consent_rules",
    "missing_consents",
    "record_consent", "withdraw_consent",
]
