"""Managers edit a programme's forms: the list, the editor page, the live preview drawn by the
caseworker's renderer, and saving (checked; kept in the draft once drafts exist).

Marta manages the programmes of Antofagasta (Chile), Paola those of Somma Lombardo (Italy).
"""

import json

import pytest

from engine.definitions import catalog
from tests.e2e.conftest import csrf_of
from tests.e2e.test_programme_settings import managers  # noqa: F401 - the fixture
from web.extensions import db

FORMS = "/programmes/familias/forms"
PREVIEW = FORMS + "/preview"
pytestmark = pytest.mark.usefixtures("managers")


def _form(**fields) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": fields}


def post_json(person, path: str, body, *, raw: bytes | None = None, token: bool = True):
    headers = {"X-CSRFToken": csrf_of(person.get("/").get_data(as_text=True))} if token else {}
    data = raw if raw is not None else json.dumps(body)
    return person.client.post(path, data=data, headers=headers,
                              content_type="application/json")


def test_a_manager_lists_the_forms_of_the_published_version_and_opens_one(as_person):
    marta = as_person("marta")
    page = marta.get(FORMS).get_data(as_text=True)
    assert "familias/diagnostico" in page and "Plan Familiar de Desarrollo" in page
    assert marta.get("/programmes").get_data(as_text=True).count(FORMS) == 1
    edit = marta.get(FORMS + "/familias/diagnostico/edit")
    assert edit.status_code == 200
    text = edit.get_data(as_text=True)
    start = text.index('id="form-editor-config">') + len('id="form-editor-config">')
    config = json.loads(text[start:text.index("</script>", start)])
    grid = config["schema"]["properties"]["matriz"]
    assert grid == {"x-reference": "matriz_bienestar", "title": "Matriz de Bienestar"}
    assert config["references"] == ["matriz_bienestar"]
    assert config["words"]["addField"] == "Agregar campo"
    assert "build/form-editor/index.js" in text


def test_a_new_form_key_of_the_programme_opens_an_empty_form_and_others_are_not_found(
        as_person):
    marta = as_person("marta")
    fresh = marta.get(FORMS + "/familias/visita_domiciliaria/edit")
    assert fresh.status_code == 200 and '"isNew": true' in fresh.get_data(as_text=True)
    for key in ("triple_p/charla", "familias/../../etc/passwd", "familias/A B", "x" * 300):
        assert marta.get(f"{FORMS}/{key}/edit").status_code == 404, key


def test_signed_out_people_are_sent_to_sign_in(browser):
    assert browser.get(FORMS).status_code == 302
    assert browser.get(FORMS + "/familias/plan/edit").status_code == 302
    assert browser.client.post(PREVIEW, json={"schema": {}}).status_code in (302, 400)


@pytest.mark.parametrize("username", ["ana", "jorge", "paola"])
def test_caseworkers_supervisors_and_managers_of_another_country_are_refused(
        as_person, username):
    person = as_person(username)
    assert person.get(FORMS).status_code in (403, 404)
    assert person.get(FORMS + "/familias/plan/edit").status_code in (403, 404)
    answer = post_json(person, PREVIEW, {"schema": _form(a={"type": "string"})})
    assert answer.status_code in (403, 404)
    assert "formkit" not in answer.get_data(as_text=True)
    saved = post_json(person, FORMS + "/familias/plan", {"schema": _form()})
    assert saved.status_code in (403, 404)


def test_the_preview_needs_the_csrf_header(as_person):
    answer = post_json(as_person("marta"), PREVIEW, {"schema": _form()}, token=False)
    assert answer.status_code == 400


def test_the_preview_is_the_caseworkers_form(as_person):
    schema = _form(telefono={"type": "string", "title": "Teléfono de contacto"},
                   matriz={"x-reference": "matriz_bienestar", "title": "Matriz"})
    schema["required"] = ["telefono"]
    answer = post_json(as_person("marta"), PREVIEW, {"schema": schema,
                                                     "data": {"telefono": "555 1234"}})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["problems"] == []
    assert 'class="formkit"' in body["html"] and "Teléfono de contacto" in body["html"]
    assert 'value="555 1234"' in body["html"]
    assert 'class="formkit-required"' in body["html"]
    assert "La familia conoce" in body["html"]  # the grid drawn from the reference data


