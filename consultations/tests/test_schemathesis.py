"""schemathesis against the live test server: requests generated from the API's own schema, as
an anonymous client and as staff with a token, for a bounded number of examples per operation.
No answer may be a server error, and every documented answer must match the schema."""

import pytest
import requests
import schemathesis
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from consultations.enums import ContributionStatus
from consultations.models import Hearing
from consultations.tests.factories import ContributionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 6


@pytest.fixture
def record(settings, tmp_path):
    """The seed with a published and a pending contribution, a registration, and the open-data
    file built as the scheduled command builds it (before that, the address answers 503)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    hearing = Hearing.objects.get()
    ContributionFactory(
        hearing=hearing, status=ContributionStatus.PUBLISHED, published_at=timezone.now()
    )
    ContributionFactory(hearing=hearing)
    RegistrationFactory(hearing=hearing)
    call_command("build_open_data", "--force", "--quiet")


def exercise(schema, base_url, headers):
    with requests.Session() as session:
        exercise_with(schema, base_url, headers, session)


def exercise_with(schema, base_url, headers, session):
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(
                base_url=base_url,
                session=session,
                headers=headers,
                checks=[not_a_server_error, response_schema_conformance],
            )

        run()


def test_generated_requests_get_no_server_error_and_match_the_schema(live_server, record, editor):
    rates = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"}}
    with override_settings(REST_FRAMEWORK=rates, ALLOWED_HOSTS=["*"]):
        document = requests.get(f"{live_server.url}/api/v1/schema/?format=json", timeout=30)
        assert document.status_code == 200
        schema = schemathesis.openapi.from_dict(document.json())
        exercise(schema, live_server.url, {})
        token = Token.objects.create(user=editor)
        exercise(schema, live_server.url, {"Authorization": f"Token {token.key}"})
