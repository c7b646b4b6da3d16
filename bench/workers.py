"""Real rq worker and scheduler processes for benchmarks, on a shifted clock.

Their output is dropped unless ``ACOMPANA_BENCH_LOGS`` names a folder: then each process
writes its log lines to ``<folder>/<module>-<n>.log``."""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from redis import Redis

from web.jobs import WORKER_CLASS

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("ACOMPANA_BENCH_REDIS", "redis://127.0.0.1:6379/14")
QUEUE = "acompana"


class Processes:
    """rq processes started with one clock offset; ``stop`` kills them and their children."""

    def __init__(self, database_url: str, offset_seconds: float):
        Redis.from_url(REDIS_URL).flushdb()
        self.env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT),
                    "REDIS_URL": REDIS_URL}
        self.offset = offset_seconds
        self.running: list[subprocess.Popen] = []

    def worker(self, burst: bool = False) -> None:
        """One ``rq worker acompana -w web.worker.Worker`` (the production command)."""
        self._start("worker", "--worker-class", WORKER_CLASS, QUEUE,
                    *(["--burst"] if burst else []))

    def cron(self) -> None:
        """``python -m web.scheduler``: the timer sweep every few seconds."""
        self._run("web.scheduler")

    def _start(self, command: str, *args: str) -> None:
        self._run("rq.cli", command, "--url", REDIS_URL, *args)

    def _run(self, module: str, *args: str) -> None:
        argv = [sys.executable, str(ROOT / "bench" / "shifted.py"), str(self.offset), module,
                *args]
        output = self._log(module)
        self.running.append(subprocess.Popen(argv, env=self.env, cwd=ROOT,
                                             start_new_session=True,
                                             stdout=output, stderr=subprocess.STDOUT))

    def _log(self, module: str):
        folder = os.environ.get("ACOMPANA_BENCH_LOGS")
        if not folder:
            return subprocess.DEVNULL
        Path(folder).mkdir(parents=True, exist_ok=True)
        return open(Path(folder) / f"{module}-{len(self.running)}.log", "ab")  # noqa: SIM115

    def stop(self) -> None:
        """SIGKILL every process group (a killed sweep loses nothing: the database decides)."""
        for process in self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.running.clear()
