"""The generated endpoint modules (generated/tinker_api/api/<tag>/<operationId>.py) against the operations.

Each module declares METHOD, PATH and OPERATION_ID, builds a call with `build_request(*, body=..., <params>)`
(httpx.Request keywords) and, when the 2xx JSON body is generated, reads it with `parse_response(data)`
(`RESPONSE` is the class when the body is a generated class). The round trip sends what `build_request`
builds through `httpx.MockTransport` and checks the request as it left the client against the contract
(method, path, parameters, headers, media type and body), then parses the mock's reply, which is a body the
contract allows for the operation's 2xx response.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .conftest import (
    SPEC,
    arg_name,
    body_strategy,
    check_body,
    check_wire_request,
    deref,
    dump_as,
    endpoint_module,
    fuzz_settings,
    is_facade,
    is_generated_class,
    iter_operations,
    json_2xx_responses,
    operation_parameters,
    operations_by_id,
    param_python_value,
    parse_as,
    python_impl,
    ref_name,
    request_media,
    send,
    wire_body,
)

ENDPOINT_EXAMPLES = 8  # per operation

OPERATIONS = sorted(operations_by_id(SPEC))
JSON_2XX = {op_id: (status, schema) for op_id, status, schema in json_2xx_responses(SPEC)}


def _params(operation_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    path, _method, op = operations_by_id(SPEC)[operation_id]
    return operation_parameters(SPEC, op, SPEC["paths"][path])


def test_one_module_per_operation():
    import tinker_api.api

    found = set()
    for tag in pkgutil.iter_modules(tinker_api.api.__path__):
        package = importlib.import_module(f"tinker_api.api.{tag.name}")
        found |= {f"{tag.name}.{m.name}" for m in pkgutil.iter_modules(package.__path__)}
    expected = {f"{op['tags'][0]}.{op['operationId']}" for _p, _m, op, _i in iter_operations(SPEC)}
    assert found == expected, f"missing {sorted(expected - found)}, unexpected {sorted(found - expected)}"


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_endpoint_module_shape(operation_id):
    path, method, op = operations_by_id(SPEC)[operation_id]
    module = endpoint_module(operation_id)
    assert (module.METHOD, module.PATH, module.OPERATION_ID) == (method.upper(), path, operation_id)

    signature = inspect.signature(module.build_request)
    kinds = {p.kind for p in signature.parameters.values()}
    assert kinds <= {inspect.Parameter.KEYWORD_ONLY}, f"build_request{signature}: positional parameters"
    required = {n for n, p in signature.parameters.items() if p.default is inspect.Parameter.empty}
    want = {arg_name(name): bool(p.get("required")) for (_loc, name), p in _params(operation_id).items()}
    if "requestBody" in op:
        want["body"] = bool(deref(SPEC, op["requestBody"]).get("required"))
    assert set(signature.parameters) == set(want), f"build_request{signature}; the contract has {want}"
    assert required == {n for n, r in want.items() if r}, f"build_request{signature}: required {sorted(required)}"

    if operation_id not in JSON_2XX:
        assert not hasattr(module, "parse_response") and not hasattr(module, "RESPONSE")
        return
    name = ref_name(JSON_2XX[operation_id][1])
    if is_facade(name):  # a hand-written SDK type: the generated layer does not read it
        assert not hasattr(module, "parse_response") and not hasattr(module, "RESPONSE"), name
        return
    assert hasattr(module, "parse_response"), f"{module.__name__}: no parse_response for its {name} body"
    if is_generated_class(python_impl(name)):
        assert getattr(module, "RESPONSE", None) is python_impl(name), f"{module.__name__}.RESPONSE != {name}"
    else:
        assert not hasattr(module, "RESPONSE"), f"{module.__name__}.RESPONSE set, but {name} is no class"


def _call_strategy(operation_id: str) -> Any:
    """(parameters by (in, name), body or None, media type or None) of one call the contract allows."""
    params = _params(operation_id)
    required = {
        k: body_strategy(f"parameter/{operation_id}/{k[0]}/{k[1]}") for k, p in params.items() if p.get("required")
    }
    optional = {
        k: body_strategy(f"parameter/{operation_id}/{k[0]}/{k[1]}") for k, p in params.items() if not p.get("required")
    }
    values = st.fixed_dictionaries(required, optional=optional)
    media = request_media(operation_id)
    bodies = []
    if "application/json" in media:
        bodies.append(st.tuples(body_strategy(f"request/{operation_id}"), st.just("application/json")))
    bodies += [st.tuples(st.binary(max_size=64), st.just(m)) for m in media if m != "application/json"]
    body = st.one_of(*bodies) if bodies else st.just((None, None))
    if bodies and not deref(SPEC, operations_by_id(SPEC)[operation_id][2]["requestBody"]).get("required"):
        body = st.one_of(st.just((None, None)), body)
    return st.tuples(values, body)


def _reply_strategy(operation_id: str) -> Any:
    if operation_id in JSON_2XX:
        status, _schema = JSON_2XX[operation_id]
        return st.tuples(st.just(int(status)), body_strategy(f"response/{operation_id}/{status}"))
    return st.just((200, None))


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_endpoint_roundtrip_through_mock_transport(operation_id):
    """build_request -> httpx.MockTransport -> parse_response, checked at both ends against the contract."""
    module = endpoint_module(operation_id)
    params = _params(operation_id)

    @given(call=_call_strategy(operation_id), reply=_reply_strategy(operation_id))
    @fuzz_settings(ENDPOINT_EXAMPLES)
    def run(call: Any, reply: Any) -> None:
        values, (body, media) = call
        kwargs = {arg_name(name): param_python_value(params[(loc, name)], v) for (loc, name), v in values.items()}
        expected_body: Any = body
        if media == "application/json":
            name = ref_name(request_media(operation_id)[media]["schema"])
            check_body(name, body)  # the body model itself (refusals included)
            try:
                kwargs["body"] = wire_body(name, body)
            except ValueError:
                return  # a body the Python layer refuses (check_body has verified it must)
            expected_body = dump_as(name, parse_as(name, body)) if not is_facade(name) else kwargs["body"]
        elif media is not None:
            kwargs["body"] = body
        status, reply_body = reply
        try:
            request, response = send(module, reply_body, status, **kwargs)
            check_wire_request(operation_id, request, values, expected_body, media)
        except Exception as exc:
            exc.add_note(f"build_request arguments: {kwargs!r}")
            raise
        assert response.status_code == status
        if hasattr(module, "parse_response"):
            check_body(ref_name(JSON_2XX[operation_id][1]), response.json(), module.parse_response)

    run()


# --------------------------------------------------------------------------------------------- the checks can fail


@pytest.mark.parametrize(
    ("method", "url", "headers", "content", "message"),
    [
        ("GET", "/api/v1/sessions/S", {}, b"", "sent GET, expected PUT"),
        ("PUT", "/api/v1/sessions/a?b=1/project", {}, b'{"project_id":"P"}', "does not have the segments"),
        (
            "PUT",
            "/api/v1/sessions/S/project?limit=1",
            {"content-type": "application/json"},
            b'{"project_id":"P"}',
            "query parameter limit is not declared",
        ),
        (
            "PUT",
            "/api/v1/sessions/S/project",
            {"content-type": "text/plain"},
            b'{"project_id":"P"}',
            "JSON body sent as 'text/plain'",
        ),
        (
            "PUT",
            "/api/v1/sessions/S/project",
            {"content-type": "application/json"},
            b'{"project_id":""}',
            r"\$\(request body\).project_id",
        ),
        (
            "PUT",
            "/api/v1/sessions/S%2F/project",
            {"content-type": "application/json"},
            b'{"project_id":"P"}',
            "decodes to 'S/'",
        ),
    ],
)
def test_wire_check_catches_wrong_requests(method, url, headers, content, message):
    import httpx

    from .conftest import BASE_URL

    request = httpx.Request(method, BASE_URL + url, headers=headers, content=content)
    with pytest.raises(AssertionError, match=message):
        check_wire_request(
            "assign_session_project", request, {("path", "session_id"): "S"}, {"project_id": "P"}, "application/json"
        )
