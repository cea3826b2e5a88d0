"""The request log line, the request id, and the pages shown when something fails."""

import io
import logging
import re

import pytest
from django.db import OperationalError, connection
from django.test import Client

from config.logging import OneLineFormatter
from consultations.tests.factories import HearingFactory

LINE = re.compile(
    r"INFO hearings\.requests (?P<method>\S+) (?P<path>\S+) (?P<status>\d{3}) \d+ms "
    r"id=(?P<id>\S+) ip=(?P<ip>\S*)"
)


@pytest.fixture
def request_log():
    """What the request logger writes, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("hearings.requests")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def lines(stream):
    return stream.getvalue().splitlines()


def test_every_response_carries_a_request_id_and_one_log_line(client, request_log):
    response = client.get("/healthz")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = lines(request_log)
    assert LINE.fullmatch(line).groupdict() == {
        "method": "GET",
        "path": "/healthz",
        "status": "200",
        "id": request_id,
        "ip": "127.0.0.1",
    }
    assert client.get("/healthz")["X-Request-ID"] != request_id


def test_a_plain_incoming_request_id_is_kept_and_a_forged_one_replaced(client, request_log):
    assert client.get("/healthz", headers={"X-Request-ID": "proxy-1234abcd"})["X-Request-ID"] == (
        "proxy-1234abcd"
    )
    forged = client.get("/healthz", headers={"X-Request-ID": "abcdefgh\r\nINFO forged"})
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])
    assert len(lines(request_log)) == 2


@pytest.mark.django_db
def test_line_breaks_in_the_path_cannot_forge_a_log_line(client, request_log):
    response = client.get("/contributions/x%0D%0AINFO hearings.requests GET /admin/ 200/")
    assert response.status_code == 404
    [line] = lines(request_log)
    assert "/contributions/x\\r\\nINFO hearings.requests GET /admin/ 200/ 404 " in line


@pytest.mark.django_db
def test_no_email_address_query_string_or_body_in_the_log(client, request_log):
    client.get("/contributions/ana@example.org/?q=ana@example.org&name=Ana")
    client.post("/i18n/setlang/", {"language": "fr", "email": "ana@example.org"})
    log = request_log.getvalue()
    assert "ana@example.org" not in log
    assert "name=Ana" not in log
    assert "GET /contributions/[email]/ 404 " in lines(request_log)[0]


def fail_every_query(error):
    def wrapper(execute, sql, params, many, context):
        raise error

    return wrapper


@pytest.mark.django_db
def test_an_unreachable_database_gives_a_friendly_503(request_log):
    HearingFactory(slug="geneva")
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(
        fail_every_query(OperationalError("connection to server failed"))
    ):
        response = client.get("/hearings/geneva/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "The site is briefly unavailable" in page
    assert f"<code>{response['X-Request-ID']}</code>" in page
    assert "connection to server failed" not in page
    assert " 503 " in lines(request_log)[0]


@pytest.mark.django_db
def test_any_other_error_shows_the_request_id_on_the_500_page():
    HearingFactory(slug="geneva")
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(fail_every_query(RuntimeError("unexpected"))):
        response = client.get("/hearings/geneva/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert f"<code>{response['X-Request-ID']}</code>" in page
    assert "unexpected" not in page
