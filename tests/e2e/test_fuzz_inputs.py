"""Property: whatever a person types into any field or query parameter of the main pages —
NUL characters, lone surrogates, huge numbers, very long strings, any unicode — the app never
answers with a server error, and a refused request changes nothing.

Each test signs a person in on one fixed, seeded database (SQLite and PostgreSQL) and sends
hypothesis-generated values to one page's fields. Bodies are encoded as a browser or a script
could send them (lone surrogates as their raw bytes, which the server must survive too).
"""

import shutil
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.definitions import catalog
from engine.persistence.models import Base, Case, HumanTask, Programme, Territory
from tests.conftest import _truncate
from tests.e2e.conftest import MARCH_2, PASSWORD, Browser, _seed, csrf_of
from tests.e2e.test_programme_settings import SETTINGS, form_values
from web import create_app
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

FUZZ = settings(max_examples=30, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates and NUL included
AWKWARD = ["", " ", "\x00", "a\x00b", "\ud800", "\udcff", "-1", "0", "2147483648", "9" * 400,
           "-" + "9" * 400, "1e309", "NaN", "٣", "../../etc/passwd", "%00", "<script>x</script>",
           "' OR 1=1 --", "{}", "[]", "null", "true", "2026-02-30", "P99999999999Y", "\r\n",
           "//evil.example/", "\u202e", "😀" * 100]
VALUES = st.one_of(
    st.sampled_from(AWKWARD),
    st.lists(st.sampled_from(AWKWARD + ["Ana, ²", "Luis, 7", ","]), max_size=4).map("\n".join),
    st.text(ANY_CHARACTER, max_size=60),
    st.integers(min_value=-10**400, max_value=10**400).map(str),
    st.integers(min_value=150, max_value=5000).map(lambda n: "x" * n),
    st.sampled_from(AWKWARD + ["y" * (1024 * 1024 + 100)]),  # now and then, over the limit
)
TABLES = [t for t in Base.metadata.sorted_tables  # a page shown again is a view, logged
          if t.name != "access_log"]


def snapshot(app) -> dict:
    """What a refused request must leave as it was: every table's row count, and the values
    a request could change in place (drafts, assignees, pauses, settings, languages)."""
    with app.app_context():
        counts = db.session.execute(select(*(select(func.count()).select_from(t)
                                             .scalar_subquery() for t in TABLES))).one()
        tasks = db.session.execute(select(HumanTask.id, HumanTask.assignee, HumanTask.draft))
        cases = db.session.execute(select(Case.id, Case.deadlines_paused_at, Case.status))
        return {"counts": tuple(counts), "tasks": sorted(map(tuple, tasks), key=str),
                "cases": sorted(map(tuple, cases)),
                "settings": db.session.scalars(select(Programme.settings)).all(),
                "locales": db.session.scalars(select(User.locale).order_by(User.id)).all()}


def encoded(pairs: dict) -> str:
    """``pairs`` as a form body or query string; lone surrogates go as their raw bytes."""
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


class Fuzzer:
    """Sends one page's fields with generated values and checks the property."""

    def __init__(self, app, person: Browser, token_page: str = "/"):
        self.app, self.person = app, person
        self.token = csrf_of(person.get(token_page).get_data(as_text=True))

    def post(self, path: str, base: dict, values: dict, query: dict | None = None) -> int:
        body = encoded({**base, **values, "csrf_token": self.token})
        target = path + ("?" + encoded(query) if query else "")
        return self._check(lambda: self.person.client.post(
            target, data=body, content_type="application/x-www-form-urlencoded"))

    def get(self, path: str, query: dict) -> int:
        return self._check(lambda: self.person.client.get(path + "?" + encoded(query)))

    def _check(self, send) -> int:
        before = snapshot(self.app)
        status = send().status_code
        assert status < 500
        if 400 <= status < 500 and status != 401:  # 401: a wrong password is recorded
            assert snapshot(self.app) == before, status
        return status


def fields(*names: str):
    """Generated values for any non-empty subset of ``names``."""
    return st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=len(names))


@pytest.fixture(scope="module")
def fixed_app(migrated_database, tmp_path_factory):
    """One seeded database for the whole module (people, Familias, one case, a manager),
    so that the examples run against fixed data and setting up is paid once."""
    catalog.forget()
    url = migrated_database
    if url.startswith("sqlite"):
        copy = tmp_path_factory.mktemp("fuzz") / "acompana.db"
        shutil.copyfile(url.removeprefix("sqlite:///"), copy)
        url = f"sqlite:///{copy}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    with app.app_context():
        _seed()
        _seed_managers_and_case()
    yield app
    if not url.startswith("sqlite"):
        _truncate(url)
    catalog.forget()


