"""Growing a seeded benchmark database to many cases by copying its cases in SQL.

Starting 100,000 cases through the engine takes hours on a loaded machine; a case just
started is the same rows every time, so the benchmark seeds some through the engine
(bench.seeding) and copies those (PostgreSQL only). Each copy gets its own household, case,
process instance, timers, open steps and trail. A step's id is the id of its task in the
workflow state, unique across cases (and a task waiting in the state becomes a step later),
so every task id of a copy is renamed: its last 12 hex digits become the copy's instance id,
the same way in its state, its steps, its timers and its trail.
"""

from sqlalchemy import create_engine, text

MAP = """
CREATE TEMP TABLE clone_map AS
SELECT c.id AS case_id, c.household_id, pi.id AS instance_id,
       nextval(pg_get_serial_sequence('household', 'id')) AS new_household,
       nextval(pg_get_serial_sequence('case_file', 'id')) AS new_case,
       nextval(pg_get_serial_sequence('process_instance', 'id')) AS new_instance
FROM (SELECT c.*, row_number() OVER (ORDER BY c.id, g) AS n
      FROM case_file c CROSS JOIN generate_series(1, :copies) g
      WHERE c.programme_key = :programme) c
JOIN process_instance pi ON pi.case_id = c.id
WHERE c.n <= :wanted
"""
UUID = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-)[0-9a-f]{12}"


def renamed(column: str) -> str:
    """SQL renaming every task id in ``column`` for the copy ``m.new_instance``."""
    suffix = "lpad(to_hex(m.new_instance), 12, '0')"
    return f"regexp_replace({column}, '{UUID}', '\\1' || {suffix}, 'g')"


STATE, TIMER_TASK, STEP, EVENT_TASK = (renamed(column) for column in (
    "p.state", "t.task_id", "h.id", "e.task_id"))
COPIES = [
    """INSERT INTO household (id, territory_id, family_name, address, members, national_key,
                              search_text)
       SELECT m.new_household, h.territory_id, h.family_name, h.address, h.members, NULL,
              h.search_text
       FROM clone_map m JOIN household h ON h.id = m.household_id""",
    """INSERT INTO case_file (id, household_id, programme_key, territory_id, caseworker, status,
                              outcome, opened_at, closed_at, deadlines_paused_at, people,
                              municipality)
       SELECT m.new_case, m.new_household, c.programme_key, c.territory_id, c.caseworker,
              c.status, c.outcome, c.opened_at, c.closed_at, c.deadlines_paused_at, c.people,
              c.municipality
       FROM clone_map m JOIN case_file c ON c.id = m.case_id""",
    """INSERT INTO process_instance (id, case_id, definition_id, state, serializer_version,
                                     status, lock_version, updated_at)
       SELECT m.new_instance, m.new_case, p.definition_id, p.state, p.serializer_version,
              p.status, p.lock_version, p.updated_at
       FROM clone_map m JOIN process_instance p ON p.id = m.instance_id""",
    f"""UPDATE process_instance p SET state = {STATE}
        FROM clone_map m WHERE p.id = m.new_instance""",
    f"""INSERT INTO timer (instance_id, task_id, bpmn_id, kind, deadline_key, due_at)
       SELECT m.new_instance, {TIMER_TASK}, t.bpmn_id, t.kind, t.deadline_key, t.due_at
       FROM clone_map m JOIN timer t ON t.instance_id = m.instance_id""",
    f"""INSERT INTO human_task (id, instance_id, case_id, programme_key, territory_id, bpmn_id,
                               title, lane, role, form_key, deadline_key, assignee,
                               created_at, claimed_at, remind_at, due_at, escalated_at, draft)
       SELECT {STEP}, m.new_instance, m.new_case, h.programme_key, h.territory_id,
              h.bpmn_id, h.title, h.lane, h.role, h.form_key, h.deadline_key, h.assignee,
              h.created_at, h.claimed_at, h.remind_at, h.due_at, h.escalated_at, h.draft
       FROM clone_map m JOIN human_task h ON h.instance_id = m.instance_id""",
    f"""INSERT INTO event (case_id, kind, actor, at, bpmn_id, task_id, title, data, code,
                          params)
       SELECT m.new_case, e.kind, e.actor, e.at, e.bpmn_id,
              {EVENT_TASK}, e.title, e.data, e.code, e.params
       FROM clone_map m JOIN event e ON e.case_id = m.case_id""",
]
def grow(url: str, programme: str, total: int) -> int:
    """Copy the cases of ``programme`` until there are ``total``; return how many were made."""
    sql = create_engine(url)
    with sql.begin() as conn:
        have = conn.scalar(text("SELECT count(*) FROM case_file WHERE programme_key = :p"),
                           {"p": programme})
        wanted = max(total - have, 0)
        if not have or not wanted:
            return 0
        copies = -(-wanted // have)
        conn.execute(text(MAP), {"copies": copies, "programme": programme, "wanted": wanted})
        for statement in COPIES:
            conn.execute(text(statement))
    with sql.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    sql.dispose()
    return wanted
