"""Run a Python module with the clock moved by a number of seconds (it keeps ticking).

    python bench/shifted.py SECONDS rq.cli worker ...

Benchmarks use it to run real ``rq`` workers and the scheduler "later" than now, so timers
seeded for a given moment fall due while they watch. Every process started with the same
offset shares one shifted clock.
"""

import runpy
import sys
import time
from datetime import UTC, datetime

import time_machine


def main() -> None:
    offset, module, *args = sys.argv[1:]
    time_machine.travel(datetime.fromtimestamp(time.time() + float(offset), UTC),
                        tick=True).start()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
