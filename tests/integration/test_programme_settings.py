"""A manager changes a programme's deadlines without touching the diagram.

Programa Familias in Antofagasta; the diagnosis is due a number of calendar days after
``fecha_ingreso`` (60 in the settings file), with a reminder 7 days before at 08:00 local
and the escalation at 00:00 local the day after the due day. The clock is moved with
time-machine.
"""

import tomllib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

import engine
from engine import unit_of_work
from engine.commands import programme_settings
from engine.definitions import catalog
from engine.persistence.models import Event, HumanTask, SettingsChange
from tests.conftest import ROOT
from tests.integration.familias_driver import FamiliaCase, local, local_day
from web.demo_data import contacto, ingreso

FOLDER = ROOT / "processes" / "familias"
ALLOCATED = date(2026, 3, 2)


@pytest.fixture
def family(session, real_forms, deployed, caseworker, supervisor):
    case = FamiliaCase(session, real_forms, caseworker, supervisor, ALLOCATED)
    yield case
    case.close()


def live_rule(session, key: str):
    return catalog.settings_of(catalog.programme(session, "familias")).deadlines[key]


def alarms(session, case_id: int, deadline: str) -> list[tuple[str, date]]:
    query = select(Event).where(Event.case_id == case_id, Event.kind.in_(("reminder",
                                                                           "escalation")))
    return [(e.kind, local_day(e.at)) for e in session.scalars(query.order_by(Event.id))
            if e.data["deadline"] == deadline]


def complete(f: FamiliaCase, case_id: int, bpmn_id: str, data: dict) -> None:
    """The case's caseworker completes one of its steps today at 11:00."""
    row = f.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                    HumanTask.bpmn_id == bpmn_id)).one()
    f.clock.move_to(local(f.today, 11))
    with unit_of_work(f.session):
        engine.complete(f.session, f.forms, row.id, data, f.caseworker)


def test_new_diagnoses_follow_the_change_and_running_ones_keep_their_date(
        family, session, manager):
    f = family
    f.wait_until(date(2026, 3, 10))
    f.complete("primer_contacto", contacto(f.today))
    f.wait_until(date(2026, 3, 30))
    f.complete("ingreso", ingreso(f.today))  # diagnosis due 30 March + 60 days = 29 May
    running_due = f.task("diagnostico").due_at

    f.wait_until(date(2026, 4, 1))
    with unit_of_work(session):
        engine.update_settings(session, "familias", {"plazos.diagnostico.dias": 45}, manager)
    with unit_of_work(session):
        later = engine.start_case(session, engine.StartCase("familias", "antofagasta", "ana",
                                                            "Soto Díaz"), f.supervisor)
    f.wait_until(date(2026, 4, 2))
    complete(f, later.id, "primer_contacto", contacto(f.today))
    f.wait_until(date(2026, 4, 6))
    complete(f, later.id, "ingreso", ingreso(f.today))  # due 6 April + 45 days = 21 May
    f.wait_until(date(2026, 6, 1))

    assert alarms(session, later.id, "diagnostico") == [
        ("reminder", date(2026, 5, 14)), ("escalation", date(2026, 5, 22))]
    assert alarms(session, f.case.id, "diagnostico") == [
        ("reminder", date(2026, 5, 22)), ("escalation", date(2026, 5, 30))]
    assert f.task("diagnostico").due_at == running_due
    assert local_day(running_due) == date(2026, 5, 30)  # overdue from 00:00 on 30 May


