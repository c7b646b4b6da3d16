"""The SQL statements one request runs, timed, and their plans (EXPLAIN ANALYZE, BUFFERS)."""

import time
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def recorded(engine):
    """Record ``(milliseconds, statement, parameters)`` of every statement run on ``engine``
    inside the block, into the list it yields."""
    found: list[tuple[float, str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        spent = (time.perf_counter() - conn.info.pop("bench_started")) * 1000
        found.append((spent, statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def plans(engine, found, top: int = 2, indent: str = "    ") -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the ``top`` slowest SELECTs of ``found``."""
    selects = sorted((f for f in found if f[1].lstrip().upper().startswith(("SELECT", "WITH"))),
                     key=lambda f: -f[0])[:top]
    lines = []
    with engine.connect() as conn:
        for spent, statement, parameters in selects:
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                        parameters).scalars().all()
            conn.rollback()
            head = " ".join(statement.split())
            lines.append(f"{indent}-- {spent:.1f} ms: {head[:300]}{'…' if len(head) > 300 else ''}")
            lines += [indent + row for row in plan]
    return "\n".join(lines)


def statement_summary(found) -> str:
    """How many statements and how long they took in all."""
    return f"{len(found)} statements, {sum(f[0] for f in found):.1f} ms in SQL"
