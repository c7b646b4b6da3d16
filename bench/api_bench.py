"""API benchmark: server-side time of /api/v1 requests beside the web pages they mirror.

    python bench/api_bench.py [--cases 2000] [--samples 100] [--reuse]

Seeds ``--cases`` Programa Familias cases through the engine in a fresh PostgreSQL database
(acompana_webbench, the web benchmark's seed: 5 territories, 50 caseworkers), makes a token
client with a supervisor's rights in one territory, and times inside the app (Flask test
client, no network): the case search (no filter, a name prefix, a RUT as typed), one case,
its history, a household replaced with If-Match, and a case opened with an Idempotency-Key
(and the same request replayed); the cases page of the same supervisor for comparison.
"""

import argparse
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine  # noqa: E402
from bench.web_bench import (  # noqa: E402
    bench_app,
    rut_of,
    seed,
    signed_in,
    summary,
    timed,
)
from engine.persistence.models import Case, Territory  # noqa: E402
from web.api import tokens  # noqa: E402
from web.extensions import db  # noqa: E402


def client_token(app) -> tuple[str, list[int]]:
    """A new token client supervising comuna_2, and some of its cases' ids."""
    with app.app_context(), engine.unit_of_work(db.session):
        _client, token = tokens.create_client(db.session, f"bench-{uuid.uuid4().hex[:8]}",
                                              ["comuna_2"], ["supervisor"], None, engine.SYSTEM)
        territory = db.session.scalar(select(Territory.id).where(Territory.code == "comuna_2"))
        ids = list(db.session.scalars(select(Case.id).where(Case.territory_id == territory)
                                      .order_by(Case.id).limit(200)))
    return token, ids


def creates(api, headers: dict, samples: int) -> tuple[list[float], list[float]]:
    """Open ``samples`` cases, each with its own key, then replay each key."""
    firsts, replays = [], []
    for n in range(samples):
        key = {**headers, "Idempotency-Key": uuid.uuid4().hex}
        body = {"programme": "familias", "territory": "comuna_2", "caseworker": "afi2",
                "family_name": f"Bench {n}", "members": [{"name": "Ana Bench", "age": 30}]}
        for bucket, expected in ((firsts, 201), (replays, 201)):
            started = time.perf_counter()
            answer = api.post("/api/v1/cases", json=body, headers=key)
            bucket.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == expected, answer.get_json()
    return firsts, replays


def household_puts(api, headers: dict, ids: list[int], samples: int) -> list[float]:
    results = []
    for n in range(samples):
        path = f"/api/v1/cases/{ids[n % len(ids)]}/household"
        read = api.get(path, headers=headers)
        body = {"family_name": read.get_json()["family_name"], "address": f"Calle {n}",
                "members": read.get_json()["members"]}
        started = time.perf_counter()
        answer = api.put(path, json=body, headers={**headers, "If-Match": read.headers["ETag"]})
        results.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.get_json()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--pg-admin",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    app = bench_app(args.pg_admin, args.reuse)
    app.config["API_RATE_LIMIT"] = "1000000 per minute"
    started = time.perf_counter()
    with app.app_context():
        if not args.reuse:
            seed(args.cases, args.cases)
        in_all = db.session.scalar(select(text("count(*)")).select_from(Case))
    print(f"{'reused' if args.reuse else 'seeded'} {in_all} cases in "
          f"{time.perf_counter() - started:.0f} s")
    token, ids = client_token(app)
    api, auth = app.test_client(), {"Authorization": f"Bearer {token}"}
    someone = min(args.cases - 1, 4_321) // 5 * 5 + 2
    jefe = signed_in(app, "jefe2")
    n = args.samples
    for label, call in (
            ("cases page (web), no filter", lambda: jefe.get("/cases")),
            ("GET /api/v1/cases, no filter", lambda: api.get("/api/v1/cases", headers=auth)),
            ("GET /api/v1/cases?q=gonz", lambda: api.get("/api/v1/cases?q=gonz", headers=auth)),
            ("GET /api/v1/cases?national_id=<RUT as typed>",
             lambda: api.get(f"/api/v1/cases?national_id={rut_of(someone)}", headers=auth)),
            ("GET /api/v1/cases/{id}", lambda: api.get(f"/api/v1/cases/{ids[0]}", headers=auth)),
            ("GET /api/v1/cases/{id}/history",
             lambda: api.get(f"/api/v1/cases/{ids[0]}/history", headers=auth))):
        print(summary(label, timed(call, n)))
    print(summary("PUT /api/v1/cases/{id}/household (If-Match)",
                  household_puts(api, auth, ids, n)))
    firsts, replays = creates(api, auth, n)
    print(summary("POST /api/v1/cases (Idempotency-Key)", firsts))
    print(summary("POST /api/v1/cases, the same key replayed", replays))


if __name__ == "__main__":
    main()
