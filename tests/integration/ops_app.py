"""The production app plus test-only routes that fail or report an incident, for serving
with gunicorn in tests/integration/test_logging.py (never imported by the app itself)."""

import logging

from web import create_app

app = create_app()


@app.get("/test-only/crash")
def crash():
    """An unhandled exception, as a bug would raise."""
    raise RuntimeError("boom")


@app.get("/test-only/incident")
def incident():
    """A line on the incidents logger, as the sweep writes when a timer fails."""
    logging.getLogger("acompana.incidents").warning("incident opened: case 7, timer T1")
    return "logged"
