"""One access policy, checked rule by rule and person by person, on both sides of the engine:
the query (does the thing appear in what the person reads: search, inbox, dashboard,
reports, the programmes they may open) and the command (does it work, or refuse with
NotAllowed / NotFound and a code).

The world: the mini programme (Chilean) deployed while Antofagasta (CL) and Somma Lombardo
(IT) exist, so it runs in Antofagasta only; Calama (CL) is added afterwards and does not run
it until enabled. One case in Antofagasta, held by Ana, its first step (Visita, a
caseworker's) assigned to her.
"""

from datetime import UTC, datetime

import pytest

import engine
from engine import policy, queries, unit_of_work
from engine.commands import programme_settings
from engine.persistence.models import Territory
from tests.conftest import FIXTURES

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)
LATER = datetime(2026, 6, 1, 12, tzinfo=UTC)  # every step of March is overdue by then
VISIT = {"ubicada": True, "fecha": "2026-03-04"}
OK, NOT_ALLOWED, NOT_FOUND = "ok", "not allowed", "not found"
PEOPLE = ("caseworker_in", "caseworker_out", "supervisor_in", "supervisor_out", "manager",
          "manager_out", "admin", "nobody", "system")


@pytest.fixture
def world(session, fixture_forms, territories):
    """The people (by name in PEOPLE), the case and its first task."""
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    session.add(Territory(code="calama", name="Calama", country="CL", region="AN",
                          timezone="America/Santiago"))
    session.commit()
    ant, somma = territories["antofagasta"].id, territories["somma_lombardo"].id

    def person(name, role, where):
        return engine.Actor(name, frozenset({role} if role else ()), frozenset({where}))

    people = {
        "caseworker_in": person("ana", "caseworker", ant),
        "caseworker_out": person("giulia", "caseworker", somma),
        "supervisor_in": person("jorge", "supervisor", ant),
        "supervisor_out": person("marco", "supervisor", somma),
        "manager": person("marta", "manager", ant),
        "manager_out": person("paola", "manager", somma),
        "admin": person("admin.cl", "admin", ant),
        "nobody": person("nadie", None, ant),
        "system": engine.SYSTEM,
    }
    with unit_of_work(session):
        case = engine.start_case(session, engine.StartCase("mini", "antofagasta", "ana", "Pérez"),
                                 people["caseworker_in"], MARCH_2)
    task = engine.list_tasks(session, people["caseworker_in"])[0]
    return {"people": people, "case": case.id, "task": task.id, "forms": fixture_forms}


def outcome(command) -> str:
    """What became of ``command``: ok, or the refusal (whose code must be a policy's or a
    not-found's)."""
    try:
        command()
    except engine.NotAllowed as refused:
        assert refused.code.startswith("policy."), refused.code
        return NOT_ALLOWED
    except engine.NotFound as missing:
        assert missing.code.endswith(".not_found"), missing.code
        return NOT_FOUND
    return OK


def table(rows: str) -> dict[str, tuple[bool, str]]:
    """``{person: (listed, outcome)}`` from lines ``person  listed?  outcome``."""
    found = {}
    for line in rows.strip().splitlines():
        name, listed, result = (part.strip() for part in line.split("|"))
        found[name] = (listed == "yes", result)
    assert set(found) == set(PEOPLE)
    return found


def check(session, world, expected: str, listed, command, undo=None) -> None:
    """For every person: ``listed(actor)`` and the outcome of ``command(actor)`` (undone by
    ``undo()`` when it worked) are as the table says. Each command and each undo is one
    unit of work, as one request would be."""
    seen = {}
    for name, actor in world["people"].items():
        shown = bool(listed(actor))
        result = outcome(lambda actor=actor: _in_a_unit_of_work(session, command, actor))
        if result == OK and undo is not None:
            _in_a_unit_of_work(session, undo)
        seen[name] = (shown, result)
    assert seen == table(expected)


