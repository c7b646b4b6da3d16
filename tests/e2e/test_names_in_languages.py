"""Everything in the reader's language: an English or Italian reader of a Chilean case reads
its programme, steps and outcome as the version's names.toml names them in that language, and
people by their full names — in the inbox, the case file and its history, the dashboard and
the outcome report (page and CSV). A step the file does not name reads as the BPMN names it."""


import pytest
import time_machine

from engine.persistence.models import Case
from tests.e2e.readers import APRIL_10, MARCH_2, late_on_april_10, timeline
from tests.entry import sweep
from web.extensions import db

SPANISH = ("Primer contacto con la familia", "Programa Familias — Acompañamiento Integral")
ENGLISH = ("First contact with the family", "Families Programme — Comprehensive Support")
ITALIAN = ("Primo contatto con la famiglia", "Programa Familias — Accompagnamento integrale")


def in_english(person):
    assert person.post("/account/language", {"locale": "en", "next": "/"}).status_code == 302
    return person


@pytest.fixture
def late_case(web_app, start_case):
    """A Familias case ana holds, opened on 2 March; on 10 April its first contact is late."""
    return late_on_april_10(web_app, start_case)


def test_an_english_caseworkers_inbox_names_steps_and_programmes_in_english(
        late_case, as_person):
    with time_machine.travel(APRIL_10, tick=False):
        page = in_english(as_person("ana")).get("/").get_data(as_text=True)
    step, programme = ENGLISH
    assert f">{step}</a>" in page and f"<td data-label=\"Programme\">{programme}</td>" in page
    assert f'<option value="familias" >{programme}</option>' in page  # the filter too
    assert SPANISH[0] not in page and SPANISH[1] not in page


def test_the_case_file_in_english_names_programme_steps_people_and_history(
        late_case, as_person):
    with time_machine.travel(APRIL_10, tick=False):
        page = in_english(as_person("jorge")).get(f"/cases/{late_case}").get_data(as_text=True)
    step, programme = ENGLISH
    assert f"<dd>{programme}</dd>" in page and "<dd>Ana Castro</dd>" in page
    assert f">{step}</a> — Ana Castro" in page  # the open step and who holds it
    history = timeline(page)
    assert f"Case opened in {programme} (version 1)" in history
    assert f"Deadline passed: {step}" in history and "by Jorge Alvarado" in history
    assert SPANISH[0] not in page


def test_a_closed_cases_outcome_reads_in_the_readers_language(late_case, as_person,
                                                               web_app, chiara):
    with web_app.app_context():
        case = db.session.get(Case, late_case)
        case.status, case.outcome = "closed", "egreso"
        db.session.commit()
    with time_machine.travel(APRIL_10, tick=False):
        spanish = as_person("jorge").get(f"/cases/{late_case}").get_data(as_text=True)
        italian = as_person(chiara).get(f"/cases/{late_case}").get_data(as_text=True)
        english = in_english(as_person("ana")).get(f"/cases/{late_case}").get_data(as_text=True)
    assert "(Egreso (acompañamiento completo))" in spanish
    assert "(Uscita (accompagnamento completato))" in italian
    assert "(Graduated (support completed))" in english
    assert "(egreso)" not in spanish + italian + english


def test_an_italian_supervisors_dashboard_and_case_file_are_in_italian(late_case, as_person,
                                                                       chiara):
    with time_machine.travel(APRIL_10, tick=False):
        reader = as_person(chiara)
        dashboard = reader.get("/dashboard/").get_data(as_text=True)
        case_file = reader.get(f"/cases/{late_case}").get_data(as_text=True)
    step, programme = ITALIAN
    assert f">{step}</a>" in dashboard and "Ana Castro" in dashboard
    assert f'<th scope="row">{programme}</th>' in dashboard  # counted by programme
    assert f"<dd>{programme}</dd>" in case_file and f"Scadenza superata: {step}" in case_file
    assert SPANISH[0] not in dashboard + case_file and "(sin asignar)" not in dashboard


def test_the_dashboard_csv_names_the_programme_step_and_person_for_the_reader(
        late_case, as_person):
    with time_machine.travel(APRIL_10, tick=False):
        body = in_english(as_person("jorge")).get("/dashboard/overdue.csv").get_data(
            as_text=True)
    lines = body.removeprefix("\ufeff").strip().splitlines()
    assert lines[0].startswith("familia,territorio,programa,paso,asignada_a")  # stable names
    step, programme = ENGLISH
    assert f"Rojas Pérez,Antofagasta,{programme},{step},Ana Castro," in lines[1]


def test_the_outcome_report_reads_in_english(late_case, as_person, web_app):
    with web_app.app_context():
        case = db.session.get(Case, late_case)
        case.status, case.outcome = "closed", "no_ubicada"
        db.session.commit()
    with time_machine.travel(APRIL_10, tick=False):
        jorge = in_english(as_person("jorge"))
        page = jorge.get("/reports/familias").get_data(as_text=True)
        index = jorge.get("/reports/").get_data(as_text=True)
        body = jorge.get("/reports/familias.csv").get_data(as_text=True)
    assert f"<h1>{ENGLISH[1]} — results</h1>" in page and f">{ENGLISH[1]}</a>" in index
    for english in ("Closures by type", "Type of closure", "% of closures", "Family not located",
                    "Graduated (support completed)", "Families graduated",
                    "Sessions by trajectory", "Trajectory"):
        assert english in page, english
    assert "0 ongoing, 1 closed" in page and "of 1 closed case" in page  # figure details
    for spanish in ("Cierres por tipo", "Familias egresadas", "Tipo de cierre", "en curso"):
        assert spanish not in page
    assert "Ana Castro,Family not located" in body


