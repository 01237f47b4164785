"""Chaos through the control API: a transparent interceptor on a dependency's port, faults, graceful answers."""

import json
import os
import time
import urllib.error
import urllib.request

import pytest
import requests

CONTROL_URL = os.environ.get("CHAOS_CONTROL_URL", "http://127.0.0.1:7070").rstrip("/")


def _control(method, path, body=None):
    """Calls the control API; returns (status, parsed JSON or None, text)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"} if data is not None else {}
    token = os.environ.get("CHAOS_TOKEN")
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(CONTROL_URL + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return status, parsed, text


def _error_of(parsed, text):
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), str):
        return parsed["error"]
    return text.strip().splitlines()[0] if text.strip() else "no message"


class _StartOver(Exception):
    pass


class Dependency:
    """A transparent interceptor on a dependency's port; every fault injected through it is removed on close."""

    def __init__(self, label, env_var, recorded):
        self.label = label
        address = os.environ.get(env_var, recorded)
        self.port = int(address.rsplit(":", 1)[-1])
        self.id = None
        self.started_over = False
        try:
            urllib.request.urlopen(CONTROL_URL + "/v1/health", timeout=5).close()
        except (OSError, ValueError) as e:
            pytest.skip("the control API at " + CONTROL_URL + " is not reachable (" + str(e)
                        + "): start it with 'chaos-testing serve' or set CHAOS_CONTROL_URL")
        status, parsed, text = _control("POST", "/v1/interceptors", {"port": self.port, "transparent": True})
        if status in (401, 403, 500):
            pytest.skip("the control API refused a transparent interceptor on port " + str(self.port)
                        + " (" + label + "): " + _error_of(parsed, text))
        assert status == 201, ("creating a transparent interceptor on port " + str(self.port) + " (" + label
                               + ") answered " + str(status) + ": " + _error_of(parsed, text))
        self.id = parsed["id"]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def run(self, body):
        """Runs the test's body, and once more when a step that builds state answers 5xx (see setup)."""
        try:
            body()
        except _StartOver:
            self.started_over = True
            body()

    def setup(self, reply):
        """A reply to a request that builds state. The first time one answers 5xx, the test starts over with new
        values: a service may reuse a connection to its dependency that an earlier interceptor closed, and fail
        that one call."""
        if reply.response.status_code >= 500 and not self.started_over:
            raise _StartOver()
        return reply

    def inject(self, spec_json):
        status, parsed, text = _control("POST", "/v1/interceptors/" + self.id + "/faults", json.loads(spec_json))
        assert status == 201, "injecting " + spec_json + " answered " + str(status) + ": " + _error_of(parsed, text)

    def connections(self):
        """Connections the service opened through the interceptor so far."""
        status, parsed, _ = _control("GET", "/v1/interceptors/" + self.id + "/stats")
        return parsed.get("connections", 0) if status == 200 and isinstance(parsed, dict) else 0

    def close(self):
        if self.id is not None:
            _control("DELETE", "/v1/interceptors/" + self.id)
            self.id = None


def timed_call(within_seconds, call):
    """Runs the call with a time limit a little over the bound; returns (reply or None, elapsed seconds)."""
    started = time.monotonic()
    try:
        reply = call(within_seconds + 1.0)
    except requests.exceptions.RequestException:
        reply = None
    return reply, time.monotonic() - started


def _what(endpoint, dependency, fault):
    return endpoint + ": with " + dependency.label + " " + fault


def _passed_through(dependency, endpoint, fault):
    if dependency.connections() == 0:
        pytest.skip(_what(endpoint, dependency, fault) + ", the service made no new connection to port "
                    + str(dependency.port) + ": it reuses a connection opened before the interceptor existed"
                    + " (run the chaos tests on a freshly started service: pytest -m chaos)")


def expect_error(dependency, endpoint, fault, within_seconds, outcome):
    """The endpoint answered an error status (5xx) within the bound."""
    reply, elapsed = outcome
    what = _what(endpoint, dependency, fault)
    assert reply is not None, what + ", no answer within " + str(within_seconds + 1.0) + " s"
    status = reply.response.status_code
    if 500 <= status < 600 and elapsed <= within_seconds:
        return
    _passed_through(dependency, endpoint, fault)
    assert 500 <= status < 600, (what + ", expected an error status (5xx) but was " + str(status)
                                 + "; body: " + reply.response.text[:300])
    assert elapsed <= within_seconds, (what + ", expected an answer within " + str(within_seconds)
                                       + " s but it took " + ("%.2f" % elapsed) + " s")


def expect_answer(dependency, endpoint, fault, status, within_seconds, outcome):
    """The endpoint still answered its recorded status within the bound."""
    reply, elapsed = outcome
    what = _what(endpoint, dependency, fault)
    _passed_through(dependency, endpoint, fault)
    assert reply is not None, what + ", no answer within " + str(within_seconds + 1.0) + " s"
    actual = reply.response.status_code
    assert actual == status, (what + ", expected status " + str(status) + " but was " + str(actual)
                              + "; body: " + reply.response.text[:300])
    assert elapsed <= within_seconds, (what + ", expected an answer within " + str(within_seconds)
                                       + " s but it took " + ("%.2f" % elapsed) + " s")
