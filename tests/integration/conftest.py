"""Fixtures for integration tests that need Redis."""

import pytest
from redis import Redis

from tests.integration.test_rq_sweep import REDIS_URL


@pytest.fixture
def redis():
    """The real Redis on this machine (a test database, emptied before and after)."""
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