@pytest.mark.parametrize("changes, field, message", [
    ({"plazos.diagnostico.dias": -5}, "plazos.diagnostico.dias",
     "plazos.diagnostico.dias must be a whole number ≥ 0"),
    ({"plazos.diagnostico.dias": "45.5"}, "plazos.diagnostico.dias",
     "plazos.diagnostico.dias must be a whole number ≥ 0"),
    ({"plazos.diagnostico.dias": 100_000}, "plazos.diagnostico.dias",
     "plazos.diagnostico.dias must be at most 3660"),
    ({"plazos.diagnostico.tipo": "semanas"}, "plazos.diagnostico.tipo",
     "plazos.diagnostico.tipo must be one of ['corridos', 'habiles'], not 'semanas'"),
    ({"plazos.diagnostico.aviso_dias": 61}, "plazos.diagnostico.aviso_dias",
     "plazos.diagnostico.aviso_dias must be at most plazos.diagnostico.dias (60): "
     "the reminder would come before the deadline starts"),
    ({"plazos.diagnostico.desde": "fecha_nacimiento"}, "plazos.diagnostico.desde",
     "plazos.diagnostico.desde must be one of ['inicio_paso', 'fecha_ingreso']"),
    ({"plazos.diagnostico.titulo": "  "}, "plazos.diagnostico.titulo",
     "plazos.diagnostico.titulo must be text of 1 to 200 characters"),
    ({"plazos.visita.dias": 3}, "plazos.visita.dias",
     "plazos.visita: the programme has no such deadline"),
    ({"roles.Gestor Familiar": "caseworker"}, "roles.Gestor Familiar",
     "roles.Gestor Familiar is not a setting a manager can change: use "
     "plazos.<clave>.<titulo|dias|meses|tipo|desde|aviso_dias|escala_a>, ciclos.<clave> or "
     "an amount of transferencias.<clave>"),
    ({"ciclos.seguimiento": "PT12H"}, "ciclos.seguimiento",
     "ciclos.seguimiento must be an ISO 8601 duration of whole years, months, weeks or days, "
     "e.g. P1M or P14D"),
])
def test_an_invalid_value_is_refused_naming_the_field_and_nothing_changes(
        session, deployed, manager, changes, field, message):
    valid = {"plazos.plan.dias": 80}
    with pytest.raises(engine.InvalidSettings) as raised, unit_of_work(session):
        engine.update_settings(session, "familias", {**valid, **changes}, manager)
    assert [(e.field, e.message) for e in raised.value.errors] == [(field, message)]
    assert (live_rule(session, "diagnostico").days, live_rule(session, "plan").days) == (60, 90)
    assert session.scalars(select(SettingsChange)).all() == []


def test_several_mistakes_are_reported_together(session, deployed, manager):
    with pytest.raises(engine.InvalidSettings) as raised, unit_of_work(session):
        engine.update_settings(session, "familias", {"plazos.diagnostico.dias": "sesenta",
                                                     "plazos.plan.aviso_dias": -1}, manager)
    assert [e.field for e in raised.value.errors] == ["plazos.diagnostico.dias",
                                                      "plazos.plan.aviso_dias"]


def test_caseworkers_supervisors_and_other_countries_managers_are_refused(
        session, deployed, caseworker, supervisor, territories):
    in_italy = engine.Actor("paola", frozenset({"manager"}),
                            frozenset({territories["somma_lombardo"].id}))
    for person in (caseworker, supervisor, in_italy):
        with pytest.raises(engine.NotAllowed), unit_of_work(session):
            engine.update_settings(session, "familias", {"plazos.diagnostico.dias": 45}, person)
    assert live_rule(session, "diagnostico").days == 60
    assert programme_settings.managed_programmes(session, in_italy) == []


def test_the_change_is_recorded_with_who_when_and_before_after(session, deployed, manager):
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    with unit_of_work(session):
        change = engine.update_settings(session, "familias", {"plazos.diagnostico.dias": 45,
                                                              "plazos.diagnostico.aviso_dias": 5},
                                        manager, moment)
    with unit_of_work(session):
        again = engine.update_settings(session, "familias", {"plazos.diagnostico.dias": 45},
                                       manager, moment + timedelta(hours=1))
    assert again is None  # nothing to record: it already was 45
    [recorded] = programme_settings.history(session, "familias")
    assert recorded.id == change.id
    assert (recorded.actor, recorded.source, recorded.at) == ("marta", "manager", moment)
    assert recorded.changes == [
        {"field": "plazos.diagnostico.aviso_dias", "before": 7, "after": 5},
        {"field": "plazos.diagnostico.dias", "before": 60, "after": 45}]
    assert catalog.programme(session, "familias").updated_at == moment


