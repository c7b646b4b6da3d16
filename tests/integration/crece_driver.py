"""Drives one Comunidad Crece case through time the way its team would.

The clock is moved with time-machine (nothing sleeps). Each morning the timer sweep runs, as
the background worker would; then people complete the tasks the test asks for: the dupla
psicosocial (the case's caseworker), the tutor, and the coordinator (a supervisor, who claims
from the pool). After every action the stored workflow is restored and re-serialized. The
machinery is :mod:`tests.integration.case_driver`'s.
"""

from datetime import date, timedelta

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask, Territory
from tests.integration.case_driver import DrivenCase
from tests.integration.familias_driver import SANTIAGO, local_day
from web.demo_data_crece import (
    atender_alerta,
    derivacion,
    evaluacion_ingreso,
    household,
    pii,
    revision_pii,
    tutoria,
    vinculacion_redes,
)

COQUIMBO = {"code": "coquimbo", "name": "Coquimbo", "country": "CL", "region": "CO",
            "timezone": "America/Santiago"}


def add_coquimbo(session) -> Territory:
    """The Coquimbo comuna (Chilean national holidays; region CO has none of its own)."""
    row = Territory(**COQUIMBO)
    session.add(row)
    session.commit()
    return row


def team(territory: Territory) -> dict[str, engine.Actor]:
    """The barrio team: the dupla (the case holder), the tutor and the coordinator."""
    here = frozenset({territory.id})
    return {"valentina": engine.Actor("valentina", frozenset({"caseworker"}), here),
            "tomas": engine.Actor("tomas", frozenset({"caseworker"}), here),
            "rodrigo": engine.Actor("rodrigo", frozenset({"supervisor"}), here)}


class CreceCase(DrivenCase):
    """One young person's case, with the clock, the sweep and the team around it."""

    programme, zone, sorted_ids = "comunidad_crece", SANTIAGO, True

    def __init__(self, session, forms, people: dict[str, engine.Actor], received: date,
                 name: str = "Matías Rojas", territory: str = "coquimbo",
                 members: list[dict] | None = None):
        super().__init__(session, forms, people["valentina"], people["rodrigo"], received)
        self.people = people
        self.open_case(territory, "valentina", name,
                       household(name) if members is None else members,
                       people["rodrigo"], named={"tutor": "tomas", "coordinador": "rodrigo"})

    @classmethod
    def resume_with(cls, session, forms, people: dict[str, engine.Actor], case_id: int,
                    today: date) -> "CreceCase":
        """The driver of case ``case_id`` (opened and lived until ``today`` in a seed's
        build), with the same team."""
        return cls.resume(session, forms, case_id, today, caseworker=people["valentina"],
                          supervisor=people["rodrigo"], people=people)

    def actor(self, row: HumanTask, by: str | None = None) -> engine.Actor:
        """``by`` (a name) if given, else the task's holder (the tutor holds the tutorings,
        the coordinator the alerts: both are named when the case is opened), or the
        coordinator for pool tasks."""
        return self.people[by or row.assignee or "rodrigo"]

    def review_data(self) -> dict:
        """The coordinator contacts the team about the overdue step."""
        return {"accion": "contactar_equipo"}


def to_the_first_tutoring(c: CreceCase) -> None:
    """Referred on the case's first day, evaluated a week later (risk medio), the PII (no
    referral) a week after that; four days on, the first tutoring is open on the tutor."""
    first = c.today
    c.complete("registrar_derivacion", derivacion(c.today))
    c.wait_until(first + timedelta(days=7))
    c.complete("evaluacion_ingreso", evaluacion_ingreso(c.today, "medio"))
    c.wait_until(first + timedelta(days=14))
    c.complete("pii", pii(c.today, con_derivacion=False))
    c.wait_until(first + timedelta(days=18))


class Team:
    """What the team does each morning after the sweep.

    The coordinator reviews every escalation and answers an alert the morning after it
    arrives; the dupla files the referrals on ``referral_on`` and each quarterly review
    ``review_delays[i]`` days after it opened; the coordinator hands each tutoring to the
    tutor, who holds it ``every`` days after the previous one (``late`` maps a session number
    to a longer wait), with an alert at session ``alert_at`` (at 15:30).
    """

    def __init__(self, every: int = 10, late: dict | None = None, alert_at: int | None = None,
                 review_delays: tuple = (), referral_on: date | None = None,
                 decision: str = "continuar"):
        self.every, self.late, self.alert_at = every, late or {}, alert_at
        self.review_delays, self.referral_on, self.decision = review_delays, referral_on, decision
        self.tutorings: list[date] = []
        self.reviews: list[date] = []

    def __call__(self, c: CreceCase) -> None:
        c.review_overdue_steps()
        alert = c.task("atender_alerta")
        if alert and local_day(alert.created_at) < c.today:
            c.complete("atender_alerta", atender_alerta(c.today, self.decision), hour=10)
        if c.task("vinculacion_redes") and c.today == self.referral_on:
            c.complete("vinculacion_redes", vinculacion_redes(c.today))
        self.review(c)
        self.tutor(c)

    def review(self, c: CreceCase) -> None:
        row = c.task("revision_pii")
        if row is None or len(self.reviews) >= len(self.review_delays):
            return
        if (c.today - local_day(row.created_at)).days >= self.review_delays[len(self.reviews)]:
            c.complete("revision_pii", revision_pii(c.today))
            self.reviews.append(c.today)

    def tutor(self, c: CreceCase) -> None:
        row = c.task("tutoria")
        number = len(self.tutorings) + 1
        if row is None or (c.today - local_day(row.created_at)).days < self.late.get(
                number, self.every):
            return
        if row.assignee != "tomas":
            with unit_of_work(c.session):
                engine.reassign(c.session, row.id, "tomas", c.people["rodrigo"])
        alert = number == self.alert_at
        c.complete("tutoria", tutoria(c.today, alerta=alert), hour=(15, 30) if alert else 11,
                   by="tomas")
        self.tutorings.append(c.today)