def _in_a_unit_of_work(session, call, *args):
    with unit_of_work(session):
        return call(*args)


# see_case — query: case search; command: show the case.
SEE_CASE = """
caseworker_in  | yes | ok
caseworker_out | no  | not found
supervisor_in  | yes | ok
supervisor_out | no  | not found
manager        | yes | ok
manager_out    | no  | not found
admin          | yes | ok
nobody         | no  | not found
system         | yes | ok
"""


def test_see_case(session, world):
    check(session, world, SEE_CASE,
          lambda a: world["case"] in [c.id for c in queries.search_cases(session, a)],
          lambda a: engine.show_case(session, world["case"], a))


# claim_task — query: the inbox (Ana's own, as the case's caseworker); command: claim
# (released again afterwards).
CLAIM_TASK = """
caseworker_in  | yes | ok
caseworker_out | no  | not found
supervisor_in  | no  | not allowed
supervisor_out | no  | not found
manager        | no  | not allowed
manager_out    | no  | not found
admin          | no  | not allowed
nobody         | no  | not found
system         | no  | not allowed
"""


def _in_inbox(session, world, actor) -> bool:
    """Whether the task is among the person's own tasks or those they may pick up."""
    pages = (queries.inbox_page(session, actor, queries.InboxFilter(tab=tab), MARCH_2)
             for tab in ("mine", "pool"))
    return world["task"] in [row.task.id for page in pages for row in page.rows]


def test_claim_task(session, world):
    check(session, world, CLAIM_TASK, lambda a: _in_inbox(session, world, a),
          lambda a: engine.claim(session, world["task"], a),
          lambda: engine.release(session, world["task"], engine.SYSTEM))


# work_task — query: the inbox; command: complete the step (only Ana can, last).
WORK_TASK = CLAIM_TASK


def test_work_task(session, world):
    people = world["people"]
    order = sorted(people, key=lambda name: name == "caseworker_in")  # the one who may, last
    world = {**world, "people": {name: people[name] for name in order}}
    check(session, world, WORK_TASK, lambda a: _in_inbox(session, world, a),
          lambda a: engine.complete(session, world["forms"], world["task"], VISIT, a))


# release_task — query: may (the page's button); command: release Ana's claimed task.
RELEASE_TASK = """
caseworker_in  | yes | ok
caseworker_out | no  | not found
supervisor_in  | yes | ok
supervisor_out | no  | not found
manager        | no  | not allowed
manager_out    | no  | not found
admin          | no  | not allowed
nobody         | no  | not found
system         | yes | ok
"""


def test_release_task(session, world):
    ana = world["people"]["caseworker_in"]
    with unit_of_work(session):
        engine.claim(session, world["task"], ana)
    check(session, world, RELEASE_TASK,
          lambda a: policy.may(session, a, policy.RELEASE_TASK,
                               engine.get_task(session, world["task"], engine.SYSTEM)),
          lambda a: engine.release(session, world["task"], a),
          lambda: engine.claim(session, world["task"], ana))


# reassign_task — query: may; command: give the task to Pedro (back to the pool after).
REASSIGN_TASK = """
caseworker_in  | no  | not allowed
caseworker_out | no  | not found
supervisor_in  | yes | ok
supervisor_out | no  | not found
manager        | no  | not allowed
manager_out    | no  | not found
admin          | no  | not allowed
nobody         | no  | not found
system         | yes | ok
"""


def test_reassign_task(session, world):
    check(session, world, REASSIGN_TASK,
          lambda a: policy.may(session, a, policy.REASSIGN_TASK,
                               engine.get_task(session, world["task"], engine.SYSTEM)),
          lambda a: engine.reassign(session, world["task"], "pedro", a),
          lambda: engine.release(session, world["task"], engine.SYSTEM))