def test_an_invalid_schema_comes_back_as_problems_worded_in_the_managers_language(as_person):
    marta = as_person("marta")
    schema = _form(**{"mal nombre": {"type": "string"}}, b={"type": "strin"})
    schema["required"] = ["zz"]
    body = post_json(marta, PREVIEW, {"schema": schema}).get_json()
    assert body["html"] is None
    found = {(p["path"], p["code"]): p["message"] for p in body["problems"]}
    assert found[("/required/0", "form.required_unknown")] == (
        "«zz» está marcado como obligatorio, pero no hay ningún campo con ese nombre.")
    assert ("/properties/mal nombre", "form.bad_field_name") in found
    assert ("/properties/b/type", "form.value_not_allowed") in found
    marta.post("/account/language", {"locale": "en", "next": "/"})
    english = post_json(marta, PREVIEW, {"schema": schema}).get_json()["problems"]
    assert "“zz” is marked required, but no field has that name." in [
        p["message"] for p in english]


HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_html_in_labels_help_options_and_data_is_escaped(as_person):
    schema = _form(a={"type": "string", "title": HOSTILE, "description": HOSTILE},
                   b={"enum": ["x", HOSTILE], "x-labels": {"x": HOSTILE}, "title": "B"},
                   c={"type": "array", "uniqueItems": True, "title": HOSTILE,
                      "items": {"enum": ["x"], "x-labels": {"x": HOSTILE}}})
    schema["title"] = HOSTILE
    body = post_json(as_person("marta"), PREVIEW,
                     {"schema": schema, "data": {"a": HOSTILE, "b": HOSTILE}}).get_json()
    assert body["problems"] == []
    assert "<script" not in body["html"] and "<img" not in body["html"]
    assert "&lt;script&gt;" in body["html"]


@pytest.mark.parametrize("raw", [
    b"", b"not json", b"[1, 2]", b'"text"', b"null", b'{"schema": NaN}',
    b'{"schema": {"type": "object", "properties": {"a": {"maximum": Infinity}}}}',
    b"[" * 50_000 + b"]" * 50_000, b'{"schema": ' + b"1" * 5000 + b"}",
    b'{"schema": {"type": "object", "properties": {}}, "data": ' + b"[" * 200 + b"]" * 200
    + b"}", "{\"schema\": \"\udcff\"}".encode("utf-8", "surrogatepass"), b"\xff\xfe\x00",
])
def test_hostile_bodies_get_a_json_answer_never_a_500(as_person, raw):
    answer = post_json(as_person("marta"), PREVIEW, None, raw=raw)
    assert answer.status_code in (400, 413), raw[:40]
    if answer.is_json:  # the app's own input checks answer some (NUL, surrogates) first
        assert answer.get_json()["problems"], raw[:40]


def _nested_groups(levels: int) -> dict:
    node: dict = {"type": "string"}
    for _ in range(levels):
        node = {"type": "array", "minItems": 50,
                "items": {"type": "object", "properties": {"a": node}}}
    return _form(g=node)


@pytest.mark.parametrize("schema", [
    _nested_groups(5), _form(**{f"m{n}": {"x-reference": "matriz_bienestar"}
                                for n in range(100)})])
def test_forms_too_big_to_draw_are_refused_not_drawn(as_person, schema):
    body = post_json(as_person("marta"), PREVIEW, {"schema": schema}).get_json()
    assert body["html"] is None
    assert [p["code"] for p in body["problems"]] == ["form.too_many_fields"]


@pytest.mark.parametrize("schema", [
    None, 3, [], {"type": "object", "properties": []},
    _form(a={"type": "array", "minItems": 1_000_000_000, "items": {"type": "string"}}),
    _form(a={"enum": 5}), _form(a={"enum": [{"x": 1}]}), _form(a={"x-labels": []}),
    _form(a={"type": "array", "items": {"type": "object", "properties": {"b": 3}}}),
    _form(g={"x-reference": "matriz_bienestar", "properties": {"i32": {"enum": 7}}}),
    _form(a={"type": "string", "pattern": "(a", "default": "a" * 30 + "!"}),
    _form(a={"oneOf": [{"const": {"x": 1}}]}), _form(a={"title": ["x"]}),
    _form(a={"type": ["string", "integer", "null"]}), {"type": "object", "properties": {
        f"f{n}": {"type": "string"} for n in range(400)}},
])
def test_hostile_schemas_are_problems_never_a_500(as_person, schema):
    answer = post_json(as_person("marta"), PREVIEW, {"schema": schema})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["html"] is None and body["problems"]


