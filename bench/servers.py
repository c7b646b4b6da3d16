"""The production web server for benchmarks: ``gunicorn -w N wsgi:app`` on a free local port."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int = 4, **environment: str) -> Iterator[str]:
    """Serve the app on ``database_url`` with ``workers`` gunicorn workers (no Redis: the
    timers are not what is measured); yields the base URL once it answers ``/healthz``."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ACOMPANA_INSECURE_COOKIES": "1",
           "PYTHONPATH": str(ROOT), **environment}
    env.pop("REDIS_URL", None)
    argv = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
            "--log-level", "warning", "wsgi:app"]
    server = subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        with contextlib.suppress(OSError):
            if Browser(base).get("/healthz").status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


class Response:
    """What came back: status, headers, body text."""

    def __init__(self, status: int, headers: dict[str, str], text: str):
        self.status, self.headers, self.text = status, headers, text

    @property
    def location(self) -> str | None:
        """Where a redirect points (its path)."""
        target = self.headers.get("location")
        return None if target is None else urlsplit(target).path or "/"


class Browser:
    """One person's HTTP/1.1 keep-alive connection with its cookies, as a browser has
    (the standard library's client: nothing between the bench and the wire)."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Response:
        """``GET path``."""
        return self._send("GET", path, None)

    def post(self, path: str, form: dict[str, str]) -> Response:
        """``POST path`` with a url-encoded form."""
        return self._send("POST", path, urlencode(form))

    def _send(self, method: str, path: str, body: str | None) -> Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        reply = self.connection.getresponse()
        text = reply.read().decode("utf-8", "replace")
        for header in reply.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, text)
