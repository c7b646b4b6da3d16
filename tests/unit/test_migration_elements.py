"""The choices of a migration's manual mapping: the steps of the old version a case may wait at
that the new one no longer has, each with the new version's steps of its own kind (the
boundary timers of a step follow it and are never offered)."""

from engine.runtime.migration_elements import element_names, mappable, waiting_steps
from tests.unit.test_migration_classifier import V1, V2, parsed


def test_a_removed_step_is_offered_the_new_versions_steps_of_its_kind_only():
    old, new = parsed(V1), parsed(V2)
    [gone] = mappable(*old, *new)
    assert (gone.step.bpmn_id, gone.step.name, gone.kind) == ("b", "Paso b", "UserTask")
    assert [c.bpmn_id for c in gone.choices] == ["a", "c"]  # not the script task, nor timers


def test_the_steps_a_case_may_wait_at_leave_the_timers_and_events_out():
    spec, subs = parsed(V1)
    assert [s.bpmn_id for s in waiting_steps(spec, subs)] == ["a", "b", "c"]
    assert element_names(spec, subs)["b"] == "Paso b"


def test_two_equal_versions_need_no_mapping():
    assert mappable(*parsed(V1), *parsed(V1)) == []
