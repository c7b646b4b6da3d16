"""Many running cases fast: copies of the rows of a few real ones (test seeds, benchmarks).

A real case (started and walked through the engine) is read once — its household, case,
process instance, open steps, timers and history — and written again ``copies`` times with
new ids in bulk inserts. Every task id (a UUID) in the saved state is replaced by a new one,
consistently in the state and in the human_task, timer and event rows, so each copy is a case
of its own the engine loads, migrates and saves like the original.
"""

import re
import uuid

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from engine.persistence.models import Base

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
T = Base.metadata.tables
HOUSEHOLD, CASE, INSTANCE = T["household"], T["case_file"], T["process_instance"]
TASK, TIMER, EVENT = T["human_task"], T["timer"], T["event"]
SERIAL = (HOUSEHOLD, CASE, INSTANCE, TIMER, EVENT)
CHUNK = 500


def _rows(conn: Connection, table, column, value) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(select(table).where(column == value)
                                                   .order_by(*table.primary_key.columns))]


def _next_id(conn: Connection, table) -> int:
    return (conn.scalar(select(func.max(table.c.id))) or 0) + 1


def copy_case(conn: Connection, case_id: int, copies: int) -> None:
    """Write ``copies`` copies of case ``case_id`` (the caller commits)."""
    case = _rows(conn, CASE, CASE.c.id, case_id)[0]
    original = {"household": _rows(conn, HOUSEHOLD, HOUSEHOLD.c.id, case["household_id"])[0],
                "case": case, "instance": _rows(conn, INSTANCE, INSTANCE.c.case_id, case_id)[0]}
    instance_id = original["instance"]["id"]
    original["tasks"] = _rows(conn, TASK, TASK.c.instance_id, instance_id)
    original["timers"] = _rows(conn, TIMER, TIMER.c.instance_id, instance_id)
    original["events"] = _rows(conn, EVENT, EVENT.c.case_id, case_id)
    ids = {table.name: _next_id(conn, table) for table in SERIAL}
    out: dict[str, list[dict]] = {table.name: [] for table in (*SERIAL, TASK)}
    for _ in range(copies):
        _one_copy(original, ids, out)
    for table in (HOUSEHOLD, CASE, INSTANCE, TASK, TIMER, EVENT):
        rows = out[table.name]
        for at in range(0, len(rows), CHUNK):
            conn.execute(insert(table), rows[at:at + CHUNK])
    if conn.dialect.name == "postgresql":  # SQLite's next id is the largest plus one
        for table in SERIAL:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                              f"(SELECT max(id) FROM {table.name}))"))


def _one_copy(original: dict, ids: dict[str, int], out: dict[str, list[dict]]) -> None:
    """The rows of one copy appended to ``out``, taking the next ids from ``ids``."""
    new = {}
    for name in ("household", "case_file", "process_instance"):
        new[name], ids[name] = ids[name], ids[name] + 1
    names: dict[str, str] = {}
    state = UUID.sub(lambda m: names.setdefault(m.group(0), str(uuid.uuid4())),
                     original["instance"]["state"])
    out["household"].append({**original["household"], "id": new["household"],
                             "national_key": None})
    out["case_file"].append({**original["case"], "id": new["case_file"],
                             "household_id": new["household"]})
    out["process_instance"].append({**original["instance"], "id": new["process_instance"],
                                    "case_id": new["case_file"], "state": state})
    out["human_task"].extend({**row, "id": names.get(row["id"], str(uuid.uuid4())),
                              "instance_id": new["process_instance"],
                              "case_id": new["case_file"]} for row in original["tasks"])
    for row in original["timers"]:
        out["timer"].append({**row, "id": ids["timer"], "instance_id": new["process_instance"],
                             "task_id": names.get(row["task_id"], row["task_id"])})
        ids["timer"] += 1
    for row in original["events"]:
        out["event"].append({**row, "id": ids["event"], "case_id": new["case_file"],
                             "task_id": names.get(row["task_id"], row["task_id"])})
        ids["event"] += 1