def test_report_figures_from_provisional_indicators_are_marked(late_case, as_person):
    with time_machine.travel(APRIL_10, tick=False):
        page = in_english(as_person("jorge")).get("/reports/familias").get_data(as_text=True)
    figure = page.split('data-figure="indicadores_cumplidos"')[1].split("</section>")[0]
    assert "formkit-provenance--provisional" in figure and ">provisional<" in figure
    assert "includes provisional Matrix indicators" in figure
    plain = page.split('data-figure="casos"')[1].split("</section>")[0]
    assert "formkit-provenance" not in plain


def test_a_step_the_names_file_does_not_name_reads_as_the_bpmn_names_it(late_case, as_person,
                                                                        web_app):
    from web import names

    with web_app.test_request_context(), time_machine.travel(APRIL_10, tick=False):
        from flask_babel import force_locale

        with force_locale("en"):
            assert names.step_name("familias", "paso_sin_nombre", "Paso de la BPMN") == (
                "Paso de la BPMN")
            assert names.step_name("familias", "primer_contacto", "x") == ENGLISH[0]
            assert names.programme_name("otro_programa") == "otro_programa"
        with force_locale("it"):
            assert names.outcome_name("familias", "egreso") == "Uscita (accompagnamento completato)"
            assert names.outcome_name("familias", "codigo_nuevo") == "codigo nuevo"
            assert names.person_name("ana") == "Ana Castro"
            assert names.person_name("nadie") == "nadie"


def _queries_for(web_app, person, path: str) -> int:
    from sqlalchemy import event

    with web_app.app_context():
        engine_ = db.engine
    counted = []

    def count(*_args):
        counted.append(1)

    event.listen(engine_, "before_cursor_execute", count)
    try:
        assert person.get(path).status_code == 200
    finally:
        event.remove(engine_, "before_cursor_execute", count)
    return len(counted)


@pytest.mark.parametrize("path", ["/", "/dashboard/", "/cases"])
def test_naming_steps_programmes_and_people_costs_no_query_per_row(web_app, as_person,
                                                                   start_case, path):
    with time_machine.travel(MARCH_2, tick=False):
        start_case("Uno")
    with time_machine.travel(APRIL_10, tick=False), web_app.app_context():
        sweep(db.session)
    with time_machine.travel(APRIL_10, tick=False):
        reader = in_english(as_person("jorge" if path != "/" else "ana"))
        reader.get(path)  # caches warm (versions' names, specs)
        one = _queries_for(web_app, reader, path)
    with time_machine.travel(MARCH_2, tick=False):
        for n in range(8):
            start_case(f"Familia {n}")
    with time_machine.travel(APRIL_10, tick=False), web_app.app_context():
        sweep(db.session)
    with time_machine.travel(APRIL_10, tick=False):
        nine = _queries_for(web_app, reader, path)
    assert nine == one, (one, nine)


@pytest.mark.parametrize("language, detail, worded", [
    ("en", "2 su 3 famiglie chiuse; obiettivo dell'Ambito: almeno il 50.0% — sotto l'obiettivo",
     "2 of 3 closed families; the Ambito's target: at least 50.0% — below the target"),
    ("es", "1 su 1 famiglia chiusa; obiettivo dell'Ambito: almeno il 50.0%",
     "1 de 1 familia cerrada; meta del Ambito: al menos el 50.0%"),
    ("es", "punti sulla scala da 1 a 6, 4 famiglie con T0 e T2",
     "puntos en la escala de 1 a 6, 4 familias con T0 y T2"),
    ("it", "3 en curso, 1 cerrado", "3 in corso, 1 chiuso"),
    ("en", "una frase que el catálogo no tiene: 3", "una frase que el catálogo no tiene: 3"),
    ("it", "2 su 3 famiglie chiuse", "2 su 3 famiglie chiuse"),  # the report's own language
])
def test_a_figures_detail_is_worded_with_its_numbers_kept(web_app, language, detail, worded):
    from flask_babel import force_locale

    from web.reports.words import report_detail

    with web_app.test_request_context(), force_locale(language):
        assert report_detail(detail) == worded


def test_a_places_modality_in_the_history_reads_in_the_readers_language(web_app):
    import engine
    from engine import unit_of_work
    from engine.persistence.models import Event
    from tests.conftest import ROOT
    from web.messages import word_event

    with web_app.app_context():
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, ROOT / "processes" / "triple_p",
                                 web_app.extensions["acompana.forms"], "manager")
        db.session.commit()
    event = Event(case_id=None, kind="place_assigned", actor="sistema", at=APRIL_10,
                  code="event.place_assigned", params={"modality": "Charlas masivas"},
                  data={"modality": "charlas"})
    from flask_babel import force_locale

    with web_app.test_request_context():
        with force_locale("en"):
            assert word_event(event, "triple_p") == "Place assigned: Large-group seminars"
        with force_locale("es"):
            assert word_event(event, "triple_p") == "Cupo asignado: Charlas masivas"
