"""schemathesis against the schema each example app serves: requests
generated from `/openapi.json` (valid data, a bounded number per
operation, derandomized so a run is repeatable) must get no server error
and answers that conform to the schema (the body to the documented
response schema of its status, with the documented media type), unless
FastAPI answers the same request identically: then it is the app's doing
(a handler that raises, FastAPI's own undocumented answers), and the
request is one more differential case."""

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

# Not examples/models: its `/models?count=N` builds a list of N models, and
# schemathesis asks for a very large N (FastAPI would build it too).
EXAMPLES = ["hello", "items", "params", "bodies", "inputs", "outputs", "choices", "async_app"]
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
#: Operations left out: they wait or work as long as the request asks (one
#: event loop serves every request, so a large `n` holds the next ones, as
#: under uvicorn), or answer with any status code the request names (hyper
#: refuses to write one outside 100-999; uvicorn writes it).
SKIPPED = {"async_app": ["/sleep/{ms}", "/gather", "/async-error"], "inputs": ["/response"]}
#: What a request to FastAPI's TestClient takes of schemathesis's request.
REQUEST = ("method", "url", "headers", "params", "cookies", "json", "data", "files")


@pytest.mark.parametrize("example", EXAMPLES)
def test_generated_requests_conform(server, reference, example):
    running = server(example)
    base_url = f"http://{running.address}"
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
    for path in SKIPPED.get(example, []):
        schema = schema.exclude(path=path)
    fastapi = reference(example)
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=10,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        def check(case):
            ours = case.call(base_url=base_url)
            try:
                case.validate_response(ours, checks=CHECKS)
            except FailureGroup:
                kwargs = case.as_transport_kwargs(base_url="http://testserver")
                theirs = fastapi.request(**{key: value for key, value in kwargs.items() if key in REQUEST})
                assert (ours.status_code, ours.content) == (theirs.status_code, theirs.content), (
                    "turbo fails a check where FastAPI's answer differs"
                )

        check()
        tested += 1
    documented = sum(len(methods) for methods in running.client.get("/openapi.json").json()["paths"].values())
    assert tested == documented - sum(len(paths) for name, paths in SKIPPED.items() if name == example)
