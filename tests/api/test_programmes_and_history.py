"""Programmes, their versions and a case's history through the API."""


def test_programmes_in_reach_with_their_household_schema(api_as):
    api = api_as("registry", roles=("supervisor",))
    listed = api.get("/api/v1/programmes")
    assert [p["key"] for p in listed.get_json()] == ["familias"]
    one = api.get("/api/v1/programmes/familias").get_json()
    assert one["version"] == 1 and one["household_schema"]["type"] == "array"
    assert api.get("/api/v1/programmes/pippi").status_code == 404


def test_versions_are_for_the_programmes_managers(api_as):
    supervisor = api_as("registry", roles=("supervisor",))
    assert supervisor.get("/api/v1/programmes/familias/versions").status_code == 403
    manager = api_as("warehouse", roles=("manager",))
    versions = manager.get("/api/v1/programmes/familias/versions")
    assert versions.status_code == 200
    assert [(v["version"], v["status"]) for v in versions.get_json()] == [(1, "published")]


def test_a_case_history_in_the_clients_language(api_as, start_case):
    case_id = start_case()
    api = api_as("warehouse", roles=("supervisor",))
    spanish = api.get(f"/api/v1/cases/{case_id}/history",
                      headers={"Accept-Language": "es"}).get_json()
    english = api.get(f"/api/v1/cases/{case_id}/history",
                      headers={"Accept-Language": "en"}).get_json()
    assert spanish[0]["code"] == english[0]["code"] == "event.case_started"
    assert spanish[0]["text"] != english[0]["text"]
    assert spanish[0]["actor"] == "jorge"


def test_an_unknown_programme_or_territory_is_the_field_at_fault(api_as):
    api = api_as("registry", roles=("supervisor",))
    body = {"programme": "nope", "territory": "antofagasta", "caseworker": "ana",
            "family_name": "Soto"}
    answer = api.post("/api/v1/cases", json=body)
    assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["programme"]
    answer = api.post("/api/v1/cases", json={**body, "programme": "familias",
                                             "territory": "nowhere"})
    assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["territory"]
