"""The app as gunicorn serves it for bench/api_tasks_bench.py: the deployed configuration (the
database from ``DATABASE_URL``), with an API rate limit the benchmark never reaches."""

from web import create_app

app = create_app({"API_RATE_LIMIT": "1000000 per minute"})
