"""Programa Familias money transfers over the 24 months, moved by the clock.

Hand-computed for Antofagasta (Chile) from the entry on Monday 30 March 2026
(tests/integration/transfers_driver.py): month k starts on the 30th k − 1 months later, on
28 February 2027 and 29 February 2028 in February; the Bono de Protección steps down at
months 7, 13 and 19; the Control Niño Sano proof is due 10 working days after each month's
start, with a reminder 3 working days before.
"""

from datetime import date

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.core.errors import Conflict, InvalidInput, NotAllowed
from engine.persistence.models import Event
from engine.reports import build_report
from tests.conftest import ROOT
from tests.integration.familias_driver import local_day
from tests.integration.transfers_driver import (
    BASE,
    ENTRY,
    PER_CHILD,
    PROTECTION_STEPS,
    TransferFamily,
)
from web.auth.models import User
from web.demo_data import diagnostico, plan, seguimiento
from web.notifications import delivery  # noqa: F401 - its handler notifies the people
from web.notifications.models import Notification

MONTH_STARTS = [date(2026, m, 30) for m in range(3, 13)] + [
    date(2027, 1, 30), date(2027, 2, 28)] + [date(2027, m, 30) for m in range(3, 13)] + [
    date(2028, 1, 30), date(2028, 2, 29)]


@pytest.fixture
def family(session, real_forms, territories, caseworker, supervisor):
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", real_forms, "manager")
    case = TransferFamily(session, real_forms, caseworker, supervisor)
    yield case
    case.close()


def prove_each_month_but(skipped: int):
    """The AFI records each month's check-ups on its first morning, except month ``skipped``."""
    def habit(f: TransferFamily) -> None:
        for row in f.transfers("control_nino_sano"):
            if (row.status == "scheduled" and row.period != skipped
                    and local_day(row.period_start) <= f.today):
                f.prove(row)
    return habit


def test_the_24_months_of_transfers_fall_due_on_their_days_with_the_steps_of_the_bono(family):
    f = family
    f.enter()
    first = f.transfers()
    assert [(r.kind, r.period, r.status) for r in first if r.period == 1] == [
        ("proteccion", 1, "due"), ("base", 1, "due"), ("control_nino_sano", 1, "scheduled")]
    assert len(first) == 72  # 24 months × (protección, base, control niño sano)
    habit = prove_each_month_but(2)
    habit(f)
    for day in MONTH_STARTS[1:12]:  # the AFI comes by on each month's first day
        f.jump_to(day, habit)
    f.jump_to(date(2027, 3, 29))  # the eve of month 13: its transfers wait for their day
    assert [(r.status, r.step) for r in f.transfers("proteccion")][11:13] == [
        ("due", 2), ("scheduled", 3)]
    for day in [*MONTH_STARTS[12:], date(2028, 3, 5)]:
        f.jump_to(day, habit)

    protection = f.transfers("proteccion")
    assert [local_day(r.due_at) for r in protection] == MONTH_STARTS
    assert [r.step for r in protection] == [1] * 6 + [2] * 6 + [3] * 6 + [4] * 6
    assert [r.amount for r in protection] == [a for a in PROTECTION_STEPS for _ in range(6)]
    assert sum(r.amount for r in protection) == 340_800
    assert {r.status for r in protection} == {"due"}

    base = f.transfers("base")
    assert [(r.amount, local_day(r.due_at)) for r in base] == [
        (BASE, day) for day in MONTH_STARTS]

    health = f.transfers("control_nino_sano")
    # Sofía turns 6 on 15 September 2026: two children in months 1–6, one from month 7
    assert [r.beneficiaries for r in health] == [2] * 6 + [1] * 18
    assert [r.amount for r in health] == [2 * PER_CHILD] * 6 + [PER_CHILD] * 18
    assert [(r.period, r.status, r.reason) for r in health if r.status != "due"] == [
        (2, "withheld", "transfer.no_health_check_proof")]

    f.pay(protection[0])
    paid = f.transfers("proteccion")[0]
    assert (paid.status, paid.paid_by, local_day(paid.paid_at)) == (
        "paid", f.supervisor.id, date(2028, 3, 5))
    assert f.refreshed_case().status == "open"