def test_too_large_a_body_is_refused_with_its_limit(as_person):
    schema = _form(a={"type": "string", "description": "x" * 300_000})
    answer = post_json(as_person("marta"), PREVIEW, {"schema": schema})
    assert answer.status_code == 413
    assert answer.get_json()["problems"][0]["code"] == "form.too_large"


def test_saving_checks_the_form_and_keeps_it_in_the_programmes_draft(as_person, web_app):
    marta = as_person("marta")
    bad = post_json(marta, FORMS + "/familias/plan", {"schema": _form(a={"type": "strin"})})
    assert bad.status_code == 422
    assert bad.get_json()["problems"][0]["code"] == "form.value_not_allowed"
    good = post_json(marta, FORMS + "/familias/plan", {"schema": _form(a={"type": "string"})})
    assert good.status_code == 200 and good.get_json()["saved"] is True
    revision = good.get_json()["revision"]
    with web_app.app_context():  # in the draft, beside the version's other forms
        from engine.persistence.models import ProcessDraft

        draft = db.session.get(ProcessDraft, "familias")
        assert draft.forms["familias/plan"]["properties"] == {"a": {"type": "string"}}
        assert "familias/diagnostico" in draft.forms and draft.revision == revision
    page = marta.get(FORMS + "/familias/plan/edit").get_data(as_text=True)
    assert f'"revision": {revision}' in page  # the editor opens the draft's form
    again = post_json(marta, FORMS + "/familias/plan", {"schema": _form(), "revision": revision})
    assert again.status_code == 200 and again.get_json()["revision"] == revision + 1
    marta.post("/account/language", {"locale": "en", "next": "/"})
    stale = post_json(marta, FORMS + "/familias/plan", {"schema": _form(), "revision": revision})
    assert stale.status_code == 409 and "Marta Ibáñez" in stale.get_json()["message"]
    assert post_json(marta, FORMS + "/triple_p/plan", {"schema": _form()}).status_code == 404


def _config(page: str) -> dict:
    start = page.index('id="form-editor-config">') + len('id="form-editor-config">')
    return json.loads(page[start:page.index("</script>", start)])


def test_the_editor_shows_the_fields_in_the_forms_order(as_person):
    from tests.conftest import ROOT

    written = json.loads((ROOT / "forms/familias/plan.json").read_text(encoding="utf-8"))
    page = as_person("marta").get(FORMS + "/familias/plan/edit").get_data(as_text=True)
    shown = _config(page)["schema"]
    assert list(shown["properties"]) == list(written["properties"])
    inner = shown["properties"]["metas"]["items"]["properties"]
    assert list(inner) == list(written["properties"]["metas"]["items"]["properties"])


def test_the_caseworkers_forms_keep_their_order_too(web_app):
    from engine.definitions import versions
    from tests.conftest import ROOT
    from web.extensions import db

    written = json.loads((ROOT / "forms/familias/plan.json").read_text(encoding="utf-8"))
    with web_app.app_context():
        definition = catalog.latest_definition(db.session, "familias")
        schema = versions.bundle_of(db.session, definition.id).forms.schema("familias/plan")
    assert list(schema["properties"]) == list(written["properties"])


def test_the_editor_speaks_the_managers_language(as_person):
    marta = as_person("marta")
    marta.post("/account/language", {"locale": "it", "next": "/"})
    page = marta.get(FORMS + "/familias/plan/edit").get_data(as_text=True)
    words = _config(page)["words"]
    assert (words["addField"], words["kind.group"], words["save"]) == (
        "Aggiungere campo", "Gruppo ripetibile", "Salvare nella bozza")
    assert "Modificare il modulo" in page
    listing = marta.get(FORMS).get_data(as_text=True)
    assert "Moduli di" in listing
