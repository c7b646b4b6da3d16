"""Fixtures for integration tests that need Redis or a mail server."""

import socket
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from redis import Redis

import engine
from engine import unit_of_work
from tests.conftest import FIXTURES
from tests.integration.test_rq_sweep import REDIS_URL

MINI_START = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def redis():
    """The real Redis on this machine (a test database, emptied before and after)."""
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port: ``(port, received)``, the messages it got."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


@pytest.fixture
def mini_cases(session, fixture_forms, caseworker):
    """The small ``mini`` test process deployed; ``make(count)`` starts that many of its
    cases (Ana's, in Antofagasta) on 2 March 2026 at noon UTC."""
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez")

    def make(count: int) -> None:
        for _ in range(count):
            with unit_of_work(session):
                engine.start_case(session, command, caseworker, MINI_START)

    return make
