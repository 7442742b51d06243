"""The open-data API under schemathesis: generated requests against every operation of
/api/v1/openapi.json, in-process through the WSGI application, with the real archive loaded.
No request may give a server error or a response that breaks the published schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from kommunpris.api.urls import api
from kommunpris.awards.models import Award
from kommunpris.wsgi import application

# The document /api/v1/openapi.json serves, made without a request: every public answer reads the
# data version from the database (kommunpris.web.freshness), which collection may not touch.
# Every generated request then goes through the whole WSGI application.
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
)
schema.app = application
schema.location = "/api/v1/openapi.json"


@pytest.fixture
def loaded_archive(archive: Award) -> Iterator[Award]:
    """The archive, with requests kept on the test's database connection.

    Called directly, the WSGI application closes the database connection after each request
    (close_old_connections), which would end the test's transaction; Django's own test client
    disconnects the same two signals.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield archive
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_operation_holds_its_schema(case: Any, loaded_archive: Award) -> None:
    # Answers come compressed to clients that take gzip; schemathesis' WSGI client would read
    # the compressed bytes as they are.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
