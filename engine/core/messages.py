"""Every message code the engine produces, with the parameters it carries.

The engine never words anything for people: an error (:class:`engine.core.errors.EngineError`), a
problem in a deployed file (:class:`engine.core.errors.ProcessProblem`) or an event in a case's
trail (:class:`engine.persistence.models.Event`) carries a stable ``code`` and plain JSON
``params``; the web (``web/messages.py``) words them in the reader's language when shown, and an API
returns them as they are. The English text an error also carries is for logs and the command line.

Adding a code (three steps, each checked by ``tests/unit/test_message_codes.py``):

1. raise it, e.g. ``raise NotAllowed("english for the log", code="case.pause_not_allowed",
   case=case_id)`` (or ``audit.record(..., code="event.case_started", params={...})``);
2. list it here in ``ERRORS``, ``PROBLEMS`` or ``EVENTS`` with the names of its params
   (a new rule of a :class:`engine.core.errors.FieldError` goes in ``FIELD_RULES`` and is worded
   in ``web/field_errors.py``);
3. give it a sentence in ``web/messages.py`` (a Spanish msgid with the same named
   placeholders, e.g. ``%(case)s``) and its Italian and English ``msgstr`` at the end of
   ``web/translations/{it,en}/LC_MESSAGES/messages.po`` (then ``pybabel compile``).
"""

