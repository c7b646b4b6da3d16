"""What differs between the processes of one test run under pytest-xdist (``-n``).

PostgreSQL databases and rq queue names carry the process id already; a Redis database
cannot, so each worker takes its own: ``ACOMPANA_TEST_REDIS`` (database 15 unless set) for
the first worker or a run without xdist, the database below it for the second, and so on.
"""

import os


def worker_index() -> int:
    """0 without xdist or on worker ``gw0``, 1 on ``gw1``…"""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def redis_test_url() -> str:
    """This worker's Redis test database."""
    base = os.environ.get("ACOMPANA_TEST_REDIS", "redis://127.0.0.1:6379/15")
    server, database = base.rsplit("/", 1)
    number = int(database) - worker_index()
    if number < 0:
        raise RuntimeError(f"no Redis database for worker {worker_index()} below {base}")
    return f"{server}/{number}"