# pause_deadlines — query: may (the case page's button); command: pause (resumed after).
PAUSE_DEADLINES = """
caseworker_in  | yes | ok
caseworker_out | no  | not found
supervisor_in  | yes | ok
supervisor_out | no  | not found
manager        | no  | not allowed
manager_out    | no  | not found
admin          | no  | not allowed
nobody         | no  | not found
system         | yes | ok
"""


def test_pause_deadlines(session, world):
    case = engine.visible_case(session, world["case"], engine.SYSTEM)
    check(session, world, PAUSE_DEADLINES,
          lambda a: policy.may(session, a, policy.PAUSE_DEADLINES, case),
          lambda a: engine.pause_deadlines(session, world["case"], a, "de viaje", MARCH_2),
          lambda: engine.resume_deadlines(session, world["case"], engine.SYSTEM, MARCH_2))


# supervise — query: the dashboard's overdue steps; command: the dashboard's policy check.
SUPERVISE = """
caseworker_in  | no  | not allowed
caseworker_out | no  | not allowed
supervisor_in  | yes | ok
supervisor_out | no  | ok
manager        | yes | ok
manager_out    | no  | ok
admin          | yes | ok
nobody         | no  | not allowed
system         | yes | ok
"""


def test_supervise(session, world):
    def listed(actor):
        overdue = [row.task.id for row in queries.overdue_tasks(session, actor, LATER)]
        counted = queries.summary(session, actor, LATER).total
        assert (world["task"] in overdue) == (counted == 1)
        return world["task"] in overdue

    check(session, world, SUPERVISE, listed,
          lambda a: policy.require(session, a, policy.SUPERVISE))


# read_reports — query: the programmes with a report; command: build Familias's report.
READ_REPORTS = """
caseworker_in  | no  | not allowed
caseworker_out | no  | not allowed
supervisor_in  | yes | ok
supervisor_out | no  | not found
manager        | yes | ok
manager_out    | no  | not found
admin          | yes | ok
nobody         | no  | not allowed
system         | yes | ok
"""


def test_read_reports(session, world, real_forms):
    from tests.conftest import ROOT

    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", real_forms, "tester")
    check(session, world, READ_REPORTS,
          lambda a: "familias" in [p.key for p in queries.reportable_programmes(session, a)],
          lambda a: queries.outcome_report(session, a, "familias"))


# start_case — query: the programmes and territories the new-case page offers;
# command: open a mini case in Antofagasta.
START_CASE = """
caseworker_in  | yes | ok
caseworker_out | no  | not allowed
supervisor_in  | yes | ok
supervisor_out | no  | not allowed
manager        | no  | not allowed
manager_out    | no  | not allowed
admin          | yes | ok
nobody         | no  | not allowed
system         | yes | ok
"""


def _offered(session, actor) -> bool:
    codes = [t.code for t in queries.start_territories(session, actor)]
    return "antofagasta" in codes and ("mini", "Mini programa de prueba") in \
        queries.startable_programmes(session, actor)


def test_start_case(session, world):
    command = engine.StartCase("mini", "antofagasta", "ana", "Soto")
    check(session, world, START_CASE, lambda a: _offered(session, a),
          lambda a: engine.start_case(session, command, a, MARCH_2))


# manage_programme — query: the programmes page's list; command: save (no change).
MANAGE_PROGRAMME = """
caseworker_in  | no  | not allowed
caseworker_out | no  | not allowed
supervisor_in  | no  | not allowed
supervisor_out | no  | not allowed
manager        | yes | ok
manager_out    | no  | not allowed
admin          | yes | ok
nobody         | no  | not allowed
system         | yes | ok
"""


def test_manage_programme(session, world):
    check(session, world, MANAGE_PROGRAMME,
          lambda a: "mini" in [p.key for p in programme_settings.managed_programmes(session, a)],
          lambda a: engine.update_settings(session, "mini", {"plazos.visita.dias": 5}, a))


