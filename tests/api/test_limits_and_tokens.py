"""Each client's rate limit (429 problem+json with Retry-After, another client unaffected),
and the command line that creates, lists and revokes clients (the token printed once)."""

import re

from web.api.models import ApiClient
from web.extensions import db


def test_over_its_rate_limit_a_client_gets_429_and_the_others_do_not(web_app, api_as):
    web_app.config["API_RATE_LIMIT"] = "3 per minute"
    noisy, quiet = api_as("noisy"), api_as("quiet")
    answers = [noisy.get("/api/v1/territories").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = noisy.get("/api/v1/territories", headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["code"] == "api.rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert quiet.get("/api/v1/territories").status_code == 200


def test_tokens_are_created_listed_and_revoked_from_the_command_line(web_app):
    runner = web_app.test_cli_runner()
    made = runner.invoke(args=["tokens", "create", "registro-civil", "--territory",
                               "antofagasta", "--role", "supervisor", "--expires",
                               "2099-12-31"])
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    assert re.fullmatch(r"acp_[A-Za-z0-9_-]{40,}", token)
    client = web_app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/territories", headers=auth).status_code == 200
    listed = runner.invoke(args=["tokens", "list"])
    assert "registro-civil\tactive" in listed.output and token not in listed.output
    assert "expires 2099-12-31" in listed.output and "last used 20" in listed.output
    assert runner.invoke(args=["tokens", "revoke", "registro-civil"]).exit_code == 0
    assert client.get("/api/v1/territories", headers=auth).status_code == 401
    assert "registro-civil\trevoked" in runner.invoke(args=["tokens", "list"]).output


def test_a_bad_client_is_refused_by_the_command_line_and_nothing_is_kept(web_app):
    runner = web_app.test_cli_runner()
    for args in (["Bad Name", "--territory", "antofagasta", "--role", "supervisor"],
                 ["ok", "--territory", "atlantis", "--role", "supervisor"],
                 ["ok", "--territory", "antofagasta", "--role", "supervisor",
                  "--expires", "2001-01-01"],
                 ["ok", "--territory", "antofagasta", "--role", "supervisor",
                  "--expires", "soon"]):
        answer = runner.invoke(args=["tokens", "create", *args])
        assert answer.exit_code != 0 and "Traceback" not in answer.output
    with web_app.app_context():
        assert db.session.query(ApiClient).count() == 0
