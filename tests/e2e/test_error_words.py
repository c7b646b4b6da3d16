"""Engine errors reach people in their own language: the page or message says what went
wrong (from the error's code and params), in Spanish or Italian, never the engine's English."""

import pytest

from engine.persistence.models import Territory
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_programme_settings import DIAGNOSIS, SETTINGS, diagnosis_days, submit
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

ENGLISH = ("already", "only the", "does not", "no open", "task", "paused", "settings")


def speaking(person, lang: str):
    """``person``, reading Acompaña in ``lang`` from now on."""
    person.post("/account/language", {"locale": lang, "next": "/"})
    return person


def text_of(response) -> str:
    page = response.get_data(as_text=True)
    return page.split("<main")[1].split("</main>")[0] if "<main" in page else page


def assert_no_english(text: str) -> None:
    assert not [word for word in ENGLISH if word in text.lower()], text


@pytest.fixture
def case_page(as_person, start_case):
    """Ana's new case and its page."""
    case_id = start_case()
    return case_id, f"/cases/{case_id}"


@pytest.mark.parametrize("lang, said", [
    ("es", "Los plazos de este caso ya están en pausa."),
    ("it", "Le scadenze di questo caso sono già sospese."),
])
def test_pausing_paused_deadlines_is_a_conflict_in_the_readers_language(
        as_person, case_page, lang, said):
    case_id, page = case_page
    ana = speaking(as_person("ana"), lang)
    assert ana.post(f"{page}/pause", {"reason": "viaje"}, token_from=page).status_code == 302
    response = ana.post(f"{page}/pause", {"reason": "otra vez"}, token_from=page)
    assert response.status_code == 409
    assert said in text_of(response)
    assert_no_english(text_of(response))


@pytest.mark.parametrize("lang, said", [
    ("es", "Solo la profesional a cargo del caso o un supervisor de su territorio puede "
           "pausar o reanudar sus plazos."),
    ("it", "Solo l'operatore responsabile del caso o un supervisore del suo territorio può "
           "sospendere o riprendere le scadenze."),
])
def test_a_colleague_pausing_someone_elses_case_is_told_why_not(as_person, case_page, lang,
                                                                 said):
    _, page = case_page
    pedro = speaking(as_person("pedro"), lang)
    response = pedro.post(f"{page}/pause", {"reason": "x"}, token_from=page)
    assert response.status_code == 403
    assert said.replace("'", "&#39;") in text_of(response)
    assert_no_english(text_of(response))


@pytest.mark.parametrize("lang, said", [
    ("es", "Ana Castro ya tomó esta tarea."),
    ("it", "Ana Castro ha già preso in carico questa attività."),
])
def test_claiming_a_task_someone_holds_says_who_holds_it(as_person, case_page, lang, said):
    case_id, _ = case_page
    pedro = speaking(as_person("pedro"), lang)
    task_id = pedro.open_tasks(case_id)["primer_contacto"]
    response = pedro.post(f"/tasks/{task_id}/claim", token_from="/")
    assert response.status_code == 409
    assert said in text_of(response)
    assert_no_english(text_of(response))


@pytest.fixture
def italian_manager(web_app):
    with web_app.app_context():
        territory = db.session.query(Territory).filter_by(code="somma_lombardo").one()
        db.session.add(User(username="paola", full_name="Paola Conti", roles="manager",
                            password_hash=hash_password(PASSWORD), territories=[territory]))
        chile = db.session.query(Territory).filter_by(code="antofagasta").one()
        db.session.add(User(username="marta", full_name="Marta Ibáñez", roles="manager",
                            password_hash=hash_password(PASSWORD), territories=[chile]))
        db.session.commit()
    return "paola"


def test_a_manager_of_another_country_is_told_why_in_italian(as_person, italian_manager):
    response = as_person(italian_manager).get(SETTINGS)
    assert response.status_code == 403
    text = text_of(response)
    assert "Lei non lavora in nessun territorio di CL, dove opera familias." in text
    assert_no_english(text)


@pytest.mark.parametrize("lang, said, nothing", [
    ("es", "Debe ser un número entero mayor o igual que 0.", "No se guardó ningún cambio"),
    ("it", "Deve essere un numero intero maggiore o uguale a 0.", "Nessuna modifica salvata"),
])
def test_a_bad_setting_is_explained_in_the_managers_language(as_person, italian_manager,
                                                              web_app, lang, said, nothing):
    marta = speaking(as_person("marta"), lang)
    response = submit(marta, **{DIAGNOSIS: "-4"})
    assert response.status_code == 422
    text = text_of(response)
    assert said in text and nothing in text
    assert diagnosis_days(web_app) == 60


def test_an_error_whose_code_has_no_wording_yet_shows_the_statuss_text(web_app):
    """A new code raised before its wording exists reads as the status's general text in
    the reader's language, never as the engine's English."""
    import engine

    @web_app.get("/test-only/new-code")
    def new_code():
        raise engine.NotAllowed("only policy X allows this", code="policy.brand_new")

    response = web_app.test_client().get("/test-only/new-code",
                                          headers={"Accept-Language": "it"})
    assert response.status_code == 403
    assert "only policy" not in response.get_data(as_text=True)
    assert "Il suo ruolo non consente questa azione." in response.get_data(as_text=True)