# enable_programme — query: may; command: disable mini in Antofagasta (enabled again after).
ENABLE_PROGRAMME = """
caseworker_in  | no  | not allowed
caseworker_out | no  | not allowed
supervisor_in  | no  | not allowed
supervisor_out | no  | not allowed
manager        | no  | not allowed
manager_out    | no  | not allowed
admin          | yes | ok
nobody         | no  | not allowed
system         | yes | ok
"""


def test_enable_programme(session, world):
    where = policy.opening(session, "mini", "antofagasta")
    check(session, world, ENABLE_PROGRAMME,
          lambda a: policy.may(session, a, policy.ENABLE_PROGRAMME, where),
          lambda a: engine.disable_programme(session, "mini", "antofagasta", a),
          lambda: engine.enable_programme(session, "mini", "antofagasta", engine.SYSTEM))


def test_a_programme_opens_only_where_it_is_enabled(session, world, territories):
    calama = session.query(Territory).filter_by(code="calama").one()
    there = engine.Actor("rosa", frozenset({"caseworker"}), frozenset({calama.id}))
    assert queries.startable_programmes(session, there) == []  # the page offers nothing
    command = engine.StartCase("mini", "calama", "rosa", "Araya")
    with pytest.raises(engine.NotAllowed) as refused, unit_of_work(session):
        engine.start_case(session, command, there, MARCH_2)
    assert refused.value.code == "policy.programme_not_enabled"
    assert refused.value.params == {"action": "start_case", "programme": "mini",
                                    "territory": "calama"}
    assert len(queries.search_cases(session, engine.SYSTEM)) == 1  # nothing was opened
    with unit_of_work(session):
        assert engine.enable_programme(session, "mini", "calama", engine.SYSTEM) is True
    with unit_of_work(session):
        assert engine.enable_programme(session, "mini", "calama", engine.SYSTEM) is False
    assert queries.startable_programmes(session, there) == [("mini", "Mini programa de prueba")]
    with unit_of_work(session):
        assert engine.start_case(session, command, there, MARCH_2).territory.code == "calama"
    with unit_of_work(session):
        assert engine.disable_programme(session, "mini", "calama", engine.SYSTEM) is True
    with pytest.raises(engine.NotAllowed), unit_of_work(session):
        engine.start_case(session, command, there, MARCH_2)
    assert len(queries.search_cases(session, there)) == 1  # the open case goes on


def test_a_programme_never_runs_in_another_country(session, world, territories):
    with pytest.raises(engine.NotAllowed) as refused, unit_of_work(session):
        engine.enable_programme(session, "mini", "somma_lombardo", engine.SYSTEM)
    assert refused.value.code == "policy.country_mismatch"
    assert refused.value.params == {"action": "enable_programme", "programme": "mini",
                                    "country": "CL", "territory": "somma_lombardo",
                                    "territory_country": "IT"}
    assert policy.opening(session, "mini", "somma_lombardo").enabled is False
    giulia = world["people"]["caseworker_out"]
    with pytest.raises(engine.NotAllowed) as refused, unit_of_work(session):
        engine.start_case(session, engine.StartCase("mini", "somma_lombardo", "giulia", "Rossi"),
                          giulia, MARCH_2)
    assert refused.value.code == "policy.programme_not_enabled"
    assert queries.start_territories(session, giulia)[0].code == "somma_lombardo"
    assert queries.startable_programmes(session, giulia) == []


def test_a_new_programme_runs_in_its_countrys_territories_only(session, world):
    assert engine.commands.programme_territories.territories_of(session, "mini") == ["antofagasta"]
    unknown = engine.Actor("ana", frozenset({"caseworker"}), None)
    with pytest.raises(engine.NotFound) as missing, unit_of_work(session):
        engine.start_case(session, engine.StartCase("mini", "atlantis", "ana", "X"), unknown)
    assert missing.value.code == "territory.not_found"


def test_an_unknown_action_is_a_programming_error(session, world):
    with pytest.raises(ValueError, match="no access rule"):
        policy.may(session, engine.SYSTEM, "fly")
