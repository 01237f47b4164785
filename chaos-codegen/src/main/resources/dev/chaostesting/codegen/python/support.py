"""HTTP client and response checks shared by the generated tests."""

import itertools
import json
import os
import random
import re
import string

import pytest
import requests

BASE_URL = os.environ.get("CHAOS_BASE_URL", @@BASE_URL@@).rstrip("/")

_RUN = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(6))
_COUNTER = itertools.count(1)
_FORMATS = {
    "uuid": re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}
_MISSING = object()


def unique(recorded):
    """A value derived from a recorded one, different on every call and every run (for unique fields)."""
    suffix = _RUN + str(next(_COUNTER))
    if recorded.upper() == recorded and recorded.lower() != recorded:
        suffix = suffix.upper()
    at = recorded.find("@")
    if at > 0:
        return recorded[:at] + "-" + suffix + recorded[at:]
    return recorded + "-" + suffix


def env(name):
    """A required environment variable (secrets are never written into the tests)."""
    value = os.environ.get(name)
    if not value:
        pytest.fail("set the environment variable " + name + " (see README.md)")
    return value


def text(value):
    """The text form of a JSON value, as it appears in a path or a header."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _type_of(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _where(path):
    return "$" + "".join("." + p for p in path)


class Api:
    """Sends requests to the service under test."""

    def __init__(self, base_url=BASE_URL):
        self.base_url = base_url
        self.session = requests.Session()

    def call(self, endpoint, method, path, headers=None, json_body=_MISSING, data=None, timeout=30):
        kwargs = {"headers": headers or {}, "timeout": timeout, "allow_redirects": False}
        if json_body is not _MISSING:
            kwargs["data"] = json.dumps(json_body).encode("utf-8")
        elif data is not None:
            kwargs["data"] = data.encode("utf-8")
        return Reply(endpoint, self.session.request(method, self.base_url + path, **kwargs))


class Reply:
    """A response and the checks the tests make on it; failures name the endpoint and the field."""

    def __init__(self, endpoint, response):
        self.endpoint = endpoint
        self.response = response
        self._json = _MISSING

    def json(self):
        if self._json is _MISSING:
            try:
                self._json = self.response.json()
            except ValueError:
                pytest.fail(self.endpoint + ": the body is not JSON: " + self.response.text[:300])
        return self._json

    def expect(self, status, media_type=None):
        actual = self.response.status_code
        assert actual == status, (
            self.endpoint + ": expected status " + str(status) + " but was " + str(actual)
            + "; body: " + self.response.text[:300]
        )
        if media_type is not None:
            content_type = self.response.headers.get("Content-Type", "")
            assert content_type.split(";")[0].strip().lower() == media_type, (
                self.endpoint + ": expected content type " + media_type + " but was " + repr(content_type)
            )
        return self

    def value(self, path):
        node = self.json()
        for i, member in enumerate(path):
            assert isinstance(node, dict) and member in node, (
                self.endpoint + ": body " + _where(path[: i + 1]) + " is missing; body: " + self.response.text[:300]
            )
            node = node[member]
        return node

    def header(self, name):
        value = self.response.headers.get(name)
        assert value is not None, self.endpoint + ": header " + name + " is missing"
        return value

    def has_type(self, path, *types):
        actual = _type_of(self.value(path))
        assert actual in types or (actual == "integer" and "number" in types), (
            self.endpoint + ": body " + _where(path) + " should be " + "|".join(types) + " but was " + actual
        )
        return self

    def equals(self, path, expected):
        actual = self.value(path)
        assert actual == expected and _type_of(actual) == _type_of(expected), (
            self.endpoint + ": body " + _where(path) + " should be " + json.dumps(expected)
            + " but was " + json.dumps(actual)
        )
        return self

    def equals_text(self, path, expected):
        actual = text(self.value(path))
        assert actual == expected, (
            self.endpoint + ": body " + _where(path) + " should be " + json.dumps(expected)
            + " but was " + json.dumps(actual)
        )
        return self

    def one_of(self, path, values):
        actual = self.value(path)
        assert actual in values, (
            self.endpoint + ": body " + _where(path) + " should be one of " + json.dumps(values)
            + " but was " + json.dumps(actual)
        )
        return self

    def has_format(self, path, fmt):
        actual = self.value(path)
        if isinstance(actual, str):
            assert _FORMATS[fmt].match(actual), (
                self.endpoint + ": body " + _where(path) + " should be a " + fmt + " but was " + json.dumps(actual)
            )
        return self
