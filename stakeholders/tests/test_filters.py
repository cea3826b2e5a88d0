"""The search's bounds, written once: the pages keep the first 20 words and 200 characters, the
API refuses more (`validate_search`)."""

import pytest
from django.core.exceptions import ValidationError

from stakeholders.filters import search_words, validate_search
from stakeholders.tests.factories import OrganizationFactory


def test_search_words_keeps_the_first_20_words_and_200_characters():
    assert search_words("  migrant \n workers\t ") == "migrant workers"
    assert search_words(" ".join(f"w{n}" for n in range(1_000))) == " ".join(
        f"w{n}" for n in range(20)
    )
    assert search_words("x" * 10_000) == "x" * 200


@pytest.mark.parametrize(
    ("search", "refused"),
    [
        (" ".join(["word"] * 20), False),
        (" ".join(["word"] * 21), True),
        ("x" * 200, False),
        ("x" * 201, True),
        ("x" * 199 + " " * 1_000, False),
    ],
)
def test_validate_search_refuses_what_the_pages_would_cut(search, refused):
    if refused:
        with pytest.raises(ValidationError) as error:
            validate_search(search)
        assert error.value.messages == ["A search may hold at most 20 words and 200 characters."]
    else:
        validate_search(search)


@pytest.mark.django_db
def test_directory_reads_the_first_20_words_and_the_api_refuses_more(client):
    OrganizationFactory(slug="iom", name="International Organization for Migration")
    search = " ".join(["migration"] * 20 + ["nowhere"])
    page = client.get("/stakeholders/", {"q": search}).content.decode()
    assert 'href="/stakeholders/iom/"' in page
    response = client.get("/api/v1/organizations/", {"q": search})
    assert response.status_code == 400
    assert response.json() == {"q": ["A search may hold at most 20 words and 200 characters."]}
