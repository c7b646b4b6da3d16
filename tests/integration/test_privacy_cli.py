"""``flask privacy``: ``retention --dry-run`` lists and changes nothing, ``retention``
anonymises (as of ``--at``), ``erase`` and ``export`` act on one member, bad inputs end with
one line and no traceback; the scheduler enqueues the retention run once a day and the job
runs it."""

import json
from datetime import datetime, time, timedelta

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Case, Household
from tests.conftest import ROOT
from tests.integration.redis_server import RedisServer
from tests.integration.test_cli import add_person
from web import jobs
from web.extensions import db
from web.scheduler import RETENTION, Scheduler

MEMBERS = [{"name": "Carla Rojas", "age": 34, "national_id": "15.678.901-1"},
           {"name": "Tomás Ibáñez Rojas", "age": 9}]
WITHDRAWAL = {"fecha": "2026-03-05", "motivo": "decision_familia", "detalle": "No sigue"}


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=list(args))
        return result.exit_code, result.output, result.exception

    assert run("territory", "add", "antofagasta", "Antofagasta", "--country", "CL",
               "--region", "AN", "--tz", "America/Santiago")[0] == 0
    add_person(app, "ines", "admin", "antofagasta")
    with app.app_context():
        forms = app.extensions["acompana.forms"]
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, ROOT / "processes" / "familias", forms, "manager")
        with unit_of_work(db.session):
            case = engine.start_case(db.session, engine.StartCase(
                "familias", "antofagasta", "ana", "Rojas Ibáñez", members=MEMBERS),
                engine.SYSTEM, datetime(2026, 3, 2, 12).astimezone())
        with unit_of_work(db.session):
            engine.perform_act(db.session, forms, case.id, "desistimiento", WITHDRAWAL,
                               engine.SYSTEM, datetime(2026, 3, 5, 12).astimezone())
    return run


def household(app) -> Household:
    with app.app_context():
        return db.session.scalars(select(Household)).one()


def test_the_retention_dry_run_lists_and_the_run_anonymises(cli, app):
    code, out, _ = cli("privacy", "retention", "--dry-run", "--at", "2031-03-04T12:00")
    assert (code, out) == (0, "0 household(s) would be anonymised (dry run: nothing changed)\n")
    code, out, _ = cli("privacy", "retention", "--dry-run", "--at", "2031-03-06T12:00")
    assert code == 0 and "cases 1 closed 2026-03-05, retention ended 2031-03-05" in out
    assert household(app).family_name == "Rojas Ibáñez"
    code, out, _ = cli("privacy", "retention", "--at", "2031-03-06T12:00", "--by", "ines")
    assert code == 0 and out.endswith("1 household(s) anonymised\n")
    assert household(app).family_name == "[anonimizado]"
    with app.app_context():
        assert db.session.scalars(select(Case)).one().outcome == "desistimiento"


def test_erase_and_export_one_member(cli, app, tmp_path):
    target = tmp_path / "tomas.json"
    code, out, _ = cli("privacy", "export", "--household", "1", "--member", "2", "--by", "ines",
                       "-o", str(target))
    assert code == 0 and out == f"wrote {target} (request 1)\n"
    assert json.loads(target.read_text())["member"]["name"] == "Tomás Ibáñez Rojas"
    page = tmp_path / "tomas.html"
    assert cli("privacy", "export", "--household", "1", "--member", "2", "--by", "ines",
               "-o", str(page))[0] == 0
    assert "Datos de Tomás Ibáñez Rojas" in page.read_text()
    code, out, _ = cli("privacy", "erase", "--household", "1", "--member", "2", "--by", "ines")
    assert code == 0 and out.startswith("member 2 of household 1 erased:")
    assert household(app).members[1]["name"] == "[anonimizado]"
    code, out, _ = cli("privacy", "erase", "--household", "1", "--member", "2", "--by", "ines")
    assert code == 1 and "refused (privacy.already_erased)" in out


@pytest.mark.parametrize("args, words", [
    (("erase", "--household", "1", "--member", "9", "--by", "ines"), "has no member 9"),
    (("erase", "--household", "77", "--member", "1", "--by", "ines"), "no household 77"),
    (("erase", "--household", "1", "--member", "1", "--by", "nadie"), "no active person"),
    (("erase", "--household", "1", "--member", "0", "--by", "ines"), "--member"),
    (("retention", "--at", "mañana"), "--at"),
    (("export", "--household", "1", "--member", "1", "--by", "ines", "-o", "/nonexistent/x"),
     "cannot write"),
])
def test_bad_inputs_end_with_one_line_and_no_traceback(cli, args, words):
    code, out, error = cli("privacy", *args)
    assert code != 0 and words in out
    assert error is None or isinstance(error, SystemExit)
    assert "Traceback" not in out


def test_the_scheduler_enqueues_the_retention_run_once_a_day():
    redis = RedisServer().start()
    try:
        t0 = datetime(2026, 3, 2, 6, 59, 50).astimezone()
        schedulers = [Scheduler(Redis.from_url(redis.url), "acompana", digest_at=time(7, 0))
                      for _ in range(2)]
        for second in (0, 11, 12, 16):
            for scheduler in schedulers:
                scheduler.tick(t0 + timedelta(seconds=second))
        queue = Queue("acompana", connection=Redis.from_url(redis.url))
        assert [j.func_name for j in queue.get_jobs()].count(RETENTION) == 1
    finally:
        redis.kill()


def test_the_daily_job_runs_the_retention(cli, app, monkeypatch, time_machine):
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    jobs._app.cache_clear()
    try:
        time_machine.move_to(datetime(2031, 3, 2, 12).astimezone(), tick=False)
        assert jobs.run_retention() == 0
        time_machine.move_to(datetime(2031, 3, 6, 12).astimezone(), tick=False)
        assert jobs.run_retention() == 1
        assert jobs.run_retention() == 0
    finally:
        jobs._app.cache_clear()
    assert household(app).family_name == "[anonimizado]"
