"""Fixtures for integration tests that need Redis or a mail server."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from redis import Redis

from tests.integration.test_rq_sweep import REDIS_URL


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