def test_a_missing_check_up_proof_is_reminded_then_withheld_and_escalated_past_may_day(family):
    """Month 2 starts Thursday 30 April 2026; 1 May is Día del Trabajo, so the 10 working
    days end on Friday 15 May (not Thursday 14): reminder Tuesday 12 May at 08:00, the
    transfer withheld and the case escalated at 00:00 on Saturday 16 May."""
    f = family
    f.enter()
    f.wait_until(date(2026, 5, 20), prove_each_month_but(2))
    alarms = [e for e in f.events("reminder", "escalation") if "transfer" in e.data]
    assert [(e.kind, e.code, local_day(e.at)) for e in alarms] == [
        ("reminder", "event.transfer_proof_reminder", date(2026, 5, 12)),
        ("escalation", "event.transfer_proof_escalation", date(2026, 5, 16)),
    ]
    reminder, escalation = alarms
    assert reminder.data["to"] == f.caseworker.id and reminder.params["day"] == "2026-05-15"
    assert escalation.data["escalate_to"] == "supervisor"
    withheld = [r for r in f.transfers("control_nino_sano") if r.period == 2][0]
    assert (withheld.status, withheld.reason) == ("withheld", "transfer.no_health_check_proof")
    assert [e.params["period"] for e in f.events("transfer_withheld")] == [2]
    with pytest.raises(Conflict) as late:
        f.prove(withheld)
    assert late.value.code == "transfer.proof_closed"
    with pytest.raises(Conflict) as not_due:
        f.pay(withheld)
    assert not_due.value.code == "transfer.not_due"


def test_the_afi_hears_of_the_missing_proof_and_the_supervisors_of_its_escalation(family,
                                                                                 session):
    f = family
    here = f.refreshed_case().territory
    session.add_all([User(username=name, full_name=name, roles=role, password_hash="-",
                          territories=[here])
                     for name, role in (("ana", "caseworker"), ("jorge", "supervisor"),
                                        ("ines", "supervisor"))])
    session.commit()
    f.enter()
    f.wait_until(date(2026, 5, 20), prove_each_month_but(2))
    told = session.scalars(select(Notification).join(Event).where(
        Event.code.like("event.transfer_proof_%")).order_by(Notification.id))
    assert sorted((n.username, n.kind, local_day(n.created_at)) for n in told) == [
        ("ana", "escalation", date(2026, 5, 16)), ("ana", "reminder", date(2026, 5, 12)),
        ("ines", "escalation", date(2026, 5, 16)), ("jorge", "escalation", date(2026, 5, 16))]


def test_the_gestor_familiars_monthly_report_proves_the_month_and_only_supervisors_pay(family):
    f = family
    f.enter()
    f.wait_until(date(2026, 5, 10))
    f.complete("diagnostico", diagnostico(f.today))
    f.wait_until(date(2026, 6, 1))
    f.complete("plan", plan(f.today))
    f.wait_until(date(2026, 7, 2))  # the first monthly report opened on 30 June (month 4)
    f.complete("seguimiento", seguimiento(f.today))
    month4 = [r for r in f.transfers("control_nino_sano") if r.period == 4][0]
    assert (month4.status, month4.proof_by, local_day(month4.proof_at)) == (
        "due", f.supervisor.id, date(2026, 7, 2))
    with pytest.raises(NotAllowed) as refused:
        f.pay(month4, by=f.caseworker)
    assert refused.value.code == "policy.pay_not_allowed"
    f.pay(month4)
    with pytest.raises(Conflict) as twice:
        f.pay(month4)
    assert twice.value.code == "transfer.already_paid"


def test_no_income_recorded_schedules_no_bono_base(family):
    family.enter(income=None)
    assert {r.kind for r in family.transfers()} == {"proteccion", "control_nino_sano"}
    assert local_day(family.transfers("proteccion")[0].due_at) == ENTRY