ERRORS: dict[str, tuple[str, ...]] = {
    "engine.error": (),
    # cases and households
    "case.not_found": ("case",),
    "case.changed_concurrently": (),
    "case.busy": (),
    "case.data_too_large": ("element", "megabytes", "limit_mb"),
    "territory.not_found": ("territory",),
    "holiday.not_found": ("territory",),
    "person.not_found": ("person",),
    "person.still_holds": ("person", "cases", "steps"),
    "household.not_found": ("household", "territory"),
    "instance.not_found": ("instance",),
    # personal data (engine.commands.privacy): a member asked for, refusals of an erasure
    "privacy.no_such_member": ("household", "member"),
    "privacy.legal_hold": ("case", "act"),
    "privacy.already_erased": ("household",),
    # tasks and drafts
    "task.not_found": ("task",),
    "task.already_claimed": ("task", "assignee"),
    "task.already_completed": ("task", "title", "by", "at"),
    "task.closed_meanwhile": ("task",),
    "task.invalid_data": ("form", "fields"),
    "input.invalid": ("command", "fields"),
    # deadlines and places
    "deadlines.already_paused": ("case",),
    "deadlines.not_paused": ("case",),
    "place.already_enrolled": ("case",),
    "place.none_configured": ("element", "modality", "territory"),
    # acts outside the schedule (engine.commands.acts)
    "act.case_closed": ("case",),
    "act.not_offered": ("case", "act"),
    # messages from outside delivered to a waiting case (engine.commands.messages)
    "message.not_awaited": ("case", "message", "awaited"),
    # the access policy (engine.policy)
    "policy.not_in_territory": ("action", "territory"),
    "policy.needs_task_role": ("action", "role", "task", "title"),
    "policy.supervisor_only": ("action", "task"),
    "policy.task_held_by_other": ("action", "assignee", "task"),
    "policy.pause_not_allowed": ("action", "case"),
    "policy.correct_not_allowed": ("action", "case"),
    "policy.household_not_allowed": ("action", "case"),
    "policy.attach_not_allowed": ("action", "case"),
    "document.not_found": ("document",),
    "policy.act_not_allowed": ("action", "case"),
    "policy.not_in_country": ("action", "programme", "country"),
    "policy.not_admin_of_country": ("action", "country"),
    "policy.not_allowed": ("action", "roles"),
    "policy.holder_or_supervisor": ("action", "task"),
    "policy.programme_not_enabled": ("action", "programme", "territory"),
    "policy.programme_not_started": ("action", "programme", "territory", "starts_on"),
    "policy.country_mismatch": ("action", "programme", "country", "territory", "territory_country"),
    "policy.transfer_not_allowed": ("action", "case"),
    "policy.name_not_allowed": ("action", "case"),
    # who a case or a step is given to (engine.commands.routing)
    "routing.unknown_person": ("person",),
    "routing.needs_role": ("action", "person", "role", "what"),
    "routing.not_in_territory": ("action", "person", "what"),
    "routing.already_holds": ("person", "case"),
    "post.not_found": ("post",),
    # programmes, settings, reports, incidents
    "programme.not_found": ("programme",),
    "programme.not_deployed": ("programme",),
    "version.not_found": ("definition",),
    "settings.invalid": ("programme", "fields"),
    "settings.changed_meanwhile": ("programme",),
    "draft.changed_meanwhile": ("programme", "by", "at", "revision"),
    "instrument.not_found": ("programme", "instrument"),
    "draft.not_found": ("programme",),
    "report.not_found": ("programme",),
    "incident.not_found": ("incident",),
    "incident.unexpected": ("kind",),
    # processes and their scripts
    "process.invalid": ("count",),
    "script.failed": ("element", "name"),
    "script.too_many_timers": ("element", "limit"),
    "script.message_not_awaited": ("element", "message"),
    "script.unsafe": ("detail",),
    # moving a case to another step (engine.commands.case_moves)
    "move.case_closed": ("case",),
    "move.case_changed": ("case", "by", "step", "at"),
    "move.parallel_branches": (),
    "move.nothing_open": (),
    "policy.move_not_allowed": ("action", "case"),
    # moving running cases to another version (engine.commands.migrations)
    "migration.needs_mapping": ("element", "name"),
    "migration.mapping_unknown": ("element", "target"),
    "migration.mapping_kind": ("element", "target"),
    "migration.kind_changed": ("element",),
    "migration.subprocess_gone": ("process",),
    "migration.element_gone": ("element",),
    "migration.open_incident": ("element",),
    "migration.paused": (),
    "migration.same_version": ("version",),
    "migration.bad_mapping": ("detail",),
    "migration.bad_deadlines": ("value",),
    "migration.batch_not_found": ("batch",),
    "migration.not_migrated": ("case", "status"),
    "migration.moved_on": ("case", "at", "by"),
    "migration.still_running": ("batch",),
    "migration.failed": ("detail",),
    # bulk household imports (engine.commands.household_imports)
    "import.not_found": ("import",),
    "import.already_started": ("import",),
    "import.row_failed": (),
    "policy.import_not_allowed": ("action", "territory"),
    # group sessions (engine.commands.group_sessions); the last two are a listed family's
    # outcome when its case moved on before the session was submitted
    "group.not_found": ("group",),
    "group.already_submitted": ("group", "by", "at"),
    "group.changed_meanwhile": ("group", "by", "at"),
    "group.over_capacity": ("form", "fields", "group", "modality", "count", "minimum",
                            "maximum"),
    "group.too_few": ("form", "fields", "group", "modality", "count", "minimum", "maximum"),
    "group.step_done_meanwhile": ("by", "at", "step"),
    "group.case_moved": ("task",),
    # a family's money transfers (engine.commands.transfers)
    "transfer.not_found": ("transfer",),
    "transfer.no_proof_needed": ("transfer",),
    "transfer.period_not_started": ("transfer", "period"),
    "transfer.proof_closed": ("transfer", "period", "status"),
    "transfer.already_paid": ("transfer", "by", "at"),
    "transfer.not_due": ("transfer", "status"),
    "transfer.none_scheduled": ("case",),
    "transfer.achievement_recorded": ("name", "achievement"),
    "transfer.no_health_check_proof": (),  # why a conditional transfer was withheld
    "policy.pay_not_allowed": ("action", "case"),
    "policy.record_transfer_not_allowed": ("action", "case"),
    # consents and privacy (engine.commands.consents, engine.policy.consent_rules,
    # engine.policy.access_log_rules, engine.policy.sensitive_rules)
    "consent.not_found": ("consent",),
    "consent.already_withdrawn": ("consent", "by", "at"),
    "policy.consent_not_allowed": ("action", "case"),
    "policy.case_access_not_allowed": ("action", "case"),
    "policy.sensitive_not_allowed": ("action", "roles"),
}

