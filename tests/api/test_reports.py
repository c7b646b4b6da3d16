"""Outcome figures through the API: a programme's report over the reader's territories,
worded in the client's language; nothing of a territory that is not theirs."""

from tests.api.steps import CONTACT, open_tasks


def test_a_supervisor_reads_the_outcome_figures(start_case, session_api, api_as, web_app):
    case_id = start_case()
    task_id = open_tasks(web_app, case_id)["primer_contacto"]
    session_api("ana").post(f"/api/v1/tasks/{task_id}/complete", json={"data": CONTACT})
    answer = api_as("unidad", roles=("supervisor",)).get("/api/v1/reports/familias")
    assert answer.status_code == 200
    report = answer.get_json()
    assert report["programme"] == "familias" and report["territories"] == ["antofagasta"]
    figures = {f["key"]: f for f in report["figures"]}
    assert figures and all(f["label"] for f in figures.values())
    assert any(f["value"] for f in figures.values())  # the case counts
    english = api_as("unit", roles=("supervisor",)).get("/api/v1/reports/familias",
                                                       headers={"Accept-Language": "en"})
    assert english.get_json()["title"] != report["title"]
    assert [f["key"] for f in english.get_json()["figures"]] == list(figures)


def test_other_territories_and_caseworkers_read_no_report(start_case, api_as):
    start_case()
    unit = api_as("unidad", roles=("supervisor",))
    assert unit.get("/api/v1/reports/familias?territory=la_serena").status_code == 404
    assert unit.get("/api/v1/reports/no_such_programme").status_code == 404
    italy = api_as("ambito", territories=("somma_lombardo",), roles=("supervisor",))
    assert italy.get("/api/v1/reports/familias").status_code == 404
    refused = api_as("visitas", roles=("caseworker",)).get("/api/v1/reports/familias")
    assert refused.status_code == 403 and refused.get_json()["code"].startswith("policy.")
