"""``flask demo``: a ready-to-use database with territories, processes and cases at every stage."""

from datetime import UTC, datetime, timedelta
from importlib import import_module
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Case, HumanTask, Territory

from .auth.models import User
from .auth.passwords import hash_password
from .consents.steps import give_needed_consents
from .demo_data import DEMO_PASSWORD
from .extensions import db

# One module per programme, each with DEMO_CASES, STEP_DATA and KEEPS_UP, and optionally the
# TERRITORIES and USERS it needs beyond the others'.
DEMO_MODULES = ("web.demo_data", "web.demo_data_crece", "web.demo_data_pippi",
                "web.demo_data_triple_p")

DEMO_ACTOR = engine.Actor("demo", frozenset({engine.policy.CASEWORKER, engine.policy.SUPERVISOR}),
                          None)


def _modules() -> list:
    return [import_module(name) for name in DEMO_MODULES]


def _gathered(name: str) -> list:
    return [item for module in _modules() for item in getattr(module, name, [])]


def hints() -> str:
    """What to do next: the URL and the demo sign-ins."""
    people = "\n".join(f"  {u:<9} {roles:<11} {', '.join(codes)}"
                       for u, _, roles, codes in _gathered("USERS"))
    return (f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):\n{people}\n\n"
            "Command line: flask case show 4 · flask task list --user ana · flask timers fire\n")


@click.command()
@with_appcontext
@click.option("--quiet", is_flag=True, help="print only the summary")
def demo(quiet: bool) -> None:
    """Create the schema and load demo territories, processes and cases (idempotent)."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    _territories()
    _users()
    root = Path(current_app.config["PROCESSES_DIR"])
    forms = current_app.extensions["acompana.forms"]
    for folder in sorted({p.parent for p in root.glob("*/*.bpmn")}):
        with unit_of_work(db.session):
            result = engine.deploy_folder(db.session, folder, forms, "demo")
        if not quiet:
            click.echo(f"deployed {result.programme} v{result.version}")
    _enable_programmes()
    if _has_cases():
        click.echo("demo cases already loaded")
        click.echo(hints())
        return
    for module in _modules():
        for spec in module.DEMO_CASES:
            case = _demo_case(forms, module, spec)
            if not quiet:
                click.echo(f"case {case.id}: {spec['family']} — {spec['stage']}")
    click.echo(hints())


def _territories() -> None:
    existing = set(db.session.scalars(select(Territory.code)))
    for code, name, country, region, zone in _gathered("TERRITORIES"):
        if code not in existing:
            db.session.add(Territory(code=code, name=name, country=country, region=region,
                                     timezone=zone))
    db.session.commit()


def _enable_programmes() -> None:
    """Each demo case's programme is enabled in its territory (also in a database that had
    the programmes before it had that territory)."""
    for spec in _gathered("DEMO_CASES"):
        with unit_of_work(db.session):
            engine.enable_programme(db.session, spec["programme"], spec["territory"], engine.SYSTEM)


def _users() -> None:
    existing = set(db.session.scalars(select(User.username)))
    territories = {t.code: t for t in db.session.scalars(select(Territory))}
    for username, name, roles, codes in _gathered("USERS"):
        if username not in existing:
            db.session.add(User(username=username, full_name=name, roles=roles,
                                password_hash=hash_password(DEMO_PASSWORD),
                                territories=[territories[c] for c in codes]))
    db.session.commit()


def _has_cases() -> bool:
    return db.session.scalars(select(Case.id).limit(1)).first() is not None


def _demo_case(forms: engine.FormLibrary, module, spec: dict):
    """Start a case ``days_ago`` and walk it through ``steps``, firing timers on the way.

    A step is ``(bpmn_id, days after the previous step[, extra argument of its data])``.
    """
    now = datetime.now(UTC)
    moment = now - timedelta(days=spec["days_ago"])
    command = engine.StartCase(spec["programme"], spec["territory"], spec["caseworker"],
                               spec["family"], members=spec.get("members", []),
                               national_id=spec.get("national_id"),
                               people=spec.get("people", {}),
                               municipality=spec.get("municipality"))
    with unit_of_work(db.session):
        case = engine.start_case(db.session, command, DEMO_ACTOR, moment)
    for bpmn_id, days_later, *extra in spec["steps"]:
        moment += timedelta(days=days_later)
        engine.fire_due_timers(db.engine, moment)
        for routine in module.KEEPS_UP:
            _complete_step(forms, module, case.id, routine, moment)
        _complete_step(forms, module, case.id, bpmn_id, moment, *extra)
    engine.fire_due_timers(db.engine, now)
    return case


def _complete_step(forms, module, case_id: int, bpmn_id: str, moment: datetime,
                   *extra) -> None:
    row = next((r for r in _open_tasks(case_id) if r.bpmn_id == bpmn_id), None)
    if row is None:
        return
    data = module.STEP_DATA[bpmn_id](moment.date(), *extra)
    actor = engine.Actor(row.assignee or "demo", frozenset({row.role}), None)
    give_needed_consents(db.session, forms, row, data, moment)  # signed before the step
    with unit_of_work(db.session):
        engine.complete(db.session, forms, row.id, data, actor, moment)


def _open_tasks(case_id: int):
    query = select(HumanTask).where(HumanTask.case_id == case_id)
    return db.session.scalars(query).all()
