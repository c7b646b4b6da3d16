"""A worker going idle while Redis is away stays alive: rq records the idle state outside its
reconnecting loop, so a Redis lost right after a job used to end the worker ("found an
unhandled exception, quitting") and every deadline waited for someone to restart it."""

import socket

from redis import Redis

from tests.workers import redis_test_url
from web.worker import Worker


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe closes


def test_recording_the_idle_state_without_redis_does_not_end_the_worker():
    worker = Worker(["acompana-nowhere"], connection=Redis.from_url(redis_test_url()))
    worker.connection = Redis(host="127.0.0.1", port=_closed_port(), socket_connect_timeout=1)
    assert worker.set_state("idle") is None  # Redis is gone: no ConnectionError escapes
