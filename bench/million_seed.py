"""Seeding a country-sized database fast: a sample of real engine-run cases, then copies.

A few hundred Programa Familias cases are started through the engine (``engine.start_case``)
in a handful of territories; every other case is a copy made in SQL of the rows the engine
wrote for one of them (household, case, process instance with its workflow state, open
steps, their timers, the case's events), spread over ``TERRITORIES`` comunas of very
different sizes and over caseworkers holding 50 to 80 open cases each. Households are
written with COPY, their search text made by the engine's own function.
"""

import io
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

import engine
from bench.web_bench import SURNAMES, family_name, members, rut_of
from engine import unit_of_work
from engine.definitions import households
from web import create_app
from web.auth.passwords import hash_password
from web.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TERRITORIES = 345
REAL_TERRITORIES = 6  # the real cases are in the first six comunas (the largest)
OPEN_SHARE = 0.7  # open cases of all; the others closed in the last two years
OVERDUE_SHARE = 0.12  # open steps past their due date
POOL_SHARE = 0.05  # open steps waiting in a supervisor's pool, nobody's yet
PASSWORD = "bench"
NATIONAL = "nacional"  # a supervisor of every territory


def territory_code(t: int) -> str:
    return f"comuna_{t:03d}"


def caseworker(t: int, k: int) -> str:
    return f"afi{t:03d}_{k:03d}"


def supervisor(t: int) -> str:
    return f"jefe{t:03d}"


def territories_for(cases: int) -> int:
    """How many comunas: 345 for a country (from ~700,000 cases), fewer for smaller runs
    (about 30 caseworkers each, and at least the six with real cases)."""
    return min(TERRITORIES, max(REAL_TERRITORIES, round(cases * OPEN_SHARE / 65 / 30)))


def caseworkers_per_territory(total: int, territories: int) -> list[int]:
    """How many caseworkers each comuna has: a few large cities, many small comunas (at
    least one each), about ``total`` in all."""
    weights = [1 / (1 + t / 12) for t in range(territories)]
    scale = total / sum(weights)
    counts = [max(1, round(w * scale)) for w in weights]
    counts[0] = max(1, counts[0] + total - sum(counts))
    return counts


def capacity(t: int, k: int) -> int:
    """Open cases of caseworker k of comuna t: 50 to 80."""
    return 50 + (t * 31 + k * 17) % 31


def plan(cases: int) -> list[tuple[int, int, int, int]]:
    """``(territory, caseworker number, open cases, closed cases)`` per caseworker, so that
    about ``cases`` cases exist in all, ``OPEN_SHARE`` of them open."""
    people = max(1, round(cases * OPEN_SHARE / 65))
    rows = []
    for t, count in enumerate(caseworkers_per_territory(people, territories_for(cases))):
        rows += [(t, k, capacity(t, k)) for k in range(count)]
    open_total = sum(r[2] for r in rows)
    closed_total = max(0, cases - open_total)
    closed_each, extra = divmod(closed_total, len(rows))
    return [(t, k, c, closed_each + (1 if i < extra else 0)) for i, (t, k, c) in enumerate(rows)]


def _app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})


def people_and_places(url: str, staff: list[tuple[int, int, int, int]]) -> int:
    """Territories, every caseworker, a supervisor per comuna, a national supervisor, and
    the deployed Familias process (enabled in every comuna)."""
    digest = hash_password(PASSWORD)
    territories = max(t for t, _, _, _ in staff) + 1
    with _app(url).app_context():
        conn = db.session.connection()
        conn.execute(text(
            "INSERT INTO territory (id, code, name, country, region, timezone) "
            "SELECT t, 'comuna_' || lpad(t::text, 3, '0'), 'Comuna ' || t, 'CL', 'RM', "
            "'America/Santiago' FROM generate_series(0, :n - 1) t"), {"n": territories})
        users = [(caseworker(t, k), f"AFI {t}-{k}", "caseworker", t) for t, k, _, _ in staff]
        users += [(supervisor(t), f"Jefatura {t}", "supervisor", t) for t in range(territories)]
        buffer = io.StringIO()
        for n, (username, name, role, _t) in enumerate(users, start=1):
            buffer.write(f"{n}\t{username}\t{name}\t{digest}\t{role}\tt\n")
        buffer.write(f"{len(users) + 1}\t{NATIONAL}\tSupervisión nacional\t{digest}"
                     f"\tsupervisor\tt\n")
        _copy(conn, "app_user (id, username, full_name, password_hash, roles, active)", buffer)
        links = io.StringIO()
        for n, (_u, _n, _r, t) in enumerate(users, start=1):
            links.write(f"{n}\t{t}\n")
        for t in range(territories):
            links.write(f"{len(users) + 1}\t{t}\n")
        _copy(conn, "user_territory (user_id, territory_id)", links)
        for table in ("territory", "app_user"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, ROOT / "processes" / "familias",
                                 engine.FormLibrary(ROOT / "forms"), "bench")
        db.session.remove()
        db.engine.dispose()
    return territories


