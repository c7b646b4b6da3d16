"""Reminders reach the task holder; escalations reach the holder and the supervisors; one
daily e-mail per person, through a real local SMTP server."""

from datetime import UTC, datetime
from email.header import decode_header, make_header

import pytest

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask
from tests.conftest import FIXTURES
from tests.entry import sweep
from web.auth.models import User
from web.notifications.digest import Mailer, send_digests
from web.notifications.models import Notification

START = datetime(2026, 3, 2, 12, tzinfo=UTC)
AFTER_ESCALATION = datetime(2026, 3, 20, tzinfo=UTC)


@pytest.fixture
def people(session, territories):
    here = territories["antofagasta"]
    session.add_all([
        User(username="ana", full_name="Ana Castro", roles="caseworker", password_hash="-",
             email="ana@municipio.test", territories=[here]),
        User(username="jorge", full_name="Jorge Alvarado", roles="supervisor",
             password_hash="-", email="jorge@municipio.test", territories=[here]),
        User(username="luca", full_name="Luca", roles="supervisor", password_hash="-",
             email="luca@ambito.test", territories=[territories["somma_lombardo"]]),
    ])
    session.commit()


@pytest.fixture
def overdue_cases(session, people, mini_cases):
    """``make(count)``: that many cases of the mini process, swept once their step's
    reminder and escalation are due."""

    def make(count: int) -> None:
        mini_cases(count)
        sweep(session, AFTER_ESCALATION)

    return make


def inbox_of(session, username: str) -> list[str]:
    rows = session.query(Notification).filter_by(username=username).order_by(Notification.id)
    return [n.kind for n in rows]


def test_reminders_go_to_the_holder_and_escalations_also_to_supervisors(session,
                                                                        overdue_cases):
    overdue_cases(1)  # the sweep that fired them notified, as it committed
    assert inbox_of(session, "ana") == ["reminder", "escalation"]
    assert inbox_of(session, "jorge") == ["escalation"]
    assert inbox_of(session, "luca") == []
    assert sweep(session, AFTER_ESCALATION).fired == 0
    assert session.query(Notification).count() == 3  # nobody is told twice


def test_an_escalated_task_is_flagged(session, overdue_cases):
    overdue_cases(1)
    task = session.query(HumanTask).filter_by(bpmn_id="visita").one()
    assert task.escalated_at == datetime(2026, 3, 10, 3, tzinfo=UTC)


@pytest.fixture
def smtp(smtp_server):
    """The mailer of the digests, on the local SMTP server, and what the server received."""
    port, received = smtp_server
    return Mailer("127.0.0.1", port, "acompana@municipio.test"), received


def subject(mail) -> str:
    """A received mail's subject, decoded."""
    return str(make_header(decode_header(mail["Subject"])))


def test_thirty_overdue_items_make_one_mail_not_thirty(session, overdue_cases, smtp):
    mailer, received = smtp
    overdue_cases(30)
    assert send_digests(session, mailer, AFTER_ESCALATION) == 2  # ana and jorge
    to_ana = [m for m in received if m["To"] == "ana@municipio.test"]
    assert len(to_ana) == 1
    body = to_ana[0].get_payload()
    assert body.count("- Plazo vencido:") == 30 and body.count("- Recordatorio:") == 30
    assert subject(to_ana[0]) == "Acompaña: 60 avisos pendientes"
    assert body.startswith("Hola Ana Castro:") and "Plazo vencido: Visita" in body
    assert send_digests(session, mailer, AFTER_ESCALATION) == 0


def test_an_italian_supervisor_gets_the_digest_in_italian(session, overdue_cases, smtp, app,
                                                          territories):
    mailer, received = smtp
    session.add(User(username="chiara", full_name="Chiara Conti", roles="supervisor",
                     password_hash="-", email="chiara@municipio.test", locale="it",
                     territories=[territories["antofagasta"]]))
    session.commit()
    overdue_cases(1)
    with app.app_context():
        send_digests(session, mailer, AFTER_ESCALATION)
    [mail] = [m for m in received if m["To"] == "chiara@municipio.test"]
    body = mail.get_payload()
    assert subject(mail) == "Acompaña: 1 avviso in sospeso"
    assert body.startswith("Buongiorno Chiara Conti,") and "Ha questi avvisi" in body
    assert "Scadenza superata: Visita" in body and " · Pérez" in body
    assert "Plazo vencido" not in body and "Tiene estos" not in body


@pytest.fixture
def escalating_to(session, fixture_forms, people, caseworker, territories, tmp_path):
    """The mini programme with its deadline escalating to ``whom`` (``escala_a``), one case
    held by ana swept past its escalation; Marta manages Antofagasta."""
    import shutil

    session.add(User(username="marta", full_name="Marta Ibáñez", roles="manager",
                     password_hash="-", territories=[territories["antofagasta"]]))
    session.commit()

    def make(whom: str) -> None:
        folder = tmp_path / "mini"
        shutil.copytree(FIXTURES / "mini", folder)
        settings = folder / "settings.toml"
        settings.write_text(settings.read_text(encoding="utf-8").replace(
            "aviso_dias = 2", f'aviso_dias = 2\nescala_a = "{whom}"'), encoding="utf-8")
        with unit_of_work(session):
            engine.deploy_folder(session, folder, fixture_forms, "tester")
        with unit_of_work(session):
            engine.start_case(session, engine.StartCase("mini", "antofagasta", "ana", "Pérez"),
                              caseworker, START)
        sweep(session, AFTER_ESCALATION)

    return make


def test_an_escalation_to_the_managers_reaches_them_not_the_supervisors(session,
                                                                        escalating_to):
    escalating_to("manager")
    assert inbox_of(session, "ana") == ["reminder", "escalation"]
    assert inbox_of(session, "marta") == ["escalation"]
    assert inbox_of(session, "jorge") == []


def test_an_escalation_to_the_caseworker_stays_with_the_case(session, escalating_to):
    escalating_to("caseworker")
    assert inbox_of(session, "ana") == ["reminder", "escalation"]
    assert inbox_of(session, "jorge") == inbox_of(session, "marta") == []


def test_a_rule_escalating_to_nobody_known_is_refused(session, fixture_forms, tmp_path):
    import shutil

    folder = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", folder)
    settings = folder / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "aviso_dias = 2", 'aviso_dias = 2\nescala_a = "alcalde"'), encoding="utf-8")
    with pytest.raises(engine.InvalidProcess) as refused, unit_of_work(session):
        engine.deploy_folder(session, folder, fixture_forms, "tester")
    assert "plazos.visita.escala_a must be one of" in str(refused.value)
