"""The scheduler enqueues sweeps and digests without piling them up, and outlives a Redis
outage: each tick is given its moment (no sleeping), against a redis-server of its own."""

import logging
from datetime import datetime, time, timedelta

import pytest
from redis import Redis
from rq import Queue

from tests.integration.redis_server import RedisServer
from web.scheduler import DIGEST, SWEEP, Scheduler

T0 = datetime(2026, 3, 2, 6, 59, 50).astimezone()  # server local time, as the digest hour is
NOON = datetime(2026, 3, 2, 12).astimezone()


@pytest.fixture
def server():
    redis = RedisServer().start()
    yield redis
    redis.kill()


def scheduler_on(server: RedisServer, beats: list | None = None) -> Scheduler:
    redis = Redis.from_url(server.url, socket_connect_timeout=0.5, socket_timeout=1)
    return Scheduler(redis, "acompana", sweep_seconds=5, digest_at=time(7, 0), max_backoff=8,
                     heartbeat=None if beats is None else beats.append)


def waiting(server: RedisServer) -> list[str]:
    queue = Queue("acompana", connection=Redis.from_url(server.url))
    return [job.func_name for job in queue.get_jobs()]


def test_a_sweep_at_once_then_every_five_seconds(server):
    scheduler = scheduler_on(server)
    assert scheduler.tick(T0) == 5
    assert waiting(server) == [SWEEP]
    Queue("acompana", connection=Redis.from_url(server.url)).empty()  # a worker took it
    assert scheduler.tick(T0 + timedelta(seconds=2)) == 3
    assert waiting(server) == []
    scheduler.tick(T0 + timedelta(seconds=5))
    assert waiting(server) == [SWEEP]


def test_with_no_worker_running_only_one_sweep_waits(server):
    scheduler = scheduler_on(server)
    for second in range(0, 60, 5):
        scheduler.tick(T0 + timedelta(seconds=second))
    assert waiting(server).count(SWEEP) == 1


def test_the_digest_is_enqueued_once_at_seven_even_by_two_schedulers(server):
    first, second = scheduler_on(server), scheduler_on(server)
    first.tick(T0)
    second.tick(T0)
    assert DIGEST not in waiting(server)
    first.tick(T0 + timedelta(seconds=11))
    second.tick(T0 + timedelta(seconds=12))
    first.tick(T0 + timedelta(seconds=16))
    assert waiting(server).count(DIGEST) == 1
    assert first.next_digest == (T0 + timedelta(days=1, seconds=10))


def test_an_outage_backs_off_logs_once_and_catches_up_at_once(server, caplog):
    beats = []
    scheduler = scheduler_on(server, beats)
    moment = NOON
    wait = scheduler.tick(moment)
    server.kill()
    waits = []
    with caplog.at_level(logging.INFO, logger="acompana.scheduler"):
        for _ in range(6):  # each tick at the moment the previous one asked for
            moment += timedelta(seconds=wait)
            wait = scheduler.tick(moment)
            waits.append(wait)
        server.start()  # same port, empty: the sweep queued before the crash is gone
        moment += timedelta(seconds=wait)
        assert scheduler.tick(moment) == 5
    assert waits == [1, 2, 4, 8, 8, 8]
    assert waiting(server) == [SWEEP]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3, lines
    assert lines[0].startswith("Redis unreachable (ConnectionError")
    assert lines[1] == "Redis reachable again after 31 s (6 failed attempts)"
    assert "catch up" in lines[2]
    assert beats == [NOON, moment]  # no heartbeat while Redis was away


def test_a_long_outage_is_recalled_every_five_minutes_not_every_attempt(server, caplog):
    scheduler = scheduler_on(server)
    server.kill()
    with caplog.at_level(logging.INFO, logger="acompana.scheduler"):
        for second in range(0, 900, 8):
            scheduler.tick(NOON + timedelta(seconds=second))
    assert [r.levelname for r in caplog.records] == ["WARNING", "ERROR", "ERROR"]


def test_a_database_failure_of_the_heartbeat_does_not_stop_the_sweeps(server, caplog):
    def broken(_moment):
        raise OSError("database down")

    scheduler = scheduler_on(server)
    scheduler.heartbeat = broken
    with caplog.at_level(logging.INFO, logger="acompana.scheduler"):
        scheduler.tick(NOON)
        scheduler.tick(NOON + timedelta(seconds=5))
    assert waiting(server) == [SWEEP]
    assert [r.getMessage() for r in caplog.records] == [
        "Database unreachable (OSError: database down); retrying with back-off"]


def hourly_with_timers(server: RedisServer, *dues: datetime) -> Scheduler:
    """A scheduler whose safety-net sweep is an hour away, over a timer index holding
    ``dues`` (what engine.next_due_after reads from the database in production)."""
    scheduler = scheduler_on(server)
    scheduler.sweep_seconds = 3600
    scheduler.next_due = lambda moment: min((d for d in dues if d > moment), default=None)
    return scheduler


def test_the_next_sweep_is_when_the_next_timer_falls_due_not_the_fixed_interval(server):
    scheduler = hourly_with_timers(server, NOON + timedelta(seconds=2.5))
    assert scheduler.tick(NOON) == 2.5
    Queue("acompana", connection=Redis.from_url(server.url)).empty()  # a worker took it
    assert scheduler.tick(NOON + timedelta(seconds=1)) == 1.5
    assert waiting(server) == []
    assert scheduler.tick(NOON + timedelta(seconds=2.5)) == 3600  # no timer after it
    assert waiting(server) == [SWEEP]


def test_timers_due_in_a_crowd_are_swept_at_most_five_times_a_second(server):
    scheduler = hourly_with_timers(server, *(NOON + timedelta(milliseconds=ms)
                                             for ms in range(10, 5000, 10)))
    assert scheduler.tick(NOON) == 0.2


def test_an_announced_timer_brings_the_next_sweep_forward(server):
    scheduler = hourly_with_timers(server)
    assert scheduler.tick(NOON) == 3600
    scheduler.wake(NOON + timedelta(seconds=3))
    assert scheduler.tick(NOON + timedelta(seconds=1)) == 2
    scheduler.wake(NOON + timedelta(seconds=30))  # later than planned: changes nothing
    assert scheduler.tick(NOON + timedelta(seconds=1)) == 2
    scheduler.wake(NOON)  # already due, but the last sweep was a moment ago
    assert scheduler.next_sweep == NOON + timedelta(seconds=0.2)


def test_without_the_timer_index_the_fixed_sweep_goes_on_and_says_so(server, caplog):
    def unreadable(_moment):
        raise OSError("database down")

    scheduler = scheduler_on(server)
    scheduler.next_due = unreadable
    with caplog.at_level(logging.INFO, logger="acompana.scheduler"):
        assert scheduler.tick(NOON) == 5
        assert scheduler.tick(NOON + timedelta(seconds=5)) == 5
    assert [r.getMessage() for r in caplog.records] == [
        "Database unreachable (OSError: database down); retrying with back-off"]
