"""``flask cases move CASE_ID --to BPMN_ID --reason TEXT --by USER [--dry-run]``: an
administrator moves a running case back to a step it passed (engine.move_case), or, with
``--dry-run``, prints what the move would do and changes nothing."""

import click
from flask.cli import with_appcontext

import engine
from engine import unit_of_work

from .cli_people import acting_person
from .extensions import db


@click.command("move")
@with_appcontext
@click.argument("case_id", type=int)
@click.option("--to", "to", required=True, help="the BPMN id of the step to go back to")
@click.option("--reason", required=True, help="why the case is moved (up to 500 characters)")
@click.option("--by", "by", required=True, help="the administrator who moves it")
@click.option("--dry-run", is_flag=True, help="print what would happen; change nothing")
def move(case_id: int, to: str, reason: str, by: str, dry_run: bool) -> None:
    """Move case CASE_ID back to the step --to (print the plan first)."""
    person = acting_person(by)
    plan = engine.plan_case_move(db.session, person, case_id, to)
    db.session.rollback()
    for line in plan_lines(plan):
        click.echo(line)
    if dry_run:
        click.echo("dry run: nothing was moved")
        return
    with unit_of_work(db.session):
        engine.move_case(db.session, person, case_id, to, reason, plan.lock_version)
    click.echo(f"case {case_id} moved to {plan.to.bpmn_id} ({plan.to.name})")


def plan_lines(plan: engine.MovePlan) -> list[str]:
    """The plan of a move, one fact a line."""
    def steps(found) -> str:
        return ", ".join(f"{s.bpmn_id} ({s.name})" for s in found) or "-"

    def deadlines(found) -> str:
        return ", ".join(f"{d.step} {d.kind} {d.due_at.isoformat()}" for d in found) or "-"

    undone = ", ".join(f"{u.bpmn_id} by {u.by} at {u.at.isoformat()}" for u in plan.undone)
    return [f"case {plan.case.id} (lock version {plan.lock_version}) -> {plan.to.bpmn_id} "
            f"({plan.to.name})",
            f"closes: {steps(plan.closing)}", f"opens: {steps(plan.opening)}",
            f"deadlines ending: {deadlines(plan.deadlines_ended)}",
            f"deadlines starting: {deadlines(plan.deadlines_started)}",
            f"undone (kept in the history only): {undone or '-'}",
            f"data given back: {', '.join(plan.cleared) or '-'}"]
