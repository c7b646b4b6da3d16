"""Logging for operations: the ``acompana`` loggers write one line per event to standard output.

The same set-up runs in the web app, the scheduler and rq workers (each builds the app with
:func:`web.create_app`). ``ACOMPANA_LOG_FORMAT=json`` writes JSON lines (``time``, ``level``,
``logger``, ``message``, and ``exception`` with the traceback) for a log collector; otherwise
a plain line. If the host process has configured logging already (a root handler, as
``gunicorn --log-config`` or pytest install), records go there instead, so nothing is
written twice.
"""

import json
import logging
import os
import sys
from datetime import UTC, datetime

ROOT_LOGGER = "acompana"


class StdoutHandler(logging.StreamHandler):
    """A stream handler that writes to whatever ``sys.stdout`` is at the time."""

    def __init__(self):
        super().__init__(sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": _timestamp(record), "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class LineFormatter(logging.Formatter):
    """``time LEVEL logger: message``, a traceback kept on the same line."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += " | " + self.formatException(record.exc_info).replace("\n", " | ")
        return line


def configure(log_format: str | None = None) -> logging.Logger:
    """Send the ``acompana`` loggers (level INFO) to standard output, once per process."""
    logger = logging.getLogger(ROOT_LOGGER)
    logger.setLevel(logging.INFO)
    if logging.getLogger().handlers:
        return logger  # the host configured logging: propagate to it, add nothing
    chosen = (log_format or os.environ.get("ACOMPANA_LOG_FORMAT", "text")).lower()
    formatter = JsonFormatter() if chosen == "json" else LineFormatter()
    handler = next((h for h in logger.handlers if isinstance(h, StdoutHandler)), None)
    if handler is None:
        handler = StdoutHandler()
        logger.addHandler(handler)
    handler.setFormatter(formatter)
    logger.propagate = False  # a root handler added later must not print our lines again
    return logger
