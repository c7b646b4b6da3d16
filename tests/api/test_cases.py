"""Cases through the API, under the web's rules: opened like the new-case page (every
problem named by field, 422), read and searched within the caller's territories only (a case
elsewhere is a 404, never a 403), transferred by a supervisor with the case's ETag, and
opened once however often a create is retried with its Idempotency-Key."""

import logging

import pytest

NEW_CASE = {"programme": "familias", "territory": "antofagasta", "caseworker": "ana",
            "family_name": "Rojas Pérez", "members": [{"name": "Carla Rojas", "age": 34}]}


@pytest.fixture
def registry(api_as):
    """The national registry: a supervisor's rights in Antofagasta."""
    return api_as("registry", territories=("antofagasta",), roles=("supervisor",))


def test_a_client_opens_a_case_and_reads_it_back(registry):
    answer = registry.post("/api/v1/cases", json=NEW_CASE)
    assert answer.status_code == 201, answer.get_json()
    case = answer.get_json()
    assert case["programme"] == "familias" and case["territory"] == "antofagasta"
    assert case["caseworker"] == "ana" and case["status"] == "open"
    assert case["household"]["members"][0]["name"] == "Carla Rojas"
    assert case["steps"], "the process ran up to its first step"
    assert answer.headers["Location"].endswith(f"/api/v1/cases/{case['id']}")
    read = registry.get(f"/api/v1/cases/{case['id']}")
    assert read.status_code == 200 and read.get_json() == case
    assert read.headers["ETag"].startswith('"')


def test_invalid_data_is_a_422_naming_each_field(registry):
    answer = registry.post("/api/v1/cases", json={
        **NEW_CASE, "family_name": "", "caseworker": "nobody",
        "members": [{"name": "Carla", "age": -3}]})
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    body = answer.get_json()
    assert body["code"] == "input.invalid"
    assert {"family_name", "caseworker", "members[0].age"} <= set(body["errors"])
    assert registry.get("/api/v1/cases").headers["X-Total-Count"] == "0"


def test_a_malformed_body_is_a_422_in_the_clients_language(registry):
    answer = registry.post("/api/v1/cases", json={"territory": 5, "surprise": True},
                           headers={"Accept-Language": "en"})
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert errors["programme"] == ["This field is required."]
    assert errors["territory"] == ["Must be text."]
    assert errors["surprise"] == ["This field does not exist here."]


def test_a_programme_not_enabled_there_is_a_403(api_as):
    api = api_as("regione", territories=("somma_lombardo",), roles=("supervisor",))
    answer = api.post("/api/v1/cases", json={**NEW_CASE, "territory": "somma_lombardo",
                                             "caseworker": "giulia"})
    assert answer.status_code == 403
    assert answer.get_json()["code"] == "policy.programme_not_enabled"


def test_a_role_that_may_not_open_cases_is_a_403(api_as):
    api = api_as("warehouse", roles=("manager",))
    answer = api.post("/api/v1/cases", json=NEW_CASE)
    assert answer.status_code == 403


def test_a_token_scoped_to_one_territory_sees_nothing_of_another(api_as, start_case,
                                                                  caplog):
    case_id = start_case(family="Soto", territory="antofagasta")
    italy = api_as("regione", territories=("somma_lombardo",), roles=("supervisor",))
    with caplog.at_level(logging.WARNING, logger="acompana.access"):
        answer = italy.get(f"/api/v1/cases/{case_id}")
    assert f"GET /api/v1/cases/{case_id} refused (404) for api client regione" in caplog.text
    assert answer.status_code == 404
    assert answer.get_json()["code"] == "api.not_found"
    assert italy.get("/api/v1/cases").get_json() == []
    for path in (f"/api/v1/cases/{case_id}/household", f"/api/v1/cases/{case_id}/history"):
        assert italy.get(path).status_code == 404
    assert italy.get("/api/v1/cases/999999").get_json() == answer.get_json()


def test_cases_are_searched_like_the_cases_page(registry, start_case):
    soto = start_case(family="Soto Díaz", caseworker="ana")
    start_case(family="Pérez", caseworker="pedro")
    found = registry.get("/api/v1/cases", query_string={"q": "soto"}).get_json()
    assert [c["id"] for c in found] == [soto]
    by_worker = registry.get("/api/v1/cases", query_string={"caseworker": "pedro"}).get_json()
    assert [c["family_name"] for c in by_worker] == ["Pérez"]
    for query in ({"territory": "antofagasta"}, {"programme": "familias"},
                  {"status": "open"}):
        assert len(registry.get("/api/v1/cases", query_string=query).get_json()) == 2
    assert registry.get("/api/v1/cases", query_string={"status": "closed"}).get_json() == []
    step = found[0]["steps"][0]
    assert len(registry.get("/api/v1/cases", query_string={"step": step}).get_json()) == 2