def test_a_change_made_on_a_stale_page_is_refused(session, deployed, manager):
    seen = catalog.programme(session, "familias").updated_at
    with unit_of_work(session):
        engine.update_settings(session, "familias", {"plazos.plan.dias": 80}, manager)
    with pytest.raises(engine.Conflict), unit_of_work(session):
        engine.update_settings(session, "familias", {"plazos.plan.dias": 70}, manager,
                               based_on=seen)
    assert live_rule(session, "plan").days == 80


def test_a_switch_to_months_replaces_the_days(session, deployed, manager):
    with unit_of_work(session):
        engine.update_settings(session, "familias", {"plazos.plan.meses": 3}, manager)
    rule = live_rule(session, "plan")
    assert (rule.months, rule.days, rule.describe()) == (3, None, "3 meses desde fecha_ingreso")


def test_redeploying_keeps_what_the_manager_changed_unless_the_file_changed_it(
        session, deployed, manager, real_forms):
    with unit_of_work(session):
        engine.update_settings(session, "familias", {"plazos.diagnostico.dias": 45}, manager)
    with unit_of_work(session):
        engine.deploy_folder(session, FOLDER, real_forms, "equipo-procesos")
    assert live_rule(session, "diagnostico").days == 45  # same file: nothing is overwritten
    assert len(programme_settings.history(session, "familias")) == 1

    sources = {p.name: p.read_text(encoding="utf-8") for p in FOLDER.glob("*.*mn")}
    edited = tomllib.loads((FOLDER / "settings.toml").read_text(encoding="utf-8"))
    edited["plazos"]["diagnostico"]["aviso_dias"] = 5
    edited["plazos"]["plan"]["dias"] = 100
    with unit_of_work(session):
        engine.deploy(session, sources, edited, real_forms, "equipo-procesos")
    diagnosis, plan = live_rule(session, "diagnostico"), live_rule(session, "plan")
    assert (diagnosis.days, diagnosis.reminder_days, plan.days) == (45, 5, 100)
    deploy = programme_settings.history(session, "familias")[0]
    assert (deploy.actor, deploy.source) == ("equipo-procesos", "deploy")
    assert deploy.changes == [
        {"field": "plazos.diagnostico.aviso_dias", "before": 7, "after": 5},
        {"field": "plazos.plan.dias", "before": 90, "after": 100}]

    edited["plazos"]["diagnostico"]["dias"] = 50
    with unit_of_work(session):
        engine.deploy(session, sources, edited, real_forms, "equipo-procesos")
    assert live_rule(session, "diagnostico").days == 50  # the file changed it: the file wins


def test_the_history_cannot_be_rewritten(session, deployed, manager):
    with unit_of_work(session):
        engine.update_settings(session, "familias", {"plazos.plan.dias": 80}, manager)
    for statement in ("UPDATE settings_change SET actor = 'mallory'",
                      "DELETE FROM settings_change"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert [c.actor for c in programme_settings.history(session, "familias")] == ["marta"]


def test_the_command_line_shows_and_sets_settings(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["deploy", "familias"]).exit_code == 0
    result = runner.invoke(args=["settings", "set", "familias", "plazos.diagnostico.dias=45",
                                 "plazos.diagnostico.tipo=habiles", "--user", "marta"])
    assert result.output == ("plazos.diagnostico.dias: 60 → 45\n"
                             "plazos.diagnostico.tipo: corridos → habiles\n")
    refused = runner.invoke(args=["settings", "set", "familias", "plazos.plan.dias=-3"])
    assert refused.exit_code == 1
    assert "plazos.plan.dias must be a whole number ≥ 0" in refused.output
    shown = runner.invoke(args=["settings", "show", "familias"]).output
    assert "plazos.diagnostico: 45 días hábiles desde fecha_ingreso; aviso 7" in shown
    assert "marta (manager)" in shown and "plazos.diagnostico.dias: 60 → 45" in shown
    assert "instrumentos.matriz_bienestar: provisional — Matriz de Bienestar ([default] " in shown
