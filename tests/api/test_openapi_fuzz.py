"""The whole API fuzzed from its own OpenAPI document (schemathesis): valid and invalid
requests of every operation, as a supervisor's token client with real cases, never answer a
server error nor anything the document does not describe (status, content type, headers,
body). Hypothesis is derandomized and the examples limited, so the run is repeatable and
short (about 10 s, 375 requests)."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE


def _fuzz(strategy, examples: int, token: str, seen: list) -> None:
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(case=strategy)
    def run(case):
        answer = case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                        checks=CHECKS)
        seen.append((case.method, case.operation.path, answer.status_code))

    run()


def test_the_api_keeps_to_its_openapi_document(web_app, make_client, start_case):
    web_app.config["API_RATE_LIMIT"] = "1000000 per minute"
    case_id = [start_case(family=family) for family in ("Rojas", "Soto")][0]
    token = make_client("fuzzer", territories=("antofagasta", "la_serena"),
                        roles=("supervisor", "manager"))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", web_app)
    seen: list = []
    _fuzz(schema.as_strategy(generation_mode=POSITIVE), 150, token, seen)
    _fuzz(schema.as_strategy(generation_mode=NEGATIVE), 100, token, seen)
    for operation in (result.ok() for result in schema.get_all_operations()):
        if "{case_id}" in operation.path:  # the real case, not only ids that do not exist
            _fuzz(operation.as_strategy(generation_mode=POSITIVE,
                                        path_parameters={"case_id": case_id}), 25, token, seen)
    reached = {(method, path) for method, path, status in seen if status < 300}
    assert ("GET", "/api/v1/cases/{case_id}") in reached
    assert ("GET", "/api/v1/cases/{case_id}/history") in reached
