"""The rq worker class production runs (``rq worker acompana -w web.worker.Worker``).

It is rq's ``SimpleWorker`` (jobs run in the worker process, the app stays warm) that also
outlives Redis going away while it finishes a job. rq 3.0 reconnects an idle worker by
itself, but a connection error raised while it records a job's end escapes its work loop
and the process exits ("found an unhandled exception, quitting"), so every deadline would wait
for someone to restart it. Here such an error is logged once, the worker waits for Redis with
back-off, and goes back to taking jobs. The job's own work is already in the database (the
sweep commits case by case); only its record in Redis is lost, and the sweep is idempotent.
"""

import contextlib
import logging
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq.worker import SimpleWorker

from . import logs

LOST = (RedisConnectionError, RedisTimeoutError)
log = logging.getLogger("acompana.worker")


class Worker(SimpleWorker):
    """``SimpleWorker`` that waits for Redis instead of exiting when it disappears mid-job."""

    max_redis_wait = 10.0  # seconds between reconnection attempts, at most

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        logs.configure()  # our lines reach stdout before the first job builds the app

    def execute_job(self, job, queue):
        """Run the job; if Redis goes away meanwhile, wait for it and carry on."""
        try:
            return super().execute_job(job, queue)
        except LOST as error:
            log.warning("Redis lost while finishing job %s (%s: %s); waiting for it",
                        job.id, type(error).__name__, error)
            self.wait_for_redis()
            return None

    def wait_for_redis(self) -> None:
        """Block until Redis answers again (or a stop is requested)."""
        wait, attempts = 1.0, 0
        while not self._stop_requested:
            try:
                self.connection.ping()
            except LOST:
                attempts += 1
                time.sleep(wait)
                wait = min(self.max_redis_wait, wait * 2)
            else:
                log.warning("Redis reachable again after %d attempts; taking jobs", attempts)
                return

    def heartbeat(self, *args, **kwargs):
        """rq's heartbeat; without Redis, skip it (dequeueing waits for Redis with back-off)."""
        try:
            return super().heartbeat(*args, **kwargs)
        except LOST:
            return None

    def set_state(self, state, pipeline=None):
        """rq's record of the worker's state; without Redis, skip it: rq sets the state
        outside its reconnecting loop (going idle right after a job), so a Redis gone at that
        moment would end the worker; the next state change writes it again."""
        with contextlib.suppress(*LOST):
            return super().set_state(state, pipeline)
        return None

    def check_for_suspension(self, burst: bool) -> None:
        """rq's suspension check; without Redis, leave the waiting to dequeueing."""
        with contextlib.suppress(*LOST):
            super().check_for_suspension(burst)

    def run_maintenance_tasks(self) -> None:
        """rq's registry clean-up; without Redis, it waits for the next round."""
        with contextlib.suppress(*LOST):
            super().run_maintenance_tasks()