def test_a_search_by_national_id(registry):
    created = registry.post("/api/v1/cases", json={**NEW_CASE, "national_id": "12.345.678-5"})
    assert created.status_code == 201, created.get_json()
    found = registry.get("/api/v1/cases", query_string={"national_id": "123456785"})
    assert [c["id"] for c in found.get_json()] == [created.get_json()["id"]]
    wrong = registry.get("/api/v1/cases", query_string={"national_id": "nonsense"})
    assert wrong.status_code == 422 and "national_id" in wrong.get_json()["errors"]


def test_every_list_is_paged(registry, start_case):
    ids = [start_case(family=f"Familia {n}") for n in range(3)]
    first = registry.get("/api/v1/cases", query_string={"per_page": 2})
    assert first.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]
    second = registry.get("/api/v1/cases", query_string={"per_page": 2, "page": 2})
    assert {c["id"] for c in first.get_json() + second.get_json()} == set(ids)
    assert 'rel="next"' not in second.headers["Link"]
    past = registry.get("/api/v1/cases", query_string={"per_page": 2, "page": 9})
    assert past.get_json() == []
    too_many = registry.get("/api/v1/cases", query_string={"per_page": 1000})
    assert too_many.status_code == 422 and "per_page" in too_many.get_json()["errors"]


def test_a_retried_create_with_its_idempotency_key_opens_one_case(registry):
    key = {"Idempotency-Key": "3f1c9a2e-visit-0001"}
    first = registry.post("/api/v1/cases", json=NEW_CASE, headers=key)
    again = registry.post("/api/v1/cases", json=NEW_CASE, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert registry.get("/api/v1/cases").headers["X-Total-Count"] == "1"
    other = registry.post("/api/v1/cases", json={**NEW_CASE, "family_name": "Otra"},
                          headers=key)
    assert other.status_code == 422
    assert other.get_json()["code"] == "api.idempotency_reused"
    assert registry.get("/api/v1/cases").headers["X-Total-Count"] == "1"


def test_a_supervisor_transfers_a_case_with_its_etag(registry, start_case):
    case_id = start_case(caseworker="ana")
    read = registry.get(f"/api/v1/cases/{case_id}")
    path = f"/api/v1/cases/{case_id}/transfer"
    assert registry.post(path, json={"to": "pedro"}).status_code == 428
    stale = registry.post(path, json={"to": "pedro"}, headers={"If-Match": '"stale"'})
    assert stale.status_code == 412 and stale.get_json()["code"] == "api.etag_mismatch"
    done = registry.post(path, json={"to": "pedro"},
                         headers={"If-Match": read.headers["ETag"]})
    assert done.status_code == 200 and done.get_json()["caseworker"] == "pedro"
    assert done.headers["ETag"] != read.headers["ETag"]
    again = registry.post(path, json={"to": "ana"}, headers={"If-Match": read.headers["ETag"]})
    assert again.status_code == 412  # the other system's change is not overwritten
    assert registry.get(f"/api/v1/cases/{case_id}").get_json()["caseworker"] == "pedro"


def test_a_transfer_to_someone_who_cannot_hold_it_names_the_field(registry, start_case):
    case_id = start_case(caseworker="ana")
    tag = registry.get(f"/api/v1/cases/{case_id}").headers["ETag"]
    answer = registry.post(f"/api/v1/cases/{case_id}/transfer", json={"to": "giulia"},
                           headers={"If-Match": tag})
    assert answer.status_code == 422 and "to" in answer.get_json()["errors"]
    held = registry.post(f"/api/v1/cases/{case_id}/transfer", json={"to": "ana"},
                         headers={"If-Match": tag})
    assert held.status_code == 409


def test_a_caseworkers_session_sees_what_the_web_shows_her(session_api, start_case):
    antofagasta = start_case(family="Soto", territory="antofagasta")
    ana, giulia = session_api("ana"), session_api("giulia")
    assert [c["id"] for c in ana.get("/api/v1/cases").get_json()] == [antofagasta]
    assert giulia.get("/api/v1/cases").get_json() == []
    assert giulia.get(f"/api/v1/cases/{antofagasta}").status_code == 404
    tag = ana.get(f"/api/v1/cases/{antofagasta}").headers["ETag"]
    refused = ana.post(f"/api/v1/cases/{antofagasta}/transfer", json={"to": "pedro"},
                       headers={"If-Match": tag})
    assert refused.status_code == 403  # the web: only a supervisor transfers
    assert refused.get_json()["code"] == "policy.transfer_not_allowed"


def test_a_session_write_needs_the_csrf_header(session_api):
    ana = session_api("ana")
    ana.csrf = None
    answer = ana.post("/api/v1/cases", json=NEW_CASE)
    assert answer.status_code == 400 and answer.get_json()["code"] == "api.csrf_missing"


def test_two_retries_racing_with_one_key_open_one_case(web_app, make_client):
    import threading

    token = make_client("racer")
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "race-0001"}
    barrier, answers = threading.Barrier(2), []

    def send():
        client = web_app.test_client()
        barrier.wait()
        answers.append(client.post("/api/v1/cases", json=NEW_CASE, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].get_json()["id"] == answers[1].get_json()["id"]
    listed = web_app.test_client().get("/api/v1/cases", headers=headers)
    assert listed.headers["X-Total-Count"] == "1"