PROBLEMS: dict[str, tuple[str, ...]] = {  # one problem of a process at deploy time
    "process.problem": ("file", "line", "element", "name", "what", "detail"),
    "process.no_bpmn": ("file",),
    "process.xml_syntax": ("file", "line", "detail"),
    "process.unsupported_element": ("file", "line", "element", "tag"),
    "process.no_start_event": ("file", "line", "element"),
    # ``field``/``rule``/``limit``: the setting and the rule it broke (FieldError), if known
    "process.settings_invalid": ("file", "detail", "field", "rule", "limit"),
    # the checks below explain themselves in English (``detail``); the wording says what kind
    "process.never_runs": ("file", "line", "element", "name", "what", "detail"),
    "process.unsafe_code": ("file", "line", "element", "name", "what", "detail"),
    "process.subprocess_in_lane": ("file", "line", "element", "detail"),
    # ``reason``: which of the common cases it is (the pages word those without ``detail``)
    "process.not_valid_bpmn": ("file", "line", "element", "detail", "reason", "tag",
                               "decision"),
    "process.user_task": ("file", "line", "element", "detail", "reason", "form", "lane",
                          "deadline", "assignee"),
    "process.act_form": ("file", "line", "element", "detail"),
    # [instrumentos] of the settings (engine.definitions.instruments)
    "process.instrument_state": ("file", "element", "instrument", "field", "allowed"),
    "process.instrument_forms": ("file", "element", "instrument", "forms"),
    "process.instrument_marked": ("file", "element", "instrument", "marked"),
    "process.instrument_unmarked": ("file", "element", "instrument", "state"),
    # task forms (engine.definitions.form_checks): ``path`` is a JSON pointer into the form
    "form.not_an_object": ("path",),
    "form.not_json": ("path",),
    "form.too_deep": ("path", "limit"),
    "form.too_large": ("path", "limit"),
    "form.too_many_fields": ("path", "limit"),
    "form.unknown_keyword": ("path", "keyword"),
    "form.bad_field_name": ("path", "name"),
    "form.wrong_type": ("path", "expected"),
    "form.value_not_allowed": ("path", "allowed"),
    "form.missing_keyword": ("path", "keyword"),
    "form.out_of_range": ("path", "limit"),
    "form.duplicate": ("path",),
    "form.bad_name": ("path", "value"),
    "form.invalid": ("path", "detail"),
    "form.required_unknown": ("path", "name"),
    "form.condition_unknown_field": ("path", "name"),
    "form.labels_without_options": ("path",),
    "form.label_not_an_option": ("path", "option"),
    "form.min_over_max": ("path", "low", "high"),
    "form.pattern_invalid": ("path", "detail"),
    "form.default_invalid": ("path",),
    "form.group_without_fields": ("path",),
    "form.textarea_not_text": ("path",),
    "form.reference_unknown": ("path", "name", "known"),
    "form.reference_broken": ("path", "name", "detail"),
    "form.grid_extra": ("path", "keyword"),
    "form.grid_indicator_missing": ("path", "indicator", "name"),
    "form.grid_indicator_unknown": ("path", "indicator", "name"),
    "form.grid_state_unknown": ("path", "state", "name"),
    "form.grid_dimension_unknown": ("path", "dimension", "name"),
    # what would not run as a case, each with its fix (engine.definitions.runnable)
    "process.stalls": ("file", "line", "element", "name", "detail", "tag", "fix"),
    "process.start_trigger": ("file", "line", "element", "name", "detail", "tag", "fix",
                              "trigger"),
    "process.waits_forever": ("file", "line", "element", "name", "detail", "tag", "fix",
                              "trigger"),
    "process.cannot_run": ("file", "line", "element", "name", "detail", "tag", "fix"),
    "process.id_mismatch": ("file", "line", "element", "name", "detail", "key", "processes",
                            "fix"),
    "process.not_executable": ("file", "line", "element", "name", "detail", "tag", "fix"),
    "process.other_pool": ("file", "line", "element", "name", "detail", "tag", "fix"),
    "process.foreign_expression": ("file", "line", "element", "name", "what", "detail",
                                   "language", "original"),
    "process.check_failed": ("file", "detail", "kind"),
    "process.too_large": ("file", "detail", "limit_mb"),
    # importing files written by other tools (engine.definitions.importing)
    "import.unusable": ("file", "detail", "reason"),
    "import.encoding_fallback": ("file", "line", "detail", "declared", "used"),
    "import.choose_process": ("file", "detail", "processes"),
    "import.not_carried": ("file", "line", "element", "name", "detail", "attribute", "value"),
    "import.carried": ("file", "line", "element", "name", "detail", "attribute", "value"),
}