def _copy(conn, target: str, buffer: io.StringIO) -> None:
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def real_cases(url: str, staff, count: int, now: datetime) -> None:
    """``count`` cases started through the engine in the first comunas, numbered 0…: the
    even ones opened in the last hours (their first step not yet due), the odd ones over
    the last four months (many of those steps overdue)."""
    local = [(t, k) for t, k, _, _ in staff if t < REAL_TERRITORIES]
    actor = engine.Actor("bench", frozenset({"supervisor"}), None)
    with _app(url).app_context():
        for n in range(count):
            t, k = local[(n * 7) % len(local)]
            opened = now - (timedelta(minutes=n) if n % 2 == 0 else timedelta(days=n % 120))
            command = engine.StartCase("familias", territory_code(t), caseworker(t, k),
                                       family_name(n), members=members(n),
                                       national_id=rut_of(n))
            with unit_of_work(db.session):
                engine.start_case(db.session, command, actor, opened)
        db.session.remove()
        db.engine.dispose()


def copies(url: str, staff, first: int, now: datetime, log=print) -> None:
    """Copy the rows of a real fresh case for every caseworker's remaining open and closed
    cases, numbered on from ``first``."""
    with _app(url).app_context():
        conn = db.session.connection()
        template = conn.execute(text(
            "SELECT c.id, pi.id FROM case_file c JOIN process_instance pi ON pi.case_id = c.id "
            "ORDER BY c.opened_at DESC LIMIT 1")).one()
        log(f"  template case {template[0]} (instance {template[1]})")
        kept = _drop_indexes(conn, ("household", "case_file", "process_instance", "human_task",
                                    "timer", "event"))
        real = dict(((t, w), n) for t, w, n in conn.execute(text(
            "SELECT territory_id, caseworker, count(*) FROM case_file "
            "GROUP BY territory_id, caseworker")))
        began = time.perf_counter()
        last_real = conn.execute(text("SELECT max(id) FROM case_file")).scalar()
        number = _households_and_cases(conn, staff, real, first, now)
        log(f"  {number - first} households and cases copied in "
            f"{time.perf_counter() - began:.0f} s")
        for label, statement in _workflow_rows(template, last_real, now):
            began = time.perf_counter()
            done = conn.execute(text(statement)).rowcount
            log(f"  {label}: {done} rows in {time.perf_counter() - began:.0f} s")
        db.session.commit()
        for label, definition in kept:
            began = time.perf_counter()
            db.session.execute(text(definition))
            db.session.commit()
            log(f"  index {label} rebuilt in {time.perf_counter() - began:.0f} s")
        for table in ("household", "case_file", "process_instance", "timer", "event"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _drop_indexes(conn, tables) -> list[tuple[str, str]]:
    """Drop the plain indexes of ``tables`` (not those of keys and constraints), returning
    how to build them again."""
    rows = conn.execute(text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(:tables) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"),
        {"tables": list(tables)}).all()
    for name, _definition in rows:
        conn.execute(text(f'DROP INDEX "{name}"'))
    return rows


def _households_and_cases(conn, staff, real: dict, first: int, now: datetime) -> int:
    """COPY households and cases; returns the next case number."""
    household_id = conn.execute(text("SELECT coalesce(max(id), 0) FROM household")).scalar()
    case_id = conn.execute(text("SELECT coalesce(max(id), 0) FROM case_file")).scalar()
    number = first
    homes, files = io.StringIO(), io.StringIO()
    for t, k, open_count, closed_count in staff:
        who = caseworker(t, k)
        todo = open_count - real.get((t, who), 0)
        for state in ["open"] * max(0, todo) + ["closed"] * closed_count:
            household_id, case_id = household_id + 1, case_id + 1
            _household_line(homes, household_id, t, number)
            _case_line(files, case_id, household_id, t, who, state, number, now)
            number += 1
        if homes.tell() > 50_000_000:
            _flush(conn, homes, files)
            homes, files = io.StringIO(), io.StringIO()
    _flush(conn, homes, files)
    return number


def _flush(conn, homes: io.StringIO, files: io.StringIO) -> None:
    _copy(conn, "household (id, territory_id, family_name, members, national_key, "
                "search_text)", homes)
    _copy(conn, "case_file (id, household_id, programme_key, territory_id, caseworker, status,"
                " outcome, opened_at, closed_at, deadlines_paused_at)", files)


def _household_line(out: io.StringIO, household_id: int, t: int, n: int) -> None:
    import json

    family, people = family_name(n), members(n)
    key = rut_of(n).replace(".", "").replace("-", "").upper()
    blob = json.dumps(people, ensure_ascii=False)
    search = households.search_text(family, people, key)
    out.write(f"{household_id}\t{t}\t{family}\t{_escaped(blob)}\t{key}\t{search}\n")


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _case_line(out: io.StringIO, case_id: int, household_id: int, t: int, who: str,
               state: str, n: int, now: datetime) -> None:
    if state == "open":
        opened = now - timedelta(days=(n * 13) % 700, minutes=n % 1440)
        out.write(f"{case_id}\t{household_id}\tfamilias\t{t}\t{who}\topen\t\\N\t"
                  f"{opened.isoformat()}\t\\N\t"
                  f"{(opened + timedelta(days=3)).isoformat() if n % 37 == 0 else chr(92) + 'N'}"
                  "\n")
    else:
        opened = now - timedelta(days=400 + (n * 13) % 330)
        closed = opened + timedelta(days=380)
        outcome = ("egreso", "desistimiento", "traslado")[n % 3]
        out.write(f"{case_id}\t{household_id}\tfamilias\t{t}\t{who}\tclosed\t{outcome}\t"
                  f"{opened.isoformat()}\t{closed.isoformat()}\t\\N\n")


def _workflow_rows(template: tuple[int, int], last_real: int,
                   now: datetime) -> list[tuple[str, str]]:
    """INSERT … SELECT statements copying the template case's workflow rows onto every copied
    case (ids past ``last_real``): its instance (same state), its open steps with due dates
    spread around now (``OVERDUE_SHARE`` late, those escalated), their timers (for the steps
    not yet late), its events, and for one open case in ten a late step closed in the last
    twelve weeks (the dashboard's trend)."""
    case_id, instance_id = template
    stamp = f"timestamptz '{now.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S+00')}'"
    due = (f"({stamp} + ((((c.id::bigint * 7919) % 1000) / 1000.0 - {OVERDUE_SHARE})"
           " * interval '90 days'))")
    first_due = f"(SELECT min(due_at) FROM human_task WHERE instance_id = {instance_id})"
    pooled = f"c.id % {round(1 / POOL_SHARE)} = 0"
    return [
        ("process instances", f"""
            INSERT INTO process_instance (case_id, definition_id, state, serializer_version,
                                          status, lock_version, updated_at)
            SELECT c.id, t.definition_id, t.state, t.serializer_version,
                   CASE WHEN c.status = 'open' THEN 'running' ELSE 'completed' END,
                   1, coalesce(c.closed_at, c.opened_at + interval '1 day')
            FROM case_file c, process_instance t
            WHERE t.id = {instance_id} AND c.id > {last_real}"""),
        ("open steps", f"""
            INSERT INTO human_task (id, instance_id, case_id, programme_key, territory_id,
                bpmn_id, title, lane, role, form_key, deadline_key, assignee, created_at,
                claimed_at, remind_at, due_at, escalated_at, draft)
            SELECT gen_random_uuid()::text, p.id, c.id, c.programme_key, c.territory_id,
                   h.bpmn_id, h.title, h.lane,
                   CASE WHEN {pooled} THEN 'supervisor' ELSE h.role END,
                   h.form_key, h.deadline_key,
                   CASE WHEN {pooled} THEN NULL ELSE c.caseworker END,
                   {due} - interval '10 days', NULL, {due} - interval '3 days', {due},
                   CASE WHEN {due} <= {stamp} THEN {due} END, NULL
            FROM case_file c JOIN process_instance p ON p.case_id = c.id, human_task h
            WHERE h.instance_id = {instance_id} AND c.status = 'open' AND c.id > {last_real}
            """),
        ("timers", f"""
            INSERT INTO timer (instance_id, task_id, bpmn_id, kind, deadline_key, due_at)
            SELECT p.id, t.task_id, t.bpmn_id, t.kind, t.deadline_key,
                   {due} + (t.due_at - {first_due})
            FROM case_file c JOIN process_instance p ON p.case_id = c.id, timer t
            WHERE t.instance_id = {instance_id} AND c.status = 'open' AND c.id > {last_real}
              AND {due} + (t.due_at - {first_due}) > {stamp}"""),
        ("events", f"""
            INSERT INTO event (case_id, kind, actor, at, bpmn_id, task_id, title, data, code,
                               params)
            SELECT c.id, e.kind, e.actor, c.opened_at + (e.at - t.opened_at), e.bpmn_id,
                   e.task_id, e.title, e.data, e.code, e.params
            FROM case_file c, event e JOIN case_file t ON t.id = e.case_id
            WHERE e.case_id = {case_id} AND c.id > {last_real}"""),
        ("late steps closed in the last 12 weeks", f"""
            INSERT INTO event (case_id, kind, actor, at, bpmn_id, title, data, params)
            SELECT c.id, 'overdue_closed', 'sistema', {stamp} - (c.id % 84) * interval '1 day',
                   'primer_contacto', 'Primer contacto',
                   jsonb_build_object('task', md5(c.id::text), 'step', 'primer_contacto',
                       'since', to_char(({stamp} - (c.id % 84 + 5 + c.id % 20)
                       * interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')),
                   jsonb_build_object('step', 'Primer contacto')
            FROM case_file c WHERE c.status = 'open' AND c.id > {last_real} AND c.id % 10 = 0
            """),
    ]


__all__ = ["NATIONAL", "PASSWORD", "SURNAMES", "TERRITORIES", "caseworker", "copies",
           "people_and_places", "plan", "real_cases", "supervisor", "territory_code"]
