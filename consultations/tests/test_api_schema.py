"""The OpenAPI schema and its documentation page."""

import pytest
import yaml
from openapi_spec_validator import validate

from stakeholders.tests.api_support import fresh_throttle  # noqa: F401

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert sorted(p for p in schema["paths"] if p.count("/") == 4) == [
        "/api/v1/contributions/",
        "/api/v1/hearings/",
        "/api/v1/open-data/",
        "/api/v1/organizations/",
        "/api/v1/people/",
        "/api/v1/processes/",
        "/api/v1/registrations/",
        "/api/v1/segments/",
    ]
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/registrations/{id}/decide/" in schema["paths"]
    assert "/api/v1/contributions/{reference}/moderate/" in schema["paths"]
    assert "/api/v1/hearings/{slug}/speakers/" in schema["paths"]
    hearing = schema["components"]["schemas"]["Hearing"]["properties"]
    for name in [
        "url",
        "slug",
        "title",
        "date",
        "venue",
        "process",
        "published",
        "capacity",
        "registration_opens",
        "registration_closes",
        "contributions_open",
        "contributions_close",
        "segments",
    ]:
        assert name in hearing, name
    assert "author_email" not in schema["components"]["schemas"]["Contribution"]["properties"]
    regions = schema["components"]["schemas"]["SubDiscussion"]["properties"]["regions"]
    assert regions["type"] == "array"
    assert regions["readOnly"] is True


def test_the_schema_says_what_writing_published_does(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    hearing = schema["components"]["schemas"]["Hearing"]["properties"]
    assert hearing["published"]["description"] == (
        "Whether the public sees the hearing. Writing it publishes or withdraws the hearing as "
        "the back office's buttons do: the change is recorded with who made it and when. A new "
        "hearing is a draft unless written true."
    )
    assert (hearing["published_at"]["readOnly"], hearing["published_at"]["nullable"]) == (
        True,
        True,
    )


def test_schema_as_json_validates_too(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    validate(response.json())


def test_docs_are_served_from_installed_static_files_without_inline_script(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
