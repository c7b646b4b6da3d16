"""Log lines for operations: one line per event, JSON when asked, tracebacks included."""

import json
import logging
import sys

from web.logs import JsonFormatter, LineFormatter


def record_with_traceback() -> logging.LogRecord:
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        return logging.LogRecord("acompana.errors", logging.ERROR, __file__, 1,
                                 "GET %s failed", ("/cases/1",), sys.exc_info())


def test_a_json_line_carries_the_event_and_its_traceback():
    line = JsonFormatter().format(record_with_traceback())
    assert "\n" not in line
    event = json.loads(line)
    assert (event["level"], event["logger"], event["message"]) == (
        "ERROR", "acompana.errors", "GET /cases/1 failed")
    assert event["exception"].startswith("Traceback") and "ValueError: bad" in event["exception"]
    assert event["time"].endswith("+00:00")


def test_a_plain_line_keeps_the_traceback_on_the_same_line():
    line = LineFormatter().format(record_with_traceback())
    assert "\n" not in line
    assert " ERROR acompana.errors: GET /cases/1 failed | Traceback" in line