def _seed_managers_and_case() -> None:
    chile = db.session.scalars(select(Territory).where(Territory.code == "antofagasta")).one()
    db.session.add(User(username="marta", full_name="Marta Ibáñez", roles="manager",
                        password_hash=hash_password(PASSWORD), territories=[chile]))
    db.session.commit()
    command = engine.StartCase("familias", "antofagasta", "ana", "Rojas Pérez",
                              members=[{"name": "Carla Rojas", "age": 34}])
    jorge = engine.Actor("jorge", frozenset({"supervisor"}), None)  # who may open cases
    with unit_of_work(db.session):
        engine.start_case(db.session, command, jorge, MARCH_2)


def signed_in(app, username: str) -> Browser:
    person = Browser(app.test_client())
    assert person.login(username).status_code == 302
    return person


@pytest.fixture(scope="module")
def case_id(fixed_app) -> int:
    with fixed_app.app_context():
        return db.session.scalar(select(func.min(Case.id)))


@pytest.fixture(scope="module")
def task_id(fixed_app, case_id) -> str:
    with fixed_app.app_context():
        return db.session.scalar(select(HumanTask.id).where(
            HumanTask.case_id == case_id, HumanTask.bpmn_id == "primer_contacto"))


def test_sign_in(fixed_app):
    stranger = fixed_app.test_client()
    # its failed sign-ins fill the throttle of its own address, not that of the other tests
    stranger.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    fuzz = Fuzzer(fixed_app, Browser(stranger), "/login")

    @FUZZ
    @given(fields("username", "password"), fields("next"))
    def send(values, query):
        fuzz.post("/login", {"username": "intruso", "password": "x"}, values, query)

    send()


def test_inbox_filters(fixed_app, case_id):
    fuzz = Fuzzer(fixed_app, signed_in(fixed_app, "ana"))

    @FUZZ
    @given(fields("tab", "programme", "step", "status", "sort", "page"))
    def send(query):
        assert fuzz.get("/", query) in (200, 400)

    send()


@pytest.mark.parametrize("action", ["draft", "complete"])
def test_task_form(fixed_app, task_id, action):
    fuzz = Fuzzer(fixed_app, signed_in(fixed_app, "ana"), f"/tasks/{task_id}")
    base = {"action": action, "familia_ubicada": "true", "fecha_contacto": "2026-03-02",
            "intentos": "1"}

    @FUZZ
    @given(fields("familia_ubicada", "fecha_contacto", "intentos", "observaciones", "action"))
    def send(values):
        fuzz.post(f"/tasks/{task_id}", base, values)

    send()


def test_new_case(fixed_app):
    fuzz = Fuzzer(fixed_app, signed_in(fixed_app, "ana"), "/cases/new")
    base = {"family_name": "Vega", "programme": "familias", "territory": "antofagasta",
            "caseworker": "ana"}

    @FUZZ
    @given(fields("family_name", "national_id", "address", "members", "programme", "territory",
                  "caseworker"))
    def send(values):
        fuzz.post("/cases/new", base, values)

    send()


def test_pause_and_resume(fixed_app, case_id):
    fuzz = Fuzzer(fixed_app, signed_in(fixed_app, "ana"), f"/cases/{case_id}")

    @FUZZ
    @given(fields("reason"))
    def send(values):
        fuzz.post(f"/cases/{case_id}/pause", {}, values)
        fuzz.post(f"/cases/{case_id}/resume", {}, values)

    send()


def test_claim_release_reassign_and_language(fixed_app, task_id):
    fuzz = Fuzzer(fixed_app, signed_in(fixed_app, "jorge"))

    @FUZZ
    @given(fields("assignee", "next", "locale"))
    def send(values):
        fuzz.post(f"/tasks/{task_id}/reassign", {"assignee": "pedro"}, values)
        fuzz.post("/account/language", {"locale": "es"}, values)

    send()


def test_programme_settings(fixed_app):
    marta = signed_in(fixed_app, "marta")
    shown = form_values(marta.get(SETTINGS).get_data(as_text=True))
    fuzz = Fuzzer(fixed_app, marta, SETTINGS)
    names = sorted(name for name in shown if name != "csrf_token")

    @FUZZ
    @given(fields(*names))
    def send(values):
        fuzz.post(SETTINGS, shown, values)

    send()


def test_dashboard_reports_and_notifications(fixed_app, case_id):
    fuzz = Fuzzer(fixed_app, signed_in(fixed_app, "jorge"))
    pages = ["/dashboard/", "/dashboard/overdue.csv", "/reports/", "/reports/familias",
             "/reports/familias.csv", "/notifications/"]

    @FUZZ
    @given(st.sampled_from(pages), fields("territorio", "page", "programme", "q"))
    def send(page, query):
        fuzz.get(page, query)
        fuzz.post("/notifications/read", {}, query)

    send()


def test_ids_in_paths(fixed_app, case_id):
    fuzz = Fuzzer(fixed_app, signed_in(fixed_app, "ana"))

    @FUZZ
    @given(st.sampled_from(["/cases/", "/tasks/"]), VALUES.filter(lambda v: len(v) < 5000))
    def send(prefix, value):
        path = prefix + quote(value, safe="", errors="surrogatepass")
        assert fuzz._check(lambda: fuzz.person.client.get(path)) in (200, 308, 400, 404)

    send()
