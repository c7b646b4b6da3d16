"""Running Familias cases moved in bulk from version 1 to version 2, and back.

The world (tests/integration/migration_world.py): twelve cases allocated on 2 March 2026 and
left at different steps by 6 March; version 2 removes the plan step (three cases sit there),
adds a last step and a session form field. Hand-computed: without a mapping 8 cases move by
themselves (2 at first contact, 2 at entry, 3 at diagnosis, 1 in its sessions), the 3 at the
plan need a mapping and the paused one cannot move; with ``plan=diagnostico`` the 3 move mapped.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.commands import migrations, process_drafts
from engine.core.errors import Conflict, NotAllowed
from engine.persistence.models import CaseMigration, Event, HumanTask, ProcessInstance
from engine.queries.migration_impact import migration_impact
from tests.integration.familias_driver import local_day
from tests.integration.migration_world import MIGRATION_WORLD, seeded
from web.demo_data import contacto, diagnostico, sesion

BY_THEMSELVES = migrations.MigrationRequest("familias", 1, 2)
MAPPED = migrations.MigrationRequest("familias", 1, 2, mapping={"plan": "diagnostico"})


class Killed(BaseException):
    """The worker dies (nothing catches it)."""


@pytest.fixture
def database_seed():
    return MIGRATION_WORLD


@pytest.fixture
def world(session, seed_data, real_forms, territories, caseworker, supervisor):
    built = seeded(session, real_forms, caseworker, supervisor, seed_data)
    yield built
    built.first.close()


def migrated_events(session, case_id=None) -> int:
    query = select(func.count()).select_from(Event).where(Event.kind == "case_migrated")
    if case_id is not None:
        query = query.where(Event.case_id == case_id)
    return session.scalar(query)


def versions_of(session) -> dict[int, int]:
    rows = session.execute(select(ProcessInstance.case_id, ProcessInstance.definition_id)
                           .execution_options(populate_existing=True))
    return dict(rows.all())


def run(session, sql_engine, manager, request=MAPPED, **options):
    with unit_of_work(session):
        batch_id = migrations.start_batch(session, manager, request)
    return batch_id, migrations.run_batch(sql_engine, batch_id, **options)


def test_the_dry_run_lists_each_case_with_the_hand_computed_figures_and_changes_nothing(
        session, world, manager):
    states = dict(session.execute(select(ProcessInstance.case_id, ProcessInstance.state)).all())
    with unit_of_work(session, dry_run=True):
        plan = migrations.plan_migration(session, manager, BY_THEMSELVES)
    assert plan.totals == {"moves": 8, "moves_mapped": 0, "needs_mapping": 3,
                           "cannot_move": 1, "total": 12}
    by_case = {p.case_id: p for p in plan.cases}
    at_plan = by_case[world.case_ids("plan")[0]]
    assert (at_plan.reason, at_plan.params["element"]) == ("migration.needs_mapping", "plan")
    assert [e.bpmn_id for e in at_plan.open][0] == "plan"
    assert by_case[world.case_ids("paused")[0]].reason == "migration.paused"

    with unit_of_work(session):
        plan = migrations.plan_migration(session, manager, MAPPED)
    assert plan.totals == {"moves": 8, "moves_mapped": 3, "needs_mapping": 0,
                           "cannot_move": 1, "total": 12}
    assert by_case.keys() == {p.case_id for p in plan.cases}
    mapped = next(p for p in plan.cases if p.case_id == at_plan.case_id)
    assert mapped.mapping == {"plan": "diagnostico"}
    contact = next(p for p in plan.cases if p.case_id == world.case_ids("primer_contacto")[0])
    escalation = next(d for d in contact.deadlines if d.kind == "escalation")
    # recomputed from the start of the wait (3 March), not from the day of the migration
    assert escalation.now == escalation.kept == escalation.recomputed
    assert states == dict(session.execute(select(ProcessInstance.case_id,
                                                 ProcessInstance.state)).all())
    assert migrated_events(session) == 0


def test_a_batch_killed_midway_resumes_and_migrates_every_case_exactly_once(
        session, sql_engine, world, manager, caseworker):
    waiting = session.scalars(select(HumanTask).where(
        HumanTask.case_id == world.case_ids("ingreso")[0])).one()
    waiting.draft = {"observaciones": "a medio escribir"}
    session.commit()
    with unit_of_work(session):
        batch_id = migrations.start_batch(session, manager, MAPPED)
    seen = []

    def dies_after_four(row):
        seen.append(row.case_id)
        if len(seen) == 4:
            raise Killed()

    with pytest.raises(Killed):
        migrations.run_batch(sql_engine, batch_id, on_case=dies_after_four)
    progress = migrations.batch_progress(session, batch_id)
    assert (progress.status, progress.migrated, progress.pending) == ("running", 4, 8)
    started = time.perf_counter()
    progress = migrations.run_batch(sql_engine, batch_id)
    per_case = (time.perf_counter() - started) / 7 * 1000
    print(f"\n{per_case:.0f} ms per case migrated")
    assert (progress.status, progress.migrated, progress.skipped, progress.failed,
            progress.pending) == ("done", 11, 1, 0, 0)
    assert migrated_events(session) == 11
    assert all(migrated_events(session, c) == 1 for c in versions_of(session)
               if c not in world.case_ids("paused"))
    # the open step kept its id, so its draft and assignee survive
    kept = session.get(HumanTask, waiting.id, populate_existing=True)
    assert (kept.draft, kept.assignee) == ({"observaciones": "a medio escribir"}, "ana")

    families = dict(zip(world.stages, world.families, strict=False))
    first = world.first
    redo = world.families[world.stages.index("plan")]
    redo.complete("diagnostico", diagnostico(first.today))
    assert "sesion" in redo.bpmn_ids() and "plan" not in redo.bpmn_ids()  # version 2's way
    visiting = families["sesion"]
    visiting.complete("sesion", sesion(first.today, lugar_sesion="domicilio"))
    contact = world.families[0]
    contact.complete("primer_contacto", contacto(first.today))
    first.wait_until(date(2026, 3, 28), lambda f: None)
    late = world.families[1]  # first contact due on 23 March: its review opened on the 24th
    assert "revisar_atraso_primer_contacto" in late.bpmn_ids()
    assert local_day(late.events("escalation")[-1].at) == date(2026, 3, 24)


def test_a_case_is_rolled_back_unless_it_moved_on_and_the_batch_with_it(
        session, sql_engine, world, manager):
    batch_id, _ = run(session, sql_engine, manager)
    moved_on, back = world.case_ids("diagnostico")[:2]
    world.families[world.stages.index("diagnostico")].complete(
        "diagnostico", diagnostico(world.first.today))
    with unit_of_work(session):
        done = migrations.rollback_case(session, manager, batch_id, back)
    assert done.restored and versions_of(session)[back] == 1
    with unit_of_work(session):
        refused = migrations.rollback_case(session, manager, batch_id, moved_on)
    assert (refused.restored, refused.reason) == (False, "migration.moved_on")
    assert refused.params["by"] == "ana" and refused.params["at"]

    results = migrations.rollback_batch(sql_engine, manager, batch_id)
    assert [r.case_id for r in results if not r.restored] == [moved_on]
    assert sum(r.restored for r in results) == 9
    assert {c: v for c, v in versions_of(session).items() if c != moved_on} == dict.fromkeys(
        [c for c in versions_of(session) if c != moved_on], 1)
    rows = session.scalars(select(CaseMigration.status).where(
        CaseMigration.batch_id == batch_id).execution_options(populate_existing=True)).all()
    assert sorted(set(rows)) == ["migrated", "rolled_back", "skipped"]
    rolled = world.families[world.stages.index("plan")]
    assert rolled.bpmn_ids()[0] == "plan"  # back at the step version 2 had removed


def test_a_batch_rollback_runs_in_the_background_resumes_after_a_kill_and_keeps_its_refusals(
        session, sql_engine, world, manager):
    with unit_of_work(session):
        batch_id = migrations.start_batch(session, manager, MAPPED)
    with pytest.raises(Conflict) as running, unit_of_work(session):  # not while it migrates
        migrations.request_rollback(session, manager, batch_id)
    assert running.value.code == "migration.still_running"
    migrations.run_batch(sql_engine, batch_id)
    moved_on = world.case_ids("diagnostico")[0]
    world.families[world.stages.index("diagnostico")].complete(
        "diagnostico", diagnostico(world.first.today))
    with unit_of_work(session):
        migrations.request_rollback(session, manager, batch_id)
    progress = migrations.batch_progress(session, batch_id)
    assert (progress.status, progress.to_roll_back, progress.finished) == (
        "rolling_back", 11, False)
    assert batch_id in migrations.unfinished_batches(session)
    tried = []

    def dies_after_three(result):
        tried.append(result.case_id)
        if len(tried) == 3:
            raise Killed()

    with pytest.raises(Killed):
        migrations.run_batch(sql_engine, batch_id, on_case=dies_after_three)
    progress = migrations.batch_progress(session, batch_id)
    assert (progress.rolled_back + (moved_on in tried), progress.to_roll_back) == (3, 8)
    progress = migrations.run_batch(sql_engine, batch_id)  # resumed: the rest, each once
    assert (progress.status, progress.rolled_back, progress.migrated, progress.finished) == (
        "done", 10, 1, True)
    assert [(r.case_id, r.reason) for r in migrations.rollback_refusals(session, batch_id)] == [
        (moved_on, "migration.moved_on")]
    rolled_back = select(func.count()).select_from(Event).where(
        Event.kind == "case_migration_rolled_back")
    assert session.scalar(rolled_back) == 10
    assert batch_id not in migrations.unfinished_batches(session)
    with unit_of_work(session):  # asked again: a new round tries the refused case once more
        migrations.request_rollback(session, manager, batch_id)
    assert migrations.run_batch(sql_engine, batch_id).status == "done"
    assert session.scalar(rolled_back) == 10
    assert len(migrations.rollback_refusals(session, batch_id)) == 1


def test_a_refused_request_changes_nothing(session, world, caseworker, manager, territories):
    italian = engine.Actor("giulia", frozenset({"manager"}),
                           frozenset({territories["somma_lombardo"].id}))
    for someone in (caseworker, italian):
        with pytest.raises(NotAllowed), unit_of_work(session):
            migrations.start_batch(session, someone, MAPPED)
    with pytest.raises(Conflict) as same, unit_of_work(session):
        migrations.start_batch(session, manager, migrations.MigrationRequest("familias", 2, 2))
    assert same.value.code == "migration.same_version"
    assert session.scalar(select(func.count()).select_from(CaseMigration)) == 0


def test_the_impact_of_version_two_and_of_a_draft_like_it_counts_the_cases_at_the_removed_step(
        session, world, manager, real_forms):
    impact = migration_impact(session, manager, "familias", 2)
    assert impact.sources == [1]
    removed = {e.bpmn_id: e for e in impact.elements if e.change == "removed"}
    plan = removed["plan"]
    assert (plan.cases, dict(plan.by_territory)) == (3, {"antofagasta": 3})
    assert dict(plan.outcomes) == {"needs_mapping": 3}
    assert dict(impact.outcomes) == {"moves": 8, "needs_mapping": 3, "cannot_move": 1}
    mapped = migration_impact(session, manager, "familias", 2, {"plan": "diagnostico"})
    assert dict(mapped.outcomes) == {"moves": 8, "moves_mapped": 3, "cannot_move": 1}

    with unit_of_work(session):
        process_drafts.open_draft(session, "familias", manager)  # begun from version 2
    drafted = migration_impact(session, manager, "familias", "draft", forms=real_forms)
    assert drafted.target == "draft" and drafted.sources == [1, 2]
    assert dict(drafted.outcomes) == dict(impact.outcomes)
    assert {e.bpmn_id: e.cases for e in drafted.elements} == {
        e.bpmn_id: e.cases for e in impact.elements}


@pytest.mark.postgresql_only  # row locks (skip_locked); SQLite runs one runner at a time
def test_two_runners_on_one_batch_migrate_each_case_once(session, sql_engine, world, manager):
    with unit_of_work(session):
        batch_id = migrations.start_batch(session, manager, MAPPED)
    with ThreadPoolExecutor(2) as pool:
        taken = [[], []]
        runs = [pool.submit(migrations.run_batch, sql_engine, batch_id, on_case=taken[n].append)
                for n in range(2)]
        for r in runs:
            r.result()
    progress = migrations.batch_progress(session, batch_id)
    assert (progress.migrated, progress.skipped, progress.failed) == (11, 1, 0)
    assert len(taken[0]) + len(taken[1]) == 12
    assert not {r.case_id for r in taken[0]} & {r.case_id for r in taken[1]}
    assert migrated_events(session) == 11


@pytest.mark.postgresql_only  # row locks (skip_locked); SQLite runs one runner at a time
def test_a_case_someone_is_working_on_waits_while_the_others_move_and_moves_after(
        session, sql_engine, world, manager):
    held = world.case_ids("ingreso")[0]
    instance_id = versions_of_instance(session, held)
    with unit_of_work(session):
        batch_id = migrations.start_batch(session, manager, MAPPED)
    with sql_engine.connect() as other:  # a caseworker's request holds the case's workflow
        other.execute(select(ProcessInstance.id).where(ProcessInstance.id == instance_id)
                      .with_for_update())
        progress = migrations.run_batch(sql_engine, batch_id)
        assert (progress.status, progress.pending, progress.migrated) == ("running", 1, 10)
        other.rollback()
    progress = migrations.run_batch(sql_engine, batch_id)
    assert (progress.status, progress.pending, progress.migrated, progress.skipped) == (
        "done", 0, 11, 1)
    assert versions_of(session)[held] == 2 and migrated_events(session, held) == 1


def versions_of_instance(session, case_id: int) -> int:
    return session.scalar(select(ProcessInstance.id).where(ProcessInstance.case_id == case_id))


def test_without_redis_a_thread_of_the_web_process_migrates_the_whole_batch(
        session, world, manager, app):
    from web import migration_runs

    app.config["REDIS_URL"] = None
    with unit_of_work(session):
        batch_id = migrations.start_batch(session, manager, MAPPED)
    migration_runs.start(app, batch_id)
    assert migration_runs.wait(batch_id, 120)
    progress = migrations.batch_progress(session, batch_id)
    assert (progress.status, progress.migrated, progress.skipped, progress.failed) == (
        "done", 11, 1, 0)
    assert migrated_events(session) == 11
    assert set(versions_of(session).values()) == {1, 2}


def test_a_case_whose_migration_fails_is_marked_failed_and_the_batch_goes_on(
        session, sql_engine, world, manager, monkeypatch):
    broken = world.case_ids("ingreso")[0]
    real = migrations.store.save

    def breaks_one(session, loaded, now):
        if loaded.case.id == broken:
            raise RuntimeError("disk on fire")
        return real(session, loaded, now)

    monkeypatch.setattr(migrations.store, "save", breaks_one)
    batch_id, progress = run(session, sql_engine, manager)
    assert (progress.migrated, progress.skipped, progress.failed) == (10, 1, 1)
    row = session.scalars(select(CaseMigration).where(CaseMigration.case_id == broken)).one()
    assert (row.status, row.reason) == ("failed", "migration.failed")
    assert "disk on fire" in row.params["detail"]
    assert versions_of(session)[broken] == 1 and migrated_events(session, broken) == 0

