"""rq cron configuration: ``rq cron web/cron_config.py`` enqueues the timer sweep."""

import os

from rq import cron

from web.jobs import QUEUE, send_daily_digest, sweep_timers

SWEEP_SECONDS = int(os.environ.get("ACOMPANA_SWEEP_SECONDS", "5"))

cron.register(sweep_timers, queue_name=QUEUE, interval=SWEEP_SECONDS, job_timeout=600,
              result_ttl=600, name="timer-sweep")
cron.register(send_daily_digest, queue_name=QUEUE, cron="0 7 * * *", name="daily-digest")
