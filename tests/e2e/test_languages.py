"""Each person reads Acompaña in their language, by default their territory's."""


def test_an_italian_territory_defaults_to_italian(as_person):
    page = as_person("marco").get("/").get_data(as_text=True)
    assert "Le mie attività" in page and '<html lang="it">' in page


def test_a_chilean_territory_defaults_to_spanish(as_person):
    page = as_person("ana").get("/").get_data(as_text=True)
    assert "Mis tareas" in page and '<html lang="es">' in page


def test_a_person_can_choose_english_and_it_sticks(as_person):
    ana = as_person("ana")
    ana.post("/account/language", {"locale": "en", "next": "/"})
    page = ana.get("/").get_data(as_text=True)
    assert "My tasks" in page and "To pick up" in page


def test_dates_follow_the_language(as_person, start_case):
    from datetime import UTC, datetime

    case_id = start_case(at=datetime(2026, 3, 2, 15, tzinfo=UTC))
    ana = as_person("ana")
    assert "2 mar 2026" in ana.get(f"/cases/{case_id}").get_data(as_text=True)
    ana.post("/account/language", {"locale": "en", "next": "/"})
    assert "Mar 2, 2026" in ana.get(f"/cases/{case_id}").get_data(as_text=True)


def test_the_form_widgets_speak_the_language_too(as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    ana.post("/account/language", {"locale": "it", "next": "/"})
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    page = ana.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "> Sì</label>" in page and "Salva bozza" in page


def test_the_sign_in_page_offers_the_languages_and_the_person_keeps_the_choice(browser,
                                                                               web_app):
    page = browser.get("/login").get_data(as_text=True)
    assert '<select name="locale" data-autosubmit>' in page and "Italiano" in page
    chose = browser.post("/account/language", {"locale": "it", "next": "/login"},
                         token_from="/login")
    assert chose.status_code == 302 and chose.headers["Location"].endswith("/login")
    page = browser.get("/login").get_data(as_text=True)
    assert '<html lang="it">' in page and "Accedi" in page
    assert browser.login("ana").status_code == 302  # Ana, of a Chilean comuna, chose Italian
    assert "Le mie attività" in browser.get("/").get_data(as_text=True)
    with web_app.app_context():
        from web.auth.models import User
        from web.extensions import db

        assert db.session.query(User).filter_by(username="ana").one().locale == "it"


def test_an_unknown_language_changes_nothing(browser):
    browser.post("/account/language", {"locale": "xx", "next": "/login"}, token_from="/login")
    assert '<html lang="es">' in browser.get("/login", headers={
        "Accept-Language": "es"}).get_data(as_text=True)