EVENTS: dict[str, tuple[str, ...]] = {  # what happened to a case, in its trail
    "event.case_started": ("programme", "version"),
    "event.task_completed": ("step",),
    "event.task_claimed": ("step",),
    "event.task_released": ("step",),
    "event.task_reassigned": ("step", "to"),
    "event.draft_saved": ("step",),
    "event.overdue_closed": ("step",),
    "event.deadline_passed": ("step", "deadline", "due", "host"),
    "event.reminder": ("step", "deadline", "due", "host"),
    "event.escalation": ("step", "deadline", "due", "host"),
    "event.timer_fired": ("step", "due"),
    "event.case_closed": ("step", "outcome"),
    "event.alert": ("step",),
    "event.message_sent": ("step", "message"),
    "event.message_received": ("step", "message"),
    "event.system_step": ("step",),
    "event.decision": ("step",),
    "event.deadlines_paused": ("reason",),
    "event.act_recorded": ("act",),
    "event.case_moved": ("from", "to"),
    "event.deadlines_resumed": ("days",),
    "event.place_assigned": ("modality", "from_waiting_list"),
    "event.place_assigned_from_list": ("modality", "from_waiting_list"),
    "event.waiting_listed": ("modality", "position"),
    "event.waiting_list_left": ("modality",),
    "event.place_released": ("modality",),
    "event.group_session_absent": ("date", "step"),
    "event.frame_taken": ("step", "used", "capacity", "left", "territory"),
    "event.frame_exceeded": ("step", "used", "capacity", "left", "territory"),
    "event.incident_retried": ("step",),
    "event.incident_cancelled": ("step", "reason"),
    "event.step_corrected": ("step", "reason"),
    "event.household_changed": ("parts",),
    "event.personal_data_erased": ("request", "kind"),
    "event.document_attached": ("step", "name"),
    "event.case_transferred": ("from", "to", "moved"),
    "event.review_closed": ("step", "late_step"),
    "event.review_closed_step_done": ("step", "late_step"),
    "event.review_closed_duplicate": ("step", "late_step"),
    "event.review_reminder": ("step",),
    "event.case_person_named": ("post", "to", "moved"),
    "event.urgent": ("step", "to"),
    "event.case_step_moved": ("from_steps", "to_step", "reason"),
    "event.case_migrated": ("from", "to", "mapping", "deadlines"),
    "event.case_migration_rolled_back": ("from", "to"),
    "event.transfers_scheduled": ("months", "entry", "count"),
    "event.transfer_due": ("transfer", "period", "amount"),
    "event.transfer_paid": ("transfer", "period", "amount"),
    "event.transfer_proof": ("transfer", "period", "amount"),
    "event.transfer_withheld": ("transfer", "period", "amount", "day", "reason"),
    "event.transfer_proof_reminder": ("transfer", "period", "amount", "day"),
    "event.transfer_proof_escalation": ("transfer", "period", "amount", "day"),
    "event.transfer_achievement": ("transfer", "period", "amount", "achievement", "name"),
    "event.transfers_cancelled": ("count",),
    "event.consent_recorded": ("member", "purpose", "service"),
    "event.consent_withdrawn": ("member", "purpose", "service"),
}

FIELD_RULES: frozenset[str] = frozenset({  # FieldError.code: which rule a field broke
    # JSON Schema keywords the forms use (engine.definitions.forms), with the rule's ``limit``
    "required", "type", "enum", "format", "minimum", "maximum", "minLength", "maxLength",
    "minItems", "maxItems", "const", "pattern",
    # the engine's own checks of commands, drafts, territories and settings
    "characters", "unknown_person", "not_caseworker", "not_in_territory", "unknown", "nul",
    "size", "duplicate", "country", "timezone", "amount", "whole_number", "reminder", "title",
    "duration", "version_anchor", "needed_by_version", "escalation",
    # an uploaded indicator list (engine.definitions.reference_files)
    "encoding", "file_format", "columns",
    "consent_missing",  # a step needs a consent not given (engine.commands.consents)
    "frame_full",  # a territory's frame of families (engine.commands.family_frame) is full
    # households: the national id (RUT, codice fiscale) and its uniqueness per territory
    "national_id_checksum", "national_id_format", "household_exists",
    # corrections of a recorded step
    "no_change",
    # documents attached to a step
    "file_type",
})


def params_of(code: str) -> tuple[str, ...] | None:
    """The parameter names of ``code``, or ``None`` for a code nobody registered."""
    for registry in (ERRORS, PROBLEMS, EVENTS):
        if code in registry:
            return registry[code]
    return None
