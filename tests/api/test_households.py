"""A case's household through the API: read with its ETag, replaced with If-Match (428
without it, 412 when another system changed it first), the members checked against the
programme's household schema (422 naming the member's field), and only by those the web
lets change it (its caseworker, a supervisor)."""

import pytest


@pytest.fixture
def case_id(start_case):
    return start_case(family="Rojas Pérez", caseworker="ana")


@pytest.fixture
def registry(api_as):
    return api_as("registry", roles=("supervisor",))


def _path(case_id: int) -> str:
    return f"/api/v1/cases/{case_id}/household"


NEW = {"family_name": "Rojas Soto", "address": "Calle 1",
       "members": [{"name": "Carla Rojas", "age": 34}, {"name": "Tomás Rojas", "age": 9}]}


def test_the_household_is_replaced_with_its_etag(registry, case_id):
    read = registry.get(_path(case_id))
    assert read.status_code == 200
    assert read.get_json()["family_name"] == "Rojas Pérez"
    changed = registry.put(_path(case_id), json=NEW, headers={"If-Match": read.headers["ETag"]})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["family_name"] == "Rojas Soto"
    assert [m["name"] for m in body["members"]] == ["Carla Rojas", "Tomás Rojas"]
    assert changed.headers["ETag"] != read.headers["ETag"]
    history = registry.get(f"/api/v1/cases/{case_id}/history").get_json()
    assert history[-1]["kind"] == "household_changed"
    assert history[-1]["actor"] == "api:registry"


def test_a_household_read_is_sent_back_unchanged(registry, case_id):
    read = registry.get(_path(case_id))
    body = {k: read.get_json()[k] for k in ("family_name", "address", "members")}
    again = registry.put(_path(case_id), json=body, headers={"If-Match": read.headers["ETag"]})
    assert again.status_code == 200, again.get_json()
    assert again.headers["ETag"] == read.headers["ETag"]


def test_two_systems_never_overwrite_each_other(registry, api_as, case_id):
    visits = api_as("visits", roles=("supervisor",))
    tag = registry.get(_path(case_id)).headers["ETag"]
    assert visits.get(_path(case_id)).headers["ETag"] == tag
    assert registry.put(_path(case_id), json=NEW, headers={"If-Match": tag}).status_code == 200
    late = visits.put(_path(case_id), json={**NEW, "family_name": "Otra"},
                      headers={"If-Match": tag})
    assert late.status_code == 412
    assert late.mimetype == "application/problem+json"
    assert late.get_json()["code"] == "api.etag_mismatch"
    assert registry.get(_path(case_id)).get_json()["family_name"] == "Rojas Soto"


def test_an_update_without_if_match_is_refused(registry, case_id):
    answer = registry.put(_path(case_id), json=NEW)
    assert answer.status_code == 428
    assert answer.get_json()["code"] == "api.if_match_required"


def test_members_the_household_schema_refuses_are_a_422_naming_them(registry, case_id):
    tag = registry.get(_path(case_id)).headers["ETag"]
    answer = registry.put(_path(case_id), headers={"If-Match": tag, "Accept-Language": "en"},
                          json={**NEW, "members": [{"name": "Carla", "age": 300},
                                                   {"nombre_mal": "x"}]})
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert "members[0].age" in errors
    assert any(field.startswith("members[1]") for field in errors)
    assert registry.get(_path(case_id)).headers["ETag"] == tag  # nothing changed


def test_a_role_the_web_does_not_let_change_it_is_a_403(api_as, case_id):
    manager = api_as("warehouse", roles=("manager",))
    read = manager.get(_path(case_id))
    assert read.status_code == 200  # a manager reads it, as on the web
    assert manager.put(_path(case_id), json=NEW,
                       headers={"If-Match": read.headers["ETag"]}).status_code == 403
    caseworker_pedro = api_as("pedro-app", roles=("caseworker",))
    tag = caseworker_pedro.get(_path(case_id)).headers["ETag"]
    refused = caseworker_pedro.put(_path(case_id), json=NEW, headers={"If-Match": tag})
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "policy.household_not_allowed"


def test_the_caseworker_changes_her_familys_household_with_her_session(session_api,
                                                                       case_id):
    ana = session_api("ana")
    tag = ana.get(_path(case_id)).headers["ETag"]
    answer = ana.put(_path(case_id), json=NEW, headers={"If-Match": tag})
    assert answer.status_code == 200
    pedro = session_api("pedro")
    tag = pedro.get(_path(case_id)).headers["ETag"]
    assert pedro.put(_path(case_id), json=NEW, headers={"If-Match": tag}).status_code == 403
