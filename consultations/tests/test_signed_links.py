"""Status links are signed with the secret key and live 90 days: after a key change, links signed
with the old key keep working while it is listed in DJANGO_SECRET_KEY_FALLBACKS, and only then."""

import pytest
from django.core import signing

from consultations.submission_views import (
    CONTRIBUTION_SALT,
    REGISTRATION_SALT,
    contribution_status_path,
    registration_status_path,
)
from consultations.tests.factories import ContributionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

OLD_KEY = "old-secret-key-" + "o1" * 30
NEW_KEY = "new-secret-key-" + "n2" * 30
LINKS = {
    "registration": (RegistrationFactory, registration_status_path, REGISTRATION_SALT),
    "contribution": (ContributionFactory, contribution_status_path, CONTRIBUTION_SALT),
}


@pytest.mark.parametrize("kind", LINKS)
def test_a_link_signed_with_the_old_key_works_while_the_old_key_is_a_fallback(
    client, settings, kind
):
    factory, status_path, salt = LINKS[kind]
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    record = factory()
    old_link = status_path(record)
    assert client.get(old_link).status_code == 200

    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    assert client.get(old_link).status_code == 200
    new_link = status_path(record)
    assert new_link != old_link
    token = new_link.rstrip("/").rsplit("/", 1)[1]
    assert signing.TimestampSigner(key=NEW_KEY, salt=salt).unsign(token) == str(record.pk)

    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200
