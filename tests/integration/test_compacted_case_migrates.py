"""A compacted case still migrates to a new version with SpiffWorkflow's own diff and migrate.

Compaction (engine.runtime.compaction) keeps the parent of every open step, so ``migrate_workflow``
can reset the open steps and predict them again from the new version. What it drops (earlier
completed instances of a step) is what a migration would need only to send a case back to a
previous step, when its current one is gone from the new version: the later issue on case
migration decides that.
"""

from datetime import date, timedelta

import pytest
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

import engine
from engine import unit_of_work
from engine.commands import store
from engine.definitions.parsing import parse_process, read_sources
from engine.programmes.settings import read_settings_file, settings_from_dict
from engine.runtime import serialization
from engine.runtime import workflow as runtime
from tests.conftest import ROOT
from tests.integration.familias_driver import FamiliaCase, local_day
from tests.integration.familias_versions import familias_v2
from tests.integration.test_familias_cycle import Accompaniment, enter_programme
from web.demo_data import sesion

MIGRATED_ON = date(2027, 5, 3)  # year two: version 1 gives a session 75 days, version 2 45


@pytest.fixture
def family(session, real_forms, territories, caseworker, supervisor):
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", real_forms, "manager")
    case = FamiliaCase(session, real_forms, caseworker, supervisor, date(2026, 3, 2))
    yield case
    case.close()


def test_a_compacted_case_in_year_two_migrates_to_version_two(family, tmp_path):
    enter_programme(family)
    family.wait_until(MIGRATED_ON, Accompaniment(late_session=0))
    folder, forms = familias_v2(tmp_path)
    v2 = parse_process(read_sources(folder), settings_from_dict(read_settings_file(folder)), forms)
    loaded = store.load(family.session, family.instance().id)
    workflow = loaded.workflow

    top, subs = diff_workflow(serialization._SERIALIZER.registry, workflow, v2.spec,
                              v2.subprocess_specs)
    assert top.removed == [] and all(d is not None and d.removed == [] for d in subs.values())
    changed = {t.task_spec.name for d in subs.values() for t in d.changed}
    assert changed == {"atraso_sesion"}  # its reminder follows the cadence, which v2 keeps
    migrate_workflow(top, workflow, v2.spec)
    for sp_id, diff in subs.items():
        sub = workflow.subprocesses[sp_id]
        migrate_workflow(diff, sub, v2.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = v2.subprocess_specs
    loaded.advance()

    visit = next(t for t in workflow.get_tasks(state=TaskState.READY)
                 if t.task_spec.name == "sesion")
    visit.data.update(sesion(family.today))
    visit.run()
    loaded.advance()
    due = {t.bpmn_id: t.due_at for t in runtime.waiting_timers(workflow)}
    assert local_day(due["atraso_sesion"]) == MIGRATED_ON + timedelta(days=46)
    ready = [t.task_spec.name for t in workflow.get_tasks(state=TaskState.READY)]
    assert ready.count("sesion") == 1  # beside it, the AFI's semiannual evaluation