def test_the_report_counts_transfers_paid_due_and_withheld_by_kind(family, session,
                                                                   territories):
    """By 1 June 2026 months 1–3 have begun (30 March, 30 April, 30 May). The AFI proved
    months 1 and 3 (month 2 withheld); the Jefe/a paid the Bono de Protección of months 1–2,
    the Bono Base of month 1 and Pedro's formalización laboral ($200.000)."""
    f = family
    f.enter()
    f.wait_until(date(2026, 6, 1), prove_each_month_but(2))
    protection, base = f.transfers("proteccion"), f.transfers("base")
    for row in (protection[0], protection[1], base[0]):
        f.pay(row)
    with unit_of_work(session):
        bonus = engine.record_achievement(session, f.case.id, "formalizacion_laboral", 1,
                                          f.caseworker)
    assert (bonus.status, bonus.amount, bonus.period) == ("due", 200_000, 3)
    f.pay(bonus)
    report = build_report(session, "familias", [territories["antofagasta"].id])
    shown = {fig.key: (fig.value, fig.detail) for fig in report.figures}
    assert {k: v for k, v in shown.items() if k.startswith("transferencias")} == {
        # paid: 2 × $22.000 + $170.000 + $200.000; due: $22.000 + 2 × $170.000 + 2 × $14.000
        "transferencias_pagadas": (4, "$414.000 pagados de $804.000 devengados"),
        "transferencias_por_pagar": (5, "$390.000 a 1 familia"),
        "transferencias_retenidas": (1, "$14.000 sin acreditación del Control Niño Sano"),
    }
    assert report.breakdown("transferencias").rows == (
        ("Bono de Protección", 1, 2, 0, 44_000), ("Bono Base Familiar", 2, 1, 0, 170_000),
        ("Bono Control Niño Sano", 2, 0, 1, 0), ("Transferencias por logros", 0, 1, 0, 200_000))
    row = report.rows[0]
    assert [row[c] for c in ("transferencias_pagadas", "monto_pagado",
                             "transferencias_por_pagar", "monto_por_pagar",
                             "transferencias_retenidas")] == [4, 414_000, 5, 390_000, 1]


def test_an_achievement_is_paid_once_per_member_and_bad_choices_change_nothing(family,
                                                                                session):
    f = family
    f.enter()
    for achievement, member in (("premio_mayor", 1), ("egreso_ensenanza_media", 9),
                                ("egreso_ensenanza_media", "1")):
        with pytest.raises(InvalidInput) as bad, unit_of_work(session):
            engine.record_achievement(session, f.case.id, achievement, member, f.caseworker)
        assert {e.field for e in bad.value.errors} <= {"achievement", "member"}
    with unit_of_work(session):
        engine.record_achievement(session, f.case.id, "egreso_ensenanza_media", 2, f.caseworker)
    with pytest.raises(Conflict) as twice, unit_of_work(session):
        engine.record_achievement(session, f.case.id, "egreso_ensenanza_media", 2, f.caseworker)
    assert twice.value.code == "transfer.achievement_recorded"
    assert [(r.amount, r.detail) for r in f.transfers("logros")] == [
        (50_000, "egreso_ensenanza_media:2")]


def test_a_withdrawal_cancels_the_months_not_begun(family, session):
    f = family
    f.enter()
    f.wait_until(date(2026, 5, 5))  # months 1 and 2 have begun
    with unit_of_work(session):
        engine.perform_act(session, f.forms, f.case.id, "desistimiento",
                           {"fecha": f.today.isoformat(), "motivo": "decision_familia",
                            "detalle": "Se muda con familiares"}, f.caseworker)
    rows = f.transfers("proteccion")
    assert [r.status for r in rows] == ["due", "due"] + ["cancelled"] * 22
    # protección and base of months 3–24; the Control Niño Sano of months 2–24 (month 1's,
    # unproven, was withheld on 15 April: 10 working days from 30 March, Good Friday crossed)
    assert f.events("transfers_cancelled")[0].params == {"count": 22 + 22 + 23}
    health = f.transfers("control_nino_sano")
    assert (health[0].status, local_day(health[0].proof_due)) == ("withheld", date(2026, 4, 15))


def test_a_manager_changes_the_amounts_for_families_entering_afterwards(family, session,
                                                                        manager):
    """A family already scheduled keeps its amounts, like a deadline already waiting."""
    f = family
    f.enter()
    with unit_of_work(session):
        engine.update_settings(session, "familias",
                               {"transferencias.proteccion.montos": [25_000, 19_000, 13_000,
                                                                     7_000]}, manager)
    for bad in ({"transferencias.proteccion.montos": [25_000, -1, 0, 0]},
                {"transferencias.control_nino_sano.monto_por_nino": "siete mil"},
                {"transferencias.proteccion.titulo": "Otro nombre"}):
        with pytest.raises(engine.InvalidSettings), unit_of_work(session):
            engine.update_settings(session, "familias", bad, manager)
    assert f.transfers("proteccion")[0].amount == PROTECTION_STEPS[0]
    f.close()
    second = TransferFamily(session, f.forms, f.caseworker, f.supervisor)
    try:
        second.enter()
        assert [r.amount for r in second.transfers("proteccion")][5:7] == [25_000, 19_000]
    finally:
        second.close()
