"""The case file's Transferencias: everyone who sees the case reads them; only the Jefe/a
marks one paid, the AFI records the month's Control Niño Sano proof and an achievement; a
refusal, a second click or a hostile address is answered in words, never with a 500, and
changes nothing. The family entered on Monday 30 March 2026 (tests/integration/
transfers_driver.py: two children under 6, an income of $400.000)."""

from sqlalchemy import select

from engine.persistence.models import Transfer
from web.extensions import db


def transfer(web_app, case_id: int, kind: str, period: int = 1) -> Transfer:
    with web_app.app_context():
        row = db.session.scalars(select(Transfer).where(
            Transfer.case_id == case_id, Transfer.kind == kind,
            Transfer.period == period)).one()
        db.session.expunge(row)
        return row


def test_the_jefe_marks_a_due_transfer_paid_and_the_history_says_so(as_person, entered,
                                                                     web_app):
    case_id, _ = entered
    page = f"/cases/{case_id}/transfers"
    jorge = as_person("jorge")
    html = jorge.get(page).get_data(as_text=True)
    assert "Bono de Protección · tramo 1" in html and "$22.000" in html and "$170.000" in html
    assert html.count("Marcar pagado") == 2  # month 1's Bono de Protección and Bono Base
    assert "2 niños o niñas" in html and "$14.000" in html
    assert "hasta el 14 abr 2026" in html  # 10 working days from 30 March, Good Friday crossed
    bono = transfer(web_app, case_id, "proteccion")
    answer = jorge.post(f"{page}/{bono.id}/paid", token_from=page)
    assert answer.status_code == 303
    assert transfer(web_app, case_id, "proteccion").paid_by == "jorge"
    html = jorge.get(page).get_data(as_text=True)
    assert "pagada por Jorge Alvarado" in html and html.count("Marcar pagado") == 1
    again = jorge.post(f"{page}/{bono.id}/paid", token_from=page)
    assert again.status_code == 409
    assert "Jorge Alvarado ya marcó pagada esta transferencia" in again.get_data(as_text=True)
    history = jorge.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Transferencia pagada: Bono de Protección, mes 1 ($22.000)" in history
    assert "Transferencias programadas: 72 pagos en 24 meses" in history
    assert "Transferencias monetarias de la familia" in history


def test_the_afi_proves_the_month_but_may_not_pay(as_person, entered, web_app):
    case_id, _ = entered
    page = f"/cases/{case_id}/transfers"
    ana = as_person("ana")
    html = ana.get(page).get_data(as_text=True)
    assert "Marcar pagado" not in html and html.count("Registrar acreditación") == 1
    bono = transfer(web_app, case_id, "proteccion")
    refused = ana.post(f"{page}/{bono.id}/paid", token_from=page)
    assert refused.status_code == 403
    assert "Solo la Jefatura" in refused.get_data(as_text=True)
    assert transfer(web_app, case_id, "proteccion").status == "due"
    health = transfer(web_app, case_id, "control_nino_sano")
    assert ana.post(f"{page}/{health.id}/proof", token_from=page).status_code == 303
    assert transfer(web_app, case_id, "control_nino_sano").status == "due"
    month2 = transfer(web_app, case_id, "control_nino_sano", 2)  # begins 30 April
    early = ana.post(f"{page}/{month2.id}/proof", token_from=page)
    assert early.status_code == 409 and "aún no empieza" in early.get_data(as_text=True)


def test_an_achievement_is_recorded_and_a_bad_choice_is_worded(as_person, entered, web_app):
    case_id, _ = entered
    page = f"/cases/{case_id}/transfers"
    ana = as_person("ana")
    bad = ana.post(f"{page}/achievement", {"achievement": "premio", "member": "99"},
                   token_from=page)
    assert bad.status_code == 422 and "Revise los campos marcados" in bad.get_data(as_text=True)
    done = ana.post(f"{page}/achievement", {"achievement": "formalizacion_laboral",
                                            "member": "1"}, token_from=page)
    assert done.status_code == 303
    html = ana.get(page).get_data(as_text=True)
    assert "formalización laboral — Pedro Soto" in html and "$200.000" in html


def test_other_cases_colleagues_and_hostile_addresses_are_refused(as_person, entered, web_app,
                                                                  start_case):
    case_id, _ = entered
    other = start_case("Otra Familia")
    bono = transfer(web_app, case_id, "proteccion")
    jorge = as_person("jorge")
    page = f"/cases/{other}/transfers"
    assert "aún no tiene transferencias" in jorge.get(page).get_data(as_text=True)
    assert jorge.post(f"{page}/{bono.id}/paid", token_from=page).status_code == 404
    for address in (f"/cases/{case_id}/transfers/abc/paid", f"/cases/{case_id}/transfers/-1/paid",
                    f"/cases/{case_id}/transfers/99999999999/paid"):
        assert jorge.post(address, token_from=f"/cases/{case_id}/transfers").status_code == 404
    assert transfer(web_app, case_id, "proteccion").status == "due"
    assert as_person("giulia").get(f"/cases/{case_id}/transfers").status_code == 404
    assert as_person("pedro").get(f"/cases/{case_id}/transfers").status_code == 200
    pedro = as_person("pedro")
    assert pedro.post(f"/cases/{case_id}/transfers/{bono.id}/paid",
                      token_from=f"/cases/{case_id}/transfers").status_code == 403


def test_the_jefe_pays_from_the_list_of_every_transfer_due(as_person, entered, web_app):
    case_id, _ = entered
    jorge = as_person("jorge")
    html = jorge.get("/cases/transfers/due").get_data(as_text=True)
    assert "2 transferencias por pagar · $192.000" in html  # month 1: $22.000 + $170.000
    assert "Soto Rojas" in html and html.count("Marcar pagado") == 2
    bono = transfer(web_app, case_id, "proteccion")
    answer = jorge.post(f"/cases/{case_id}/transfers/{bono.id}/paid",
                        {"back": "due"}, token_from="/cases/transfers/due")
    assert (answer.status_code, answer.headers["Location"]) == (303, "/cases/transfers/due")
    assert "1 transferencia por pagar · $170.000" in jorge.get(
        "/cases/transfers/due").get_data(as_text=True)
    assert as_person("ana").get("/cases/transfers/due").status_code == 403
    elsewhere = as_person("marco").get("/cases/transfers/due")  # Somma Lombardo's supervisor
    assert "Non ci sono trasferimenti da pagare" in elsewhere.get_data(as_text=True)
